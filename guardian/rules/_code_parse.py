"""Parsing lesson code: a located syntax error, or a token scan of code that does not parse."""

from __future__ import annotations

import ast
import io
import re
import tokenize
import unicodedata
import warnings
from dataclasses import dataclass
from functools import cache

from guardian.rules._code_tables import FRAME_ATTRS, HIDDEN_ATTRS, classify


@dataclass(slots=True)
class Hit:
    """One dangerous construct in a code block (line/column 1-based within the block)."""

    line: int
    col: int
    category: str
    text: str
    name: str | None = None
    soft: bool = False


@cache
def _unreadable() -> re.Pattern[str]:
    return re.compile("[\x00\ud800-\udfff]")


def _nul_or_surrogate(source: str) -> tuple[int, int, str] | None:
    """Line, column and code point of the first NUL or lone surrogate in ``source``."""
    found = _unreadable().search(source)
    if found is None:
        return None
    index = found.start()
    line = source.count("\n", 0, index) + 1
    col = index - (source.rfind("\n", 0, index) + 1) + 1
    return line, col, f"U+{ord(source[index]):04X}"


def parse(source: str) -> tuple[ast.Module | None, Hit | None]:
    """Parse ``source``; on failure a ``syntax`` Hit that says where and what the parser said."""
    bad = _nul_or_surrogate(source) if ("\x00" in source or not source.isascii()) else None
    if bad is not None:
        line, col, char = bad
        what = "a NUL character" if char == "U+0000" else f"an unpaired surrogate ({char})"
        return None, Hit(line, col, "syntax", f"contains {what}, which Python source cannot hold")
    try:
        with warnings.catch_warnings():  # "invalid escape sequence" and the like: not ours
            warnings.simplefilter("ignore")
            return ast.parse(source), None
    except SyntaxError as exc:
        line = exc.lineno or 1
        col = exc.offset or 1
        return None, Hit(line, col, "syntax", f"does not parse as Python: {exc.msg}")
    except (ValueError, UnicodeError) as exc:
        return None, Hit(1, 1, "syntax", f"cannot be read as Python source: {exc}")
    except (RecursionError, MemoryError):
        return None, Hit(1, 1, "syntax", "is nested too deeply for the parser to analyse")


def token_scan(source: str) -> list[Hit]:
    """Dangerous dotted names and calls in code that does not parse, found token by token.

    A fallback so that a deliberately broken block cannot hide ``os.system(...)``: strings and
    comments are tokens of their own and are skipped; names are NFKC-normalised as Python does.
    """
    tokens: list[tokenize.TokenInfo] = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            tokens.append(tok)
    except (tokenize.TokenError, SyntaxError, ValueError):
        pass
    hits: list[Hit] = []
    in_import = False
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type in (tokenize.NEWLINE, tokenize.NL) or tok.string == ";":
            in_import = False
        if tok.type != tokenize.NAME or (i and tokens[i - 1].string == "."):
            i += 1
            continue
        parts = [unicodedata.normalize("NFKC", tok.string)]
        j = i + 1
        while j + 1 < len(tokens) and tokens[j].string == "." and \
                tokens[j + 1].type == tokenize.NAME:
            parts.append(unicodedata.normalize("NFKC", tokens[j + 1].string))
            j += 2
        name = ".".join(parts)
        if name in ("import", "from"):
            in_import = True
        else:
            danger = classify(name)
            called = j < len(tokens) and tokens[j].string == "("
            line, col = tok.start
            if danger is not None and (in_import or called or "." in name) and (
                    not danger.call_only or called):
                hits.append(Hit(line, col + 1, danger.category, f"{name} {danger.what}",
                                name=name, soft=danger.soft))
            elif parts[-1] in FRAME_ATTRS or parts[-1] in HIDDEN_ATTRS or \
                    parts[-1] == "__subclasses__":
                hits.append(Hit(line, col + 1, "import", f"{name} reaches interpreter internals"))
        i = j
    return hits


#: Lines that only another language writes: (language, pattern), judged line by line.
_FOREIGN_STRONG: tuple[tuple[str, str], ...] = (
    ("shell", r"#!\s*/(?:usr/)?bin/(?:env\s+)?(?:ba|z|k|da)?sh\b"),
    ("JavaScript", r"#!\s*/usr/bin/env\s+(?:node|deno|bun)\b"),
    ("shell", r"\s*set\s+[-+][eEuxo]+(?:\s+pipefail)?\s*$"),
    ("shell", r"\s*(?:fi|done|esac|then|do)\s*$"),
    ("shell", r"\s*(?:if|while)\s+\[\[?\s"),
    ("Go", r"package\s+\w+\s*$"),
    ("Go", r"func\s+(?:\([^)]*\)\s*)?\w+\s*\([^)]*\)[^{]*\{\s*$"),
    ("Go", r".*\b\w+\s*:=\s*"),
    ("JavaScript", r"\s*(?:export\s+)?(?:const|let|var)\s+[\w${}\[\], ]+\s*=\s*[^=].*;\s*$"),
    ("JavaScript", r"\s*(?:let|var)\s+\w+\s*;\s*$"),
    ("JavaScript", r"\s*(?:export\s+)?(?:default\s+)?(?:async\s+)?function\s*\*?\s*\w*\s*\("
                   r"[^)]*\)\s*\{"),
    ("JavaScript", r"\s*import\s+(?:\{[^}]*\}|\*\s+as\s+\w+|\w+)\s+from\s+['\"]"),
    ("JavaScript", r".*\)\s*=>\s*\{?\s*$"),
    ("TypeScript", r"\s*(?:export\s+)?(?:interface|type)\s+\w+(?:<[^>]*>)?\s*(?:=|\{)"),
    ("Rust", r"\s*(?:pub\s+)?fn\s+\w+\s*(?:<[^>]*>)?\s*\([^)]*\)\s*(?:->\s*[^{]+)?\{\s*$"),
    ("Rust", r"\s*(?:let\s+mut\s+\w+|use\s+\w+(?:::\w+)+;|impl(?:<[^>]*>)?\s+\w+)"),
    ("Java/C", r"\s*(?:public|private|protected)\s+(?:static\s+)?(?:final\s+)?[\w<>\[\],]+\s+\w+"
               r"\s*\([^)]*\)\s*(?:throws\s+[\w, ]+)?\{?\s*$"),
    ("C", r"\s*#\s*include\s*[<\"]"),
    ("C", r"\s*(?:int|void|char|static\s+\w+)\s+\**\w+\s*\([^)]*\)\s*\{?\s*$"),
)
#: Weaker hints: a line ending in ``;`` ``{`` or ``}``, ``//`` comments, shell pipelines.
_FOREIGN_WEAK = r"[^#\n]*(?:;|\{|\})\s*$|\s*//|\s*\}|[^#\n]*\|\s*(?:grep|sed|awk|xargs|sort|tee)\b"


@cache
def _foreign_res() -> tuple[list[tuple[str, re.Pattern[str]]], re.Pattern[str]]:
    return ([(lang, re.compile(p)) for lang, p in _FOREIGN_STRONG], re.compile(_FOREIGN_WEAK))


def other_language(source: str) -> str | None:
    """The language ``source`` is clearly written in when it is not Python, else None.

    Two lines that only that language writes, or one such line and enough lines ending in
    braces or semicolons. Python that merely fails to parse has neither.
    """
    strong, weak = _foreign_res()
    votes: dict[str, int] = {}
    weak_lines = lines = 0
    for line in source.split("\n")[:400]:
        if not line.strip():
            continue
        lines += 1
        for lang, pattern in strong:
            if pattern.match(line):
                votes[lang] = votes.get(lang, 0) + 1
                break
        else:
            if weak.match(line):
                weak_lines += 1
    if not votes:
        return None
    lang = max(votes.items(), key=lambda kv: kv[1])[0]
    total = sum(votes.values())
    if total >= 2 or (total == 1 and weak_lines >= 1) or (total == 1 and lines <= 2):
        return lang
    return None
