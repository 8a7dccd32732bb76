"""Hypothesis properties: differential against the reference, and metamorphic."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guardian.suite import same

words = st.text(st.characters(codec="ascii"), max_size=30)


@pytest.mark.task("textkit/slugify")
@given(title=words)
def test_slugify_matches_reference(solution, reference, title):
    same(solution, reference, title)


@pytest.mark.task("textkit/slugify")
@given(title=words)
def test_slugify_is_idempotent(solution, title):
    once = solution(title)
    assert solution(once) == once


@pytest.mark.task("textkit/chunk")
@given(items=st.lists(st.integers(), max_size=20), size=st.integers(1, 8))
def test_chunk_concatenates_back(solution, items, size):
    parts = solution(items, size)
    assert [x for part in parts for x in part] == items
    assert all(len(p) == size for p in parts[:-1])


@pytest.mark.task("textkit/median")
@given(values=st.lists(st.integers(-1000, 1000), min_size=1, max_size=15))
def test_median_matches_reference(solution, reference, values):
    same(solution, reference, values)


@pytest.mark.task("textkit/median")
@given(values=st.lists(st.integers(-1000, 1000), min_size=1, max_size=15), data=st.data())
def test_median_ignores_order(solution, values, data):
    shuffled = data.draw(st.permutations(values))
    assert solution(shuffled) == solution(values)
