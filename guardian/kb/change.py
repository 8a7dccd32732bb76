"""Change requests for the KB (promote, import, retire, reject, error, rollback) and the entries
they become."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from guardian.errors import KBError
from guardian.kb.canonical import lesson_digest
from guardian.kb.replay import ID_PATTERN, Replay, ReplayError, Step, effect_of
from guardian.records import Finding, Lesson


@dataclass(frozen=True, slots=True)
class Change:
    """One decision to record in the ledger, and (for KB-changing actions) to apply.

    Build it with the class methods. ``details`` is free-form JSON the caller wants kept with
    the decision (the gate's evaluation summary, the import's source file); it is hashed with
    the entry, so it must not hold secrets.
    """

    action: str
    lesson_id: str | None = None
    lesson: Mapping[str, Any] | None = None
    findings: tuple[Finding, ...] = ()
    policy: Mapping[str, Any] | None = None
    reasons: tuple[str, ...] = ()
    rollback_to: int | None = None
    details: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def promote(cls, lesson: Lesson, *, findings: Iterable[Finding] = (),
                policy: Mapping[str, Any] | None = None, reasons: Iterable[str] = (),
                details: Mapping[str, Any] | None = None) -> Change:
        """Add ``lesson`` to the active set; the ids it ``supersedes`` leave it."""
        return cls._with_lesson("promote", lesson, findings=findings, policy=policy,
                                reasons=reasons, details=details)

    @classmethod
    def imported(cls, lesson: Lesson, *, findings: Iterable[Finding] = (),
                 policy: Mapping[str, Any] | None = None, reasons: Iterable[str] = (),
                 details: Mapping[str, Any] | None = None) -> Change:
        """Like promote, for lessons brought in by ``guardian kb import`` (policy-checked only)."""
        return cls._with_lesson("import", lesson, findings=findings, policy=policy,
                                reasons=reasons, details=details)

    @classmethod
    def retire(cls, lesson_id: str, *, reasons: Iterable[str] = (),
               policy: Mapping[str, Any] | None = None,
               details: Mapping[str, Any] | None = None) -> Change:
        """Remove an active lesson from the KB (it stays in the ledger's history)."""
        return cls("retire", lesson_id=lesson_id, policy=policy, reasons=tuple(reasons),
                   details=dict(details or {}))

    @classmethod
    def reject(cls, lesson: Lesson | str, *, findings: Iterable[Finding] = (),
               policy: Mapping[str, Any] | None = None, reasons: Iterable[str] = (),
               details: Mapping[str, Any] | None = None) -> Change:
        """Record a refused lesson; the KB does not change.

        Only the lesson's id and digest are ledgered, never its text: a rejected lesson may be
        rejected precisely because it holds a secret, and the ledger is meant to be committed.
        """
        return cls._record("reject", lesson, findings=findings, policy=policy, reasons=reasons,
                          details=details)

    @classmethod
    def error(cls, lesson: Lesson | str | None, *, reasons: Iterable[str],
              findings: Iterable[Finding] = (), policy: Mapping[str, Any] | None = None,
              details: Mapping[str, Any] | None = None) -> Change:
        """Record a decision that failed closed (agent, sandbox or suite error); KB unchanged."""
        return cls._record("error", lesson, findings=findings, policy=policy, reasons=reasons,
                          details=details)

    @classmethod
    def rollback(cls, to_version: int, *, reasons: Iterable[str] = ()) -> Change:
        """Restore the active set of KB version ``to_version`` (as a new, later version)."""
        return cls("rollback", rollback_to=to_version, reasons=tuple(reasons))

    @classmethod
    def _with_lesson(cls, action: str, lesson: Lesson, *, findings: Iterable[Finding],
                     policy: Mapping[str, Any] | None, reasons: Iterable[str],
                     details: Mapping[str, Any] | None) -> Change:
        return cls(action, lesson_id=lesson.id, lesson=lesson.to_dict(),
                   findings=tuple(findings), policy=policy, reasons=tuple(reasons),
                   details=dict(details or {}))

    @classmethod
    def _record(cls, action: str, lesson: Lesson | str | None, *, findings: Iterable[Finding],
                policy: Mapping[str, Any] | None, reasons: Iterable[str],
                details: Mapping[str, Any] | None) -> Change:
        extra = dict(details or {})
        if isinstance(lesson, Lesson):
            extra.setdefault("lesson_sha256", lesson_digest(lesson.to_dict()))
            lesson_id: str | None = lesson.id
        else:
            lesson_id = lesson
        return cls(action, lesson_id=lesson_id, findings=tuple(findings), policy=policy,
                   reasons=tuple(reasons), details=extra)


def entry_body(change: Change, *, seq: int, prev: str, time: str, version: str,
               replay: Replay) -> tuple[dict[str, Any], Step]:
    """The ledger entry (without hash/mac) for ``change`` applied after ``replay``'s state.

    Advances ``replay``; raises KBError (and leaves the caller to discard ``replay``) when the
    change cannot apply: an unknown action, a retire of an inactive lesson, a rollback to a
    version that does not exist, a lesson id that is not a slug.
    """
    effect = effect_of(change.action)
    if change.lesson_id is not None and not ID_PATTERN.match(change.lesson_id):
        raise KBError(f"lesson id {change.lesson_id!r} is not a slug (lowercase letters, "
                      f"digits, '.', '_', '-', starting with a letter or digit)")
    if effect.carries_lesson and change.lesson is None:
        raise KBError(f"a {change.action!r} change needs the lesson document")
    body: dict[str, Any] = {
        "seq": seq,
        "prev": prev,
        "time": time,
        "action": change.action,
        "lesson_id": change.lesson_id,
        "lesson": dict(change.lesson) if effect.carries_lesson and change.lesson else None,
        "findings": [f.to_dict() for f in change.findings],
        "policy": dict(change.policy) if change.policy is not None else None,
        "reasons": list(change.reasons),
        "guardian": version,
    }
    details = dict(change.details)
    lesson_sha = details.pop("lesson_sha256", None)
    if isinstance(lesson_sha, str):
        body["lesson_sha256"] = lesson_sha
    if details:
        body["details"] = details
    if change.rollback_to is not None:
        body["rollback_to"] = change.rollback_to
    try:
        step = replay.advance(body)
    except ReplayError as exc:
        raise KBError(f"cannot {change.action} {change.lesson_id or ''}: {exc}".replace(
            "  ", " ")) from None
    body["kb_version"] = step.version
    body["kb_digest"] = step.digest
    return body, step
