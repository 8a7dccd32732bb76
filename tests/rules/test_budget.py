"""Bookkeeping rules: token budget, duplicates, id collisions and required evidence."""

from __future__ import annotations

import itertools
import random
import time
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guardian.policy.base import CheckContext
from guardian.records import Finding, Lesson, Source
from guardian.rules.budget import (
    DuplicateRule,
    EvidenceRule,
    IdCollisionRule,
    SizeBudgetRule,
    agent_written,
    estimate_tokens,
    jaccard,
    lesson_tokens,
    shingles,
)


def make(lesson_id: str = "use-pathlib", body: str = "Prefer pathlib for file paths.",
         title: str = "Use pathlib", kind: str = "guidance", path: str | None = None,
         **extra: Any) -> Lesson:
    data: dict[str, Any] = {"id": lesson_id, "kind": kind, "title": title, "body": body,
                            **extra}
    source = Source(path or f"knowledge/lessons/{lesson_id}.json", "json")
    return Lesson(lesson_id, kind, title, body, data, source)  # type: ignore[arg-type]


def memory_lesson(lesson_id: str, body: str, line: int, path: str = "AGENTS.md") -> Lesson:
    data = {"id": lesson_id, "kind": "guidance", "title": "Testing", "body": body,
            "provenance": {"file": path, "line": line}}
    return Lesson(lesson_id, "guidance", "Testing", body, data, Source(path, "memory", line))


def run(rule: Any, lesson: Lesson, kb: list[Lesson] | None = None,
        batch: list[Lesson] | None = None, ctx: CheckContext | None = None) -> list[Finding]:
    ctx = ctx or CheckContext(kb=kb or [], batch=batch if batch is not None else [lesson])
    return list(rule.check(lesson, ctx))


def size_rule(**options: Any) -> SizeBudgetRule:
    return SizeBudgetRule(id="size-budget", severity="block", options=options)


def dup_rule(**options: Any) -> DuplicateRule:
    return DuplicateRule(id="duplicates", severity="block", options=options)


def id_rule() -> IdCollisionRule:
    return IdCollisionRule(id="id-collision", severity="block", options={})


def evidence_rule() -> EvidenceRule:
    return EvidenceRule(id="evidence-required", severity="block", options={})


def severities(findings: list[Finding]) -> list[str]:
    return [f.severity for f in findings]


WORDS = ["cache", "retry", "parse", "index", "slice", "tuple", "string", "list", "boundary",
         "empty", "input", "output", "value", "sort", "key", "order", "stable", "unicode",
         "strip", "split", "join", "path", "file", "error"]


def prose(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)) + "."


class TestEstimateTokens:
    def test_ascii_is_four_characters_per_token(self) -> None:
        """English or code costs one token per four characters, rounded up."""
        assert estimate_tokens("") == 0
        assert estimate_tokens("abcd") == 1
        assert estimate_tokens("abcde") == 2
        assert estimate_tokens("x" * 400) == 100

    def test_other_scripts_cost_a_token_per_character(self) -> None:
        """CJK, emoji and accented letters cost about one token each."""
        assert estimate_tokens("日本語") == 3
        assert estimate_tokens("ab😀") == 2
        assert estimate_tokens("Größe") == 3  # 3 ASCII letters -> 1, plus ö and ß

    def test_lesson_tokens_adds_title_body_code(self) -> None:
        """A lesson costs its title, body and code."""
        lesson = make(title="abcd", body="x" * 8, code="y" * 12)
        assert lesson_tokens(lesson) == 1 + 2 + 3

    @given(st.text(), st.text())
    def test_monotone_and_subadditive(self, a: str, b: str) -> None:
        """Appending text never lowers the estimate, and parts never cost less than the whole."""
        assert estimate_tokens(a) <= estimate_tokens(a + b)
        assert estimate_tokens(a + b) <= estimate_tokens(a) + estimate_tokens(b)


class TestSizeBudget:
    def test_small_lesson_passes(self) -> None:
        """A short lesson yields nothing."""
        assert run(size_rule(), make()) == []

    def test_large_lesson_blocks_with_numbers(self) -> None:
        """A lesson over max_lesson_tokens blocks, giving its size and the limit."""
        findings = run(size_rule(), make(body="word " * 1300))
        assert severities(findings) == ["block"]
        assert "about 1628 tokens" in findings[0].message and "limit of 1500" in \
            findings[0].message

    def test_medium_lesson_warns(self) -> None:
        """Between warn_lesson_tokens and max_lesson_tokens the rule only warns."""
        findings = run(size_rule(), make(body="x" * 3000))
        assert severities(findings) == ["warn"]
        assert "about 753 tokens" in findings[0].message

    def test_code_counts(self) -> None:
        """The code field counts toward the budget."""
        findings = run(size_rule(), make(kind="skill", code="x = 1\n" * 1200))
        assert severities(findings) == ["block"] and "code 1800" in findings[0].message

    def test_kb_budget_blocks(self) -> None:
        """A lesson that pushes the active KB over max_kb_tokens blocks, with the arithmetic."""
        kb = [make(f"k{i}", body="x" * 400) for i in range(10)]  # 10 * (100 + 3) tokens
        findings = run(size_rule(max_kb_tokens=1100), make(body="y" * 400), kb=kb)
        assert severities(findings) == ["block"]
        assert "about 1133 tokens (active KB 1030 + this lesson 103)" in findings[0].message

    def test_superseded_lessons_do_not_count(self) -> None:
        """Lessons this one supersedes, and its own old version, are taken out of the sum."""
        kb = [make(f"k{i}", body="x" * 400) for i in range(10)]
        lesson = make("new", body="y" * 400, supersedes=["k0"])
        assert run(size_rule(max_kb_tokens=1100), lesson, kb=kb) == []
        same_id = make("k1", body="y" * 400)
        assert run(size_rule(max_kb_tokens=1100), same_id, kb=kb) == []

    def test_max_lessons(self) -> None:
        """Adding a lesson beyond max_lessons active lessons blocks; an update does not."""
        kb = [make(f"k{i}") for i in range(3)]
        findings = run(size_rule(max_lessons=3), make("new"), kb=kb)
        assert severities(findings) == ["block"] and "4 active lessons" in findings[0].message
        assert run(size_rule(max_lessons=3), make("new", supersedes=["k0"]), kb=kb) == []

    def test_kb_size_is_computed_once(self) -> None:
        """The KB sum is memoised in ctx.memo under the rule's id."""
        ctx = CheckContext(kb=[make("k", body="x" * 40)], batch=[])
        rule = size_rule()
        run(rule, make(), ctx=ctx)
        assert "size-budget" in ctx.memo

    @pytest.mark.parametrize("options", [{"max_lesson_tokens": 0},
                                         {"warn_lesson_tokens": "600"},
                                         {"max_kb_tokens": True}])
    def test_bad_options_rejected(self, options: dict[str, Any]) -> None:
        """Budget options must be positive integers."""
        with pytest.raises(ValueError, match="positive integer"):
            size_rule(**options)


class TestDuplicates:
    def test_exact_duplicate_of_active_lesson_blocks(self) -> None:
        """Same title, body and code under another id blocks, naming the other lesson."""
        kb = [make("old")]
        findings = run(dup_rule(), make("new"), kb=kb)
        assert severities(findings) == ["block"]
        assert "'old'" in findings[0].message and "supersedes: [old]" in findings[0].message

    def test_normalisation_does_not_hide_duplicates(self) -> None:
        """Case, whitespace, fullwidth letters and zero-width characters do not make it new."""
        body = "Prefer ｐａｔｈｌｉｂ for\u200b file\n paths."
        twin = make("new", title="USE  pathlib", body=body)
        assert severities(run(dup_rule(), twin, kb=[make("old")])) == ["block"]

    def test_same_id_is_not_a_duplicate(self) -> None:
        """A lesson is never compared with itself (the KB file being checked)."""
        assert run(dup_rule(), make("same"), kb=[make("same")]) == []

    def test_superseding_the_twin_passes(self) -> None:
        """A lesson that supersedes the one it repeats is an update, not a duplicate."""
        assert run(dup_rule(), make("new", supersedes=["old"]), kb=[make("old")]) == []

    def test_near_duplicate_warns_with_similarity(self) -> None:
        """A lesson sharing most word 3-shingles with an active one warns, naming it."""
        rng = random.Random(1)
        text = prose(rng, 80)
        findings = run(dup_rule(), make("new", body=text + " one more"),
                       kb=[make("old", body=text)])
        assert severities(findings) == ["warn"]
        assert "'old'" in findings[0].message and "% of their word 3-shingles" in \
            findings[0].message

    def test_different_lessons_pass(self) -> None:
        """Lessons on different subjects are not duplicates."""
        kb = [make("old", title="Integer division", body="Use // when the task wants an int.")]
        assert run(dup_rule(), make("new"), kb=kb) == []

    def test_batch_later_copy_is_flagged(self) -> None:
        """Two lessons of one run duplicating each other: only the later one is flagged."""
        first, second = make("a"), make("b")
        ctx = CheckContext(kb=[], batch=[first, second])
        assert run(dup_rule(), first, ctx=ctx) == []
        findings = run(dup_rule(), second, ctx=ctx)
        assert severities(findings) == ["block"] and "earlier in this run" in \
            findings[0].message

    def test_lesson_outside_batch_compared_with_all(self) -> None:
        """A lesson checked on its own is compared with every lesson of the KB and batch."""
        ctx = CheckContext(kb=[], batch=[make("a")])
        assert severities(run(dup_rule(), make("z"), ctx=ctx)) == ["block"]

    def test_wordless_lessons_are_not_near_duplicates(self) -> None:
        """Lessons without a single word index fine and are not called similar."""
        a, b = make("a", title="?", body="!"), make("b", title="?", body="!!")
        ctx = CheckContext(kb=[a], batch=[b])
        assert run(dup_rule(), b, ctx=ctx) == []

    def test_repeated_memory_sections_only_warn(self) -> None:
        """Two identical sections of a memory file are a warning, not a block."""
        first = memory_lesson("agents-md-l3", "Run the tests before committing.", 3)
        second = memory_lesson("agents-md-l9", "Run the tests before committing.", 9)
        ctx = CheckContext(kb=[], batch=[first, second])
        assert severities(run(dup_rule(), second, ctx=ctx)) == ["warn"]

    def test_memory_section_not_compared_with_its_own_import(self) -> None:
        """An edited memory file whose sections moved is not a duplicate of its KB copy."""
        imported = make("agents-md-l3", title="Testing", body="Run the tests before committing.",
                        provenance={"source": "import", "file": "AGENTS.md", "line": 3})
        moved = memory_lesson("agents-md-l5", "Run the tests before committing.", 5)
        assert run(dup_rule(), moved, kb=[imported]) == []

    def test_threshold_option(self) -> None:
        """near_threshold controls what counts as a near-duplicate, and is validated."""
        rng = random.Random(3)
        base = prose(rng, 60)
        other = base.rsplit(" ", 25)[0] + " " + prose(rng, 25)
        kb = [make("old", body=base)]
        assert run(dup_rule(), make("new", body=other), kb=kb) == []
        assert severities(run(dup_rule(near_threshold=0.3), make("new", body=other),
                              kb=kb)) == ["warn"]
        with pytest.raises(ValueError, match="near_threshold"):
            dup_rule(near_threshold=1.5)

    @pytest.mark.parametrize("pairs_limit", [0, 10**9], ids=["prefix-index", "all-pairs"])
    @given(st.lists(st.lists(st.sampled_from(WORDS[:6]), min_size=0, max_size=14),
                    min_size=2, max_size=12),
           st.sampled_from([0.5, 0.8, 1.0]))
    def test_index_finds_exactly_what_brute_force_finds(
            self, pairs_limit: int, texts: list[list[str]], threshold: float) -> None:
        """Both search modes report the same best near-duplicate as comparing all pairs."""

        lessons = [make(f"l{i}", title="t", body=" ".join(words) or "-")
                   for i, words in enumerate(texts)]
        rule = dup_rule(near_threshold=threshold)
        rule.brute_force_pairs = pairs_limit
        ctx = CheckContext(kb=lessons[: len(lessons) // 2], batch=lessons[len(lessons) // 2:])
        sets = {le.id: shingles(f"t\n{le.body.casefold()}\n") for le in lessons}
        keys = {le.id: ("t", " ".join(le.body.split()).casefold()) for le in lessons}
        for i, lesson in enumerate(ctx.batch):
            earlier = list(ctx.kb) + list(ctx.batch[:i])
            exact = [o for o in earlier if keys[o.id] == keys[lesson.id]]
            near = [jaccard(sets[lesson.id], sets[o.id]) for o in earlier
                    if keys[o.id] != keys[lesson.id]]
            found = run(rule, lesson, ctx=ctx)
            if exact:
                assert severities(found) == ["block"]
            elif any(s >= threshold for s in near):
                assert severities(found) == ["warn"], (lesson.body, near)
                assert f"{max(s for s in near if s >= threshold):.0%}" in found[0].message
            else:
                assert found == [], (lesson.body, near)

    def test_thousand_against_thousand_is_fast(self) -> None:
        """1,000 lessons checked against a 1,000-lesson KB take well under a second or two."""
        rng = random.Random(7)
        kb = [make(f"k{i}", title=f"note {i}", body=prose(rng, rng.randint(20, 80)))
              for i in range(1000)]
        batch = [make(f"b{i}", title=f"note {i}", body=prose(rng, rng.randint(20, 80)))
                 for i in range(1000)]
        ctx = CheckContext(kb=kb, batch=batch)
        rules = [dup_rule(), id_rule()]
        start = time.perf_counter()
        for rule, lesson in itertools.product(rules, batch):
            list(rule.check(lesson, ctx))
        assert time.perf_counter() - start < 3.0


class TestIdCollision:
    def test_reused_id_with_new_content_blocks(self) -> None:
        """Reusing an active id for different content blocks and says how to update."""
        findings = run(id_rule(), make("x", body="New advice."), kb=[make("x")])
        assert severities(findings) == ["block"] and findings[0].field == "/id"
        assert "give the new lesson another id and `supersedes: [x]`" in findings[0].message

    def test_identical_content_passes(self) -> None:
        """The KB file itself, checked again, is not a collision."""
        assert run(id_rule(), make("x"), kb=[make("x")]) == []

    def test_provenance_only_difference_passes(self) -> None:
        """Where a lesson came from is not its content."""
        lesson = make("x", provenance={"source": "human", "time": "2025-01-01"})
        assert run(id_rule(), lesson, kb=[make("x")]) == []

    def test_self_supersede_blocks(self) -> None:
        """A lesson that lists its own id in supersedes blocks, pointing at the entry."""
        findings = run(id_rule(), make("x", supersedes=["old", "x"]))
        assert severities(findings) == ["block"] and findings[0].field == "/supersedes/1"

    def test_self_supersede_reported_once_against_kb(self) -> None:
        """Self-supersession of an active id gets one finding, not two."""
        findings = run(id_rule(), make("x", body="changed", supersedes=["x"]), kb=[make("x")])
        assert severities(findings) == ["block"] and "own id" in findings[0].message

    def test_batch_second_lesson_with_same_id_blocks(self) -> None:
        """Two lessons of a run with one id: the second is blocked, the first is not."""
        first = make("x", path="a.json")
        second = make("x", body="Other advice.", path="b.json")
        ctx = CheckContext(kb=[], batch=[first, second])
        assert run(id_rule(), first, ctx=ctx) == []
        findings = run(id_rule(), second, ctx=ctx)
        assert severities(findings) == ["block"] and "a.json" in findings[0].message

    def test_batch_identical_copy_warns(self) -> None:
        """The same lesson twice in one run is only a warning."""
        first, second = make("x", path="a.json"), make("x", path="b.json")
        ctx = CheckContext(kb=[], batch=[first, second])
        assert severities(run(id_rule(), second, ctx=ctx)) == ["warn"]

    def test_superseding_unknown_id_warns_only_with_kb(self) -> None:
        """Superseding an id the KB does not hold warns, when there is a KB to compare with."""
        lesson = make("new", supersedes=["ghost"])
        assert severities(run(id_rule(), lesson, kb=[make("other")])) == ["warn"]
        assert run(id_rule(), lesson) == []

    def test_memory_sections_have_derived_ids(self) -> None:
        """Sections of memory files are not judged on ids they did not choose."""
        section = memory_lesson("agents-md-l3", "Prefer small commits.", 3)
        other_file = memory_lesson("agents-md-l3", "Document public functions.", 3,
                                   path="docs/AGENTS.md")
        ctx = CheckContext(kb=[make("agents-md-l3")], batch=[section, other_file])
        assert run(id_rule(), section, ctx=ctx) == []
        assert run(id_rule(), other_file, ctx=ctx) == []

    def test_supersede_with_new_id_passes(self) -> None:
        """The documented way to update a lesson passes."""
        assert run(id_rule(), make("x-v2", body="New.", supersedes=["x"]), kb=[make("x")]) == []


AGENT = {"source": "agent", "agent": "reference"}
EVIDENCE = [{"suite": "humaneval", "task_id": "HumanEval/3", "case_id": "test_empty"}]


class TestEvidence:
    def test_agent_lesson_without_evidence_blocks(self) -> None:
        """An agent-authored lesson must name the failures it fixes."""
        findings = run(evidence_rule(), make(provenance=AGENT))
        assert severities(findings) == ["block"] and "no evidence" in findings[0].message

    def test_agent_lesson_with_evidence_passes(self) -> None:
        """Evidence with a suite and task passes."""
        assert run(evidence_rule(), make(provenance=AGENT, evidence=EVIDENCE)) == []

    @pytest.mark.parametrize("provenance", [None, {"source": "human"}, {"source": "import"}])
    def test_human_or_unspecified_needs_nothing(self, provenance: Any) -> None:
        """Human-written, imported or unattributed lessons need no evidence."""
        extra = {"provenance": provenance} if provenance else {}
        assert run(evidence_rule(), make(**extra)) == []

    def test_model_without_source_counts_as_agent(self) -> None:
        """A provenance naming a model but no source is an agent's lesson."""
        lesson = make(provenance={"model": "claude-sonnet-4-5"})
        assert agent_written(lesson)
        assert severities(run(evidence_rule(), lesson)) == ["block"]

    @pytest.mark.parametrize("value", [" ", "\u200b", "n/a", "TODO", "…", "-"])
    def test_blank_evidence_blocks(self, value: str) -> None:
        """Evidence whose entries are all blank or placeholders blocks."""
        lesson = make(provenance=AGENT, evidence=[{"suite": value, "task_id": value}])
        findings = run(evidence_rule(), lesson)
        assert severities(findings) == ["block"] and "blank" in findings[0].message

    def test_one_blank_entry_warns(self) -> None:
        """A blank entry next to a real one is a warning."""
        lesson = make(provenance=AGENT, evidence=[*EVIDENCE, {"suite": " ", "task_id": " "}])
        findings = run(evidence_rule(), lesson)
        assert severities(findings) == ["warn"] and findings[0].field == "/evidence/1"

    def test_patch_without_task_blocks(self) -> None:
        """An agent patch must name its task in evidence or scope.tasks."""
        lesson = make(kind="patch", code="def f():\n    return 1\n", provenance=AGENT,
                      evidence=[{"suite": "humaneval", "task_id": "?"}, {"suite": "x",
                                                                         "task_id": "n/a"}])
        assert any("does not name the task" in f.message for f in run(evidence_rule(), lesson))

    def test_patch_with_scope_task_passes(self) -> None:
        """scope.tasks names the task of a patch."""
        lesson = make(kind="patch", code="def f():\n    return 1\n", provenance=AGENT,
                      evidence=EVIDENCE, scope={"tasks": ["HumanEval/3"]})
        assert run(evidence_rule(), lesson) == []

    def test_human_patch_needs_nothing(self) -> None:
        """A human's patch without a task is not this rule's business."""
        lesson = make(kind="patch", code="x = 1\n", provenance={"source": "human"})
        assert run(evidence_rule(), lesson) == []


class TestOversizeFields:
    def test_huge_counterexample_blocks(self) -> None:
        ev = [{"suite": "humaneval", "task_id": "HumanEval/1", "counterexample": "[1, 2] " * 1300}]
        found = run(size_rule(), make(evidence=ev))
        assert [f.severity for f in found] == ["block"]
        assert found[0].field == "/evidence/0/counterexample"

    def test_long_traceback_warns(self) -> None:
        ev = [{"suite": "s", "task_id": "t", "error": "File 'x.py', line 3\n" * 180}]
        assert severities(run(size_rule(), make(evidence=ev))) == ["warn"]

    def test_ordinary_evidence_passes(self) -> None:
        ev = [{"suite": "s", "task_id": "t", "error": "AssertionError: 3 != 4\n" * 20}]
        assert run(size_rule(), make(evidence=ev, **{"x-note": "n" * 500})) == []

    def test_threshold_is_an_option(self) -> None:
        found = run(size_rule(max_field_tokens=10, warn_field_tokens=5),
                    make(provenance={"agent": "a" * 100}))
        assert severities(found) == ["block"]
