"""A data-only codec for values crossing the sandbox boundary (never pickle, never eval).

The code under evaluation runs in another process; what it returns comes back as JSON built
from exact built-in types only. A subclass (say an ``int`` whose ``__eq__`` always says yes)
is refused on the sandbox side, so nothing the candidate defines can run in the harness.
"""

from __future__ import annotations

import json
import math
from typing import Any

MAX_DEPTH = 200


class CodecError(ValueError):
    """A value cannot cross the boundary (an unsupported type, too deep, or malformed data)."""


def encode(value: Any, _depth: int = 0) -> Any:
    """``value`` as JSON-able data; tuples, sets, bytes, non-string keys and odd floats tagged."""
    if _depth > MAX_DEPTH:
        raise CodecError("value nested too deeply to compare")
    kind = type(value)
    if value is None or kind is bool or kind is str:
        return value
    if kind is int:
        if -(1 << 53) < value < (1 << 53):
            return value
        try:
            return {"$int": str(value)}
        except ValueError:  # more digits than int-to-str conversion allows (4300 by default)
            raise CodecError("integer too large to pass across the sandbox boundary") from None
    if kind is float:
        if math.isfinite(value):
            return value
        return {"$float": repr(value)}
    if kind is list:
        return [encode(v, _depth + 1) for v in value]
    if kind is tuple:
        return {"$tuple": [encode(v, _depth + 1) for v in value]}
    if kind is dict:
        if all(type(k) is str for k in value) and not any(k.startswith("$") for k in value):
            return {k: encode(v, _depth + 1) for k, v in value.items()}
        return {"$dict": [[encode(k, _depth + 1), encode(v, _depth + 1)]
                          for k, v in value.items()]}
    if kind is set or kind is frozenset:
        items = [encode(v, _depth + 1) for v in value]
        items.sort(key=lambda x: json.dumps(x, sort_keys=True))
        return {"$set" if kind is set else "$frozenset": items}
    if kind is bytes:
        return {"$bytes": value.hex()}
    if kind is complex:
        return {"$complex": [repr(value.real), repr(value.imag)]}
    raise CodecError(f"cannot pass a value of type {kind.__qualname__} across the sandbox "
                     "boundary (only None, bool, int, float, complex, str, bytes, list, tuple, "
                     "dict, set and frozenset of those)")


_TAGS = {"$int", "$float", "$tuple", "$dict", "$set", "$frozenset", "$bytes", "$complex"}


def decode(data: Any, _depth: int = 0) -> Any:
    """The inverse of :func:`encode`; raises :class:`CodecError` on anything it did not make."""
    if _depth > MAX_DEPTH + 2:
        raise CodecError("value nested too deeply")
    kind = type(data)
    if data is None or kind in (bool, str, int, float):
        return data
    if kind is list:
        return [decode(v, _depth + 1) for v in data]
    if kind is not dict:
        raise CodecError(f"unexpected {kind.__name__} in encoded value")
    if len(data) == 1:
        ((tag, body),) = data.items()
        if tag in _TAGS:
            return _decode_tagged(tag, body, _depth)
    return {k: decode(v, _depth + 1) for k, v in data.items()}


def _decode_tagged(tag: str, body: Any, depth: int) -> Any:
    try:
        if tag == "$int":
            if not isinstance(body, str) or len(body) > 5000:
                raise CodecError("bad $int")
            return int(body)
        if tag == "$float":
            if body not in ("nan", "inf", "-inf"):
                raise CodecError("bad $float")
            return float(body)
        if tag == "$tuple":
            return tuple(decode(v, depth + 1) for v in _as_list(body))
        if tag == "$dict":
            out = {}
            for pair in _as_list(body):
                key, val = _as_list(pair)
                out[decode(key, depth + 1)] = decode(val, depth + 1)
            return out
        if tag == "$set":
            return {decode(v, depth + 1) for v in _as_list(body)}
        if tag == "$frozenset":
            return frozenset(decode(v, depth + 1) for v in _as_list(body))
        if tag == "$bytes":
            return bytes.fromhex(body)
        if tag == "$complex":
            real, imag = _as_list(body)
            return complex(float(real), float(imag))
    except (TypeError, ValueError) as exc:
        if isinstance(exc, CodecError):
            raise
        raise CodecError(f"malformed {tag}: {exc}") from None
    raise CodecError(f"unknown tag {tag}")  # pragma: no cover - _TAGS guards this


def _as_list(body: Any) -> list[Any]:
    if type(body) is not list:
        raise CodecError("expected a list")
    return body


def dumps(value: Any) -> str:
    """Encode then serialise compactly (raises :class:`CodecError`)."""
    try:
        return json.dumps(encode(value), separators=(",", ":"), allow_nan=False)
    except RecursionError:
        raise CodecError("value nested too deeply to compare") from None


def loads(text: str | bytes) -> Any:
    """Parse and decode (raises :class:`CodecError`)."""
    try:
        return decode(json.loads(text))
    except (ValueError, RecursionError) as exc:
        if isinstance(exc, CodecError):
            raise
        raise CodecError(f"malformed payload: {exc}") from None
