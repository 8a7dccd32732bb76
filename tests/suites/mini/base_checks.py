"""Base tests of the mini fixture suite."""

import pytest

from guardian.suite import run_check


def test_check(task, candidate, solution):
    """No task marker: runs once for every selected task."""
    run_check(task, candidate, solution)


@pytest.mark.task("mini/upper")
def test_upper_keeps_ascii_length(solution):
    """Marked: runs only when mini/upper is selected."""
    assert len(solution("hello")) == 5
