"""Ledger entries and the head checkpoint: their fields, hash chain, HMAC, and on-disk form."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from guardian.errors import LedgerError
from guardian.kb.canonical import ZERO_HASH, canonical_json, ledger_line, sha256_hex

BuiltinAction = Literal["import", "promote", "reject", "retire", "rollback", "error"]
HEAD_FORMAT = "guardian-ledger-head/1"
_HEX = frozenset("0123456789abcdef")

#: Fields every entry carries, with the JSON types allowed for each.
REQUIRED_FIELDS: dict[str, tuple[type, ...]] = {
    "seq": (int,),
    "prev": (str,),
    "time": (str,),
    "action": (str,),
    "lesson_id": (str, type(None)),
    "lesson": (dict, type(None)),
    "findings": (list,),
    "policy": (dict, type(None)),
    "reasons": (list,),
    "kb_version": (int,),
    "kb_digest": (str,),
    "guardian": (str,),
    "hash": (str,),
}
#: Fields an entry may carry besides those (``mac`` is outside the hash).
OPTIONAL_FIELDS: dict[str, tuple[type, ...]] = {
    "mac": (str,),
    "rollback_to": (int,),
    "lesson_sha256": (str,),
    "details": (dict,),
}


class LedgerKey:
    """The HMAC-SHA256 key for ledger entries. Its repr never shows the key."""

    __slots__ = ("_key", "env")

    def __init__(self, key: bytes, env: str) -> None:
        if not key:
            raise ValueError("an empty ledger key protects nothing")
        self._key = key
        self.env = env

    @classmethod
    def from_environ(cls, env: str, environ: Mapping[str, str]) -> LedgerKey | None:
        """The key held by the environment variable ``env``; None when unset or empty."""
        value = environ.get(env, "")
        return cls(value.encode("utf-8"), env) if value else None

    def mac(self, data: bytes) -> str:
        """Hex HMAC-SHA256 of ``data``."""
        return hmac.new(self._key, data, hashlib.sha256).hexdigest()

    def matches(self, data: bytes, mac: object) -> bool:
        """True when ``mac`` is the HMAC of ``data`` (constant-time comparison)."""
        return isinstance(mac, str) and hmac.compare_digest(self.mac(data), mac)

    def __repr__(self) -> str:
        return f"LedgerKey(env={self.env!r}, key=<hidden>)"


def is_hex64(value: object) -> bool:
    """True for a lowercase 64-digit hex string (a SHA-256 digest)."""
    return isinstance(value, str) and len(value) == 64 and set(value) <= _HEX


def hashed_body(entry: Mapping[str, Any]) -> dict[str, Any]:
    """The part of an entry its ``hash`` covers: everything except ``hash`` and ``mac``."""
    return {k: v for k, v in entry.items() if k not in ("hash", "mac")}


def entry_hash(entry: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical JSON of the entry without ``hash`` and ``mac``."""
    return sha256_hex(canonical_json(hashed_body(entry), where="ledger entry"))


def mac_input(entry: Mapping[str, Any]) -> bytes:
    """What an entry's ``mac`` authenticates: its canonical JSON without ``mac`` (hash included)."""
    return canonical_json({k: v for k, v in entry.items() if k != "mac"}).encode("utf-8")


def seal(body: Mapping[str, Any], key: LedgerKey | None) -> dict[str, Any]:
    """Add ``hash`` (and ``mac`` when keyed) to an entry body."""
    entry = dict(hashed_body(body))
    entry["hash"] = entry_hash(entry)
    if key is not None:
        entry["mac"] = key.mac(mac_input(entry))
    return entry


def shape_problems(entry: Mapping[str, Any]) -> list[str]:
    """Every way ``entry`` lacks a field or has one of the wrong type (empty when well-formed)."""
    problems = []
    for name, types in REQUIRED_FIELDS.items():
        if name not in entry:
            problems.append(f"missing field {name!r}")
        elif not _typed(entry[name], types):
            problems.append(f"field {name!r} has the wrong type ({type(entry[name]).__name__})")
    for name, types in OPTIONAL_FIELDS.items():
        if name in entry and not _typed(entry[name], types):
            problems.append(f"field {name!r} has the wrong type ({type(entry[name]).__name__})")
    if not problems:
        for name in ("prev", "hash", "kb_digest"):
            if not is_hex64(entry[name]):
                problems.append(f"field {name!r} is not a SHA-256 hex digest")
    return problems


def _typed(value: object, types: tuple[type, ...]) -> bool:
    if isinstance(value, bool) and bool not in types:
        return False
    return isinstance(value, types)


@dataclass(frozen=True, slots=True)
class Entry:
    """One ledger entry: a decision about the KB, chained to the previous one by its hash.

    ``data`` is the entry exactly as stored (unknown fields written by newer versions
    included, so the hash still verifies); ``line`` is its 1-based line in the ledger file.
    """

    data: Mapping[str, Any]
    line: int | None = None

    @property
    def seq(self) -> int:
        return int(self.data["seq"])

    @property
    def action(self) -> str:
        return str(self.data["action"])

    @property
    def hash(self) -> str:
        return str(self.data["hash"])

    @property
    def prev(self) -> str:
        return str(self.data["prev"])

    @property
    def time(self) -> str:
        return str(self.data["time"])

    @property
    def lesson_id(self) -> str | None:
        value = self.data.get("lesson_id")
        return value if isinstance(value, str) else None

    @property
    def lesson(self) -> Mapping[str, Any] | None:
        value = self.data.get("lesson")
        return value if isinstance(value, Mapping) else None

    @property
    def reasons(self) -> tuple[str, ...]:
        return tuple(str(r) for r in self.data.get("reasons") or ())

    @property
    def findings(self) -> tuple[Mapping[str, Any], ...]:
        return tuple(self.data.get("findings") or ())

    @property
    def kb_version(self) -> int:
        return int(self.data["kb_version"])

    @property
    def kb_digest(self) -> str:
        return str(self.data["kb_digest"])

    @property
    def rollback_to(self) -> int | None:
        value = self.data.get("rollback_to")
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    @property
    def details(self) -> Mapping[str, Any]:
        value = self.data.get("details")
        return value if isinstance(value, Mapping) else {}

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready deep copy of the stored entry."""
        copied: dict[str, Any] = json.loads(canonical_json(self.data))
        return copied

    def to_line(self) -> bytes:
        return ledger_line(self.data)


@dataclass(frozen=True, slots=True)
class Line:
    """One complete line of the ledger file as read: its number, bytes, and what it parsed to."""

    number: int
    raw: bytes
    entry: Entry | None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class LedgerFile:
    """A ledger file split into complete lines and the torn tail after the last newline."""

    lines: tuple[Line, ...]
    tail: bytes
    complete_size: int

    @property
    def entries(self) -> list[Entry]:
        return [line.entry for line in self.lines if line.entry is not None]


def split_ledger(data: bytes, *, first_line: int = 1) -> LedgerFile:
    """Parse the bytes of ``ledger.jsonl`` (or of its part from line ``first_line`` on).

    Never raises: bad lines carry an ``error``.
    """
    cut = data.rfind(b"\n") + 1
    body, tail = data[:cut], data[cut:]
    lines = []
    for number, raw in enumerate(body.split(b"\n")[:-1], start=first_line):
        lines.append(_parse_line(number, raw))
    return LedgerFile(tuple(lines), tail, cut)


def _parse_line(number: int, raw: bytes) -> Line:
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        return Line(number, raw, None, f"not valid JSON ({exc})")
    if not isinstance(data, dict):
        return Line(number, raw, None, f"not a JSON object (a {type(data).__name__})")
    problems = shape_problems(data)
    if problems:
        return Line(number, raw, None, "; ".join(problems))
    return Line(number, raw, Entry(data, number))


@dataclass(frozen=True, slots=True)
class Head:
    """The head checkpoint ``ledger.head``: how long the ledger is and what its last hash is.

    ``materialised`` counts the entries whose effect the lesson files already show: it lags
    ``entries`` only while (or after a crash while) a writer updates the lesson files.
    ``appending`` announces a multi-entry append before it starts, so that a crash in the
    middle of it is not mistaken for entries inserted behind guardian's back.
    """

    entries: int
    hash: str
    materialised: int
    kb_version: int
    kb_digest: str
    appending: int = 0
    mac: str | None = None

    def body(self) -> dict[str, Any]:
        return {"format": HEAD_FORMAT, "entries": self.entries, "hash": self.hash,
                "materialised": self.materialised, "appending": self.appending,
                "kb_version": self.kb_version, "kb_digest": self.kb_digest}

    def to_bytes(self, key: LedgerKey | None) -> bytes:
        """The file's bytes: pretty canonical JSON with a MAC when keyed."""
        doc = self.body()
        if key is not None:
            doc["mac"] = key.mac(canonical_json(doc).encode("utf-8"))
        return (json.dumps(doc, sort_keys=True, indent=2) + "\n").encode("utf-8")

    def mac_ok(self, key: LedgerKey) -> bool:
        return key.matches(canonical_json(self.body()).encode("utf-8"), self.mac)

    @classmethod
    def empty(cls, digest: str) -> Head:
        return cls(entries=0, hash=ZERO_HASH, materialised=0, kb_version=0, kb_digest=digest)

    @classmethod
    def parse(cls, data: bytes, where: str) -> Head:
        """Read a head file's bytes; LedgerError naming ``where`` when malformed."""
        try:
            doc = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise LedgerError(f"{where}: not valid JSON ({exc})") from None
        if not isinstance(doc, dict) or doc.get("format") != HEAD_FORMAT:
            raise LedgerError(f"{where}: not a ledger head checkpoint (expected "
                              f"format {HEAD_FORMAT!r})")
        ints = ("entries", "materialised", "appending", "kb_version")
        if not all(isinstance(doc.get(k), int) and not isinstance(doc.get(k), bool)
                   and doc[k] >= 0 for k in ints) or not is_hex64(doc.get("hash")) \
                or not is_hex64(doc.get("kb_digest")) or set(doc) - {*doc_keys(), "mac"}:
            raise LedgerError(f"{where}: malformed head checkpoint {doc!r}")
        mac = doc.get("mac")
        return cls(doc["entries"], doc["hash"], doc["materialised"], doc["kb_version"],
                   doc["kb_digest"], doc["appending"], mac if isinstance(mac, str) else None)


def doc_keys() -> Sequence[str]:
    """The keys of a head document besides ``mac``."""
    return ("format", "entries", "hash", "materialised", "appending", "kb_version", "kb_digest")
