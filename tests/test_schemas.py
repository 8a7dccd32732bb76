"""The fast schema validator agrees with jsonschema (Draft 2020-12) on the shipped schemas."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from guardian.schemas import Validator, escape_pointer_token, load_schema, validator

SCHEMAS = ("lesson", "policy-pack")

_json_scalars = (st.none() | st.booleans() | st.integers(-(10**12), 10**12)
                 | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=12))
json_values = st.recursive(
    _json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=12)
slugs = st.from_regex(r"\A[a-z0-9][a-z0-9._-]{0,20}\Z")
short_text = st.text(min_size=1, max_size=30)


def _optional(**fields: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """A dict holding any subset of ``fields``."""
    return st.fixed_dictionaries({}, optional=fields)


valid_lessons = st.builds(
    lambda base, extra: {**base, **extra},
    st.fixed_dictionaries({
        "id": slugs, "kind": st.sampled_from(["guidance", "skill", "patch"]),
        "title": short_text, "body": st.text(min_size=1, max_size=80)}),
    _optional(
        code=st.text(max_size=40),
        scope=_optional(tasks=st.lists(short_text, max_size=3),
                        tags=st.lists(short_text, max_size=3),
                        paths=st.lists(short_text, max_size=3)),
        evidence=st.lists(st.builds(lambda base, extra: {**base, **extra},
                                    st.fixed_dictionaries({"suite": short_text,
                                                           "task_id": short_text}),
                                    _optional(case_id=short_text,
                                              counterexample=st.text(max_size=20),
                                              error=st.text(max_size=20))), max_size=3),
        provenance=_optional(source=st.sampled_from(["agent", "human", "import"]),
                             agent=st.text(max_size=10), model=st.text(max_size=10),
                             time=st.text(max_size=10), run=st.text(max_size=10),
                             file=st.text(max_size=10), line=st.integers(1, 10**6)),
        supersedes=st.lists(slugs, max_size=3),
        **{"x-note": json_values, "$schema": st.text(max_size=10)}))

valid_packs = st.builds(
    lambda base, extra: {**base, **extra},
    st.fixed_dictionaries({
        "name": slugs,
        "rules": st.lists(st.builds(
            lambda base, extra: {**base, **extra}, st.fixed_dictionaries({"id": slugs}),
            _optional(use=short_text, severity=st.sampled_from(["block", "warn"]),
                      enabled=st.booleans(), description=st.text(max_size=10),
                      options=st.dictionaries(st.text(max_size=5), json_values, max_size=3))),
            min_size=1, max_size=3)}),
    _optional(version=st.integers() | st.text(max_size=5), description=st.text(max_size=10)))

# Values chosen to hit each keyword's edge: wrong types, bounds, patterns, enums.
junk = st.one_of(
    json_values,
    st.sampled_from(["", "Bad Id", "a b", "-x", "ok-slug", "x\n", "hint", "block", "agent",
                     1.0, 1.5, 0, -1, True, False, None, [], {}, [""], [1], {"suite": "s"}]),
    st.text(min_size=95, max_size=130),
    st.text(min_size=195, max_size=210),
    st.text(min_size=295, max_size=310),
    st.lists(st.just("t"), min_size=99, max_size=102),
    st.integers(-3, 3).map(float),
)


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a container in ``doc``: where a mutation may happen."""
    found = [prefix]
    if isinstance(doc, dict):
        for key, value in doc.items():
            if isinstance(value, dict | list):
                found += _paths(value, (*prefix, key))
    elif isinstance(doc, list):
        for i, value in enumerate(doc):
            if isinstance(value, dict | list):
                found += _paths(value, (*prefix, i))
    return found


def _at(doc: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        doc = doc[step]
    return doc


@st.composite
def mutated(draw: Callable[..., Any], base: st.SearchStrategy[dict[str, Any]]) -> Any:
    """A valid document with a few random edits: fields replaced, removed or added."""
    doc = draw(base)
    for _ in range(draw(st.integers(0, 3))):
        target = _at(doc, draw(st.sampled_from(_paths(doc))))
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if isinstance(target, dict):
            if action == "add" or not target:
                key = draw(st.sampled_from(["x-ok", "X-no", "extra", "id", "body", "rules",
                                            "suite", "tags"]) | st.text(max_size=6))
                target[key] = draw(junk)
            elif action == "delete":
                del target[draw(st.sampled_from(sorted(target)))]
            else:
                target[draw(st.sampled_from(sorted(target)))] = draw(junk)
        elif isinstance(target, list):
            if action == "delete" and target:
                target.pop(draw(st.integers(0, len(target) - 1)))
            elif action == "replace" and target:
                target[draw(st.integers(0, len(target) - 1))] = draw(junk)
            else:
                target.append(draw(junk))
    if draw(st.integers(0, 20)) == 0:
        return draw(junk)  # sometimes not even an object
    return doc


def _reference_pointers(schema: dict[str, Any], doc: Any) -> set[str]:
    """Error pointers from jsonschema, with one pointer per extra field (as guardian reports)."""
    pointers = set()
    for error in jsonschema.Draft202012Validator(schema).iter_errors(doc):
        base = "".join(f"/{escape_pointer_token(p)}" for p in error.absolute_path)
        if error.validator == "additionalProperties":
            known = set(error.schema.get("properties", {}))
            patterns = list(error.schema.get("patternProperties", {}))
            for key in error.instance:
                if key not in known and not any(re.search(p, key) for p in patterns):
                    pointers.add(f"{base}/{escape_pointer_token(key)}")
        else:
            pointers.add(base)
    return pointers


def _fast_pointers(name: str, doc: Any) -> set[str]:
    return {error.pointer for error in validator(name).iter_errors(doc)}


class TestShippedSchemas:
    @pytest.mark.parametrize("name", SCHEMAS)
    def test_schema_is_valid_draft_2020_12(self, name: str) -> None:
        """Each shipped schema is itself a valid Draft 2020-12 schema."""
        schema = load_schema(name)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        jsonschema.Draft202012Validator.check_schema(schema)

    @pytest.mark.parametrize("name", SCHEMAS)
    def test_fast_validator_accepts_its_keywords(self, name: str) -> None:
        """The fast validator knows every keyword the shipped schema uses."""
        Validator(load_schema(name))

    # JSON Schema patterns are ECMA-262, where '$' matches only at the end; Python's re also
    # matches before a final newline, hence the (?!\n) in the slug patterns.
    def test_slug_refuses_trailing_newline(self) -> None:
        """An id ending in a newline is not a slug (it would break file names and output)."""
        doc = {"id": "abc\n", "kind": "guidance", "title": "t", "body": "b"}
        assert not validator("lesson").is_valid(doc)

    def test_unknown_keyword_is_refused(self) -> None:
        """A keyword the fast validator does not implement is refused, never ignored."""
        with pytest.raises(ValueError, match="unsupported keywords"):
            Validator({"type": "object", "properties": {"a": {"format": "email"}}})


class TestDifferential:
    @given(valid_lessons)
    def test_valid_lessons_agree(self, doc: dict[str, Any]) -> None:
        """Generated valid lessons are valid for both validators."""
        assert _fast_pointers("lesson", doc) == _reference_pointers(load_schema("lesson"), doc)
        assert validator("lesson").is_valid(doc)

    @given(mutated(valid_lessons))
    def test_mutated_lessons_agree(self, doc: Any) -> None:
        """On mutated lessons both validators find errors at the same pointers."""
        assert _fast_pointers("lesson", doc) == _reference_pointers(load_schema("lesson"), doc)

    @given(json_values)
    def test_arbitrary_values_agree_on_lessons(self, doc: Any) -> None:
        """On arbitrary JSON values both validators agree on validity and pointers."""
        assert _fast_pointers("lesson", doc) == _reference_pointers(load_schema("lesson"), doc)

    @given(mutated(valid_packs))
    def test_policy_packs_agree(self, doc: Any) -> None:
        """On valid and mutated policy packs both validators find the same pointers."""
        assert _fast_pointers("policy-pack", doc) == _reference_pointers(
            load_schema("policy-pack"), doc)

    @pytest.mark.parametrize(("doc", "pointers"), [
        ({"id": "a", "kind": "guidance", "title": "t", "body": "b"}, set()),
        ({"id": "A", "kind": "tip", "title": "", "body": 1}, {"/id", "/kind", "/title", "/body"}),
        ({"id": "a", "kind": "guidance", "title": "t"}, {""}),
        ({"id": "a", "kind": "guidance", "title": "t", "body": "b", "x-y": {}, "y": 1}, set()),
        ({"id": "a", "kind": "guidance", "title": "t", "body": "b",
          "provenance": {"line": 1.0}}, set()),
        ({"id": "a", "kind": "guidance", "title": "t", "body": "b",
          "provenance": {"line": True}}, {"/provenance/line"}),
        ({"id": "a", "kind": "guidance", "title": "t", "body": "b",
          "evidence": [{"suite": "s"}]}, {"/evidence/0"}),
    ])
    def test_known_cases(self, doc: dict[str, Any], pointers: set[str]) -> None:
        """Hand-picked edge cases (1.0 is an integer, True is not) give the same pointers."""
        assert _fast_pointers("lesson", doc) == pointers
        assert _reference_pointers(load_schema("lesson"), doc) == pointers
