"""The shipped JSON Schemas and a small, fast validator for the keyword subset they use.

guardian's check path runs on every commit, and importing ``jsonschema`` alone costs more than
our whole latency budget. The schemas in ``guardian/schema/`` are standard Draft 2020-12 and
are validated by ``jsonschema`` in the test suite; this module evaluates the subset of
keywords they use, and refuses any other keyword so that a schema edit can never be silently
ignored. ``tests/test_schemas.py`` checks it agrees with ``jsonschema`` on generated documents.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

_SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
_ANNOTATIONS = frozenset(
    {"$schema", "$id", "title", "description", "$comment", "default", "examples"})
_SUPPORTED = _ANNOTATIONS | {
    "type", "required", "properties", "patternProperties", "additionalProperties", "enum",
    "const", "pattern", "minLength", "maxLength", "items", "minItems", "maxItems", "minimum",
    "maximum", "$ref", "$defs", "minProperties", "maxProperties", "uniqueItems", "propertyNames",
}


@dataclass(frozen=True, slots=True)
class SchemaError:
    """One way a document fails a schema: where (JSON pointer), and what is wrong."""

    pointer: str
    message: str


def escape_pointer_token(token: str | int) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def _type_ok(value: Any, expected: str) -> bool:
    if expected == "object":
        return isinstance(value, Mapping)
    if expected == "array":
        return isinstance(value, list | tuple)
    if expected == "string":
        return isinstance(value, str)
    if expected == "integer":
        if isinstance(value, bool):
            return False
        return isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if expected == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if expected == "boolean":
        return isinstance(value, bool)
    if expected == "null":
        return value is None
    raise ValueError(f"unknown JSON Schema type {expected!r}")


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, list | tuple):
        return "array"
    return type(value).__name__


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _equal(a: Any, b: Any) -> bool:
    """JSON equality: 1 == 1.0, but True != 1."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b) and type(a) in (int, float, str, type(None)) and type(b) in (
        int, float, str, type(None))


class Validator:
    """Validates documents against one schema (Draft 2020-12, keyword subset above)."""

    def __init__(self, schema: Mapping[str, Any]) -> None:
        self.schema = schema
        self._check_keywords(schema, "#")

    def _check_keywords(self, schema: Any, where: str) -> None:
        if isinstance(schema, bool):
            return
        if not isinstance(schema, Mapping):
            raise ValueError(f"schema at {where} must be an object or boolean")
        unknown = set(schema) - _SUPPORTED
        if unknown:
            raise ValueError(f"schema at {where} uses unsupported keywords {sorted(unknown)}")
        for key in ("properties", "patternProperties", "$defs"):
            for name, sub in (schema.get(key) or {}).items():
                self._check_keywords(sub, f"{where}/{key}/{name}")
        for key in ("additionalProperties", "items", "propertyNames"):
            if key in schema:
                self._check_keywords(schema[key], f"{where}/{key}")

    def _resolve(self, ref: str) -> Any:
        if not ref.startswith("#/"):
            raise ValueError(f"only local $ref is supported, got {ref!r}")
        node: Any = self.schema
        for token in ref[2:].split("/"):
            node = node[token.replace("~1", "/").replace("~0", "~")]
        return node

    def iter_errors(self, instance: Any) -> Iterator[SchemaError]:
        """Every violation, in document order, each with the JSON pointer of the bad value."""
        yield from self._validate(instance, self.schema, "")

    def is_valid(self, instance: Any) -> bool:
        return next(self.iter_errors(instance), None) is None

    def _validate(self, value: Any, schema: Any, ptr: str) -> Iterator[SchemaError]:
        if schema is True:
            return
        if schema is False:
            yield SchemaError(ptr, "is not allowed here")
            return
        if "$ref" in schema:
            yield from self._validate(value, self._resolve(schema["$ref"]), ptr)
        if "type" in schema:
            types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
            if not any(_type_ok(value, t) for t in types):
                yield SchemaError(
                    ptr, f"must be of type {' or '.join(types)}, got {_json_type(value)} "
                    f"{_short(value)}")
                return
        if "enum" in schema and not any(_equal(value, v) for v in schema["enum"]):
            choices = ", ".join(str(v) for v in schema["enum"])
            yield SchemaError(ptr, f"must be one of {choices}; got {_short(value)}")
        if "const" in schema and not _equal(value, schema["const"]):
            yield SchemaError(ptr, f"must be {schema['const']!r}; got {_short(value)}")
        if isinstance(value, str):
            yield from self._string(value, schema, ptr)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            if "minimum" in schema and value < schema["minimum"]:
                yield SchemaError(ptr, f"must be >= {schema['minimum']}; got {value}")
            if "maximum" in schema and value > schema["maximum"]:
                yield SchemaError(ptr, f"must be <= {schema['maximum']}; got {value}")
        elif isinstance(value, Mapping):
            yield from self._object(value, schema, ptr)
        elif isinstance(value, list | tuple):
            yield from self._array(value, schema, ptr)

    def _string(self, value: str, schema: Mapping[str, Any], ptr: str) -> Iterator[SchemaError]:
        if "minLength" in schema and len(value) < schema["minLength"]:
            if schema["minLength"] == 1:
                yield SchemaError(ptr, "must not be empty")
            else:
                yield SchemaError(ptr, f"must be at least {schema['minLength']} characters")
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            yield SchemaError(
                ptr, f"must be at most {schema['maxLength']} characters; got {len(value)}")
        if "pattern" in schema and not _compiled(schema["pattern"]).search(value):
            yield SchemaError(ptr, f"{_short(value)} does not match '{schema['pattern']}'")

    def _object(
        self, value: Mapping[Any, Any], schema: Mapping[str, Any], ptr: str
    ) -> Iterator[SchemaError]:
        for name in schema.get("required", ()):
            if name not in value:
                yield SchemaError(ptr, f"missing required field {name!r}")
        if "minProperties" in schema and len(value) < schema["minProperties"]:
            yield SchemaError(ptr, f"must have at least {schema['minProperties']} fields")
        if "maxProperties" in schema and len(value) > schema["maxProperties"]:
            yield SchemaError(ptr, f"must have at most {schema['maxProperties']} fields")
        props = schema.get("properties", {})
        patterns = schema.get("patternProperties", {})
        extra = schema.get("additionalProperties", True)
        for key, item in value.items():
            sub = f"{ptr}/{escape_pointer_token(key)}"
            if not isinstance(key, str):
                yield SchemaError(sub, f"field names must be strings; got {_short(key)}")
                continue
            if "propertyNames" in schema:
                for err in self._validate(key, schema["propertyNames"], sub):
                    yield SchemaError(sub, f"field name {err.message}")
            matched = False
            if key in props:
                matched = True
                yield from self._validate(item, props[key], sub)
            for pattern, psub in patterns.items():
                if _compiled(pattern).search(key):
                    matched = True
                    yield from self._validate(item, psub, sub)
            if not matched:
                if extra is False:
                    allowed = ", ".join(sorted(props))
                    yield SchemaError(sub, f"unknown field {key!r} (allowed: {allowed})")
                else:
                    yield from self._validate(item, extra, sub)

    def _array(self, value: Any, schema: Mapping[str, Any], ptr: str) -> Iterator[SchemaError]:
        if "minItems" in schema and len(value) < schema["minItems"]:
            yield SchemaError(ptr, f"must have at least {schema['minItems']} items")
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            yield SchemaError(
                ptr, f"must have at most {schema['maxItems']} items; got {len(value)}")
        if schema.get("uniqueItems"):
            for i, a in enumerate(value):
                if any(_equal(a, b) for b in value[:i]):
                    yield SchemaError(f"{ptr}/{i}", "duplicates an earlier item")
        if "items" in schema:
            for i, item in enumerate(value):
                yield from self._validate(item, schema["items"], f"{ptr}/{i}")


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


@cache
def load_schema(name: str) -> dict[str, Any]:
    """A shipped schema by file stem: ``lesson`` or ``policy-pack``."""
    text = (_SCHEMA_DIR / f"{name}.schema.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@cache
def validator(name: str) -> Validator:
    """The fast validator for a shipped schema."""
    return Validator(load_schema(name))
