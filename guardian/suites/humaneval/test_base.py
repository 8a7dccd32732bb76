"""HumanEval's own tests: each task's ``check(candidate)``, run against the sandboxed code."""

from guardian.suite import run_check


def test_check(task, candidate, solution):
    """The problem's own test function passes (one case per task)."""
    run_check(task, candidate, solution)
