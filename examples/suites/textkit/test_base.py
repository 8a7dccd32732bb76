"""Each task's own ``check`` function (from tasks.jsonl), run against the code under test."""

from guardian.suite import run_check


def test_check(task, candidate, solution):
    """No task marker: this test runs once for every selected task."""
    run_check(task, candidate, solution)
