"""Finding the Python in a lesson: its ``code`` field and the fenced blocks of its body."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from guardian.records import Lesson

_PYTHON_LANGS = frozenset({"python", "py", "python3", "py3", "pycon", "ipython", "pyi",
                           "python-repl", "pyodide"})


@dataclass(frozen=True, slots=True)
class CodeBlock:
    """A piece of Python inside a lesson: where it is, its text, and how strictly to judge it.

    ``first_line`` is the line of ``field`` on which the code starts (1 for ``code``).
    ``strict``: a syntax error blocks. ``example``: only grave constructs block (guidance).
    ``tagged``: the author said it is Python (an untagged fence is checked only if it parses).
    """

    field: str
    source: str
    first_line: int = 1
    strict: bool = True
    example: bool = False
    tagged: bool = True

    def where(self, line: int, col: int) -> str:
        """``code line 3:5`` or ``body line 12:5 (python block)``."""
        if self.field == "/code":
            return f"code line {self.first_line + line - 1}:{col}"
        return f"{self.field.lstrip('/')} line {self.first_line + line - 1}:{col} (python block)"


@cache
def _fence() -> re.Pattern[str]:
    return re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`\n]*)$")


@cache
def _line_break() -> re.Pattern[str]:
    return re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """``text`` split into lines at ``\\r\\n``, ``\\r`` or ``\\n``."""
    return _line_break().split(text)


def fenced_blocks(text: str) -> list[tuple[str, int, str]]:
    """Every fenced Markdown code block in ``text`` as ``(language, first code line, code)``."""
    lines = split_lines(text)
    out: list[tuple[str, int, str]] = []
    i = 0
    while i < len(lines):
        match = _fence().match(lines[i])
        if match is None:
            i += 1
            continue
        fence = match["fence"]
        indent = len(match["indent"])
        info = match["info"].strip()
        lang = info.split()[0].strip("{}.").lower() if info else ""
        j = i + 1
        body: list[str] = []
        while j < len(lines):
            stripped = lines[j].strip()
            if stripped.startswith(fence) and not stripped.strip(fence[0]):
                break
            line = lines[j]
            k = 0
            while k < indent and k < len(line) and line[k] in " \t":
                k += 1
            body.append(line[k:])
            j += 1
        out.append((lang, i + 2, "\n".join(body)))
        i = j + 1
    return out


def _strip_prompts(source: str) -> str:
    """The code of a ``pycon`` session: lines after ``>>>`` / ``...`` prompts, output dropped."""
    kept = []
    for line in source.split("\n"):
        if line.startswith((">>> ", "... ")) or line in (">>>", "..."):
            kept.append(line[4:])
        else:
            kept.append("")  # keep line numbers aligned
    return "\n".join(kept)


def code_blocks(lesson: Lesson) -> list[CodeBlock]:
    """The Python this rule checks in ``lesson``: its ``code`` and fenced blocks in its body."""
    blocks: list[CodeBlock] = []
    code = lesson.code
    if code is not None and code.strip():
        wrapped = _unwrap_fences(code)
        if wrapped is None:
            blocks.append(CodeBlock("/code", _dedent(code)))
        else:  # an agent wrapped its code in Markdown fences: check what is inside
            blocks.extend(CodeBlock("/code", _dedent(src), first) for first, src in wrapped)
    example = lesson.kind == "guidance"
    if "```" not in lesson.body and "~~~" not in lesson.body:
        return blocks
    for lang, first, source in fenced_blocks(lesson.body):
        if lang in _PYTHON_LANGS:
            text = _strip_prompts(source) if lang in ("pycon", "python-repl") else source
            blocks.append(CodeBlock("/body", _dedent(text), first, strict=False,
                                    example=example))
        elif not lang:
            blocks.append(CodeBlock("/body", _dedent(source), first, strict=False,
                                    example=example, tagged=False))
    return blocks


def _unwrap_fences(code: str) -> list[tuple[int, str]] | None:
    """The Python fences of a ``code`` field made only of fences; None if it is plain code."""
    if not code.lstrip().startswith(("```", "~~~")):
        return None
    found = fenced_blocks(code)
    if not found or any(lang not in _PYTHON_LANGS and lang for lang, _, _ in found):
        return None
    lines = split_lines(code)
    inside = {first + k for _, first, src in found for k in range(src.count("\n") + 1)}
    outside = [line for n, line in enumerate(lines, 1) if n not in inside and
               not _fence().match(line) and line.strip() and not line.strip().startswith(
                   ("```", "~~~"))]
    if outside:
        return None  # text outside the fences: judge the whole field (it will not parse)
    return [(first, src) for _, first, src in found]


def _dedent(source: str) -> str:
    """``source`` without the indentation common to all its lines (a pasted method body)."""
    for line in source.split("\n"):
        if line.strip():
            if line[:1] not in (" ", "\t"):
                return source
            import textwrap  # only for indented code: not worth its import time at start-up

            return textwrap.dedent(source)
    return source
