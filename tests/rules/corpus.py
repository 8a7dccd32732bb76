"""One rule alone over its corpus folder: every block/ file blocked, no pass/ file blocked."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from guardian.loaders import read_path
from guardian.records import Finding, Lesson


def corpus_test_class(folder: Path, findings: Callable[[Lesson], list[Finding]]) -> type:
    """A test class checking ``findings`` (one rule) against ``folder``'s block/ and pass/."""
    cases = sorted((p, p.parent.name) for p in folder.glob("*/*") if p.is_file())

    class TestCorpus:
        CASES = cases

        @pytest.mark.parametrize(("path", "expected"), cases,
                                 ids=[f"{e}/{p.name}" for p, e in cases])
        def test_corpus_file(self, path: Path, expected: str) -> None:
            """Every block/ file is blocked by this rule; no pass/ file is blocked by it."""
            lessons, errors = read_path(path)
            assert lessons and not errors
            blocked = any(f.severity == "block" for item in lessons for f in findings(item))
            assert blocked == (expected == "block")

        def test_corpus_is_large_enough(self) -> None:
            """At least twenty poisoned and twenty benign lessons are kept."""
            kinds = [e for _, e in cases]
            assert kinds.count("block") >= 20 and kinds.count("pass") >= 20

    return TestCorpus
