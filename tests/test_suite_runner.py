"""The suite runner and its pytest plugin, end to end: real pytest workers, real sandbox."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from guardian.errors import InputError
from guardian.suite.corpus import load_counterexamples
from guardian.suite.manifest import Suite, load_suite
from guardian.suite.results import CaseResult, EvalResult, Outcome, build_tasks, task_outcome
from guardian.suite.runner import evaluate

ROOT = Path(__file__).resolve().parent.parent
SUITES = ROOT / "tests" / "suites"

DOUBLE_PROP = "props_mini.py::test_double_matches_reference"
ABSVAL_PROP = "props_mini.py::test_absval_matches_reference"
CHECK = "base_checks.py::test_check"
UPPER_ONLY = "base_checks.py::test_upper_keeps_ascii_length"

#: double is wrong from 10 up (shrinks to x=10); absval is wrong only for negative numbers,
#: which the suite's strategy never draws; upper is right.
WRONG = {"mini/double": "def double(x):\n    return x * 2 if x < 10 else x * 2 + 1\n",
         "mini/absval": "def absval(x):\n    return x\n",
         "mini/upper": "def upper(s):\n    return s.upper()\n"}


def copy_suite(name: str, dest: Path) -> Suite:
    shutil.copytree(SUITES / name, dest)
    return load_suite(str(dest))


def outcomes(result: EvalResult) -> dict[tuple[str, str], str]:
    return {(c.task_id, c.case_id): c.outcome for c in result.cases}


def case(result: EvalResult, task_id: str, case_id: str) -> CaseResult:
    found = [c for c in result.cases if (c.task_id, c.case_id) == (task_id, case_id)]
    assert len(found) == 1, [(c.task_id, c.case_id) for c in result.cases]
    return found[0]


@pytest.fixture(scope="module")
def mini(tmp_path_factory: pytest.TempPathFactory) -> Suite:
    return copy_suite("mini", tmp_path_factory.mktemp("suite") / "mini")


@pytest.fixture(scope="module")
def wrong_run(mini: Suite) -> EvalResult:
    """The mini suite on WRONG with two workers and no stored counterexamples."""
    return evaluate(mini, WRONG, workers=2)


class TestTaskOutcome:
    @pytest.mark.parametrize(("seen", "expected"), [
        (["pass", "pass"], "pass"),
        (["pass", "error"], "error"),
        (["error", "timeout", "pass"], "timeout"),
        (["timeout", "fail", "error"], "fail"),
        (["error", "fail"], "fail"),
        (["pass", "fail", "pass"], "fail"),
        ([], "error"),
    ])
    def test_precedence(self, seen: list[Outcome], expected: str) -> None:
        """A task passes iff all its cases pass; else fail > timeout > error; no cases: error."""
        cases = [CaseResult(f"c{i}", "t", "base", o) for i, o in enumerate(seen)]
        assert task_outcome(cases) == expected

    def test_task_without_cases_is_an_error_with_a_message(self) -> None:
        """build_tasks keeps a task nothing ran for, as an error saying so."""
        (task,) = build_tasks(["t/1"], [])
        assert (task.outcome, task.cases) == ("error", ())
        assert "no test cases ran" in task.message

    def test_empty_result_does_not_pass(self) -> None:
        """A run with no tasks is not a passing run."""
        assert not EvalResult((), {}, {}).passed

    def test_run_independent_json_drops_timings(self) -> None:
        """to_json(timings=False) leaves out durations, cached flags, timings and workers."""
        cases = [CaseResult("c", "t/1", "base", "pass", duration=1.5)]
        result = EvalResult(build_tasks(["t/1"], cases, cached=frozenset({"t/1"})),
                            {"seed": 0, "workers": 2}, {"level": "process"},
                            {"total_seconds": 3.0})
        full, bare = result.to_json(), result.to_json(timings=False)
        assert full["cases"][0]["duration"] == 1.5 and full["tasks"][0]["cached"] is True
        assert "duration" not in bare["cases"][0] and "cached" not in bare["tasks"][0]
        assert "timings" not in bare and "cached_tasks" not in bare["summary"]
        assert bare["settings"] == {"seed": 0}

    def test_case_json_round_trips_and_refuses_unknown_outcomes(self) -> None:
        """CaseResult.from_json inverts to_json and rejects an outcome it does not know."""
        c = CaseResult("c", "t", "property", "fail", "m", {"kwargs": {"x": 1}}, 0.5, 2)
        assert CaseResult.from_json(c.to_json()) == c
        with pytest.raises(ValueError, match="bad outcome"):
            CaseResult.from_json({**c.to_json(), "outcome": "passed"})


class TestCorpusFiles:
    def record(self, **extra: object) -> dict[str, object]:
        return {"suite": "mini", "task_id": "mini/absval", "case_id": ABSVAL_PROP,
                "counterexample": {"kwargs": {"x": -7}}, **extra}

    def test_sources_are_merged_deduplicated_and_filtered_by_suite(self, tmp_path: Path) -> None:
        """KB corpus, lesson evidence and extra files merge; other suites' records are skipped."""
        kb = tmp_path / "kb"
        (kb / "lessons").mkdir(parents=True)
        (kb / "counterexamples.jsonl").write_text(json.dumps(self.record()) + "\n")
        lesson = {"id": "l", "evidence": [self.record(counterexample='{"kwargs": {"x": -9}}')]}
        (kb / "lessons" / "l.json").write_text(json.dumps(lesson))
        extra = tmp_path / "extra.jsonl"
        extra.write_text("\n".join(json.dumps(r) for r in [
            self.record(), self.record(suite="humaneval", counterexample={"kwargs": {"x": -1}}),
            {"task_id": "mini/absval", "case_id": ABSVAL_PROP, "counterexample": {}}]) + "\n")
        found = load_counterexamples([extra], kb, "mini")
        assert sorted(c.kwargs["x"] for c in found) == [-9, -7]
        assert found == load_counterexamples([extra], kb, "mini")  # a stable order

    def test_missing_extra_file_is_an_error_but_missing_kb_corpus_is_not(self, tmp_path: Path
                                                                         ) -> None:
        """--counterexamples naming no file is an InputError; a KB without a corpus is fine."""
        assert load_counterexamples([], tmp_path / "kb", "mini") == []
        with pytest.raises(InputError, match="no such counterexample file"):
            load_counterexamples([tmp_path / "gone.jsonl"], tmp_path / "kb", "mini")

    def test_bad_corpus_line_names_file_and_line(self, tmp_path: Path) -> None:
        """A corpus line that is not JSON is an InputError naming the file and line."""
        path = tmp_path / "cx.jsonl"
        path.write_text(json.dumps(self.record()) + "\nnot json\n")
        with pytest.raises(InputError, match=r"cx\.jsonl:2: not JSON"):
            load_counterexamples([path], tmp_path, "mini")


class TestArguments:
    def test_unknown_task_is_an_input_error(self, mini: Suite) -> None:
        """Selecting a task the suite does not have is refused before anything runs."""
        with pytest.raises(InputError, match="has no task 'mini/nope'"):
            evaluate(mini, WRONG, tasks=["mini/nope"])

    def test_task_without_code_is_an_input_error(self, mini: Suite) -> None:
        """Selecting a task with no code to evaluate is refused."""
        with pytest.raises(InputError, match="no code for task 'mini/upper'"):
            evaluate(mini, {"mini/double": WRONG["mini/double"]}, tasks=["mini/upper"])

    def test_empty_selection_is_an_input_error(self, mini: Suite) -> None:
        """An empty selection is refused rather than reported as a pass."""
        with pytest.raises(InputError, match="nothing to evaluate"):
            evaluate(mini, WRONG, tasks=[])

    def test_unknown_only_is_an_input_error(self, mini: Suite) -> None:
        """``only`` outside base/properties/all is refused."""
        with pytest.raises(InputError, match="--only"):
            evaluate(mini, WRONG, only="examples")

    def test_only_with_no_such_tests_fails_closed(self, tmp_path: Path) -> None:
        """Asking for properties of a suite that has none is refused, not an empty pass."""
        suite = copy_suite("dies", tmp_path / "dies")
        with pytest.raises(InputError, match="no properties tests"):
            evaluate(suite, {"dies/a": "def inc(x):\n    return x + 1\n"}, only="properties")


@pytest.mark.slow
class TestProperties:
    def test_failing_property_has_its_shrunk_counterexample(self, wrong_run: EvalResult) -> None:
        """A failing property reports the shrunk input as replayable kwargs, and the last call."""
        c = case(wrong_run, "mini/double", DOUBLE_PROP)
        assert (c.outcome, c.kind) == ("fail", "property")
        assert c.message == "AssertionError: solution(10) returned 21; expected 20"
        assert c.counterexample == {"kwargs": {"x": 10}, "repr": "x=10", "call": "double(10)",
                                    "returned": "21"}
        assert wrong_run.task("mini/double").outcome == "fail"  # type: ignore[union-attr]

    def test_input_outside_the_strategy_is_not_found_without_a_corpus(
            self, wrong_run: EvalResult) -> None:
        """absval is wrong only below 0, which the strategy never draws: it passes alone."""
        assert case(wrong_run, "mini/absval", ABSVAL_PROP).outcome == "pass"
        assert wrong_run.task("mini/absval").outcome == "pass"  # type: ignore[union-attr]

    def test_stored_counterexamples_replay(self, mini: Suite, wrong_run: EvalResult,
                                           tmp_path: Path) -> None:
        """A corpus (eval's own output format) replays: the unreachable input now fails."""
        shrunk = case(wrong_run, "mini/double", DOUBLE_PROP)
        corpus = tmp_path / "cx.jsonl"
        corpus.write_text("\n".join(json.dumps(r) for r in [
            {"suite": "mini", "task_id": "mini/absval", "case_id": ABSVAL_PROP,
             "counterexample": {"kwargs": {"x": -7}}},
            {"suite": "mini", "task_id": shrunk.task_id, "case_id": shrunk.case_id,
             "counterexample": shrunk.counterexample},
            {"suite": "mini", "task_id": "mini/upper", "case_id": "props_mini.py::"
             "test_upper_is_idempotent", "counterexample": {"kwargs": {"s": "aB"}}},
        ]) + "\n")
        cxs = load_counterexamples([corpus], tmp_path / "no-kb", "mini")
        result = evaluate(mini, WRONG, workers=2, counterexamples=cxs)
        absval = case(result, "mini/absval", ABSVAL_PROP)
        assert (absval.outcome, absval.replayed) == ("fail", 1)
        assert absval.counterexample is not None
        assert absval.counterexample["kwargs"] == {"x": -7}
        assert "solution(-7) returned -7; expected 7" in absval.message
        double = case(result, "mini/double", DOUBLE_PROP)
        assert (double.outcome, double.replayed) == ("fail", 1)
        assert double.counterexample is not None
        assert double.counterexample["kwargs"] == {"x": 10}
        upper = case(result, "mini/upper", "props_mini.py::test_upper_is_idempotent")
        assert (upper.outcome, upper.replayed) == ("pass", 1)  # replayed, and still passes
        assert case(result, "mini/absval", CHECK).replayed == 0  # not a property: no replay


@pytest.mark.slow
class TestSelection:
    def test_base_test_without_marker_runs_once_per_task(self, wrong_run: EvalResult) -> None:
        """An unmarked base test is one case per task, with the same case id each time."""
        checks = [c.task_id for c in wrong_run.cases if c.case_id == CHECK]
        assert checks == ["mini/double", "mini/absval", "mini/upper"]
        assert {c.kind for c in wrong_run.cases if c.case_id == CHECK} == {"base"}

    def test_marked_test_runs_only_for_its_task(self, wrong_run: EvalResult) -> None:
        """A test marked for mini/upper is a case of mini/upper only."""
        assert [c.task_id for c in wrong_run.cases if c.case_id == UPPER_ONLY] == ["mini/upper"]

    def test_cases_come_in_suite_order(self, wrong_run: EvalResult) -> None:
        """Tasks are reported in suite order, each with its cases, base before properties."""
        assert [(c.task_id, c.case_id) for c in wrong_run.cases] == [
            ("mini/double", CHECK), ("mini/double", DOUBLE_PROP),
            ("mini/absval", CHECK), ("mini/absval", ABSVAL_PROP),
            ("mini/upper", CHECK), ("mini/upper", UPPER_ONLY),
            ("mini/upper", "props_mini.py::test_upper_is_idempotent")]

    def test_tasks_and_only_base(self, mini: Suite) -> None:
        """Selected tasks, base tests only: nothing of other tasks or of the properties runs."""
        result = evaluate(mini, WRONG, tasks=["mini/absval", "mini/double"], only="base",
                          workers=2)
        assert [t.task_id for t in result.tasks] == ["mini/double", "mini/absval"]
        assert outcomes(result) == {("mini/double", CHECK): "pass",
                                    ("mini/absval", CHECK): "pass"}
        assert result.settings["only"] == "base" and result.passed


@pytest.mark.slow
class TestDeterminism:
    def test_one_and_two_workers_elsewhere_give_identical_output(
            self, wrong_run: EvalResult, tmp_path: Path) -> None:
        """--workers 1 on a copy in another folder reproduces the run byte for byte."""
        other = copy_suite("mini", tmp_path / "elsewhere")
        again = evaluate(other, WRONG, workers=1)
        assert again.to_json(timings=False) == wrong_run.to_json(timings=False)

    def test_two_runs_give_identical_output(self, mini: Suite, wrong_run: EvalResult) -> None:
        """Running the same evaluation twice gives the same run-independent JSON."""
        again = evaluate(mini, WRONG, workers=2)
        assert json.dumps(again.to_json(timings=False), sort_keys=True) == json.dumps(
            wrong_run.to_json(timings=False), sort_keys=True)

    def test_case_ids_do_not_depend_on_where_the_suite_lives(self, wrong_run: EvalResult,
                                                             mini: Suite) -> None:
        """Case ids are relative to the suite folder, so stored counterexamples keep matching."""
        assert all(str(mini.root) not in c.case_id for c in wrong_run.cases)
        assert {c.case_id for c in wrong_run.cases} == {CHECK, UPPER_ONLY, DOUBLE_PROP,
                                                        ABSVAL_PROP,
                                                        "props_mini.py::test_upper_is_idempotent"}


@pytest.mark.slow
class TestContainment:
    def test_code_that_fails_to_load_fails_only_its_own_task(self, mini: Suite) -> None:
        """A SyntaxError or an import-time raise fails every case of that task, no other."""
        codes = {"mini/double": "def double(x)\n    return x * 2\n",
                 "mini/absval": "raise RuntimeError('boom at import')\n",
                 "mini/upper": WRONG["mini/upper"]}
        result = evaluate(mini, codes, workers=2)  # double and upper share a worker
        by_task = {t.task_id: t for t in result.tasks}
        assert {c.outcome for c in by_task["mini/double"].cases} == {"fail"}
        assert all("failed to load" in c.message and "SyntaxError" in c.message
                   for c in by_task["mini/double"].cases)
        assert {c.outcome for c in by_task["mini/absval"].cases} == {"fail"}
        assert all("boom at import" in c.message for c in by_task["mini/absval"].cases)
        assert [len(t.cases) for t in result.tasks] == [2, 2, 3]
        assert by_task["mini/upper"].outcome == "pass"

    def test_harness_that_exits_mid_run_never_passes(self, tmp_path: Path) -> None:
        """os._exit(0) in a test: that case and every later one are errors, never passes."""
        suite = copy_suite("dies", tmp_path / "dies")
        codes = {"dies/a": "def inc(x):\n    return x + 1\n",
                 "dies/b": "def inc(x):\n    return x + 1\n"}
        result = evaluate(suite, codes, workers=1)
        assert outcomes(result) == {
            ("dies/a", "harness_exit.py::test_first"): "pass",
            ("dies/b", "harness_exit.py::test_first"): "pass",
            ("dies/b", "harness_exit.py::test_exit_in_harness"): "error",
            ("dies/b", "harness_exit.py::test_after_exit"): "error"}
        errors = [c for c in result.cases if c.outcome == "error"]
        assert all("ended early (exit 0)" in c.message for c in errors)
        assert [t.outcome for t in result.tasks] == ["pass", "error"]
        assert any("ended early (exit 0)" in p for p in result.problems)
        assert not result.passed

    def test_harness_that_exits_while_collecting_errors_every_task(self, tmp_path: Path) -> None:
        """A conftest calling os._exit(0) at import: no case ran, so every task is an error."""
        suite = copy_suite("dies", tmp_path / "dies")
        (suite.root / "conftest.py").write_text("import os\n\nos._exit(0)\n")
        codes = {"dies/a": "def inc(x):\n    return x + 1\n",
                 "dies/b": "def inc(x):\n    return x + 1\n"}
        result = evaluate(suite, codes, workers=2)
        assert [(t.outcome, len(t.cases)) for t in result.tasks] == [("error", 0), ("error", 0)]
        assert all("ended early (exit 0)" in t.message for t in result.tasks)
        assert result.summary()["cases_pass"] == 0
        assert result.problems and not result.passed

    def test_marker_naming_no_task_of_the_suite_fails_the_run(self, tmp_path: Path) -> None:
        """A typo in @pytest.mark.task is a run-level problem, never a silently dropped test."""
        suite = copy_suite("mini", tmp_path / "mini")
        (suite.root / "props_typo.py").write_text(
            "import pytest\n\n\n@pytest.mark.task('mini/dobule')\n"
            "def test_typo(solution):\n    assert solution(1) == 2\n")
        result = evaluate(load_suite(str(suite.root)), WRONG, tasks=["mini/upper"], workers=1)
        assert any("'mini/dobule'" in p and "not a task of this suite" in p
                   for p in result.problems), result.problems
        assert not result.passed and result.summary()["cases_pass"] == 0
