"""Replay: fold ledger entries into the active lesson set. Pure; the actions form a registry."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from guardian.errors import LedgerError
from guardian.kb.canonical import lesson_digest, set_digest

Doc = Mapping[str, Any]
Active = dict[str, Doc]
#: ``apply(active, entry, state_at)`` returns the next active set (never mutates ``active``);
#: ``state_at(version)`` gives the active set at an earlier KB version (for rollbacks).
Apply = Callable[[Active, Mapping[str, Any], Callable[[int], Active]], Active]

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,127}\Z")


class ReplayError(LedgerError):
    """An entry cannot be applied to the active set it follows (e.g. it retires a lesson that
    is not active). In a stored ledger this means tampering or a bug; in a new change, a
    mistake in the request."""


@dataclass(frozen=True, slots=True)
class Effect:
    """What an action does to the KB when replayed.

    ``changes_kb`` actions bump the KB version; ``carries_lesson`` actions store the whole
    lesson document in the entry (the replay needs it). Register new actions (the gate and
    the learning loop add their own) with :func:`register_action`.
    """

    name: str
    changes_kb: bool
    carries_lesson: bool
    apply: Apply


def _lesson_doc(entry: Mapping[str, Any]) -> Doc:
    doc = entry.get("lesson")
    lesson_id = entry.get("lesson_id")
    if not isinstance(doc, Mapping):
        raise ReplayError(f"a {entry.get('action')!r} entry must carry the lesson document")
    if doc.get("id") != lesson_id:
        raise ReplayError(f"lesson_id {lesson_id!r} differs from the lesson's id "
                          f"{doc.get('id')!r}")
    from guardian.schemas import validator

    errors = list(validator("lesson").iter_errors(doc))
    if errors:
        first = errors[0]
        raise ReplayError(f"lesson {lesson_id!r} fails the lesson schema at "
                          f"{first.pointer or '/'}: {first.message}")
    return doc


def _put(active: Active, entry: Mapping[str, Any], _state_at: Callable[[int], Active]) -> Active:
    doc = _lesson_doc(entry)
    nxt = dict(active)
    for old in doc.get("supersedes") or ():
        nxt.pop(old, None)
    nxt[str(doc["id"])] = doc
    return nxt


def _remove(active: Active, entry: Mapping[str, Any],
            _state_at: Callable[[int], Active]) -> Active:
    lesson_id = entry.get("lesson_id")
    if not isinstance(lesson_id, str) or lesson_id not in active:
        raise ReplayError(f"cannot retire {lesson_id!r}: it is not an active lesson")
    nxt = dict(active)
    del nxt[lesson_id]
    return nxt


def _restore(_active: Active, entry: Mapping[str, Any],
             state_at: Callable[[int], Active]) -> Active:
    target = entry.get("rollback_to")
    if not isinstance(target, int) or isinstance(target, bool):
        raise ReplayError("a rollback entry must name the version it restores (rollback_to)")
    return dict(state_at(target))


def _record(active: Active, _entry: Mapping[str, Any],
            _state_at: Callable[[int], Active]) -> Active:
    return active


ACTIONS: dict[str, Effect] = {}


def register_action(effect: Effect) -> None:
    """Make ``effect.name`` a valid ledger action (idempotent for the same effect)."""
    existing = ACTIONS.get(effect.name)
    if existing is not None and existing != effect:
        raise ValueError(f"ledger action {effect.name!r} is already registered differently")
    ACTIONS[effect.name] = effect


for _effect in (
    Effect("import", changes_kb=True, carries_lesson=True, apply=_put),
    Effect("promote", changes_kb=True, carries_lesson=True, apply=_put),
    Effect("retire", changes_kb=True, carries_lesson=False, apply=_remove),
    Effect("rollback", changes_kb=True, carries_lesson=False, apply=_restore),
    Effect("reject", changes_kb=False, carries_lesson=False, apply=_record),
    Effect("error", changes_kb=False, carries_lesson=False, apply=_record),
):
    register_action(_effect)


def effect_of(action: str) -> Effect:
    """The registered effect of ``action``; ReplayError when no guardian component knows it."""
    effect = ACTIONS.get(action)
    if effect is None:
        raise ReplayError(f"unknown ledger action {action!r} (known: "
                          f"{', '.join(sorted(ACTIONS))}); was this ledger written by a newer "
                          f"guardian or a plugin that is not installed?")
    return effect


@dataclass(frozen=True, slots=True)
class Step:
    """The KB after one entry: its version and digest, and the lesson ids the entry touched."""

    version: int
    digest: str
    touched: frozenset[str]


@dataclass(frozen=True, slots=True)
class KBState:
    """The knowledge base at one point: active lessons (id → document), version and digest."""

    version: int
    digest: str
    entries: int
    lessons: Mapping[str, Doc]


class Replay:
    """Applies entries one at a time, keeping what verification and rollbacks need."""

    def __init__(self) -> None:
        self.active: Active = {}
        self.version = 0
        self._digests: dict[str, str] = {}
        self._entries: list[Mapping[str, Any]] = []
        self._version_ends = [0]  # _version_ends[v]: number of entries when version v began
        self.digest = set_digest({})
        self.steps: list[Step] = []

    def copy(self) -> Replay:
        """An independent replay in the same state (advancing it leaves this one alone)."""
        twin = Replay()
        twin.active = dict(self.active)
        twin.version = self.version
        twin._digests = dict(self._digests)
        twin._entries = list(self._entries)
        twin._version_ends = list(self._version_ends)
        twin.digest = self.digest
        twin.steps = list(self.steps)
        return twin

    @property
    def entries(self) -> int:
        return len(self._entries)

    def advance(self, entry: Mapping[str, Any]) -> Step:
        """Apply one entry; ReplayError (nothing changed) when it cannot apply."""
        effect = effect_of(str(entry.get("action")))
        nxt = effect.apply(self.active, entry, self.state_at)
        touched = _touched(self.active, nxt)
        lesson_id = entry.get("lesson_id")
        if effect.changes_kb:
            for gone in set(self.active) - set(nxt):
                del self._digests[gone]
            for lesson_id_ in touched & set(nxt):
                self._digests[lesson_id_] = lesson_digest(nxt[lesson_id_])
            self.active = nxt
            self.version += 1
            self.digest = set_digest(self._digests)
        self._entries.append(entry)
        if effect.changes_kb:
            self._version_ends.append(len(self._entries))
        if isinstance(lesson_id, str):
            touched = touched | {lesson_id}
        step = Step(self.version, self.digest, frozenset(touched))
        self.steps.append(step)
        return step

    def state_at(self, version: int) -> Active:
        """The active set at KB ``version`` (0 is the empty KB)."""
        if not 0 <= version <= self.version:
            raise ReplayError(f"no KB version {version}: versions run from 0 to {self.version}")
        if version == self.version:
            return dict(self.active)
        earlier = Replay()
        for entry in self._entries[: self._version_ends[version]]:
            earlier.advance(entry)
        return earlier.active

    def state(self) -> KBState:
        return KBState(self.version, self.digest, len(self._entries),
                       {k: self.active[k] for k in sorted(self.active)})


def _touched(before: Active, after: Active) -> set[str]:
    if before is after:
        return set()
    return {k for k in set(before) | set(after) if before.get(k) is not after.get(k)}


def replay(entries: Sequence[Mapping[str, Any]]) -> Replay:
    """Replay stored entries from the start; ReplayError naming the first one that fails."""
    state = Replay()
    for index, entry in enumerate(entries):
        try:
            state.advance(entry)
        except ReplayError as exc:
            raise ReplayError(f"ledger entry seq {entry.get('seq', index)}: {exc}") from None
    return state
