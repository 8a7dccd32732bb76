"""Fields the lesson schema does not declare: allowed for forward compatibility, but reported."""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

from guardian.policy.base import BaseRule, CheckContext
from guardian.records import Finding, Lesson
from guardian.schemas import escape_pointer_token, load_schema


def _declared(schema: Mapping[str, Any]) -> dict[str, frozenset[str]]:
    props = schema["properties"]
    return {
        "": frozenset(props),
        "scope": frozenset(props["scope"]["properties"]),
        "provenance": frozenset(props["provenance"]["properties"]),
        "evidence": frozenset(props["evidence"]["items"]["properties"]),
    }


class UnknownFieldRule(BaseRule):
    """Warns about fields guardian does not interpret (often a typo such as ``supersede``).

    Such fields are still checked by every other rule; ``x-`` prefixed extension fields are
    not reported.
    """

    name = "unknown-field"
    defaults: ClassVar[Mapping[str, Any]] = {}

    def configure(self) -> None:
        self._known = _declared(load_schema("lesson"))

    def _report(self, pointer: str, key: str, known: frozenset[str],
                where: str) -> Finding:
        close = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.75)
        hint = f"; did you mean {close[0]!r}?" if close else (
            "; prefix extension fields with 'x-'" if not where else "")
        place = f" in {where!r}" if where else ""
        return self.finding(
            f"{pointer}/{escape_pointer_token(key)}",
            f"unknown field {key!r}{place} is not interpreted by guardian{hint}",
            severity="warn")

    def check(self, lesson: Lesson, ctx: CheckContext) -> Iterator[Finding]:
        data = lesson.data
        for key in data:
            if key not in self._known[""] and not str(key).startswith("x-"):
                yield self._report("", str(key), self._known[""], "")
        for section in ("scope", "provenance"):
            value = data.get(section)
            if isinstance(value, Mapping):
                for key in value:
                    if key not in self._known[section]:
                        yield self._report(f"/{section}", str(key), self._known[section],
                                           section)
        evidence = data.get("evidence")
        if isinstance(evidence, list):
            for i, item in enumerate(evidence):
                if isinstance(item, Mapping):
                    for key in item:
                        if key not in self._known["evidence"]:
                            yield self._report(f"/evidence/{i}", str(key),
                                               self._known["evidence"], f"evidence[{i}]")
