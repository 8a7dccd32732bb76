"""Properties of the mini fixture suite."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guardian.suite import same


@pytest.mark.task("mini/double")
@given(x=st.integers(-1000, 1000))
def test_double_matches_reference(solution, reference, x):
    same(solution, reference, x)


@pytest.mark.task("mini/absval")
@given(x=st.integers(0, 100))  # never negative: only stored counterexamples reach below 0
def test_absval_matches_reference(solution, reference, x):
    same(solution, reference, x)


@pytest.mark.task("mini/upper")
@given(s=st.text(st.characters(codec="ascii"), max_size=10))
def test_upper_is_idempotent(solution, s):
    once = solution(s)
    assert solution(once) == once
