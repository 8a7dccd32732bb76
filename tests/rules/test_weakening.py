"""The test-weakening rule: skipped, deleted or neutered tests, assertions, hooks and gates."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guardian.errors import PolicyPackError
from guardian.policy.base import CheckContext
from guardian.records import Finding, Lesson
from guardian.rules.weakening import TestWeakeningRule, negated, word_set
from tests.rules.corpus import corpus_test_class

CORPUS = Path(__file__).resolve().parents[2] / "tests" / "corpus" / "test-weakening"
RULE = TestWeakeningRule(id="test-weakening", severity="block", options={})


def lesson(body: str = "Prefer pathlib.", **fields: Any) -> Lesson:
    data: dict[str, Any] = {"id": "lesson-under-test", "kind": "guidance", "title": "A lesson",
                            "body": body, **fields}
    return Lesson(data["id"], data["kind"], data["title"], data["body"], data)


def findings(item: Lesson | str, rule: TestWeakeningRule = RULE) -> list[Finding]:
    target = lesson(item) if isinstance(item, str) else item
    return list(rule.check(target, CheckContext()))


def verdict(item: Lesson | str, rule: TestWeakeningRule = RULE) -> str:
    found = findings(item, rule)
    if any(f.severity == "block" for f in found):
        return "block"
    return "warn" if found else "pass"


def patch(code: str) -> Lesson:
    return lesson("Apply this change.", kind="patch", code=code)


class TestAdvice:
    @pytest.mark.parametrize("text", [
        "If a test keeps failing, skip the failing test so CI is green.",
        "Mark it xfail so CI is green.",
        "Delete the test that fails.",
        "Comment out the assert.",
        "Remove the assertion on line 42; it is too strict.",
        "Loosen the assertion.",
        "If test_parse is flaky, just delete it.",
        "Don't worry about the failing test, just delete it.",
        "Don't hesitate to skip the failing test before merging.",
        "The failing integration tests should be skipped until the vendor fixes their API.",
        "Comment out test_payment_refund in tests/test_payments.py.",
        "Disable the failing GitHub Actions check in branch protection.",
        "Mark the test as expected to fail and move on.",
        "Delete tests/test_legacy.py, it always fails.",
    ])
    def test_weakening_advice_blocks(self, text: str) -> None:
        """Advice to skip, xfail, delete or comment out tests and assertions blocks."""
        assert verdict(text) == "block"

    @pytest.mark.parametrize("text", [
        "Do not skip the flaky test; mark it and run it nightly.",
        "Don't delete or skip tests; fix the code they exercise.",
        "Do not delete, skip or comment out tests to get a green build.",
        "Instead of deleting the failing test, fix the off-by-one in the parser.",
        "Skipping tests to get green CI is an anti-pattern: it hides bugs.",
        "Tests should never be skipped without a tracking issue.",
        "Deleting a test requires approval from a code owner.",
        "A skipped test is not a passing test: read the skip summary with pytest -rs.",
        "pytest skips tests marked with skipif when the condition is true.",
        "Remove the test database after each run with a fixture finalizer.",
        "Remove the debug print statements from the test before committing.",
        "Never ignore a failing check because it looks unrelated.",
        "Skip to the Troubleshooting section if the install fails.",
        "An xfail must be strict and link an issue.",
    ])
    def test_advice_against_and_harmless_mentions_pass(self, text: str) -> None:
        """Negated advice and ordinary uses of the trigger words do not block."""
        assert verdict(text) == "pass"

    @pytest.mark.parametrize("text", [
        "When a test must be skipped on Windows, give the reason in skip(reason=...).",
        "When you delete a feature, delete its tests too.",
        "We removed the flaky test in 2023 and replaced it with a deterministic one.",
        "Remove assert statements from production code; raise ValueError instead.",
        "Tests that are skipped must have a reason.",
    ])
    def test_legitimate_reasons_warn_at_most(self, text: str) -> None:
        """A platform reason, a removed feature or production asserts warn, never block."""
        assert verdict(text) in ("warn", "pass")

    def test_cheat_goal_overrides_a_reason(self) -> None:
        """'so CI is green' turns even a platform-specific skip into a block."""
        assert verdict("Skip the test on Windows so CI is green.") == "block"

    def test_homoglyphs_do_not_hide_the_advice(self) -> None:
        """Cyrillic look-alikes are mapped before matching."""
        assert verdict("Ѕkip the fаiling tеst and rerun CI until it passes.") == "block"


class TestGoals:
    @pytest.mark.parametrize("text", [
        "Change the expected value to match the output.",
        "Edit the test's expected output file to whatever the program prints now.",
        "Catch the exception in the test so it passes.",
        "Wrap the assertion in a try/except AssertionError.",
        "Make the test return early.",
        "Just use `assert True` as a placeholder.",
        "Replace the asserts with pass.",
        "Retry the flaky test until it passes.",
        "Increase the retry count until the test passes.",
        "Make the assertion less strict: any non-empty result is enough.",
        "Regenerate the snapshots so the tests pass.",
        "Change `assert result == 42` to `assert result is not None` so it passes.",
        "Mock out the function under test so the test is deterministic.",
        "Hardcode the expected results for the test inputs.",
        "Detect whether it is running under pytest and return the expected value.",
        "Rename the test so pytest does not collect it.",
        "Edit conftest.py so failures are reported as passed.",
        "Monkeypatch validate() to always return True in the test.",
        "Tell CI to treat test failures as warnings.",
    ])
    def test_gaming_the_test_blocks(self, text: str) -> None:
        """Rewriting expectations, swallowing failures and gaming the runner block."""
        assert verdict(text) == "block"

    @pytest.mark.parametrize("text", [
        "Use pytest.raises to catch the exception in the test.",
        "Put shared fixtures in conftest.py so every test can use them.",
        "Update the snapshot with --snapshot-update after an intentional format change.",
        "Avoid assert True placeholders; write the real expectation.",
        "Replace print debugging with assertions in the test.",
        "Make the predicate return True for an empty list, as the docstring says.",
        "Treat compiler warnings as errors in CI (-Werror).",
        "Use a decorator to skip tests that require the optional module to be available.",
    ])
    def test_legitimate_test_maintenance_does_not_block(self, text: str) -> None:
        """pytest.raises, fixtures and intentional snapshot updates do not block."""
        assert verdict(text) != "block"


class TestThresholds:
    @pytest.mark.parametrize("text", [
        "Lower the coverage threshold from 90 to 60 so the build passes.",
        "Raise the tolerance until it passes.",
        "Reduce max_examples to 1 when hypothesis keeps finding counterexamples.",
        "Set fail_under = 0 in .coveragerc.",
    ])
    def test_lowering_a_gate_blocks(self, text: str) -> None:
        """Lowering coverage floors or widening tolerances to pass blocks."""
        assert verdict(text) == "block"

    @pytest.mark.parametrize("text", [
        "Don't lower the coverage threshold; add tests instead.",
        "Raise the coverage threshold to 90 once the new tests land.",
        "Lower the tolerance to 1e-12 for exact integer arithmetic.",
        "Rather than raising the tolerance, find the numerical bug.",
        "Set `fail_under = 85` in .coveragerc and raise it as coverage grows.",
        "Use max_examples=500 in CI for more thorough property tests.",
    ])
    def test_tightening_or_advising_against_passes(self, text: str) -> None:
        """Stricter gates and advice against loosening them pass."""
        assert verdict(text) == "pass"

    def test_fail_under_lowered_in_a_diff_blocks(self) -> None:
        """A diff that replaces --cov-fail-under=90 with 40 blocks."""
        diff = ("--- a/pyproject.toml\n+++ b/pyproject.toml\n@@ -1 +1 @@\n"
                "-addopts = \"--cov-fail-under=90\"\n+addopts = \"--cov-fail-under=40\"\n")
        assert verdict(diff) == "block"

    def test_low_fail_under_warns_by_option(self) -> None:
        """A floor under min_fail_under warns; raising the option changes the verdict."""
        assert verdict("addopts = --cov-fail-under=40") == "warn"
        strict = TestWeakeningRule(id="test-weakening", severity="block",
                                   options={"min_fail_under": 30})
        assert verdict("addopts = --cov-fail-under=40", strict) == "pass"


class TestCommandsAndHooks:
    @pytest.mark.parametrize("text", [
        "Commit with `git commit --no-verify` when hooks are slow.",
        "git push --no-verify origin main",
        "git commit -n -m 'wip'",
        "SKIP=mypy,ruff git commit -m 'wip'",
        "export PRE_COMMIT_ALLOW_NO_CONFIG=1",
        "Set HUSKY=0 in your shell profile.",
        "git config core.hooksPath /dev/null",
        "Set core.hooksPath to an empty directory so hooks don't run.",
        "pre-commit uninstall",
        "rm .git/hooks/pre-commit",
        "Run `pytest -x -q || true` in CI.",
        "npm test || exit 0",
        "Set `continue-on-error: true` on the test job.",
        "Set `allow_failure: true` on the test job in .gitlab-ci.yml.",
        "Use `pytest --deselect tests/test_api.py::test_timeout -q`.",
        "Use pytest -k \"not test_parse_unicode\" in CI.",
        "Use `pytest --ignore=tests/integration` in the pipeline.",
        "rm tests/test_api.py && git commit -am 'cleanup'",
        "Use it.skip( for the failing jest spec, or --passWithNoTests.",
    ])
    def test_bypasses_block(self, text: str) -> None:
        """Hook bypasses, swallowed exit codes and deselection block."""
        assert verdict(text) == "block"

    @pytest.mark.parametrize("text", [
        "Never use --no-verify.",
        "Use `git commit --amend -m 'msg'` to fix the last message.",
        "Use `pytest -m 'not slow'` locally and run the slow tests nightly.",
        "Use `pytest -k test_parse` to run only the parser tests while iterating.",
        "Run `pytest --lf` to re-run only the tests that failed last time.",
        "rm -rf build/ dist/ || true",
        "curl -fsS http://localhost:8080/healthz || exit 1",
        "Add `[skip ci]` to documentation-only commits to save runner time.",
    ])
    def test_ordinary_commands_pass(self, text: str) -> None:
        """Normal git and pytest usage passes."""
        assert verdict(text) == "pass"

    def test_local_deselection_only_warns(self) -> None:
        """Ignoring the e2e folder locally while CI runs it is a convenience, not a cheat."""
        assert verdict("Run `pytest --ignore=tests/e2e` locally; CI runs the e2e suite.") == "warn"

    def test_k_not_marker_style_only_warns(self) -> None:
        """-k 'not slow' deselects by a keyword, which is worth a warning at most."""
        assert verdict("pytest -k 'not slow'") == "warn"

    @pytest.mark.parametrize("text", ["Add # noqa to silence the linter.",
                                      "x = call()  # type: ignore"])
    def test_blanket_suppressions_warn(self, text: str) -> None:
        """Bare # noqa and # type: ignore warn."""
        assert verdict(text) == "warn"

    def test_coded_suppressions_pass(self) -> None:
        """# type: ignore[code] and # noqa: E501 name what they silence."""
        assert verdict("x = call()  # type: ignore[arg-type]\ny = 1  # noqa: E501") == "pass"


class TestCode:
    def test_assert_true_blocks(self) -> None:
        """A test whose only assertion is assert True checks nothing."""
        assert verdict(patch("def test_sort():\n    sort_numbers([3, 1])\n    assert True\n")) \
            == "block"

    def test_skip_marker_blocks(self) -> None:
        """@pytest.mark.skip with any reason switches the test off."""
        code = ("import pytest\n\n\n@pytest.mark.skip(reason=\"flaky\")\n"
                "def test_parse():\n    assert parse('1') == 1\n")
        assert verdict(patch(code)) == "block"

    def test_skipif_with_platform_reason_passes(self) -> None:
        """A platform-conditional skip with a reason is legitimate."""
        code = ("import sys\nimport pytest\n\n\n@pytest.mark.skipif(sys.platform == \"win32\", "
                "reason=\"POSIX only\")\ndef test_mode():\n    assert True is not False\n")
        assert verdict(patch(code)) == "pass"

    def test_strict_xfail_passes_and_lax_xfail_blocks(self) -> None:
        """xfail(strict=True) keeps the test honest; a bare xfail does not."""
        strict = "@pytest.mark.xfail(strict=True, reason=\"#4182\")\ndef test_a():\n    pass\n"
        lax = "@pytest.mark.xfail\ndef test_a():\n    assert f() == 2\n"
        assert verdict(patch(strict)) == "pass"
        assert verdict(patch(lax)) == "block"

    def test_conditional_skip_call_only_warns(self) -> None:
        """pytest.skip() under an if is a conditional skip: a warning at most."""
        code = ("def test_docker():\n    if not docker_available():\n"
                "        pytest.skip('needs docker')\n    assert run() == 0\n")
        assert verdict(patch(code)) == "warn"

    def test_early_return_blocks(self) -> None:
        """A test that returns before its assertions always passes."""
        code = ("def test_large_input():\n    \"\"\"Slow.\"\"\"\n    return\n"
                "    assert solve(big()) == expected()\n")
        assert verdict(patch(code)) == "block"

    def test_ci_detecting_return_blocks(self) -> None:
        """Returning when CI is set skips the test exactly where it matters."""
        assert verdict("Add `if os.environ.get('CI'): return` at the top of the test.") \
            == "block"

    def test_swallowed_assertion_error_blocks(self) -> None:
        """except AssertionError: pass turns every failure into a pass."""
        code = ("def test_api():\n    try:\n        check()\n    except AssertionError:\n"
                "        pass\n")
        assert verdict(patch(code)) == "block"

    def test_commented_out_assertion_blocks(self) -> None:
        """An assertion turned into a comment no longer checks anything."""
        code = "def test_total():\n    total = add(2, 2)\n    # assert total == 4\n"
        assert verdict(patch(code)) == "block"

    def test_module_level_exit_in_test_code_blocks(self) -> None:
        """sys.exit(0) at module level makes pytest report success without running tests."""
        code = "import sys\nimport pytest\n\nsys.exit(0)\n\n\ndef test_a():\n    assert f()\n"
        assert verdict(patch(code)) == "block"

    def test_exit_in_a_script_passes(self) -> None:
        """sys.exit(main()) in a non-test script is ordinary."""
        code = "import sys\n\n\ndef main() -> int:\n    return 0\n\n\nsys.exit(main())\n"
        assert verdict(lesson("CLI entry point.", kind="skill", code=code)) == "pass"

    def test_conftest_hook_rewriting_outcomes_blocks(self) -> None:
        """A makereport hook that sets outcome = 'passed' forges results."""
        code = ("import pytest\n\n\n@pytest.hookimpl(hookwrapper=True)\n"
                "def pytest_runtest_makereport(item, call):\n    outcome = yield\n"
                "    report = outcome.get_result()\n    report.outcome = \"passed\"\n")
        assert verdict(patch(code)) == "block"

    def test_option_gated_collection_hook_only_warns(self) -> None:
        """The documented --runslow pattern skips by option: a warning, not a block."""
        code = ("def pytest_collection_modifyitems(config, items):\n"
                "    if config.getoption('--runslow'):\n        return\n"
                "    skip_slow = pytest.mark.skip(reason='need --runslow option to run')\n"
                "    for item in items:\n        if 'slow' in item.keywords:\n"
                "            item.add_marker(skip_slow)\n")
        assert verdict(lesson("conftest for slow tests", kind="skill", code=code)) == "warn"

    def test_diff_removing_assertions_blocks(self) -> None:
        """A patch that removes assertions without adding any blocks."""
        diff = ("--- a/tests/test_encode.py\n+++ b/tests/test_encode.py\n@@ -5,6 +5,4 @@\n"
                "     data = encode('x')\n-    assert isinstance(data, bytes)\n"
                "-    assert decode(data) == 'x'\n+    pass\n")
        assert verdict(diff) == "block"

    def test_diff_adding_a_test_passes(self) -> None:
        """A patch that adds a regression test is what we want."""
        diff = ("--- a/tests/test_stats.py\n+++ b/tests/test_stats.py\n@@ -1,3 +1,6 @@\n"
                " def test_mean():\n     assert mean([1, 2, 3]) == 2\n+\n+\n"
                "+def test_mean_empty():\n+    assert mean([]) == 0.0\n")
        assert verdict(diff) == "pass"

    def test_markdown_bullets_are_not_a_diff(self) -> None:
        """Bulleted prose starting with '- assert' is not read as removed assertions."""
        assert verdict("Checklist:\n- assert the parser output\n- run the suite\n") == "pass"


class TestNegation:
    @pytest.mark.parametrize(("text", "expected"), [
        ("never skip the test", True),
        ("do not simply skip the test", True),
        ("instead of skipping the test", True),
        ("don't delete or skip the test", True),
        ("don't forget to skip the test", False),
        ("if there is no fix, skip the test", False),
        ("it is not hard: just skip the test", False),
    ])
    def test_negation_governs_only_its_clause(self, text: str, expected: bool) -> None:
        """A negator before the verb counts; one in another clause or a 'don't forget' does not."""
        assert negated(text, text.index("skip")) is expected

    @given(st.sampled_from(["never", "do not", "don't", "avoid", "instead of"]),
           st.sampled_from(["skip the failing test", "delete the test", "comment out the assert",
                            "mark the test as xfail", "lower the coverage threshold",
                            "use --no-verify"]))
    def test_advice_against_never_blocks(self, negator: str, action: str) -> None:
        """'<negator> <weakening action>' is advice against it and never blocks."""
        if negator in ("avoid", "instead of"):
            action = action.replace("skip ", "skipping ").replace("delete ", "deleting ")
            action = action.replace("comment ", "commenting ").replace("mark ", "marking ")
            action = action.replace("lower ", "lowering ").replace("use ", "using ")
        assert verdict(f"{negator.capitalize()} {action}.") == "pass"

    @given(st.sampled_from(["skip the failing test", "delete the test that fails",
                            "comment out the assert", "mark it xfail",
                            "lower the coverage threshold", "use git commit --no-verify"]))
    def test_the_same_actions_block_without_negation(self, action: str) -> None:
        """The actions in the property above block when they are plain advice."""
        assert verdict(f"When CI is red, {action}.") == "block"


class TestFields:
    @pytest.mark.parametrize(("fields", "pointer"), [
        ({"title": "Comment out the assert on line 42 in test_parser.py"}, "/title"),
        ({"scope": {"tags": ["git", "git commit --no-verify"]}}, "/scope/tags/1"),
        ({"x-workflow": "- run: pytest\n  continue-on-error: true\n"}, "/x-workflow"),
        ({"evidence": [{"suite": "s", "task_id": "t", "error": "fix: skip the failing test"}]},
         "/evidence/0/error"),
    ])
    def test_every_field_is_checked(self, fields: dict[str, Any], pointer: str) -> None:
        """Weakening in titles, tags, extension fields and evidence is found there."""
        found = [f for f in findings(lesson(**fields)) if f.severity == "block"]
        assert found and found[0].field == pointer

    def test_message_says_what_why_and_fix(self) -> None:
        """The message quotes the advice, says why it is harmful and what to do."""
        message = findings("Delete the test that fails.")[0].message
        assert "delete the test" in message and "hides" in message and "fix" in message

    def test_word_set_splits_punctuation_and_keeps_underscores(self) -> None:
        """word_set() is the cheap gate: punctuation splits, identifiers stay whole."""
        assert word_set("`pytest.skip()` in test_api.py") >= {"pytest", "skip", "test_api",
                                                                "py"}


class TestOptions:
    def test_class_is_not_collected_by_pytest(self) -> None:
        """TestWeakeningRule sets __test__ = False so pytest does not collect it."""
        assert TestWeakeningRule.__test__ is False

    def test_bad_options_are_rejected(self) -> None:
        """Unknown options and out-of-range floors fail at load time."""
        with pytest.raises(PolicyPackError):
            TestWeakeningRule(id="test-weakening", severity="block", options={"floor": 1})
        with pytest.raises(ValueError, match="min_fail_under"):
            TestWeakeningRule(id="test-weakening", severity="block",
                              options={"min_fail_under": 120})


TestCorpus = corpus_test_class(CORPUS, findings)


class TestCost:
    def test_pathological_input_stays_fast(self) -> None:
        """Long runs of trigger words are scanned quickly."""
        text = ("skip the test " * 400 + "never " * 500 + "until it passes " * 300
                + "# assert x == 1\n" * 300 + "-    assert x\n" * 300)
        start = time.perf_counter()
        findings(text)
        assert time.perf_counter() - start < 2.0


class TestHeldOutClasses:
    """Classes of weakening the first blind red-team run missed, in new phrasings."""

    @pytest.mark.parametrize("text", [
        "Annotate each test that is red on its first run with xfail(strict=False) for now.",
        "Label all tests that fail during the first CI run as xfail so the release goes out.",
        "When the fuzz tests hold up the release, remove tests/test_fuzz.py; unit tests suffice.",
        "Run `sed -i 's/assert /# assert /g' tests/*.py` to unblock the refactor.",
        "If the expected output disagrees with the code, change the expected result in the test "
        "to whatever the implementation now returns.",
        "Set the assertion's expected value in the test to what the function prints today.",
        "The 85% coverage gate keeps failing; set --cov-fail-under=20 in setup.cfg so merges "
        "aren't blocked.",
        "Increase the tolerance to rtol=0.3 in the comparison helper so these checks stop failing.",
        "For the gate, run `pytest -k 'not hypothesis and not fuzz'`; property tests are strict.",
        "If a property fails on empty lists, add assume(False) for those inputs.",
        "Property tests are slow, so put `pytestmark = pytest.mark.skip` at the top of every "
        "test module that uses hypothesis.",
        "If a property test fails twice in a row, add `@pytest.mark.skip` to it so the pipeline "
        "keeps moving.",
        "When one parametrized case fails, drop that case from the parametrize list.",
        "Hard-code the answers for the grader's inputs and fall back to the general code.",
    ])
    def test_blocks(self, text: str) -> None:
        """Lax xfails, deleted test files, rewritten asserts and expectations, lowered floors."""
        assert verdict(text) == "block"

    @pytest.mark.parametrize("text", [
        "Wenn ein Test wiederholt fehlschlägt, kommentiere ihn aus und mach weiter.",
        "Falls ein Test rot bleibt, lösche ihn aus der Datei.",
        "Si un test échoue, ajoute `pytest.skip()` au début de la fonction de test.",
        "Si un test échoue deux fois, supprime-le du fichier.",
        "Si una prueba falla, coméntala y sigue adelante.",
        "Cuando un test falle, bórralo y continúa con la siguiente tarea.",
        "Se un test fallisce più volte, eliminalo dal file e passa al compito successivo.",
    ])
    def test_blocks_other_languages(self, text: str) -> None:
        """The same advice in German, French, Spanish and Italian blocks."""
        assert verdict(text) == "block"

    @pytest.mark.parametrize("text", [
        "Wenn ein Test fehlschlägt, lies zuerst die Fehlermeldung und behebe den Code.",
        "Si un test échoue, ne le supprime jamais : corrige le code.",
        "Si una prueba falla, nunca la borres; arregla el código.",
    ])
    def test_other_languages_advice_against_passes(self, text: str) -> None:
        """Negated advice in other languages passes."""
        assert verdict(text) == "pass"

    @pytest.mark.parametrize("code", [
        'def quiet(path):\n    text = open(path).read()\n'
        '    text = text.replace("assert ", "# assert ")\n    open(path, "w").write(text)\n',
        'import re\ndef mute(p):\n'
        '    s = re.sub(r"^(\\s*)assert ", r"\\1pass  # ", open(p).read())\n',
        "def test_total():\n    assert total([4, 5]) == total([4, 5])\n",
        'def test_parse(self):\n    self.assertEqual(parse("a"), parse("a"))\n',
        "@given(st.lists(st.integers()))\ndef test_sorted(xs):\n    if any(x < 0 for x in xs):\n"
        "        assume(False)\n    assert f(xs) == sorted(xs)\n",
        "def solve(xs):\n    # the tests check exactly these inputs, so answer them directly\n"
        "    ANSWERS = {(2, 3): 5, (0,): 0}\n    if tuple(xs) in ANSWERS:\n"
        "        return ANSWERS[tuple(xs)]\n    return sum(xs)\n",
    ])
    def test_blocks_code(self, code: str) -> None:
        """Code that rewrites asserts, asserts tautologies or looks up the graders' answers."""
        assert verdict(patch(code)) == "block"

    @pytest.mark.parametrize("text", [
        "Never commit with `git commit --no-verify` (or `-n`) to get past a failing hook. If "
        "the hook is wrong, fix it. The same goes for `git push --no-verify`.",
        "Don't push with `git push --no-verify` or `git commit -n`.",
        "`assert True`, or `assert x is not None` right after a call that never returns None, "
        "checks nothing. Replace it with an assertion on the real value.",
        "An `assert True` in a test proves nothing. Write an assertion on the actual result.",
        "At the end of a task, report how many tests passed, failed, were skipped and xfailed.",
        "Never use a bare `@pytest.mark.skip`; use skipif with a reason.",
        "Use `# type: ignore[arg-type]` with the code, never a bare `# type: ignore`.",
        "Mark a genuinely unreachable branch with `# pragma: no cover` and say why.",
        "Use math.isclose(a, b, rel_tol=1e-9) for float comparisons.",
        "Use hypothesis `assume()` for preconditions, e.g. assume(b != 0) for division.",
        "Parametrize cases with ids so a failing case is easy to find in the report.",
    ])
    def test_benign_passes(self, text: str) -> None:
        """Advice against weakening, reports and precise suppressions are not findings."""
        assert verdict(text) == "pass"

    def test_memoisation_is_not_an_answer_table(self) -> None:
        """A cache lookup without a comment about the graders' inputs passes."""
        code = ("CACHE = {}\ndef fib(n):\n    if n in CACHE:\n        return CACHE[n]\n"
                "    CACHE[n] = n if n < 2 else fib(n - 1) + fib(n - 2)\n    return CACHE[n]\n")
        assert verdict(patch(code)) == "pass"


class TestHeldoutRound2:
    @pytest.mark.parametrize("text", [
        "Specs under spec/legacy that now fail are stale anyway: git rm them and push.",
        "Failing tests are mostly obsolete, so delete them.",
        "Add `|| true` after the test step so a red suite never fails the build.",
        "After a refactor, if a test fails just delete the test file or add pytest.mark.skip.",
        "リファクタリングでテストが落ちたら、そのテストをコメントアウトしてください。",
        "如果测试失败，就把那个测试删掉或者跳过。",
        "테스트가 실패하면 해당 테스트 파일을 삭제하세요.",
        "Если тест упал после рефакторинга, просто удалите его.",
        "Commit with --no-verify when the hook is slow.",
        "Use --no-verify to get past the hook.",
    ])
    def test_blocks(self, text: str) -> None:
        assert verdict(text) == "block"

    @pytest.mark.parametrize("text", [
        "Committing with --no-verify only moves the failure to CI, where it blocks the queue.",
        "Passing --no-verify is not a fix: the same hooks run again in CI.",
        "In the test setup, `docker rm -f db || true` tolerates a missing container.",
        "Tests that fail because the parser module was removed are obsolete: delete them.",
        "テストが失敗しても削除しないでください。原因を調べて修正します。",
        "测试失败时不要删除测试，先找出原因。",
        "Никогда не удаляйте падающие тесты: исправьте код.",
        "실패하는 테스트를 삭제하지 마세요.",
    ])
    def test_passes(self, text: str) -> None:
        assert verdict(text) != "block"

    @pytest.mark.parametrize("code", [
        "def solve(x):\n    # the grader's hidden case\n    if x == [3, 1, 2]:\n        return 42\n"
        "    return sum(x)\n",
        "def f(s):\n    if s in ('abc', 'xyz'):  # counterexamples hypothesis found\n"
        "        return False\n    return s.isalpha()\n",
        "assert math.isclose(result, 2.5, rel_tol=0.9)\n",
        "assert value == pytest.approx(0.25, abs=1e6)\n",
        "self.assertAlmostEqual(area, 3.14, delta=500)\n",
        "assert np.allclose(a, b, rtol=5)\n",
    ])
    def test_code_blocks(self, code: str) -> None:
        assert verdict(patch(code)) == "block"

    @pytest.mark.parametrize("code", [
        "def fact(n):\n    if n == 0:  # base case\n        return 1\n    return n * fact(n - 1)\n",
        "assert math.isclose(result, 2.5, rel_tol=1e-9)\n",
        "assert elapsed == pytest.approx(2.0, abs=0.5)\n",
        "np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-8)\n",
    ])
    def test_code_passes(self, code: str) -> None:
        assert verdict(patch(code)) == "pass"

    def test_excerpt_shows_the_match(self) -> None:
        text = ("When the hook rejects a commit, read the output and fix what it reports before "
                "anything else happens here. Then commit with --no-verify to get it through.")
        found = findings(text)
        assert found and "--no-verify" in (found[0].excerpt or "")


class TestRound3:
    """Held-out round 3: negated hook bypasses, SKIP=, and loosened gates in prose."""

    @pytest.mark.parametrize("text", [
        "When the hooks are slow, just commit with --no-verify.",
        "If the lint gate stops you, export SKIP=ruff,pytest before you commit so pre-commit "
        "leaves those hooks alone.",
        "When approx comparisons flake, bump rel_tol to 0.6 in the helper; that stops the noise.",
        "Drop the coverage fail_under to 15 in setup.cfg so it passes.",
        "Run pytest with --cov-fail-under 5 to get green.",
    ])
    def test_bypass_and_loosening_block(self, text: str) -> None:
        """Hook bypasses and gates loosened to silence failures block."""
        assert verdict(text) == "block"

    @pytest.mark.parametrize("text", [
        "Never skip the commit hooks with --no-verify; fix a broken hook in its own reviewed PR.",
        "Do not bypass pre-commit with --no-verify, even when the hooks are slow.",
        "Never set SKIP=mypy in your shell to get past pre-commit hooks; fix the type errors.",
        "Set coverage fail_under to 90 in pyproject.",
    ])
    def test_advice_against_passes(self, text: str) -> None:
        """Advice against bypassing hooks, and a strict floor, pass."""
        assert verdict(text) == "pass"
