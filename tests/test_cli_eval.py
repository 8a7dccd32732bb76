"""``guardian eval`` and ``guardian sandbox`` end to end: output formats, exit codes, corpora."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from guardian.cli import main
from guardian.sandbox.isolation import LEVELS, Isolation, detect

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "suites" / "mini"

DOUBLE_PROP = "props_mini.py::test_double_matches_reference"
ABSVAL_PROP = "props_mini.py::test_absval_matches_reference"
WRONG = [{"task_id": "mini/double", "completion": "    return x * 2 if x < 10 else x * 2 + 1\n"},
         {"task_id": "mini/absval", "code": "def absval(x):\n    return x\n"},
         {"task_id": "mini/upper", "code": "def upper(s):\n    return s.upper()\n"}]

TOP_KEYS = {"tasks", "cases", "summary", "settings", "isolation", "timings", "problems"}
CASE_KEYS = {"case_id", "task_id", "kind", "outcome", "message", "counterexample", "replayed",
             "duration"}
TASK_KEYS = {"task_id", "outcome", "cases", "counts", "message", "cached"}


def run_cli(*args: str) -> tuple[int, str, str]:
    """guardian's CLI in this process (for what stops before any pytest worker starts)."""
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def guardian(cwd: Path, *args: str, env: dict[str, str] | None = None
             ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "guardian", *args], cwd=cwd, text=True,
                          capture_output=True, timeout=300, check=False, env=env)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git-like folder (so configuration lookup stops here) with a samples file."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "samples.jsonl").write_text("".join(json.dumps(s) + "\n" for s in WRONG))
    return tmp_path


class TestHelp:
    @pytest.mark.parametrize(("argv", "words"), [
        (["eval", "--help"], ["--suite", "--samples", "--reference", "--tasks", "--only",
                              "--format", "--workers", "--counterexamples", "--no-cache",
                              "--require-isolation", "Exit codes"]),
        (["sandbox", "--help"], ["check", "setup", "bubblewrap", "Exit codes"]),
        (["sandbox", "check", "--help"], ["--format", "--require"]),
    ])
    def test_help(self, argv: list[str], words: list[str],
                  capsys: pytest.CaptureFixture[str]) -> None:
        """--help exits 0 and documents the options and exit codes."""
        assert main(argv) == 0
        text = " ".join(capsys.readouterr().out.split())
        assert all(w in text for w in words), [w for w in words if w not in text]

    def test_samples_and_reference_are_exclusive(self, capsys: pytest.CaptureFixture[str]
                                                 ) -> None:
        """Giving both --samples and --reference (or neither) is a usage error, exit 2."""
        assert main(["eval", "--suite", str(MINI), "--reference", "--samples", "x"]) == 2
        assert main(["eval", "--suite", str(MINI)]) == 2
        assert "Traceback" not in capsys.readouterr().err


class TestInputErrors:
    @pytest.mark.parametrize(("args", "says"), [
        (["--suite", "no-such-suite", "--reference"], "bundled suites (humaneval"),
        (["--suite", str(MINI), "--reference", "--tasks", "mini/double,mini/nope"],
         "--tasks: suite 'mini' has no task 'mini/nope'"),
        (["--suite", str(MINI), "--reference", "--workers", "0"], "--workers must be at least 1"),
        (["--suite", str(MINI), "--reference", "--counterexamples", "gone.jsonl"],
         "gone.jsonl: no such counterexample file"),
    ], ids=["unknown suite", "unknown task", "no workers", "missing corpus"])
    def test_exit_2_with_one_line(self, repo: Path, monkeypatch: pytest.MonkeyPatch,
                                  args: list[str], says: str) -> None:
        """Bad arguments exit 2 with one 'guardian: error:' line and nothing on stdout."""
        monkeypatch.chdir(repo)
        code, out, err = run_cli("eval", *args)
        assert (code, out) == (2, "")
        assert err.startswith("guardian: error: ") and len(err.splitlines()) == 1
        assert says in err

    def test_task_without_sample_is_exit_2(self, repo: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
        """--tasks naming a task the samples file has no code for exits 2."""
        monkeypatch.chdir(repo)
        (repo / "one.jsonl").write_text(json.dumps(WRONG[0]) + "\n")
        code, _, err = run_cli("eval", "--suite", str(MINI), "--samples", "one.jsonl",
                               "--tasks", "mini/upper")
        assert code == 2 and "no sample for 'mini/upper'" in err


class TestIsolationRequirement:
    def test_at_least_orders_the_levels(self) -> None:
        """Each level satisfies itself and every weaker level, never a stronger one."""
        for i, level in enumerate(LEVELS):
            iso = Isolation(level, "host", False, False, sys.executable)
            assert [iso.at_least(other) for other in LEVELS] == [j >= i for j in range(4)]

    @pytest.mark.slow
    def test_weaker_sandbox_than_required_is_exit_2(self, repo: Path) -> None:
        """Without bubblewrap on PATH the level drops, and --require-isolation refuses to run."""
        env = {**os.environ, "PATH": str(repo / "no-bin")}
        done = guardian(repo, "eval", "--suite", str(MINI), "--reference",
                        "--require-isolation", "namespaces", env=env)
        assert done.returncode == 2, done.stderr
        assert done.stdout == "" and len(done.stderr.splitlines()) == 1
        assert "weaker than the required 'namespaces'" in done.stderr
        assert "bubblewrap (bwrap) not found" in done.stderr
        check = guardian(repo, "sandbox", "check", "--require", "namespaces", env=env)
        assert check.returncode == 1 and "weaker than 'namespaces'" in check.stderr

    @pytest.mark.slow
    def test_sandbox_check_json_matches_detect(self, repo: Path) -> None:
        """`sandbox check --format json` prints the level this process detects, exit 0."""
        done = guardian(repo, "sandbox", "check", "--format", "json", "--require", "process")
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout) == detect().to_json()


@pytest.mark.slow
class TestOutput:
    def test_text_names_failing_cases(self, repo: Path) -> None:
        """Text output: per-task lines, each failing case with its message and counterexample."""
        done = guardian(repo, "eval", "--suite", str(MINI), "--samples", "samples.jsonl",
                        "--no-cache", "--workers", "2")
        assert done.returncode == 1, done.stderr
        lines = done.stdout.splitlines()
        assert lines[0] == "FAIL    mini/double: 1 pass, 1 fail"
        assert lines[1:5] == [
            f"    fail: {DOUBLE_PROP}",
            "        AssertionError: solution(10) returned 21; expected 20",
            "        counterexample: x=10",
            "        last call: double(10) -> 21"]
        assert "PASS    mini/absval: 2 pass" in lines
        assert "PASS    mini/upper: 3 pass" in lines
        assert any(ln.startswith("2/3 tasks pass; cases: 6 pass, 1 fail, 0 error, 0 timeout")
                   for ln in lines)
        assert lines[-1].startswith(f"isolation: {detect().level} ")
        assert "Traceback" not in done.stderr

    def test_json_has_the_documented_shape(self, repo: Path) -> None:
        """JSON output: exactly the documented keys; --tasks and --only properties respected."""
        done = guardian(repo, "eval", "--suite", str(MINI), "--samples", "samples.jsonl",
                        "--no-cache", "--format", "json", "--only", "properties",
                        "--tasks", "mini/upper,mini/absval,mini/double")
        assert done.returncode == 1, done.stderr
        data = json.loads(done.stdout)
        assert set(data) == TOP_KEYS
        assert all(set(t) == TASK_KEYS for t in data["tasks"])
        assert all(set(c) == CASE_KEYS for c in data["cases"])
        assert [(t["task_id"], t["outcome"]) for t in data["tasks"]] == [
            ("mini/double", "fail"), ("mini/absval", "pass"), ("mini/upper", "pass")]
        assert [(c["case_id"], c["kind"], c["outcome"], c["replayed"])
                for c in data["cases"]] == [
            (DOUBLE_PROP, "property", "fail", 0),
            (ABSVAL_PROP, "property", "pass", 0),  # wrong below 0, never drawn: no corpus here
            ("props_mini.py::test_upper_is_idempotent", "property", "pass", 0)]
        assert data["cases"][0]["counterexample"]["kwargs"] == {"x": 10}
        assert data["cases"][1]["counterexample"] is None
        assert data["settings"]["only"] == "properties"
        assert data["settings"]["suite"]["name"] == "mini"
        assert (data["settings"]["seed"], data["settings"]["max_examples"]) == (0, 20)
        assert data["isolation"] == detect().to_json()
        assert data["summary"]["tasks"] == 3 and data["summary"]["cases_fail"] == 1
        assert data["problems"] == []
        assert not (repo / ".guardian-cache" / "eval.sqlite").exists()  # --no-cache: no cache


@pytest.mark.slow
class TestStoredCounterexamples:
    def test_corpus_file_and_kb_corpus_replay(self, repo: Path) -> None:
        """An input the strategy never draws fails once a corpus (file or KB) holds it.

        Without a corpus the same code passes (test_json_has_the_documented_shape).
        """
        assert guardian(repo, "init").returncode == 0
        args = ("eval", "--suite", str(MINI), "--samples", "samples.jsonl", "--format", "json",
                "--tasks", "mini/absval", "--only", "properties")

        def absval_case(done: subprocess.CompletedProcess[str]) -> dict[str, object]:
            (case,) = json.loads(done.stdout)["cases"]
            assert case["case_id"] == ABSVAL_PROP
            return dict(case)

        record = {"suite": "mini", "task_id": "mini/absval", "case_id": ABSVAL_PROP,
                  "counterexample": {"kwargs": {"x": -7}}}
        (repo / "cx.jsonl").write_text(json.dumps(record) + "\n")
        given = guardian(repo, *args, "--counterexamples", "cx.jsonl")
        assert given.returncode == 1, given.stderr
        case = absval_case(given)
        assert (case["outcome"], case["replayed"]) == ("fail", 1)
        assert case["counterexample"]["kwargs"] == {"x": -7}  # type: ignore[index]

        record["counterexample"] = {"kwargs": {"x": -3}}
        (repo / "knowledge" / "counterexamples.jsonl").write_text(json.dumps(record) + "\n")
        from_kb = guardian(repo, *args)
        assert from_kb.returncode == 1, from_kb.stderr
        case = absval_case(from_kb)
        assert (case["outcome"], case["replayed"]) == ("fail", 1)
        assert case["counterexample"]["kwargs"] == {"x": -3}  # type: ignore[index]
        assert json.loads(from_kb.stdout)["tasks"][0]["cached"] is False


@pytest.mark.slow
class TestBundledSuite:
    def test_humaneval_reference_passes_every_base_test(self, tmp_path: Path) -> None:
        """The bundled suite by name: all 164 canonical solutions pass their own tests."""
        (tmp_path / ".git").mkdir()
        done = guardian(tmp_path, "eval", "--suite", "humaneval", "--reference", "--only",
                        "base", "--format", "json", "--no-cache", "--workers", "2")
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr
        summary = json.loads(done.stdout)["summary"]
        assert (summary["tasks"], summary["tasks_pass"], summary["cases_pass"]) == (164, 164,
                                                                                    164)
