"""code-payload: AST checks on lesson code for spawning, network, eval, import tricks and writes.

The checks run on the parsed AST, never on raw text: Python folds identifiers with NFKC, so
``ｅｘｅｃ(...)`` *is* ``exec(...)`` and must be judged as such, while a docstring or comment
that merely mentions ``subprocess`` is not code. Names are resolved through imports and simple
assignments (``import subprocess as sp``, ``run = sp.run``, ``getattr(os, "system")``,
``sys.modules["os"]``, ``__import__("os")``), and strings assembled from constants (``"ev" +
"al"``, ``"".join(map(chr, [...]))``, ``"metsys"[::-1]``, base64/hex/rot13 of constants) are
folded and compared with the dangerous names, since building a name from pieces has no benign
purpose. What is checked: ``code`` of every lesson; fenced Python blocks in the body (blocks of
guidance lessons only block on the gravest constructs, since guidance may show a bad example).

This module turns hits into findings; the work is done in private modules: ``_code_extract``
finds the Python in a lesson, ``_code_parse`` parses it (or scans the tokens of code that does
not parse), and ``_code_checks`` walks the AST, building on ``_code_fold`` (constant folding),
``_code_scope`` (name resolution), ``_code_paths`` (file operations) and ``_code_strings``
(strings built from pieces), with the danger tables in ``_code_tables``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from fnmatch import fnmatchcase
from typing import Any, ClassVar

from guardian.policy.base import BaseRule, CheckContext
from guardian.records import Finding, Lesson, Severity
from guardian.rules._code_checks import Analyzer, analyse
from guardian.rules._code_extract import CodeBlock, code_blocks, fenced_blocks, split_lines
from guardian.rules._code_fold import TooDeep
from guardian.rules._code_parse import Hit, other_language, parse, token_scan
from guardian.rules._code_tables import CATEGORIES, classify
from guardian.text import excerpt as _excerpt

__all__ = ["CodeBlock", "CodePayloadRule", "Hit", "analyse", "classify", "code_blocks",
           "fenced_blocks", "parse", "token_scan"]

_MAX_HITS = 25


def _redact(text: str) -> str:
    return re.sub(r"([A-Za-z0-9+/_\-]{6})[A-Za-z0-9+/_\-=]{26,}", r"\1…", text)


class CodePayloadRule(BaseRule):
    """Blocks code that spawns processes, connects, evaluates strings, hides names, or writes
    tests and configuration; unparsable ``code`` blocks too."""

    name: ClassVar[str] = "code-payload"
    defaults: ClassVar[dict[str, Any]] = {"allow_imports": [], "allow_calls": []}

    def configure(self) -> None:
        for option in ("allow_imports", "allow_calls"):
            value = self.options[option]
            if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
                raise ValueError(f"option {option} must be a list of dotted names, got "
                                 f"{value!r}")
        self._allow_imports = tuple(self.options["allow_imports"])
        self._allow_calls = tuple(self.options["allow_calls"])

    def _allowed(self, hit: Hit) -> bool:
        if hit.name is None:
            return False
        name = hit.name
        if any(name == m or name.startswith(m + ".") for m in self._allow_imports):
            return True
        return any(fnmatchcase(name, pattern) for pattern in self._allow_calls)

    def check(self, lesson: Lesson, ctx: CheckContext) -> Iterator[Finding]:
        """Findings for every dangerous construct in the lesson's code and Python blocks."""
        for block in code_blocks(lesson):
            yield from self._check_block(block)

    def _check_block(self, block: CodeBlock) -> Iterator[Finding]:
        tree, error = parse(block.source)
        lines = split_lines(block.source)
        if tree is None:
            assert error is not None
            if block.tagged:
                error.soft = not block.strict
                lang = other_language(block.source) if error.text.startswith(
                    "does not parse as Python") else None
                if lang is not None:  # Go, JavaScript, shell: not ours to parse
                    error = Hit(error.line, error.col, "syntax", f"looks like {lang}, not "
                                f"Python: not analysed as Python ({error.text})", soft=True)
                hits = [error, *token_scan(block.source)]
            else:  # an untagged fence that is not Python (shell, output): only dotted
                hits = token_scan(block.source)  # names, calls and imports of Python count
        else:
            analyzer = Analyzer(tree, lines)
            try:
                hits = analyzer.run()
            except (TooDeep, RecursionError):
                hits = [*analyzer.hits,
                        Hit(1, 1, "syntax", "is nested too deeply to analyse safely")]
        seen: set[tuple[int, str, str]] = set()
        kept: list[Hit] = []
        for hit in sorted(hits, key=lambda h: (h.line, h.col)):
            key = (hit.line, hit.category, hit.text)
            if key in seen or self._allowed(hit):
                continue
            seen.add(key)
            kept.append(hit)
        for hit in kept[:_MAX_HITS]:
            yield self._finding(block, hit, lines)
        if len(kept) > _MAX_HITS:
            worst: Severity = "block" if any(self._severity(block, h) == "block"
                                   for h in kept[_MAX_HITS:]) else "warn"
            yield self.finding(block.field, f"{block.where(1, 1).split(' line')[0]}: "
                               f"{len(kept) - _MAX_HITS} more dangerous construct(s) not listed",
                               severity=worst)

    def _severity(self, block: CodeBlock, hit: Hit) -> Severity:
        if hit.soft:
            return "warn"
        if block.example and not CATEGORIES[hit.category][2]:
            return "warn"
        return "block"

    def _finding(self, block: CodeBlock, hit: Hit, lines: Sequence[str]) -> Finding:
        why, fix, _grave = CATEGORIES[hit.category]
        message = f"{block.where(hit.line, hit.col)}: {hit.text} — {why}. Fix: {fix}."
        snippet = None
        if 0 < hit.line <= len(lines):
            text = lines[hit.line - 1]
            snippet = _redact(_excerpt(text, max(hit.col - 1, 0), hit.col, width=80).strip())
        return self.finding(block.field, message, excerpt=snippet,
                            severity=self._severity(block, hit))
