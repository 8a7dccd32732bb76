"""Canonical bytes: one serialisation per value, so that hashes and files are reproducible."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from guardian.errors import KBError

#: The ``prev`` of the first ledger entry, and the head's hash for an empty ledger.
ZERO_HASH = "0" * 64


def canonical_json(obj: Any, *, where: str = "value") -> str:
    """Compact canonical JSON: sorted keys, no spaces, UTF-8 text, no NaN or Infinity.

    Raises KBError naming ``where`` when ``obj`` holds something JSON cannot represent
    exactly (NaN, a date from YAML, a lone surrogate).
    """
    try:
        text = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                          allow_nan=False)
        text.encode("utf-8")
    except (TypeError, ValueError, UnicodeEncodeError) as exc:
        raise KBError(f"{where} cannot be stored as canonical JSON: {exc}; keep only strings, "
                      f"finite numbers, booleans, null, lists and objects") from None
    return text


def ledger_line(entry: Mapping[str, Any]) -> bytes:
    """The bytes of one ledger line: canonical JSON and a newline."""
    return canonical_json(entry, where="ledger entry").encode("utf-8") + b"\n"


def lesson_file_bytes(doc: Mapping[str, Any]) -> bytes:
    """The bytes of ``knowledge/lessons/<id>.json``: pretty canonical JSON, trailing newline."""
    canonical_json(doc, where=f"lesson {doc.get('id')!r}")  # same checks, same message
    return (json.dumps(doc, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False)
            + "\n").encode("utf-8")


def sha256_hex(data: bytes | str) -> str:
    """Hex SHA-256 of bytes, or of a string's UTF-8 encoding."""
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def lesson_digest(doc: Mapping[str, Any]) -> str:
    """SHA-256 of a lesson document's compact canonical JSON."""
    return sha256_hex(canonical_json(doc, where=f"lesson {doc.get('id')!r}"))


def set_digest(lesson_digests: Mapping[str, str]) -> str:
    """The KB digest: SHA-256 of the canonical JSON object mapping each active id to its
    ``lesson_digest``. The empty KB has the digest of ``{}``."""
    return sha256_hex(canonical_json(dict(lesson_digests)))
