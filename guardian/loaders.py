"""Reads lesson files and agent memory files into Lessons; every problem is a located LessonError.

Formats:

- JSON: one lesson object, or an array of lesson objects (each its own lesson).
- YAML: one lesson, a list of lessons, or several documents separated by ``---``.
- Markdown with YAML front matter: the front matter holds the fields (id, kind, title, ...),
  the Markdown after it, stripped, is the ``body``. A ``skill`` or ``patch`` without ``code``
  takes the first fenced ```python block of the body as its ``code``; the block also stays in
  the body, because the body is exactly the text an agent will read, and guardian checks what
  is read. ``body`` inside the front matter is refused (two bodies could hide one another).
- Agent memory files (AGENTS.md, CLAUDE.md, SKILL.md, ``.cursor/rules/*.mdc``, ...): each
  bullet or paragraph becomes a guidance lesson, see ``guardian.memory``. A Markdown file
  given explicitly without front matter is read the same way.

Refused, each with a message that names the file and the place: files over ``max_bytes``,
binary content (NUL bytes), invalid UTF-8 (a UTF-8 BOM is fine), empty lesson files, nesting
deeper than 64, NaN / Infinity / out-of-range numbers, duplicate keys (a second "body" could
hide from a reviewer), YAML anchors and aliases (alias bombs), YAML tags other than the core
JSON-like ones, non-string keys, and unpaired surrogates. YAML timestamps stay text: lesson
fields are JSON strings.

YAML is read with the safe loader's parser only (libyaml when available), not its composer:
values are built from parse events, so an alias is refused before anything could expand it,
nesting is bounded without recursion, and every value's position comes for free. JSON is
parsed by ``json`` in C; positions are scanned only when a message needs one.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from guardian.errors import LessonError
from guardian.records import Lesson, Source, SourceFormat
from guardian.schemas import SchemaError, validator
from guardian.syntax import (
    LineIndex,
    PointerMap,
    Position,
    SyntaxProblem,
    YamlDocument,
    offset_position,
    parse_json,
    parse_yaml,
    surrogate_pointer,
)

FORMAT_RULE = "lesson-format"
SCHEMA_RULE = "lesson-schema"
DEFAULT_MAX_BYTES = 1 << 20

_SUFFIX_FORMATS: dict[str, SourceFormat] = {
    ".json": "json", ".yaml": "yaml", ".yml": "yaml", ".md": "markdown", ".markdown": "markdown"}
#: File names (compared in lower case) that agents read as standing instructions.
MEMORY_NAMES = frozenset({
    "agents.md", "agent.md", "claude.md", "claude.local.md", "skill.md", "gemini.md",
    "copilot-instructions.md", ".cursorrules", ".windsurfrules"})
#: Directories a walk never enters; other hidden ones are skipped too, except AGENT_DIRS.
SKIP_DIRS = frozenset({
    ".git", ".hg", ".svn", ".guardian-cache", ".venv", "venv", "node_modules", "__pycache__",
    ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".hypothesis"})
#: Hidden directories that hold agent instructions; a walk picks only memory files in them.
AGENT_DIRS = frozenset({".cursor", ".claude", ".github"})

_BOM = b"\xef\xbb\xbf"
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _error(path: str, message: str, position: Position | None = None, *,
           pointer: str | None = None, rule: str = FORMAT_RULE) -> LessonError:
    line, column = position if position is not None else (None, None)
    return LessonError(message, path=path, line=line, column=column, pointer=pointer, rule=rule)


# --- files and bytes -----------------------------------------------------------------------

def _too_large(path: str, size: int | None, max_bytes: int) -> LessonError:
    amount = f"{size:,} bytes" if size is not None else "larger than that"
    return _error(path, f"file is {amount}, over the {max_bytes:,}-byte limit; split it into "
                        f"smaller lesson files or raise max_file_bytes in guardian.toml", (1, 1))


def read_file_bytes(path: Path | str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of a regular file of at most ``max_bytes``; raises a LessonError otherwise.

    Checks the size before reading and caps the read too (the file may grow meanwhile);
    opens non-blocking so that a FIFO cannot hang the pre-commit hook.
    """
    name = str(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(
        os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise _error(name, "file not found; check the path") from None
    except PermissionError:
        raise _error(name, "permission denied; guardian cannot read this file") from None
    except IsADirectoryError:
        raise _error(name, "is a directory; give lesson files, or let `guardian check` "
                           "search the directory") from None
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise _error(name, f"cannot open the file: {reason}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise _error(name, "is a directory; give lesson files, or let `guardian check` "
                               "search the directory")
        if not stat.S_ISREG(info.st_mode):
            raise _error(name, "not a regular file (a device, FIFO or socket); refusing to "
                               "read it")
        if info.st_size > max_bytes:
            raise _too_large(name, info.st_size, max_bytes)
        chunks: list[bytes] = []
        remaining = max_bytes + 1
        while remaining > 0:
            chunk = os.read(fd, min(remaining, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        if remaining <= 0:
            raise _too_large(name, None, max_bytes)
        return b"".join(chunks)
    except OSError as exc:
        raise _error(name, f"cannot read the file: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def _byte_position(data: bytes, offset: int) -> Position:
    line_start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", "replace")) + 1
    return data.count(b"\n", 0, offset) + 1, column


def decode_text(data: bytes, path: str) -> str:
    """UTF-8 text of a lesson or memory file (BOM dropped); refuses binary and other encodings."""
    if data.startswith(_BOM):
        data = data[len(_BOM):]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _error(path, "UTF-16 encoded text; save the file as UTF-8", (1, 1))
    nul = data.find(b"\x00")
    if nul != -1:
        line, column = _byte_position(data, nul)
        raise _error(path, f"binary file (a NUL byte at line {line}, column {column}); lesson "
                           f"and memory files must be UTF-8 text", (line, column))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _byte_position(data, exc.start)
        raise _error(path, f"not valid UTF-8: byte 0x{data[exc.start]:02x} ({exc.reason}); "
                           f"save the file as UTF-8", (line, column)) from None


# --- formats -------------------------------------------------------------------------------

def is_memory_path(path: Path | str) -> bool:
    """Whether an agent reads this file as memory: AGENTS.md, CLAUDE.md, SKILL.md, *.mdc, ...

    Also Markdown under ``.claude/`` (commands, agents, skills) or ``.cursor/rules/``, and
    GitHub Copilot's ``*.instructions.md``. Letter case does not matter.
    """
    p = Path(path)
    name = p.name.lower()
    if name in MEMORY_NAMES or name.endswith((".mdc", ".instructions.md")):
        return True
    if name.endswith(".md"):
        parents = [part.lower() for part in p.parts[:-1]]
        if ".claude" in parents:
            return True
        if ".cursor" in parents and "rules" in parents[parents.index(".cursor"):]:
            return True
    return False


def source_format(path: Path | str) -> SourceFormat | None:
    """The format a file is read as, from its name: json, yaml, markdown, memory, or None."""
    if is_memory_path(path):
        return "memory"
    return _SUFFIX_FORMATS.get(Path(path).suffix.lower())


def _unsupported(path: str) -> LessonError:
    return _error(path, "not a lesson or memory file: guardian reads .json, .yaml, .yml, "
                        "Markdown with YAML front matter, and memory files (AGENTS.md, "
                        "CLAUDE.md, SKILL.md, .mdc)", (1, 1))


def read_path(path: Path | str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[
        list[Lesson], list[LessonError]]:
    """Every lesson in one file and every problem found; never raises for content or OS trouble.

    Each schema violation is its own error, with JSON pointer and line/column. A file with
    several lessons (a JSON array, YAML documents, a memory file) still yields its good
    lessons when one of them is bad.
    """
    name = str(path)
    if source_format(path) is None and os.path.isfile(path):
        return [], [_unsupported(name)]  # refuse before reading an arbitrary file
    try:
        text = decode_text(read_file_bytes(path, max_bytes=max_bytes), name)
    except LessonError as exc:
        return [], [exc]
    return read_text(text, name)


def read_text(text: str, path: str, *, format: SourceFormat | None = None) -> tuple[
        list[Lesson], list[LessonError]]:
    """``read_path`` for text already in memory; ``path`` names it in messages and ids."""
    fmt = format or source_format(path)
    if fmt is None:
        return [], [_unsupported(path)]
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        if fmt == "memory":
            return [], []  # an empty memory file teaches nothing and hides nothing
        return [], [_error(path, "empty file: a lesson file must hold a lesson (id, kind, "
                                 "title, body)", (1, 1))]
    if fmt == "json":
        lessons, errors = _read_json(text, path)
    elif fmt == "yaml":
        lessons, errors = _read_yaml(text, path)
    elif fmt == "markdown":
        lessons, errors = _read_markdown(text, path)
    else:
        from guardian.memory import read_memory

        lessons, errors = read_memory(text, path)
    errors.sort(key=lambda e: (e.line or 0, e.column or 0))
    return lessons, errors


def load_lessons(path: Path | str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Lesson]:
    """The lessons in one file; raises the most relevant LessonError if anything is wrong."""
    lessons, errors = read_path(path, max_bytes=max_bytes)
    if errors:
        raise most_relevant(errors)
    return lessons


def most_relevant(errors: list[LessonError]) -> LessonError:
    """The error to show first: format problems before schema ones, shallow before deep."""
    return min(errors, key=lambda e: (e.rule != FORMAT_RULE, (e.pointer or "").count("/")))


# --- building lessons ----------------------------------------------------------------------

_SLUG_PATTERN = r"^[a-z0-9][a-z0-9._-]*(?!\n)$"
_MUST_BE_TEXT = ("must be of type", "must be one of", "does not match")


def _tokens(pointer: str) -> list[str]:
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]


def _field_name(pointer: str) -> str:
    out = ""
    for token in _tokens(pointer):
        out += f"[{token}]" if token.isdigit() else (f".{token}" if out else token)
    return out


def _value_at(doc: Any, pointer: str) -> Any:
    for token in _tokens(pointer):
        if isinstance(doc, Mapping):
            doc = doc.get(token)
        elif isinstance(doc, list) and token.isdigit() and int(token) < len(doc):
            doc = doc[int(token)]
        else:
            return None
    return doc


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    kind = {bool: "boolean", int: "integer", float: "number", str: "string", list: "array",
            dict: "object"}.get(type(value), type(value).__name__)
    shown = repr(value)
    return f"{kind} {shown if len(shown) <= 60 else shown[:57] + '...'}"


def _yaml_hint(value: Any) -> str:
    if isinstance(value, bool):
        return (" (YAML reads unquoted yes, no, on, off, true and false as booleans; put the "
                "value in quotes)")
    if isinstance(value, int | float):
        return " (YAML reads unquoted 1.0, 12:30 and the like as numbers; put the value in quotes)"
    if value is None:
        return " (an empty value or ~ is null in YAML; write the text)"
    return ""


def schema_message(error: SchemaError, doc: Any, *, yaml_like: bool = False) -> str:
    """A schema error phrased around the field: ``'kind' must be one of ...; got 'hint'``."""
    name = _field_name(error.pointer)
    message = error.message
    if message.startswith("missing required field"):
        where = f" in {name!r}" if name else " (a lesson needs id, kind, title and body)"
        return message + where
    if message.startswith("unknown field"):
        parent = _field_name(error.pointer[: error.pointer.rfind("/")])
        where = f" in {parent!r}" if parent else ""
        hint = "; extension fields must start with 'x-'" if not parent else ""
        head, _, allowed = message.partition(" (")
        return f"{head}{where} ({allowed}{hint}" if allowed else f"{head}{where}{hint}"
    value = _value_at(doc, error.pointer)
    subject = repr(name) if name else "the lesson"
    if message.startswith("must be of type"):
        expected = message[len("must be of type "):].split(", got ", 1)[0]
        if not name:
            return f"a lesson must be an object of fields (id, kind, title, body); got " \
                   f"{_describe(value)}"
        message = f"must be of type {expected}; got {_describe(value)}"
    if " does not match " in message:
        pattern = message.rsplit(" does not match ", 1)[1].strip("'")
        if pattern == _SLUG_PATTERN:
            return (f"{subject} must be a lowercase slug (letters a-z, digits, '.', '_', '-', "
                    f"starting with a letter or digit) such as 'prefer-pathlib'; got {value!r}")
        return f"{subject} must match {pattern}; got {value!r}"
    text = f"{subject} {message}"
    if yaml_like and message.startswith(_MUST_BE_TEXT) and not isinstance(value, str):
        text += _yaml_hint(value)
    return text


def lesson_from_document(doc: Any, source: Source, *, pointer_prefix: str = "") -> tuple[
        Lesson | None, list[LessonError]]:
    """Validate one lesson document against the lesson schema and build its Lesson.

    Returns the Lesson, or None with one located error per schema violation. Error pointers
    are file-level (``pointer_prefix`` + the lesson's own pointer); positions come from
    ``source.locate``.
    """
    yaml_like = source.format in ("yaml", "markdown")
    errors = []
    for problem in validator("lesson").iter_errors(doc):
        errors.append(_error(
            source.path, schema_message(problem, doc, yaml_like=yaml_like),
            source.position(problem.pointer), pointer=pointer_prefix + problem.pointer,
            rule=SCHEMA_RULE))
    if errors:
        return None, errors
    lesson = Lesson(id=doc["id"], kind=doc["kind"], title=doc["title"], body=doc["body"],
                    data=doc, source=source)
    return lesson, []


def _top_level(value: Any, path: str, position: Position) -> tuple[
        list[tuple[str, Any]], list[LessonError]]:
    if isinstance(value, dict):
        return [("", value)], []
    if isinstance(value, list):
        if not value:
            return [], [_error(path, "an empty list: the file holds no lesson", position)]
        return [(f"/{i}", item) for i, item in enumerate(value)], []
    kind = {str: "text", bool: "a boolean", int: "a number", float: "a number"}.get(
        type(value), type(value).__name__)
    shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
    return [], [_error(path, f"the file must hold a lesson object or a list of lesson "
                             f"objects; got {kind} {shown}", position)]


def _problem(path: str, problem: SyntaxProblem, *, pointer_prefix: str = "") -> LessonError:
    pointer = None if problem.pointer is None else pointer_prefix + problem.pointer
    return _error(path, problem.message, problem.position, pointer=pointer)


_YAML_COMMENT = re.compile(r"(?:^|[ \t])#(.*)$")


def yaml_comments(text: str, *, line_offset: int = 0) -> tuple[tuple[int, str], ...]:
    """``(line, text)`` of every ``#`` comment in YAML source (a ``#`` inside a quoted value is
    taken too: checking a value's text twice is harmless, missing a comment is not)."""
    if "#" not in text:
        return ()
    found = []
    for number, line in enumerate(text.split("\n"), 1 + line_offset):
        match = _YAML_COMMENT.search(line)
        if match and match.group(1).strip():
            found.append((number, match.group(1).strip()))
    return tuple(found)


def _lessons(items: list[tuple[str, Any]], path: str, fmt: SourceFormat,
             pointers: PointerMap, start: Callable[[int, str], Position],
             *, comments: tuple[tuple[int, str], ...] = ()) -> tuple[
                 list[Lesson], list[LessonError]]:
    lessons: list[Lesson] = []
    errors: list[LessonError] = []
    for n, (prefix, item) in enumerate(items):
        line, column = start(n, prefix)
        source = Source(path, fmt, line, column, pointers.under(prefix), comments)
        lesson, problems = lesson_from_document(item, source, pointer_prefix=prefix)
        errors.extend(problems)
        if lesson is not None:
            lessons.append(lesson)
    return lessons, errors


def _read_json(text: str, path: str) -> tuple[list[Lesson], list[LessonError]]:
    try:
        parsed = parse_json(text)
    except SyntaxProblem as problem:
        return [], [_problem(path, problem)]
    pointers = PointerMap.for_json(text)
    root = offset_position(text, len(text) - len(text.lstrip(" \t\r\n")))
    items, errors = _top_level(parsed.value, path, root)
    if _SURROGATE_ESCAPE.search(text):
        kept = []
        for prefix, item in items:
            bad = surrogate_pointer(item)
            if bad is None:
                kept.append((prefix, item))
                continue
            errors.append(_error(
                path, "text holds an unpaired surrogate escape (\\ud800-\\udfff), which is "
                      "not valid Unicode; remove it", pointers.locate(prefix + bad) or root,
                pointer=prefix + bad))
        items = kept
    starts = parsed.item_starts
    index = LineIndex(text)

    def start(_n: int, prefix: str) -> Position:
        if starts is None or not prefix:
            return root
        return index.position(starts[int(prefix[1:])])

    lessons, problems = _lessons(items, path, "json", pointers, start)
    return lessons, errors + problems


def _read_yaml(text: str, path: str) -> tuple[list[Lesson], list[LessonError]]:
    docs, syntax_problems = parse_yaml(text)
    errors = [_problem(path, p) for p in syntax_problems]
    lessons: list[Lesson] = []
    found_any = False
    comments = yaml_comments(text)
    for doc in docs:
        if doc.value is None:
            continue  # an empty document, e.g. after a trailing '---'
        found_any = True
        items, problems = _top_level(doc.value, path, (doc.line, doc.column))
        errors.extend(problems)
        table = doc.positions

        def start(_n: int, prefix: str, table: dict[str, Position] = table,
                  doc: YamlDocument = doc) -> Position:
            return table.get(prefix, (doc.line, doc.column))

        found, problems = _lessons(items, path, "yaml", PointerMap.of(table), start,
                                   comments=comments)
        lessons.extend(found)
        errors.extend(problems)
    if not found_any and not errors:
        errors.append(_error(path, "no lesson in the file (only comments or empty "
                                   "documents)", (1, 1)))
    return lessons, errors


# --- Markdown with front matter ------------------------------------------------------------

def _read_markdown(text: str, path: str) -> tuple[list[Lesson], list[LessonError]]:
    from guardian.memory import first_python_block, read_memory, split_front_matter

    front = split_front_matter(text)
    if front is None:
        return read_memory(text, path)
    docs, syntax_problems = parse_yaml(front.text, line_offset=front.line - 1)
    if syntax_problems:
        return [], [_problem(path, p) for p in syntax_problems]
    values = [d for d in docs if d.value is not None]
    if not values:
        return [], [_error(path, "the front matter is empty: it must hold the lesson's fields "
                                 "(id, kind, title, ...)", (1, 1))]
    doc = values[0]
    if len(values) > 1 or not isinstance(doc.value, dict):
        return [], [_error(path, "the front matter must be one mapping of lesson fields (id, "
                                 "kind, title, ...)", (doc.line, doc.column))]
    data: dict[str, Any] = dict(doc.value)
    positions = dict(doc.positions)
    if "body" in data:
        return [], [_error(path, "'body' must not be set in the front matter: the Markdown "
                                 "below the front matter is the body", positions.get("/body"),
                           pointer="/body")]
    body = front.body.strip()
    data["body"] = body
    leading = front.body[: len(front.body) - len(front.body.lstrip())]
    positions["/body"] = (front.body_line + leading.count("\n"), 1)
    if data.get("kind") in ("skill", "patch") and "code" not in data:
        block = first_python_block(front.body)
        if block is not None:
            data["code"], offset = block
            positions["/code"] = (front.body_line + offset, 1)
    source = Source(path, "markdown", 1, 1, PointerMap.of(positions).under(""),
                    yaml_comments(front.text, line_offset=front.line - 1))
    lesson, problems = lesson_from_document(data, source)
    return ([lesson] if lesson is not None else []), problems


# --- walking directories -------------------------------------------------------------------

def _starts_with_front_matter(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError:
        return True  # unreadable: let read_path report it rather than skip it silently
    if head.startswith(_BOM):
        head = head[len(_BOM):]
    return head.startswith(b"---") and head[3:4] in (b"\n", b"\r", b" ", b"\t", b"")


def is_candidate(path: Path) -> bool:
    """Whether a directory walk checks this file.

    Memory files (AGENTS.md, CLAUDE.md, CLAUDE.local.md, SKILL.md, *.mdc, ... in any letter
    case), *.json, *.yaml and *.yml lesson files, and other Markdown only when it starts with
    ``---`` front matter. Hidden files (``.eslintrc.json``) are not lessons.
    """
    if is_memory_path(path):
        return True
    if path.name.startswith("."):
        return False
    fmt = _SUFFIX_FORMATS.get(path.suffix.lower())
    if fmt == "markdown":
        return _starts_with_front_matter(path)
    return fmt is not None


def _enter(folder: Path, name: str) -> bool:
    if name in SKIP_DIRS or name.lower() in SKIP_DIRS:
        return False
    if name.startswith(".") and name.lower() not in AGENT_DIRS:
        return False
    return not (folder / name / "pyvenv.cfg").exists()  # any virtualenv


def iter_candidates(directory: Path) -> Iterator[Path]:
    """The files a walk of ``directory`` checks, sorted; deterministic for a given tree.

    Skips version-control, cache, virtualenv and dependency folders and other hidden
    directories, except ``.cursor``, ``.claude`` and ``.github``, where only memory files are
    taken. Symbolic links are not followed out of the tree, and symlinked directories are not
    entered. A folder that cannot be listed is yielded itself, so reading it reports the
    problem instead of silently skipping what it holds.
    """
    root = Path(directory)
    if not root.is_dir():
        yield root
        return
    real_root = root.resolve()
    found: list[Path] = []
    unlistable: list[Path] = []

    def on_error(exc: OSError) -> None:
        if exc.filename is not None:
            unlistable.append(Path(exc.filename))

    for folder, dirnames, filenames in os.walk(root, onerror=on_error, followlinks=False):
        here = Path(folder)
        dirnames[:] = sorted(d for d in dirnames if _enter(here, d) and not (here / d).is_symlink())
        inside_agent_dir = any(part.lower() in AGENT_DIRS for part in (
            real_root.name, *here.relative_to(root).parts))
        for name in filenames:
            path = here / name
            if path.is_symlink():
                try:
                    target = path.resolve(strict=True)
                except (OSError, RuntimeError):
                    continue
                if not target.is_relative_to(real_root) or not target.is_file():
                    continue
            if is_memory_path(path) if inside_agent_dir else is_candidate(path):
                found.append(path)
    found.extend(unlistable)
    yield from sorted(found, key=lambda p: p.parts)
