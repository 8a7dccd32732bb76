"""Agent memory files (AGENTS.md, CLAUDE.md, SKILL.md, .cursor/rules/*.mdc, ...) as lessons.

An agent reads these files whole, so nothing in them goes unchecked:

- each top-level bullet (with its continuation lines, sub-bullets and nested code) is one
  ``guidance`` lesson, and so is each paragraph and each standalone HTML comment (comments
  are a classic hiding place for injected instructions: they are kept, never dropped);
- a fenced code block belongs to the lesson before it in the same section, or stands alone;
- headings start each lesson's title, and the full heading path is its ``x-section`` field
  (checked like any other field); a heading with nothing under it is a lesson of its own;
- front matter (.mdc: description, globs, alwaysApply; SKILL.md: name, description, ...) is
  one lesson whose body is the raw front matter text and whose ``x-front-matter`` field holds
  the parsed values, so that YAML escapes cannot hide anything. Front matter that is not
  strict YAML (Cursor writes ``globs: *.ts`` unquoted, which YAML reads as an alias) is read
  as ``key: value`` lines instead: here it is text to check, not data to trust.

Ids are ``<slug of the file name>-l<line>``; ``provenance`` records the file and the line.
Lesson bodies keep the text as written (list markers and the item's indentation removed), so
that what is checked is what the agent reads.
"""

from __future__ import annotations

import re
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from guardian.errors import LessonError
    from guardian.records import Lesson

TITLE_LIMIT = 80

_FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})(.*)$")
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_THEMATIC = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_BULLET = re.compile(r"^( {0,3})([-*+]|\d{1,9}[.)])([ \t]+|$)")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_COMMENT_START = re.compile(r"^ {0,3}<!--")
_LOOSE_FIELD = re.compile(r"^([A-Za-z0-9_][\w.-]*)[ \t]*:(.*)$")
_PYTHON_INFO = frozenset({"python", "py", "python3"})


# --- front matter --------------------------------------------------------------------------

class FrontMatter(NamedTuple):
    """YAML front matter: its text (between the ``---`` lines), where it starts, what follows."""

    text: str
    line: int
    body: str
    body_line: int


def split_front_matter(text: str) -> FrontMatter | None:
    """The front matter of a Markdown text, or None when it does not open with a closed one.

    It opens with a ``---`` line as the very first line and closes at the next ``---`` or
    ``...`` line (trailing spaces allowed).
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.startswith("---"):
        return None
    first_end = text.find("\n")
    if first_end == -1 or text[:first_end].rstrip() != "---":
        return None
    pos, line = first_end + 1, 2
    while pos <= len(text):
        end = text.find("\n", pos)
        stop = len(text) if end == -1 else end
        if text[pos:stop].rstrip() in ("---", "..."):
            body = "" if end == -1 else text[end + 1:]
            return FrontMatter(text[first_end + 1: pos], 2, body, line + 1)
        if end == -1:
            return None
        pos, line = end + 1, line + 1
    return None


def _loose_fields(text: str) -> dict[str, str]:
    """``key: value`` lines of front matter that is not strict YAML; indented lines continue."""
    fields: dict[str, str] = {}
    key: str | None = None
    for raw in text.split("\n"):
        line = raw.rstrip("\r")
        match = _LOOSE_FIELD.match(line)
        if match and not line[:1].isspace():
            key = match.group(1)
            value = match.group(2).strip()
            fields[key] = f"{fields[key]}\n{value}" if key in fields else value
        elif key is not None and line.strip():
            fields[key] = f"{fields[key]}\n{line.strip()}".strip("\n")
        elif line.strip():
            fields.setdefault("x-text", "")
            fields["x-text"] = f"{fields['x-text']}\n{line.strip()}".strip("\n")
    return fields


# --- Markdown blocks -----------------------------------------------------------------------

def _indent(line: str) -> int:
    width = 0
    for ch in line:
        if ch == " ":
            width += 1
        elif ch == "\t":
            width += 4 - width % 4
        else:
            break
    return width


def _dedent(line: str, width: int) -> str:
    column = 0
    for i, ch in enumerate(line):
        if column >= width or ch not in " \t":
            return line[i:]
        column += 1 if ch == " " else 4 - column % 4
    return ""


def _inside_comment(text: str, inside: bool) -> bool:
    """Whether an HTML comment is still open after ``text``, given the state before it."""
    pos = 0
    while True:
        if inside:
            end = text.find("-->", pos)
            if end == -1:
                return True
            inside, pos = False, end + 3
        else:
            start = text.find("<!--", pos)
            if start == -1:
                return False
            inside, pos = True, start + 4


def _fence_end(lines: list[str], start: int, opening: re.Match[str],
               width: int = 0) -> tuple[int, bool]:
    """Index just past the fence opened at ``start``, and whether a closing fence was found.

    ``width`` is the indentation of the container (a list item) the fence sits in.
    """
    marker = opening.group(2)
    closing = re.compile(rf"^ {{0,3}}{re.escape(marker[0])}{{{len(marker)},}}[ \t]*$")
    for j in range(start + 1, len(lines)):
        if closing.match(_dedent(lines[j], width)):
            return j + 1, True
    return len(lines), False


def _opening_fence(line: str) -> re.Match[str] | None:
    match = _FENCE.match(line)
    if match and not (match.group(2)[0] == "`" and "`" in match.group(3)):
        return match
    return None


def first_python_block(markdown: str) -> tuple[str, int] | None:
    """The first fenced ```python block of ``markdown``: its code and its first line's index."""
    lines = markdown.split("\n")
    i = 0
    while i < len(lines):
        opening = _opening_fence(lines[i].rstrip("\r"))
        if opening is None:
            i += 1
            continue
        end, closed = _fence_end(lines, i, opening)
        info = opening.group(3).strip().lower().split()
        if info and info[0].strip("{}.") in _PYTHON_INFO:
            last = end - 1 if closed else end
            indent = len(opening.group(1))
            code = "\n".join(_dedent(x.rstrip("\r"), indent) for x in lines[i + 1: last])
            if code.strip():
                return code, i + 1
        i = end
    return None


class _Heading:
    """A heading on the current path; ``covered`` once some lesson sits under it."""

    __slots__ = ("covered", "level", "line", "text")

    def __init__(self, level: int, text: str, line: int) -> None:
        self.level = level
        self.text = text
        self.line = line
        self.covered = False


class Block:
    """One lesson-sized piece of a memory file: where it starts, its lines, its headings.

    ``section`` is the heading path above it, each heading with its line.
    """

    __slots__ = ("column", "line", "lines", "section")

    def __init__(self, line: int, column: int, lines: list[str],
                 section: list[tuple[str, int]]) -> None:
        self.line = line
        self.column = column
        self.lines = lines
        self.section = section

    def __repr__(self) -> str:
        return f"Block(line={self.line}, column={self.column}, lines={self.lines!r})"

    @property
    def text(self) -> str:
        return "\n".join(self.lines).strip(" \t\r\n")


def _starts_block(line: str) -> bool:
    return bool(_opening_fence(line) or _ATX.match(line) or _THEMATIC.match(line)
                or _COMMENT_START.match(line) or _BULLET.match(line))


class _Segmenter:
    """Splits Markdown lines into blocks; see the module docstring for the rules."""

    def __init__(self, lines: list[str], first_line: int) -> None:
        self.lines = lines
        self.first_line = first_line
        self.blocks: list[Block] = []
        self.headings: list[_Heading] = []
        self.last: Block | None = None

    def add(self, index: int, lines: list[str], column: int = 1) -> None:
        if not any(line.strip(" \t\r\n") for line in lines):
            return  # nothing to read, nothing to check (an empty bullet)
        for heading in self.headings:
            heading.covered = True
        block = Block(self.first_line + index, column, lines,
                      [(h.text, h.line) for h in self.headings])
        self.blocks.append(block)
        self.last = block

    def close_headings(self, level: int) -> None:
        while self.headings and self.headings[-1].level >= level:
            heading = self.headings.pop()
            if not heading.covered:  # nothing under it: the heading itself is the lesson
                self.add(heading.line - self.first_line, [heading.text])

    def heading(self, level: int, text: str, index: int) -> None:
        self.close_headings(level)
        if text:
            self.headings.append(_Heading(level, text, self.first_line + index))
        self.last = None

    def run(self) -> list[Block]:
        lines = self.lines
        i = 0
        while i < len(lines):
            line = lines[i]
            if not line.strip():
                i += 1
                continue
            opening = _opening_fence(line)
            if opening is not None:
                end, _ = _fence_end(lines, i, opening)
                if self.last is not None:
                    self.last.lines.extend(["", *lines[i:end]])
                else:
                    self.add(i, lines[i:end], len(opening.group(1)) + 1)
                i = end
            elif _COMMENT_START.match(line):
                end = self._comment_end(i)
                self.add(i, lines[i:end], _indent(line) + 1)
                i = end
            elif atx := _ATX.match(line):
                self.heading(len(atx.group(1)), (atx.group(2) or "").strip(), i)
                i += 1
            elif _THEMATIC.match(line):
                self.last = None
                i += 1
            elif bullet := _BULLET.match(line):
                i = self._bullet(i, bullet)
            else:
                i = self._paragraph(i)
        self.close_headings(1)
        self.blocks.sort(key=lambda b: b.line)
        return self.blocks

    def _comment_end(self, start: int) -> int:
        inside = False
        for j in range(start, len(self.lines)):
            inside = _inside_comment(self.lines[j], inside)
            if not inside:
                return j + 1
        return len(self.lines)

    def _bullet(self, start: int, bullet: re.Match[str]) -> int:
        lines = self.lines
        marker_end = len(bullet.group(1)) + len(bullet.group(2))
        spaces = _indent(" " * marker_end + bullet.group(3)) - marker_end
        width = marker_end + (spaces if 0 < spaces <= 4 else 1)
        first = lines[start][bullet.end():] if spaces <= 4 else lines[start][marker_end + 1:]
        inside = _inside_comment(first, False)
        last, blank, j = start, False, start + 1
        while j < len(lines):
            line = lines[j]
            if inside:
                inside = _inside_comment(line, True)
                last, j = j, j + 1
                continue
            if not line.strip():
                blank, j = True, j + 1
                continue
            indented = _indent(line) >= width
            if not indented and (blank or _starts_block(line)):
                break
            nested = _opening_fence(_dedent(line, width)) if indented else None
            if nested is not None:
                j, _ = _fence_end(lines, j, nested, width)
                last, blank = j - 1, False
                continue
            inside = _inside_comment(line, False)
            last, blank, j = j, False, j + 1
        body = [first, *(_dedent(x, width) for x in lines[start + 1: last + 1])]
        self.add(start, body, len(bullet.group(1)) + 1)
        return last + 1

    def _paragraph(self, start: int) -> int:
        lines = self.lines
        inside = _inside_comment(lines[start], False)
        j = start + 1
        while j < len(lines):
            line = lines[j]
            if inside:
                inside = _inside_comment(line, True)
                j += 1
                continue
            if not line.strip():
                break
            if _SETEXT.match(line):
                text = " ".join(x.strip() for x in lines[start:j])
                self.heading(1 if line.strip()[0] == "=" else 2, text, start)
                return j + 1
            if _starts_block(line):
                break
            inside = _inside_comment(line, False)
            j += 1
        chunk = lines[start:j]
        common = min(_indent(x) for x in chunk if x.strip())
        self.add(start, [_dedent(x, common) for x in chunk], _indent(lines[start]) + 1)
        return j


def memory_blocks(markdown: str, first_line: int = 1) -> list[Block]:
    """The blocks of a memory file's Markdown (after any front matter), in line order."""
    lines = [x[:-1] if x.endswith("\r") else x for x in markdown.split("\n")]
    return _Segmenter(lines, first_line).run()


# --- lessons -------------------------------------------------------------------------------

def _slug(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug[:100].rstrip("-") or "memory"


def _shorten(text: str, limit: int = TITLE_LIMIT) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 3]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip() + "..."


_MARKUP = re.compile(r"<!--|-->|^\s*(?:[-*+>]|\d{1,9}[.)]|#{1,6})\s+")


def _first_words(text: str) -> str:
    """The first line of ``text`` that says something, without comment and list markup."""
    for candidate in text.split("\n"):
        if _opening_fence(candidate) or _FENCE.match(candidate):
            continue
        words = _MARKUP.sub(" ", candidate).strip()
        if any(ch.isalnum() for ch in words):
            return words
    return text.strip()


def _title(section: list[str], text: str, line: int) -> str:
    words = _first_words(text)
    prefix = " > ".join(section)
    title = f"{prefix}: {words}" if prefix and words else prefix or words
    return _shorten(title) or f"line {line}"


def read_memory(text: str, path: str) -> tuple[list[Lesson], list[LessonError]]:
    """One guidance lesson per bullet, paragraph, comment or bare heading of a memory file.

    A section that fails the lesson schema (say, a paragraph over the size limit) is
    reported, and the file's other lessons are still returned.
    """
    from guardian.loaders import lesson_from_document
    from guardian.records import Source
    from guardian.syntax import PointerMap, parse_yaml

    if text.startswith("\ufeff"):
        text = text[1:]
    slug = _slug(PurePath(path).name)
    origin = path[-1000:]
    lessons: list[Lesson] = []
    errors: list[LessonError] = []

    def emit(data: dict[str, Any], line: int, column: int,
             positions: dict[str, tuple[int, int]]) -> None:
        positions[""] = (line, column)
        source = Source(path, "memory", line, column, PointerMap.of(positions).under(""))
        lesson, problems = lesson_from_document(data, source)
        errors.extend(problems)
        if lesson is not None:
            lessons.append(lesson)

    front = split_front_matter(text)
    markdown, first_line = (front.body, front.body_line) if front else (text, 1)
    if front is not None and front.text.strip():
        docs, problems = parse_yaml(front.text, line_offset=front.line - 1)
        parsed: Any = docs[0].value if len(docs) == 1 and not problems else None
        positions: dict[str, tuple[int, int]] = {}
        if isinstance(parsed, dict):
            positions = {f"/x-front-matter{p}": at for p, at in docs[0].positions.items()}
        else:
            parsed = _loose_fields(front.text)
        summary = next((str(parsed[k]) for k in ("description", "name") if parsed.get(k)), "")
        body = front.text.strip(" \t\r\n")
        emit({"id": f"{slug}-l1", "kind": "guidance",
              "title": _shorten(f"Front matter: {summary or body}"), "body": body,
              "provenance": {"file": origin, "line": 1}, "x-front-matter": parsed},
             1, 1, positions)
    for block in memory_blocks(markdown, first_line):
        body = block.text
        if not body:
            continue
        section = [heading for heading, _ in block.section]
        data: dict[str, Any] = {
            "id": f"{slug}-l{block.line}", "kind": "guidance",
            "title": _title(section, body, block.line), "body": body,
            "provenance": {"file": origin, "line": block.line}}
        if section:
            data["x-section"] = section
        emit(data, block.line, block.column,
             {f"/x-section/{k}": (line, 1) for k, (_, line) in enumerate(block.section)})
    return lessons, errors
