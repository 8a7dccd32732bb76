"""What a policy rule is: the Rule protocol, a convenient base class, and the check context."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, runtime_checkable

from guardian.errors import PolicyPackError
from guardian.records import Finding, Lesson, Severity
from guardian.text import TextField, text_field, text_fields


@runtime_checkable
class Rule(Protocol):
    """A configured policy rule. ``repr()`` must name the rule and its arguments exactly."""

    id: str
    severity: Severity

    def check(self, lesson: Lesson, ctx: CheckContext) -> Iterable[Finding]:
        """Yield every problem found in ``lesson``; never raise for bad lesson content."""
        ...


class RuleFactory(Protocol):
    """What the ``guardian.rules`` entry-point group registers: builds a Rule from a pack entry."""

    def __call__(self, *, id: str, severity: Severity, options: Mapping[str, Any]) -> Rule: ...


@dataclass
class CheckContext:
    """What a rule may consult besides the lesson itself.

    ``kb`` holds the active knowledge base's lessons (for duplicates and id collisions);
    ``batch`` the other lessons checked in the same run. ``memo`` lets a rule build an index
    once per run (keyed by the rule's id) instead of once per lesson.
    """

    kb: Sequence[Lesson] = ()
    batch: Sequence[Lesson] = ()
    memo: dict[str, Any] = field(default_factory=dict)
    _fields: dict[int, list[TextField]] = field(default_factory=dict, repr=False)

    def fields(self, lesson: Lesson) -> list[TextField]:
        """Every string of ``lesson`` (values and keys, nested) with its normalised views."""
        key = id(lesson)
        cached = self._fields.get(key)
        if cached is None:
            cached = text_fields(lesson.data)
            if lesson.source is not None and lesson.source.comments:
                cached.extend(text_field(f"#L{line}", text)
                              for line, text in lesson.source.comments)
            self._fields[key] = cached
        return cached


class BaseRule:
    """Base for built-in rules: option checking, a readable repr, a finding helper.

    Subclasses set ``name`` (the entry-point name), ``defaults`` (every accepted option with
    its default value) and implement ``check``.
    """

    name: ClassVar[str] = ""
    defaults: ClassVar[Mapping[str, Any]] = {}

    def __init__(self, *, id: str, severity: Severity, options: Mapping[str, Any]) -> None:
        unknown = sorted(set(options) - set(self.defaults))
        if unknown:
            known = ", ".join(sorted(self.defaults)) or "none"
            raise PolicyPackError(
                f"rule {id!r} ({self.name}): unknown option(s) {', '.join(unknown)}; "
                f"known options: {known}")
        self.id = id
        self.severity: Severity = severity
        self.options: dict[str, Any] = {**self.defaults, **options}
        self.configure()

    def configure(self) -> None:
        """Hook to validate options and precompile patterns once."""

    def __repr__(self) -> str:
        changed = {k: v for k, v in self.options.items() if self.defaults.get(k) != v}
        return f"{self.name}(id={self.id!r}, severity={self.severity!r}, options={changed!r})"

    def finding(
        self,
        field: str,
        message: str,
        *,
        excerpt: str | None = None,
        severity: Severity | None = None,
    ) -> Finding:
        """A finding of this rule; secret-looking tokens in message and excerpt are masked.

        Findings are printed, logged, ledgered and uploaded as SARIF, so a key quoted inside a
        matched command must not travel with them.
        """
        from guardian.text import redacted

        return Finding(
            rule=self.id,
            severity=severity or self.severity,
            message=redacted(message),
            field=field,
            excerpt=None if excerpt is None else redacted(excerpt),
        )

    def compile_patterns(self, option: str) -> list[re.Pattern[str]]:
        """Compile a list-of-regex option, or raise PolicyPackError naming the bad one."""
        values = self.options[option]
        if not isinstance(values, list) or not all(isinstance(p, str) for p in values):
            raise PolicyPackError(f"rule {self.id!r}: {option} must be a list of strings; "
                                  f"got {values!r}")
        compiled = []
        for pattern in values:
            try:
                compiled.append(re.compile(pattern))
            except re.error as exc:
                raise PolicyPackError(
                    f"rule {self.id!r}: {option}: bad regular expression {pattern!r}: "
                    f"{exc}") from None
        return compiled

    def check(self, lesson: Lesson, ctx: CheckContext) -> Iterable[Finding]:
        raise NotImplementedError
