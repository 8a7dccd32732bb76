"""Frozen records passed between modules: lessons, where they came from, and findings."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

Kind = Literal["guidance", "skill", "patch"]
Severity = Literal["block", "warn"]
SourceFormat = Literal["json", "yaml", "markdown", "memory"]
KINDS: tuple[Kind, ...] = ("guidance", "skill", "patch")

#: Maps a JSON pointer inside a lesson ("/body", "/scope/tags/0") to (line, column), 1-based.
Locator = Callable[[str], "tuple[int, int] | None"]


@dataclass(frozen=True, slots=True, eq=False)
class Source:
    """Where a lesson was read from: the file, its format, and how to locate a field in it."""

    path: str
    format: SourceFormat
    line: int = 1
    column: int = 1
    locate: Locator | None = None
    #: ``(line, text)`` of comments in the file (YAML ``#`` comments). They never reach the KB
    #: but do reach anyone (or any agent) reading the file, so the policy checks them too,
    #: under the pseudo-pointer ``#L<line>``.
    comments: tuple[tuple[int, str], ...] = ()

    def position(self, pointer: str) -> tuple[int, int]:
        """Line and column of ``pointer`` in the file, falling back to the lesson's own start."""
        if pointer.startswith("#L") and pointer[2:].isdigit():
            return (int(pointer[2:]), 1)
        if self.locate is not None:
            found = self.locate(pointer)
            if found is not None:
                return found
        return (self.line, self.column)


@dataclass(frozen=True, slots=True, eq=False)
class Lesson:
    """One unit of learned knowledge, validated against the lesson schema.

    ``data`` is the whole validated document (every field, including ones guardian does not
    interpret), so that policy rules can check nested values too.
    """

    id: str
    kind: Kind
    title: str
    body: str
    data: Mapping[str, Any]
    source: Source | None = None

    @property
    def code(self) -> str | None:
        value = self.data.get("code")
        return value if isinstance(value, str) else None

    @property
    def supersedes(self) -> tuple[str, ...]:
        return tuple(self.data.get("supersedes") or ())

    @property
    def evidence(self) -> tuple[Mapping[str, Any], ...]:
        return tuple(self.data.get("evidence") or ())

    @property
    def provenance(self) -> Mapping[str, Any]:
        value = self.data.get("provenance")
        return value if isinstance(value, Mapping) else {}

    @property
    def scope(self) -> Mapping[str, Any]:
        value = self.data.get("scope")
        return value if isinstance(value, Mapping) else {}

    @property
    def agent_authored(self) -> bool:
        """True when the provenance says an agent (not a human) wrote the lesson."""
        return self.provenance.get("source") == "agent"

    @property
    def display_path(self) -> str:
        return self.source.path if self.source else f"<lesson {self.id}>"

    def to_dict(self) -> dict[str, Any]:
        """A plain JSON-ready copy of the lesson document."""
        import copy

        return copy.deepcopy(dict(self.data))


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem a policy rule found in a lesson.

    ``field`` is a JSON pointer into the lesson ("/body", "/scope/tags/0", "" for the whole
    lesson). ``excerpt`` is a short, already-redacted snippet that shows the problem.
    ``suppressed`` holds the repository configuration's reason when a suppression matched.
    """

    rule: str
    severity: Severity
    message: str
    field: str = ""
    line: int | None = None
    column: int | None = None
    excerpt: str | None = None
    suppressed: str | None = None

    def with_position(self, line: int, column: int) -> Finding:
        return replace(self, line=line, column=column)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "field": self.field,
        }
        if self.line is not None:
            out["line"] = self.line
            out["column"] = self.column or 1
        if self.excerpt is not None:
            out["excerpt"] = self.excerpt
        if self.suppressed is not None:
            out["suppressed"] = self.suppressed
        return out


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The verdict on one lesson (or on one unreadable file, then ``lesson`` is None)."""

    path: str
    lesson_id: str | None
    findings: Sequence[Finding] = field(default_factory=tuple)
    lesson: Lesson | None = None

    @property
    def blocked(self) -> bool:
        return any(f.severity == "block" and f.suppressed is None for f in self.findings)

    @property
    def verdict(self) -> Literal["pass", "block"]:
        return "block" if self.blocked else "pass"

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "lesson_id": self.lesson_id,
            "verdict": self.verdict,
            "findings": [f.to_dict() for f in self.findings],
        }
