"""The fast path: read lesson and memory files, apply the policy, return one result per lesson.

This is what the pre-commit hook runs on every commit, so it imports only the loaders, the
policy engine and the rules — never the suite runner, hypothesis or anthropic.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from guardian.config import Config, load_config
from guardian.errors import LessonError
from guardian.log import get_logger
from guardian.policy.engine import Policy
from guardian.records import CheckResult, Finding, Lesson

log = get_logger(__name__)


def _error_result(error: LessonError) -> CheckResult:
    finding = Finding(
        rule=error.rule,
        severity="block",
        message=error.message,
        field=error.pointer or "",
        line=error.line,
        column=error.column,
    )
    return CheckResult(path=error.path, lesson_id=None, findings=(finding,))


def expand_paths(paths: Iterable[Path | str]) -> list[Path]:
    """Files to check: explicit files as given, directories walked for lesson/memory files."""
    from guardian.loaders import iter_candidates

    out: list[Path] = []
    seen: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        found = list(iter_candidates(path)) if path.is_dir() else [path]
        for item in found:
            key = item.resolve() if item.exists() else item
            if key not in seen:
                seen.add(key)
                out.append(item)
    return out


def read_kb_lessons(config: Config, exclude: set[Path] | None = None) -> list[Lesson]:
    """The active KB's lessons (``knowledge/lessons/*.json``), minus the excluded files.

    Unreadable KB files are skipped here: ``guardian verify`` is the command that reports them.
    """
    from guardian.loaders import read_path

    folder = config.kb_dir / "lessons"
    if not folder.is_dir():
        return []
    lessons: list[Lesson] = []
    for path in sorted(folder.glob("*.json")):
        if exclude and path.resolve() in exclude:
            continue
        found, _errors = read_path(path, max_bytes=config.max_file_bytes)
        lessons.extend(found)
    return lessons


def check_paths(
    paths: Sequence[Path | str],
    config: Config | None = None,
    *,
    policy: Policy | None = None,
    kb: Sequence[Lesson] | None = None,
) -> list[CheckResult]:
    """Check every lesson in ``paths`` against the policy; one result per lesson or bad file.

    ``kb`` defaults to the configured knowledge base's active lessons (used for duplicate and
    id-collision rules); files that are themselves part of the KB are not compared with
    themselves.
    """
    from guardian.loaders import read_path

    config = config or load_config()
    policy = policy or Policy.from_config(config)
    files = expand_paths(paths)
    results: list[CheckResult] = []
    lessons: list[Lesson] = []
    for path in files:
        found, errors = read_path(path, max_bytes=config.max_file_bytes)
        results.extend(_error_result(e) for e in errors)
        lessons.extend(found)
    if kb is None:
        exclude = {p.resolve() for p in files if p.exists()}
        kb = read_kb_lessons(config, exclude)
    for lesson, findings in zip(lessons, policy.check_all(lessons, kb), strict=True):
        results.append(CheckResult(lesson.display_path, lesson.id, tuple(findings), lesson))
    results.sort(key=lambda r: (r.path, _first_line(r)))
    log.debug("check_finished", files=len(files), lessons=len(lessons),
              blocked=sum(r.blocked for r in results))
    return results


def _first_line(result: CheckResult) -> int:
    if result.lesson is not None and result.lesson.source is not None:
        return result.lesson.source.line
    return min((f.line or 0 for f in result.findings), default=0)


def summarize(results: Sequence[CheckResult]) -> dict[str, Any]:
    """Counts for the summary line and the JSON ``summary`` object."""
    findings = [f for r in results for f in r.findings]
    return {
        "files": len({r.path for r in results}),
        "lessons": sum(1 for r in results if r.lesson_id is not None),
        "unreadable": sum(1 for r in results if r.lesson_id is None),
        "blocked": sum(1 for r in results if r.blocked and r.lesson_id is not None),
        "passed": sum(1 for r in results if not r.blocked),
        "findings": {
            "block": sum(1 for f in findings if f.severity == "block" and not f.suppressed),
            "warn": sum(1 for f in findings if f.severity == "warn" and not f.suppressed),
            "suppressed": sum(1 for f in findings if f.suppressed),
        },
        "verdict": "block" if any(r.blocked for r in results) else "pass",
    }
