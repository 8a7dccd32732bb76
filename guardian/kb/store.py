"""The KB storage abstraction: one interface, the ledger-backed stores, and composable wrappers.

    KnowledgeBase                 reading, history, apply/CAS, preview — written once, here
    ├── MemoryKnowledgeBase       entries in a list (tests, dry runs, previews)
    ├── DirectoryKnowledgeBase    knowledge/ledger.jsonl + ledger.head + lessons/ (kb/directory.py)
    └── ReadOnlyKnowledgeBase     wraps any of them; every write raises KBError

A store only has to load its entries (verified) and commit new ones atomically; the active
lessons, versions, history and previews all come from replaying the ledger.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from guardian.errors import ConflictError, KBError, LedgerError
from guardian.kb.canonical import ZERO_HASH, ledger_line
from guardian.kb.change import Change, entry_body
from guardian.kb.ledger import Entry, Head, LedgerKey, seal, split_ledger
from guardian.kb.replay import KBState, Replay, ReplayError
from guardian.kb.verify import Problem, VerifyReport, check_ledger
from guardian.records import Lesson, Source

if TYPE_CHECKING:
    from guardian.config import Config
    from guardian.kb.directory import DirectoryKnowledgeBase

Clock = Callable[[], datetime]
RECOVERABLE_LEDGER = frozenset({"torn-tail", "head-lags"})


def utc_now() -> datetime:
    return datetime.now(UTC)


def format_time(moment: datetime) -> str:
    """UTC ISO-8601 with microseconds and a ``Z``: ``2025-01-31T12:00:00.000000Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def lesson_from_doc(doc: Mapping[str, Any], path: str) -> Lesson:
    """A Lesson record for a document replayed from the ledger (a private deep copy)."""
    data: dict[str, Any] = json.loads(json.dumps(doc))
    return Lesson(id=data["id"], kind=data["kind"], title=data["title"], body=data["body"],
                  data=data, source=Source(path=path, format="json"))


@dataclass(frozen=True, slots=True)
class Loaded:
    """A store's entries with their replay, after the chain was checked."""

    entries: tuple[Entry, ...]
    replay: Replay
    notes: tuple[str, ...] = ()
    materialised: int = 0


@dataclass(frozen=True, slots=True)
class RepairReport:
    """What ``repair`` found and did."""

    before: VerifyReport
    after: VerifyReport
    actions: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return {"actions": list(self.actions), "before": self.before.to_dict(),
                "after": self.after.to_dict()}


def refuse_if_tampered(problems: Sequence[Problem], where: str, doing: str) -> None:
    """LedgerError naming the first tampering problem, unless all are crash leftovers."""
    serious = [p for p in problems if p.kind not in RECOVERABLE_LEDGER]
    if serious:
        more = f" (and {len(serious) - 1} more)" if len(serious) > 1 else ""
        raise LedgerError(f"{where}: refusing to {doing}: {serious[0].render()}{more}; run "
                          f"'guardian verify' for the full list")


def refuse_keyless_write(loaded: Loaded, key: LedgerKey | None, where: str) -> None:
    """LedgerError when the ledger is keyed (its entries carry MACs) but no key is set."""
    if key is None and any("mac" in e.data for e in loaded.entries):
        raise LedgerError(f"{where}: this ledger's entries carry MACs but no ledger key is set; "
                          f"set the key's environment variable before writing to it")


def build_entries(loaded: Loaded, changes: Sequence[Change], *, expected_version: int | None,
                  key: LedgerKey | None, clock: Clock, where: str) -> tuple[list[Entry], Replay]:
    """Seal the entries for ``changes`` after ``loaded``; returns them and the replay after.

    Raises ConflictError when ``expected_version`` is given and the KB has moved on, and
    KBError when a change cannot apply; nothing is written in either case.
    """
    from guardian import __version__

    replay = loaded.replay.copy()
    if expected_version is not None and replay.version != expected_version:
        raise ConflictError(f"{where}: the KB is at version {replay.version}, not the expected "
                            f"{expected_version}: another writer changed it since you read it; "
                            f"re-read the KB, re-decide, and retry")
    prev = loaded.entries[-1].hash if loaded.entries else ZERO_HASH
    seq = len(loaded.entries)
    time = format_time(clock())
    out = []
    for change in changes:
        body, _step = entry_body(change, seq=seq, prev=prev, time=time, version=__version__,
                                 replay=replay)
        sealed = seal(body, key)
        ledger_line(sealed)  # fails here, before anything is written, if not representable
        out.append(Entry(sealed, line=seq + 1))
        prev, seq = sealed["hash"], seq + 1
    return out, replay


class KnowledgeBase(ABC):
    """The active lessons at a version: a materialised view of a hash-chained ledger.

    Reads verify the chain and fail closed (LedgerError) on tampering. ``apply`` records a
    decision; KB-changing actions bump ``version``, and ``expected_version`` makes the write a
    compare-and-swap so two writers never lose an update.
    """

    key: LedgerKey | None = None

    @staticmethod
    def open(config: Config, *, environ: Mapping[str, str] | None = None,
             clock: Clock | None = None) -> DirectoryKnowledgeBase:
        """The repository's KB (``config.kb_dir``), keyed from ``config.ledger_key_env``."""
        import os

        from guardian.kb.directory import DirectoryKnowledgeBase

        key = LedgerKey.from_environ(config.ledger_key_env,
                                    os.environ if environ is None else environ)
        return DirectoryKnowledgeBase(config.kb_dir, key=key, clock=clock)

    # -- what a store provides ------------------------------------------------------------
    @property
    @abstractmethod
    def location(self) -> str:
        """Where the KB lives, for messages."""

    @abstractmethod
    def load(self) -> Loaded:
        """The entries and their replay; LedgerError when the chain is not intact."""

    @abstractmethod
    def _commit(self, changes: Sequence[Change], expected_version: int | None) -> list[Entry]:
        """Append entries for ``changes`` atomically (all under one lock) and return them."""

    @abstractmethod
    def verify(self) -> VerifyReport:
        """Check everything; never raises for tampering, reports it."""

    def lesson_path(self, lesson_id: str) -> str:
        """Where a lesson is shown to users (its file, for the directory store)."""
        return f"{self.location}#{lesson_id}"

    # -- derived --------------------------------------------------------------------------
    def state(self) -> KBState:
        """The current active set, version and digest."""
        return self.load().replay.state()

    @property
    def version(self) -> int:
        """The KB version: how many KB-changing entries the ledger holds (0 when empty)."""
        return self.load().replay.version

    def lessons(self) -> list[Lesson]:
        """The active lessons, sorted by id."""
        return [lesson_from_doc(doc, self.lesson_path(i)) for i, doc in
                self.state().lessons.items()]

    def get(self, lesson_id: str) -> Lesson | None:
        """The active lesson ``lesson_id``, or None."""
        doc = self.state().lessons.get(lesson_id)
        return None if doc is None else lesson_from_doc(doc, self.lesson_path(lesson_id))

    def entries(self) -> list[Entry]:
        """Every ledger entry, oldest first."""
        return list(self.load().entries)

    def history(self, lesson_id: str | None = None) -> list[Entry]:
        """Ledger entries, all or those that concern ``lesson_id`` (named it, added, changed
        or removed it, e.g. by superseding or rolling back)."""
        loaded = self.load()
        if lesson_id is None:
            return list(loaded.entries)
        return [entry for entry, step in zip(loaded.entries, loaded.replay.steps, strict=True)
                if entry.lesson_id == lesson_id or lesson_id in step.touched]

    def state_at(self, version: int) -> KBState:
        """The KB as it was at ``version``; KBError when there is no such version."""
        loaded = self.load()
        if not 0 <= version <= loaded.replay.version:
            raise KBError(f"{self.location}: no KB version {version}; versions run from 0 to "
                          f"{loaded.replay.version} (see 'guardian kb history')")
        earlier = Replay()
        for entry in loaded.entries:
            if earlier.version == version:
                break
            earlier.advance(entry.data)
        return earlier.state()

    def preview(self, changes: Iterable[Change]) -> KBState:
        """The KB the changes would produce; nothing is written."""
        _entries, replay = build_entries(self.load(), list(changes), expected_version=None,
                                         key=None, clock=utc_now, where=self.location)
        return replay.state()

    def apply(self, change: Change, *, expected_version: int | None = None) -> Entry:
        """Record one decision (and apply it when it changes the KB); returns its entry."""
        return self.apply_all([change], expected_version=expected_version)[0]

    def apply_all(self, changes: Iterable[Change], *,
                  expected_version: int | None = None) -> list[Entry]:
        """Record several decisions under one lock, with one compare-and-swap.

        ConflictError when ``expected_version`` is given and differs from the current
        version; KBError when a change cannot apply. In both cases nothing is written.
        """
        return self._commit(list(changes), expected_version)


class MemoryKnowledgeBase(KnowledgeBase):
    """A KB whose ledger lives in memory: for tests, previews and dry runs."""

    def __init__(self, entries: Iterable[Entry] = (), *, key: LedgerKey | None = None,
                 clock: Clock | None = None, name: str = "<memory>") -> None:
        self._entries = list(entries)
        self.key = key
        self._clock = clock or utc_now
        self._name = name

    @classmethod
    def copy_of(cls, other: KnowledgeBase) -> MemoryKnowledgeBase:
        """An in-memory copy of ``other``'s ledger: write to it freely (a dry run)."""
        return cls(other.entries(), key=other.key, name=f"{other.location} (copy)")

    @property
    def location(self) -> str:
        return self._name

    def _ledger_bytes(self) -> bytes:
        return b"".join(ledger_line(e.data) for e in self._entries)

    def _head(self) -> Head:
        replay = Replay()
        for entry in self._entries:
            try:
                replay.advance(entry.data)
            except ReplayError:
                break
        last = self._entries[-1].hash if self._entries else ZERO_HASH
        head = Head(len(self._entries), last, len(self._entries), replay.version,
                    replay.digest)
        return Head.parse(head.to_bytes(self.key), self._name)  # with its MAC when keyed

    def verify(self) -> VerifyReport:
        problems, notes, replay = check_ledger(
            split_ledger(self._ledger_bytes()), self._head(), self.key,
            ledger_path=self._name, head_path=self._name)
        return VerifyReport(self._name, len(self._entries), replay.version, replay.digest,
                            len(replay.active), self.key is not None, tuple(problems),
                            tuple(notes))

    def load(self) -> Loaded:
        problems, notes, replay = check_ledger(
            split_ledger(self._ledger_bytes()), self._head(), self.key,
            ledger_path=self._name, head_path=self._name)
        refuse_if_tampered(problems, self._name, "read the KB")
        return Loaded(tuple(self._entries), replay, tuple(notes), len(self._entries))

    def _commit(self, changes: Sequence[Change], expected_version: int | None) -> list[Entry]:
        loaded = self.load()
        refuse_keyless_write(loaded, self.key, self._name)
        new, _replay = build_entries(loaded, changes, expected_version=expected_version,
                                     key=self.key, clock=self._clock, where=self._name)
        self._entries.extend(new)
        return new


class ReadOnlyKnowledgeBase(KnowledgeBase):
    """Wraps a KB so that reads pass through and every write raises KBError."""

    def __init__(self, inner: KnowledgeBase) -> None:
        self._inner = inner
        self.key = inner.key

    @property
    def location(self) -> str:
        return self._inner.location

    def lesson_path(self, lesson_id: str) -> str:
        return self._inner.lesson_path(lesson_id)

    def load(self) -> Loaded:
        return self._inner.load()

    def verify(self) -> VerifyReport:
        return self._inner.verify()

    def _commit(self, changes: Sequence[Change], expected_version: int | None) -> list[Entry]:
        actions = ", ".join(sorted({c.action for c in changes})) or "nothing"
        raise KBError(f"{self.location}: this KB was opened read-only; refusing to record "
                      f"{actions}")
