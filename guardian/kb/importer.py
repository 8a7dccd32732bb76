"""Bring existing lessons into the KB: policy-check each one, ledger it as import or reject."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

from guardian.errors import ConflictError, KBError, LessonError
from guardian.kb.canonical import lesson_digest
from guardian.kb.change import Change
from guardian.kb.ledger import Entry
from guardian.kb.store import KnowledgeBase
from guardian.policy.base import CheckContext
from guardian.records import Finding, Lesson

Status = Literal["imported", "unchanged", "refused", "unreadable", "skipped"]


class PolicyLike(Protocol):
    """What import needs from a policy (``guardian.policy.engine.Policy`` fits)."""

    def check(self, lesson: Lesson, ctx: CheckContext | None = None) -> list[Finding]: ...

    def describe(self) -> dict[str, Any]: ...


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    """What happened to one lesson (or one unreadable file) of an import."""

    status: Status
    path: str
    lesson_id: str | None
    message: str
    findings: tuple[Finding, ...] = ()
    seq: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "path": self.path, "lesson_id": self.lesson_id,
                "message": self.message, "findings": [f.to_dict() for f in self.findings],
                "seq": self.seq}


@dataclass(frozen=True, slots=True)
class ImportReport:
    """Every outcome of an import, and the KB version and digest after it."""

    outcomes: tuple[ImportOutcome, ...]
    kb_version: int
    kb_digest: str

    @property
    def ok(self) -> bool:
        """True when nothing was refused or unreadable."""
        return all(o.status in ("imported", "unchanged", "skipped") for o in self.outcomes)

    def count(self, status: Status) -> int:
        return sum(o.status == status for o in self.outcomes)

    def to_dict(self) -> dict[str, Any]:
        return {"outcomes": [o.to_dict() for o in self.outcomes],
                "summary": {s: self.count(s) for s in
                            ("imported", "unchanged", "skipped", "refused", "unreadable")},
                "kb_version": self.kb_version, "kb_digest": self.kb_digest}


def where(lesson: Lesson, root: Path | None) -> str:
    """``path:line`` of a lesson's source, relative to ``root`` when inside it."""
    if lesson.source is None:
        return f"<lesson {lesson.id}>"
    path = Path(lesson.source.path)
    if root is not None:
        with contextlib.suppress(ValueError, OSError):
            path = path.resolve().relative_to(root.resolve())
    return f"{path.as_posix()}:{lesson.source.line}"


def import_lessons(kb: KnowledgeBase, lessons: Sequence[Lesson], policy: PolicyLike, *,
                   errors: Sequence[LessonError] = (), root: Path | None = None,
                   skipped: Sequence[Lesson] = (), attempts: int = 5) -> ImportReport:
    """Check ``lessons`` against ``policy`` and the active KB, then ledger each one.

    Clean lessons are ledgered as ``import`` and become active; blocked ones as ``reject``
    (id, digest and findings only) and stay out; lessons identical to an active one are left
    alone. All entries are written under one lock with a compare-and-swap on the version read
    for the check, retried when another writer got in between. ``errors`` (files that did not
    parse) are reported as unreadable, ``skipped`` lessons (read from guardian's own exported
    section of a memory file) as skipped.
    """
    for _attempt in range(attempts):
        state = kb.state()
        decided = _decide(kb, state.lessons, lessons, policy, root)
        try:
            entries = kb.apply_all([c for _o, c in decided if c is not None],
                                   expected_version=state.version)
        except ConflictError:
            continue
        after = kb.state()
        return ImportReport(_with_seqs(decided, entries) + tuple(
            ImportOutcome("skipped", where(x, root), x.id, "inside guardian's exported section "
                          "(guardian:begin/end): already managed by guardian") for x in skipped)
            + tuple(_unreadable(e) for e in errors), after.version, after.digest)
    raise KBError(f"{kb.location}: the KB kept changing under this import ({attempts} tries); "
                  f"run it again when the other writers are done")


def _unreadable(error: LessonError) -> ImportOutcome:
    where = error.path if error.line is None else f"{error.path}:{error.line}:{error.column or 1}"
    message = error.message if error.line is not None or not error.pointer else (
        f"at {error.pointer}: {error.message}")
    return ImportOutcome("unreadable", where, None, message)


def _decide(kb: KnowledgeBase, active: Mapping[str, Mapping[str, Any]],
            lessons: Sequence[Lesson], policy: PolicyLike,
            root: Path | None) -> list[tuple[ImportOutcome, Change | None]]:
    ctx = CheckContext(kb=kb.lessons(), batch=lessons)
    description = policy.describe()
    decided: list[tuple[ImportOutcome, Change | None]] = []
    first_seen: dict[str, str] = {}
    for lesson in lessons:
        source = where(lesson, root)
        if lesson.id in first_seen:
            decided.append((ImportOutcome(
                "refused", source, lesson.id, f"id {lesson.id!r} is already used by "
                f"{first_seen[lesson.id]} in this import; give one of them another id"), None))
            continue
        first_seen[lesson.id] = source
        current = active.get(lesson.id)
        if current is not None and lesson_digest(current) == lesson_digest(lesson.to_dict()):
            decided.append((ImportOutcome("unchanged", source, lesson.id,
                                          "already active with identical content"), None))
            continue
        findings = tuple(policy.check(lesson, ctx))
        blocking = [f for f in findings if f.severity == "block" and f.suppressed is None]
        details = {"source": source}
        if blocking:
            reasons = [f"{f.rule}: {f.message}" for f in blocking]
            decided.append((
                ImportOutcome("refused", source, lesson.id, "; ".join(reasons), findings),
                Change.reject(lesson, findings=findings, policy=description, reasons=reasons,
                              details=details)))
        else:
            verb = "replaces the active lesson" if current is not None else "imported"
            decided.append((
                ImportOutcome("imported", source, lesson.id, verb, findings),
                Change.imported(lesson, findings=findings, policy=description,
                                reasons=[f"{verb} from {source}"], details=details)))
    return decided


def _with_seqs(decided: Sequence[tuple[ImportOutcome, Change | None]],
               entries: Sequence[Entry]) -> tuple[ImportOutcome, ...]:
    """Attach each ledgered outcome's entry seq (entries come in the order of the changes)."""
    queue = iter(entries)
    out = []
    for outcome, change in decided:
        if change is None:
            out.append(outcome)
            continue
        entry = next(queue)
        out.append(ImportOutcome(outcome.status, outcome.path, outcome.lesson_id,
                                 outcome.message, outcome.findings, entry.seq))
    return tuple(out)
