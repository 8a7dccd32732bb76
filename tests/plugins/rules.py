"""Third-party-style rules for testing plugin registration."""

from __future__ import annotations

from collections.abc import Iterator

from guardian.policy.base import BaseRule, CheckContext
from guardian.records import Finding, Lesson


class ForbiddenWordRule(BaseRule):
    """Blocks lessons whose normalised text contains one of the configured words."""

    name = "forbidden-word"
    defaults = {"words": ["forbidden"]}

    def check(self, lesson: Lesson, ctx: CheckContext) -> Iterator[Finding]:
        for field in ctx.fields(lesson):
            for word in self.options["words"]:
                if word in field.skeleton:
                    yield self.finding(field.pointer, f"contains the forbidden word {word!r}")


class CrashingRule(BaseRule):
    """A buggy plugin: raises on every lesson."""

    name = "crashing"

    def check(self, lesson: Lesson, ctx: CheckContext) -> Iterator[Finding]:
        raise RuntimeError("plugin bug")


def broken_import() -> None:
    """Stands in for a plugin whose module fails to import."""
