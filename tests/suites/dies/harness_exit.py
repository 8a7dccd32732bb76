"""A test that ends the harness process with exit status 0 (a forged "success")."""

import os

import pytest


def test_first(solution):
    assert solution(1) == 2


@pytest.mark.task("dies/b")
def test_exit_in_harness(solution):
    os._exit(0)


@pytest.mark.task("dies/b")
def test_after_exit(solution):
    assert solution(1) == 2
