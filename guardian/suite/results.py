"""What a suite run produces: one outcome per case, one per task, the settings and isolation."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, cast

Outcome = Literal["pass", "fail", "error", "timeout"]
OUTCOMES: tuple[Outcome, ...] = ("pass", "fail", "error", "timeout")
Kind = Literal["base", "property", "example"]


@dataclass(frozen=True, slots=True)
class CaseResult:
    """One test of the suite against one task's code.

    ``counterexample`` is set for failures: for a hypothesis property the shrunk falsifying
    example (``kwargs``, encoded so it can be stored and replayed, and its ``repr``); for any
    failure the last call into the code (``call``) and what came back (``returned``).
    """

    case_id: str
    task_id: str
    kind: str
    outcome: Outcome
    message: str = ""
    counterexample: Mapping[str, Any] | None = None
    duration: float = 0.0
    replayed: int = 0

    def to_json(self, *, timings: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "case_id": self.case_id, "task_id": self.task_id, "kind": self.kind,
            "outcome": self.outcome, "message": self.message,
            "counterexample": dict(self.counterexample) if self.counterexample else None,
            "replayed": self.replayed,
        }
        if timings:
            data["duration"] = round(self.duration, 4)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CaseResult:
        outcome = data.get("outcome")
        if outcome not in OUTCOMES:
            raise ValueError(f"bad outcome {outcome!r}")
        cx = data.get("counterexample")
        return cls(case_id=str(data["case_id"]), task_id=str(data["task_id"]),
                   kind=str(data.get("kind", "example")), outcome=cast(Outcome, outcome),
                   message=str(data.get("message", "")),
                   counterexample=cx if isinstance(cx, dict) else None,
                   duration=float(data.get("duration", 0.0)),
                   replayed=int(data.get("replayed", 0)))


def task_outcome(cases: Iterable[CaseResult]) -> Outcome:
    """A task passes iff every case passes; otherwise fail beats timeout beats error."""
    seen = {c.outcome for c in cases}
    if not seen:
        return "error"  # nothing ran: fail closed
    for outcome in ("fail", "timeout", "error"):
        if outcome in seen:
            return cast(Outcome, outcome)
    return "pass"


@dataclass(frozen=True, slots=True)
class TaskResult:
    """A task's outcome and its cases' tallies (``cached`` when it came from the cache)."""

    task_id: str
    outcome: Outcome
    cases: tuple[CaseResult, ...]
    message: str = ""
    cached: bool = False

    def to_json(self, *, timings: bool = True) -> dict[str, Any]:
        counts = {o: 0 for o in OUTCOMES}
        for case in self.cases:
            counts[case.outcome] += 1
        data: dict[str, Any] = {"task_id": self.task_id, "outcome": self.outcome,
                                "cases": len(self.cases), "counts": counts,
                                "message": self.message}
        if timings:
            data["cached"] = self.cached
        return data


@dataclass(frozen=True, slots=True)
class EvalResult:
    """A whole run: tasks in suite order, their cases, what was run and how it was isolated."""

    tasks: tuple[TaskResult, ...]
    settings: Mapping[str, Any]
    isolation: Mapping[str, Any]
    timings: Mapping[str, float] = field(default_factory=dict)
    problems: tuple[str, ...] = ()  # the run itself went wrong (a suite that cannot collect…)

    @property
    def cases(self) -> tuple[CaseResult, ...]:
        return tuple(c for t in self.tasks for c in t.cases)

    @property
    def passed(self) -> bool:
        return (bool(self.tasks) and not self.problems
                and all(t.outcome == "pass" for t in self.tasks))

    def task(self, task_id: str) -> TaskResult | None:
        return next((t for t in self.tasks if t.task_id == task_id), None)

    def summary(self) -> dict[str, int]:
        counts = {f"tasks_{o}": 0 for o in OUTCOMES}
        counts.update({f"cases_{o}": 0 for o in OUTCOMES})
        for t in self.tasks:
            counts[f"tasks_{t.outcome}"] += 1
            for c in t.cases:
                counts[f"cases_{c.outcome}"] += 1
        counts["tasks"] = len(self.tasks)
        counts["cases"] = sum(len(t.cases) for t in self.tasks)
        counts["cached_tasks"] = sum(1 for t in self.tasks if t.cached)
        return counts

    def to_json(self, *, timings: bool = True) -> dict[str, Any]:
        """The ``eval --format json`` shape; ``timings=False`` gives a run-independent form."""
        data: dict[str, Any] = {
            "tasks": [t.to_json(timings=timings) for t in self.tasks],
            "cases": [c.to_json(timings=timings) for t in self.tasks for c in t.cases],
            "summary": self.summary(),
            "settings": dict(self.settings),
            "isolation": dict(self.isolation),
            "problems": list(self.problems),
        }
        if not timings:
            data["summary"].pop("cached_tasks", None)
            data["settings"].pop("workers", None)  # how the run was spread, not what it found
        else:
            data["timings"] = {k: round(v, 3) for k, v in self.timings.items()}
        return data


def build_tasks(order: Sequence[str], cases: Iterable[CaseResult],
                messages: Mapping[str, str] | None = None,
                cached: frozenset[str] = frozenset()) -> tuple[TaskResult, ...]:
    """Group cases by task in ``order``; a task with no cases is an ``error`` (nothing ran)."""
    grouped: dict[str, list[CaseResult]] = {t: [] for t in order}
    for case in cases:
        grouped.setdefault(case.task_id, []).append(case)
    messages = messages or {}
    out = []
    for task_id, its in grouped.items():
        message = messages.get(task_id, "")
        if not its and not message:
            message = "no test cases ran for this task"
        out.append(TaskResult(task_id, task_outcome(its), tuple(its), message,
                              task_id in cached))
    return tuple(out)
