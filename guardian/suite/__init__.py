"""Writing suites: helpers for test modules that guardian's pytest plugin runs.

A suite's tests receive the code under evaluation through fixtures (``solution``, the task's
entry point; ``candidate``, any top-level function by attribute; ``reference``, the task's
canonical solution, trusted; ``task``, the :class:`~guardian.suite.tasks.Task`) and are tied to
tasks with ``@pytest.mark.task("ID", ...)``; a test without the marker runs once per task.
See ``docs/suites.md``.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from typing import Any

__all__ = ["close", "run_check", "same"]


def close(got: Any, expected: Any, *, rel: float = 1e-6, abs_tol: float = 1e-9) -> bool:
    """Python equality, except that an expected float (also inside containers) is matched
    within a tolerance.

    The tolerance is for results that are floats by nature. Where the expected value is an
    ``int``, a float answer must equal it exactly: code that computes an integer through
    floats passes while the float is exact and fails once it loses precision.
    """
    if isinstance(expected, float) and not isinstance(got, bool):
        if not isinstance(got, int | float):
            return bool(got == expected)
        if math.isnan(expected) or (isinstance(got, float) and math.isnan(got)):
            return isinstance(got, float) and math.isnan(got) and math.isnan(expected)
        return math.isclose(got, expected, rel_tol=rel, abs_tol=abs_tol)
    if isinstance(got, list | tuple) and isinstance(expected, list | tuple):
        return (type(got) is type(expected) and len(got) == len(expected)
                and all(close(x, y, rel=rel, abs_tol=abs_tol)
                        for x, y in zip(got, expected, strict=True)))
    if isinstance(got, dict) and isinstance(expected, dict):
        return got.keys() == expected.keys() and all(
            close(got[k], expected[k], rel=rel, abs_tol=abs_tol) for k in got)
    return bool(got == expected)


def _show(args: tuple[Any, ...]) -> str:
    text = ", ".join(repr(a) for a in args)
    return text if len(text) <= 400 else text[:400] + "…"


def same(solution: Callable[..., Any], reference: Callable[..., Any], *args: Any,
         rel: float = 1e-6, abs_tol: float = 1e-9) -> Any:
    """Assert that ``solution(*args)`` equals ``reference(*args)``; returns the result.

    Each side gets its own deep copy of the arguments. When the reference raises, the input is
    outside the task's contract: the example is rejected (hypothesis ``assume``), so a
    strategy that strays does not turn into a false alarm.
    """
    from hypothesis import assume

    try:
        expected = reference(*copy.deepcopy(args))
    except Exception:
        assume(False)
        raise AssertionError("unreachable") from None  # pragma: no cover
    got = solution(*copy.deepcopy(args))
    if not close(got, expected, rel=rel, abs_tol=abs_tol):
        raise AssertionError(
            f"solution({_show(args)}) returned {got!r}; expected {expected!r}")
    return got


def run_check(task: Any, candidate: Any, solution: Callable[..., Any]) -> None:
    """Run the task's own ``check(candidate)`` test (HumanEval's ``test`` field).

    The test code and the prompt's helper functions run here (trusted); every call of the
    entry point goes to ``solution`` (the sandboxed code). Other module-level names the test
    uses resolve against the candidate's module.
    """
    if not task.test.strip():
        raise AssertionError(f"{task.task_id} has no base test")
    namespace: dict[str, Any] = {"__name__": "guardian_base_check"}
    exec(compile(task.prompt, f"<{task.task_id} prompt>", "exec"), namespace)  # noqa: S102
    namespace[task.entry_point] = solution
    exec(compile(task.test, f"<{task.task_id} test>", "exec"), namespace)  # noqa: S102
    check = namespace.get("check")
    if not callable(check):
        raise AssertionError(f"{task.task_id}: the base test defines no check()")
    try:
        check(solution)
    except AssertionError as exc:
        raise AssertionError(_where_failed(task, exc)) from None


def _where_failed(task: Any, exc: AssertionError) -> str:
    """Name the line of the base test whose assertion failed (exec'd code is not rewritten)."""
    import traceback

    label = f"<{task.task_id} test>"
    lines = task.test.splitlines()
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename == label and frame.lineno and frame.lineno <= len(lines):
            text = lines[frame.lineno - 1].strip()
            detail = f": {exc}" if str(exc) else ""
            return f"base test line {frame.lineno} failed: {text[:300]}{detail}"
    return str(exc) or "base test assertion failed"
