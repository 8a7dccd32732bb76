"""Safe parsing of lesson text into JSON-like values, with the position of every value.

Positions are 1-based (line, column); columns count characters (code points), like SARIF's
``unicodeCodePoints``, and only "\\n" ends a line. JSON is parsed by ``json`` in C, which knows
nothing about positions: a tolerant scanner maps JSON pointers to places, run only when a
message needs one (a finding, a schema error, a duplicate key), never on the clean fast path.
YAML is built from the safe parser's events rather than its composer: an alias is refused
before anything could expand it, nesting is bounded without recursion, and positions come
with the events.
"""

from __future__ import annotations

import json
import math
import re
from bisect import bisect_right
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from guardian.schemas import escape_pointer_token

Position = tuple[int, int]

MAX_DEPTH = 64
_NON_FINITE = frozenset({"NaN", "Infinity", "-Infinity"})
_INT_DIGITS_LIMIT = 4300  # CPython's default int <-> str conversion limit
_SURROGATE = re.compile("[\ud800-\udfff]")


class SyntaxProblem(Exception):
    """Text that cannot become a lesson document: what is wrong, and where (if known)."""

    def __init__(self, message: str, position: Position | None = None, pointer: str | None = None,
                 *, fatal: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.position = position
        self.pointer = pointer
        self.fatal = fatal


# --- positions -----------------------------------------------------------------------------

class LineIndex:
    """Maps character offsets of one text to (line, column); the newline table is built once."""

    __slots__ = ("_starts", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        self._starts: list[int] | None = None

    def position(self, offset: int) -> Position:
        """1-based (line, column) of the character at ``offset``."""
        if self._starts is None:
            starts = [0]
            find = self._text.find
            at = find("\n")
            while at != -1:
                starts.append(at + 1)
                at = find("\n", at + 1)
            self._starts = starts
        offset = max(0, min(offset, len(self._text)))
        line = bisect_right(self._starts, offset) - 1
        return line + 1, offset - self._starts[line] + 1


def offset_position(text: str, offset: int) -> Position:
    """(line, column) of one offset, without building a table (for a single message)."""
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


class PointerMap:
    """(line, column) of the JSON pointers of one file, built by ``build`` on first use.

    A pointer that is not in the map is located at its nearest ancestor that is (a missing
    field at its object, an item past the end at its array).
    """

    __slots__ = ("_build", "_table")

    def __init__(self, build: Callable[[], Mapping[str, Position]]) -> None:
        self._build = build
        self._table: Mapping[str, Position] | None = None

    @classmethod
    def of(cls, table: Mapping[str, Position]) -> PointerMap:
        """A map over an already computed table."""
        found = cls(lambda: table)
        found._table = table
        return found

    @classmethod
    def for_json(cls, text: str) -> PointerMap:
        """A map over a JSON text, scanned the first time a position is asked for."""

        def build() -> dict[str, Position]:
            index = LineIndex(text)
            return {p: index.position(o) for p, o in scan_json(text).offsets.items()}

        return cls(build)

    def locate(self, pointer: str, floor: str = "") -> Position | None:
        """Position of ``pointer`` or of its nearest ancestor, not going above ``floor``."""
        if self._table is None:
            self._table = self._build()
        table = self._table
        while True:
            found = table.get(pointer)
            if found is not None:
                return found
            if len(pointer) <= len(floor) or "/" not in pointer:
                return None
            pointer = pointer[: pointer.rfind("/")]

    def under(self, prefix: str) -> Callable[[str], Position | None]:
        """A ``Source.locate`` for the lesson found at ``prefix`` in this file."""
        return _Under(self, prefix)


class _Under:
    """Locates a lesson-relative pointer inside its file: ``/body`` -> ``/3/body``."""

    __slots__ = ("_map", "_prefix")

    def __init__(self, pointer_map: PointerMap, prefix: str) -> None:
        self._map = pointer_map
        self._prefix = prefix

    def __call__(self, pointer: str) -> Position | None:
        return self._map.locate(self._prefix + pointer, self._prefix)

    def __repr__(self) -> str:
        return f"<locator under {self._prefix or '/'!r}>"


# --- JSON ----------------------------------------------------------------------------------

class _Frame:
    """An open JSON array or object during a scan."""

    __slots__ = ("expect_key", "index", "is_object", "keys", "member", "pointer")

    def __init__(self, is_object: bool, pointer: str) -> None:
        self.is_object = is_object
        self.pointer = pointer
        self.index = 0
        self.expect_key = True
        self.member = ""
        self.keys: set[str] = set()


class JsonScan(NamedTuple):
    """What one pass over a JSON text found.

    ``offsets`` maps each pointer to the offset of its member's key (inside objects) or of the
    value itself (array items and the root). The other fields hold the offset of the first
    problem of each kind, or None: a repeated key (with its pointer), a number lesson files
    refuse (NaN, Infinity, out of range), a bracket nested deeper than the limit.
    """

    offsets: Mapping[str, int]
    duplicate: tuple[str, int] | None
    bad_number: int | None
    too_deep: int | None


_WS = re.compile(r"[ \t\r\n]*")
_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"?')
_LITERAL = re.compile(r'[^\s,:\[\]{}"]+')


def _key_text(token: str) -> str:
    try:
        value = json.loads(token)
    except ValueError:
        return token.strip('"')
    return value if isinstance(value, str) else token.strip('"')


def _is_bad_number(token: str) -> bool:
    if token in _NON_FINITE:
        return True
    if token[0] not in "-0123456789":
        return False
    digits = token.lstrip("-")
    if digits.isdigit():
        return len(digits) > _INT_DIGITS_LIMIT
    try:
        return not math.isfinite(float(token))
    except ValueError:
        return False


def scan_json(text: str, *, max_depth: int = MAX_DEPTH) -> JsonScan:
    """One tolerant pass over ``text``: pointer offsets and the first problem of each kind.

    Never raises: text that is not JSON just yields fewer offsets. Iterative, so deep nesting
    costs memory, not stack.
    """
    offsets: dict[str, int] = {}
    duplicate: tuple[str, int] | None = None
    bad_number: int | None = None
    too_deep: int | None = None
    stack: list[_Frame] = []
    i, n = 0, len(text)

    def value_pointer(at: int) -> str:
        if not stack:
            offsets.setdefault("", at)
            return ""
        top = stack[-1]
        if top.is_object:
            return top.member  # recorded at its key
        pointer = f"{top.pointer}/{top.index}"
        offsets.setdefault(pointer, at)
        return pointer

    while i < n:
        c = text[i]
        if c in " \t\r\n":
            i = _WS.match(text, i).end() or i + 1  # type: ignore[union-attr]
        elif c in "{[":
            if len(stack) >= max_depth:
                too_deep = i
                break  # such a text is refused; deeper pointers would only cost time
            stack.append(_Frame(c == "{", value_pointer(i)))
            i += 1
        elif c in "}]":
            if stack:
                stack.pop()
            i += 1
        elif c == ",":
            if stack:
                if stack[-1].is_object:
                    stack[-1].expect_key = True
                else:
                    stack[-1].index += 1
            i += 1
        elif c == ":":
            if stack and stack[-1].is_object:
                stack[-1].expect_key = False
            i += 1
        elif c == '"':
            match = _STRING.match(text, i)
            end = match.end() if match else n
            top = stack[-1] if stack else None
            if top is not None and top.is_object and top.expect_key:
                key = _key_text(text[i:end])
                pointer = f"{top.pointer}/{escape_pointer_token(key)}"
                if key in top.keys:
                    if duplicate is None:
                        duplicate = (pointer, i)
                else:
                    top.keys.add(key)
                    offsets.setdefault(pointer, i)
                top.member = pointer
                top.expect_key = False
            else:
                value_pointer(i)
            i = end
        else:
            match = _LITERAL.match(text, i)
            if match is None:
                i += 1
                continue
            value_pointer(i)
            if bad_number is None and _is_bad_number(match.group()):
                bad_number = i
            i = match.end()
    return JsonScan(offsets, duplicate, bad_number, too_deep)


class _Duplicate(Exception):
    pass


class _BadNumber(Exception):
    pass


def _unique_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise _Duplicate
    return result


def _refuse_constant(name: str) -> float:
    raise _BadNumber(name)


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _BadNumber(text)
    return value


_DECODER = json.JSONDecoder(object_pairs_hook=_unique_object, parse_constant=_refuse_constant,
                            parse_float=_finite_float)


def _skip(text: str, i: int) -> int:
    return _WS.match(text, i).end()  # type: ignore[union-attr]


def _json_values(text: str) -> tuple[Any, list[int] | None]:
    raw_decode = _DECODER.raw_decode
    i = _skip(text, 0)
    if not text.startswith("[", i):
        value, end = raw_decode(text, i)
        _check_end(text, end)
        return value, None
    items: list[Any] = []
    starts: list[int] = []
    i = _skip(text, i + 1)
    if text.startswith("]", i):
        _check_end(text, i + 1)
        return items, starts
    while True:
        item, end = raw_decode(text, i)
        items.append(item)
        starts.append(i)
        i = _skip(text, end)
        if text.startswith(",", i):
            i = _skip(text, i + 1)
        elif text.startswith("]", i):
            _check_end(text, i + 1)
            return items, starts
        else:
            raise json.JSONDecodeError("Expecting ',' delimiter", text, i)


def _check_end(text: str, end: int) -> None:
    end = _skip(text, end)
    if end < len(text):
        raise json.JSONDecodeError("Extra data", text, end)


_JSON_HINTS = {
    "Invalid control character at": "a raw control character (line break, tab) inside a "
                                     "string; write it as \\n or \\t",
    "Expecting property name enclosed in double quotes": "expecting a field name in double "
                                                         "quotes (a trailing comma?)",
    "Unterminated string starting at": "a string is not closed (missing '\"')",
}


def _json_hint(message: str) -> str:
    return _JSON_HINTS.get(message, message[:1].lower() + message[1:])


def nesting_exceeds(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether arrays and objects in ``value`` nest deeper than ``limit`` (iterative)."""
    todo = [(value, 1)]
    while todo:
        item, depth = todo.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return True
            todo.extend((v, depth + 1) for v in (item.values() if isinstance(item, dict)
                                                  else item))
    return False


def depth_message() -> str:
    """The message for a document nested deeper than MAX_DEPTH."""
    return (f"nested deeper than {MAX_DEPTH} levels; a lesson is a shallow document, flatten "
            f"this value")


class JsonDocument(NamedTuple):
    """A parsed JSON text; for a top-level array, the offset where each item starts."""

    value: Any
    item_starts: list[int] | None


def parse_json(text: str) -> JsonDocument:
    """Parse a JSON lesson text; raises SyntaxProblem (located) for anything it refuses."""
    try:
        value, starts = _json_values(text)
        if text.count("{") + text.count("[") > MAX_DEPTH and nesting_exceeds(value):
            raise RecursionError
    except _Duplicate:
        found = scan_json(text).duplicate
        pointer, offset = found if found is not None else ("", 0)
        key = pointer.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")
        raise SyntaxProblem(f"duplicate key {key!r}: each field may appear only once (a second "
                            f"copy can hide what a reviewer sees)",
                            offset_position(text, offset), pointer) from None
    except _BadNumber as exc:
        raise SyntaxProblem(f"{exc.args[0]} is not allowed: lesson files hold finite numbers "
                            f"only", offset_position(text, scan_json(text).bad_number or 0)
                            ) from None
    except RecursionError:
        raise SyntaxProblem(depth_message(), offset_position(
            text, scan_json(text).too_deep or 0)) from None
    except json.JSONDecodeError as exc:
        raise SyntaxProblem(f"not valid JSON: {_json_hint(exc.msg)}",
                            (exc.lineno, exc.colno)) from None
    except ValueError:  # an integer too long to convert
        raise SyntaxProblem(f"a number with more than {_INT_DIGITS_LIMIT} digits is out of "
                            f"range; lesson files hold ordinary numbers",
                            offset_position(text, scan_json(text).bad_number or 0)) from None
    return JsonDocument(value, starts)


def surrogate_pointer(value: Any, pointer: str = "") -> str | None:
    """The pointer of the first string (value or key) holding an unpaired surrogate, if any."""
    if isinstance(value, str):
        return pointer if _SURROGATE.search(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            sub = f"{pointer}/{escape_pointer_token(key)}"
            if _SURROGATE.search(key):
                return sub
            found = surrogate_pointer(item, sub)
            if found is not None:
                return found
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found = surrogate_pointer(item, f"{pointer}/{i}")
            if found is not None:
                return found
    return None


# --- YAML ----------------------------------------------------------------------------------

_CORE = "tag:yaml.org,2002:"
_TEXT_TAGS = frozenset(_CORE + t for t in ("str", "timestamp", "merge", "value"))
_SCALAR_TAGS = _TEXT_TAGS | {_CORE + t for t in ("int", "float", "bool", "null")}
_COLLECTION_TAGS = frozenset({_CORE + "map", _CORE + "seq"})
_TYPE_NAMES = {bool: "a boolean", int: "a number", float: "a number", type(None): "null"}


class YamlDocument(NamedTuple):
    """One YAML document: its value, each pointer's (line, column), and where it starts."""

    value: Any
    positions: dict[str, Position]
    line: int
    column: int


class _Open:
    """An open YAML mapping or sequence while building; ``key`` is the pending field name."""

    __slots__ = ("is_map", "key", "pointer", "value")

    def __init__(self, value: Any, pointer: str, is_map: bool) -> None:
        self.value = value
        self.pointer = pointer
        self.is_map = is_map
        self.key: str | None = None


def _shown_tag(tag: str) -> str:
    return "!!" + tag[len(_CORE):] if tag.startswith(_CORE) else tag


class _YamlBuilder:
    """Builds JSON-like values from YAML parse events, refusing what lessons must not hold."""

    def __init__(self, text: str, line_offset: int) -> None:
        self.text = text
        self.line_offset = line_offset
        self.docs: list[YamlDocument] = []
        self.problems: list[SyntaxProblem] = []
        self.stack: list[_Open] = []
        self.positions: dict[str, Position] = {}
        self.root: Any = None
        self.root_at: Position = (1 + line_offset, 1)

    def where(self, mark: Any) -> Position:
        return mark.line + 1 + self.line_offset, mark.column + 1

    def run(self) -> tuple[list[YamlDocument], list[SyntaxProblem]]:
        import yaml

        c_loader = getattr(yaml, "CSafeLoader", None)
        try:
            loader = (c_loader or yaml.SafeLoader)(self.text)
        except yaml.YAMLError as exc:  # the pure-Python reader checks characters up front
            self.problems.append(self._yaml_error(exc, byte_offsets=False))
            return self.docs, self.problems
        skipping = False
        try:
            while loader.check_event():
                event = loader.get_event()
                kind = type(event)
                if kind is yaml.DocumentStartEvent:
                    self.stack, self.positions, self.root = [], {}, None
                    skipping = False
                elif kind is yaml.DocumentEndEvent:
                    if not skipping:
                        self.docs.append(YamlDocument(self.root, self.positions, *self.root_at))
                elif skipping or kind in (yaml.StreamStartEvent, yaml.StreamEndEvent):
                    continue
                else:
                    try:
                        self._event(loader, event)
                    except SyntaxProblem as problem:
                        self.problems.append(problem)
                        if problem.fatal:
                            break
                        skipping = True
        except yaml.YAMLError as exc:
            self.problems.append(self._yaml_error(exc, byte_offsets=c_loader is not None))
        finally:
            loader.dispose()
        return self.docs, self.problems

    def _yaml_error(self, exc: Exception, *, byte_offsets: bool) -> SyntaxProblem:
        import yaml

        if isinstance(exc, yaml.MarkedYAMLError):
            mark = exc.problem_mark or exc.context_mark
            where = self.where(mark) if mark is not None else None
            problem = exc.problem or exc.context or "syntax error"
            if "nesting depth" in problem:  # libyaml's own limit, met while reading ahead
                return SyntaxProblem(depth_message(), where, fatal=True)
            if exc.context and exc.problem:
                problem += f" ({exc.context})"
            return SyntaxProblem(f"not valid YAML: {problem}", where)
        if isinstance(exc, yaml.reader.ReaderError):
            offset = exc.position
            if byte_offsets:  # libyaml counts bytes of the UTF-8 encoding
                offset = len(self.text.encode("utf-8")[:offset].decode("utf-8", "ignore"))
            line, column = offset_position(self.text, offset)
            char = exc.character if isinstance(exc.character, int) else ord(
                str(exc.character)[:1] or "?")
            return SyntaxProblem(f"not valid YAML: character U+{char:04X} is not allowed "
                                 f"({exc.reason})", (line + self.line_offset, column))
        return SyntaxProblem(f"not valid YAML: {exc}")

    def _event(self, loader: Any, event: Any) -> None:
        import yaml

        kind = type(event)
        at = self.where(event.start_mark)
        if kind is yaml.AliasEvent:
            raise SyntaxProblem(f"YAML alias '*{event.anchor}' is not allowed: aliases can "
                                f"expand into huge documents (alias bombs); write the value "
                                f"out in full", at)
        if kind in (yaml.SequenceEndEvent, yaml.MappingEndEvent):
            self.stack.pop()
            return
        if event.anchor is not None:
            raise SyntaxProblem(f"YAML anchor '&{event.anchor}' is not allowed (anchors and "
                                f"aliases make alias bombs); write each value out in full", at)
        if kind is yaml.ScalarEvent:
            self._add(self._scalar(loader, event, at), at, event.value)
            return
        if event.tag is not None and event.tag not in _COLLECTION_TAGS and event.tag != "!":
            raise SyntaxProblem(f"YAML tag {_shown_tag(event.tag)!r} is not allowed; lesson "
                                f"files hold plain mappings, lists, text and numbers", at)
        if len(self.stack) >= MAX_DEPTH:
            raise SyntaxProblem(depth_message(), at, fatal=True)
        is_map = kind is yaml.MappingStartEvent
        if self.stack and self.stack[-1].is_map and self.stack[-1].key is None:
            raise SyntaxProblem("a field name must be plain text, not a list or mapping", at)
        container: Any = {} if is_map else []
        pointer = self._add(container, at, None)
        self.stack.append(_Open(container, pointer, is_map))

    def _scalar(self, loader: Any, event: Any, at: Position) -> Any:
        import yaml

        tag = event.tag
        if tag is None:
            tag = loader.resolve(yaml.ScalarNode, event.value, event.implicit)
        elif tag == "!":
            tag = _CORE + "str"  # the non-specific tag: plain text
        if tag not in _SCALAR_TAGS:
            raise SyntaxProblem(f"YAML tag {_shown_tag(tag)!r} is not allowed; lesson files hold "
                                f"plain text, numbers, true/false and null", at)
        text: str = event.value
        if _SURROGATE.search(text):
            raise SyntaxProblem("text holds an unpaired surrogate (\\ud800-\\udfff), which is "
                                "not valid Unicode; remove it", at)
        if tag in _TEXT_TAGS:
            return text
        node = yaml.ScalarNode(tag, text, event.start_mark, event.end_mark)
        try:
            if tag == _CORE + "null":
                return None
            if tag == _CORE + "bool":
                return loader.construct_yaml_bool(node)
            if tag == _CORE + "int":
                return loader.construct_yaml_int(node)
            number = loader.construct_yaml_float(node)
        except Exception:  # PyYAML's constructors fail in assorted ways on bad text
            raise SyntaxProblem(f"{text!r} is not a valid {_shown_tag(tag)} (or is out of "
                                f"range)", at) from None
        if not math.isfinite(number):
            raise SyntaxProblem(f"{text!r} is not allowed: lesson files hold finite numbers "
                                f"only", at)
        return number

    def _add(self, value: Any, at: Position, written: str | None) -> str:
        stack = self.stack
        if not stack:
            self.root, self.root_at = value, at
            self.positions[""] = at
            return ""
        top = stack[-1]
        if not top.is_map:
            pointer = f"{top.pointer}/{len(top.value)}"
            top.value.append(value)
            self.positions[pointer] = at
            return pointer
        if top.key is None:  # this scalar is a field name
            if not isinstance(value, str):
                raise SyntaxProblem(
                    f"field name {written!r} is read as {_TYPE_NAMES.get(type(value), 'a value')}"
                    f" {value!r}, not text; field names must be text, put it in quotes", at)
            pointer = f"{top.pointer}/{escape_pointer_token(value)}"
            if value in top.value:
                first = self.positions.get(pointer, at)
                raise SyntaxProblem(f"duplicate key {value!r} (first at line {first[0]}): each "
                                    f"field may appear only once (a second copy can hide what "
                                    f"a reviewer sees)", at, pointer)
            top.key = value
            self.positions[pointer] = at
            return pointer
        pointer = f"{top.pointer}/{escape_pointer_token(top.key)}"
        top.value[top.key] = value
        top.key = None
        return pointer


def parse_yaml(text: str, *, line_offset: int = 0) -> tuple[
        list[YamlDocument], list[SyntaxProblem]]:
    """The documents of a YAML text, safely: no aliases, no custom tags, no duplicate keys.

    ``line_offset`` shifts reported lines (front matter starts below line 1). A document with
    a problem is left out and its problem reported; the other documents are still returned.
    """
    return _YamlBuilder(text, line_offset).run()
