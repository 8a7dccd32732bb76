"""Interactive draws replay from the corpus; stopping guardian stops its test workers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from guardian.suite.manifest import load_suite
from guardian.suite.runner import Counterexample, evaluate

ROOT = Path(__file__).resolve().parent.parent
TEXTKIT = ROOT / "examples" / "suites" / "textkit"
ORDER = "test_properties.py::test_median_ignores_order"  # draws a permutation with st.data()

MEDIAN = ("def median(values):\n"
          "    s = sorted(values)\n"
          "    n = len(s)\n"
          "    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2\n")


def _children(pid: int) -> list[int]:
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                stat = Path(f"/proc/{name}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(name))
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.slow
class TestDrawsReplay:
    def test_a_failure_found_through_st_data_is_stored_and_replayed(self) -> None:
        """The draws of st.data() are part of the counterexample, and replaying them makes a
        failure that ordinary generation misses come back."""
        suite = load_suite(str(TEXTKIT))
        order_dependent = ("def median(values):\n"
                           "    if len(values) > 2 and values[0] > values[-1]:\n"
                           "        return 0\n" + MEDIAN.split("\n", 1)[1])
        first = evaluate(suite, {"textkit/median": order_dependent}, only="properties")
        failed = next(c for c in first.cases if c.case_id == ORDER)
        assert failed.outcome == "fail"
        kwargs = dict(failed.counterexample["kwargs"])  # type: ignore[index]
        draws = kwargs["data"]["$dict"][0][1]
        assert kwargs["values"] and draws, kwargs
        # Code wrong only on exactly that drawn permutation: generation alone does not find it.
        target = draws[0]
        planted = f"def median(values):\n    if values == {target!r}:\n        return 0\n" + \
            MEDIAN.split("\n", 1)[1]
        plain = evaluate(suite, {"textkit/median": planted}, only="properties")
        assert next(c for c in plain.cases if c.case_id == ORDER).outcome == "pass"
        stored = [Counterexample("textkit/median", ORDER, kwargs)]
        replayed = evaluate(suite, {"textkit/median": planted}, only="properties",
                            counterexamples=stored)
        case = next(c for c in replayed.cases if c.case_id == ORDER)
        assert (case.outcome, case.replayed) == ("fail", 1)


@pytest.mark.slow
class TestStopping:
    @pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
    def test_no_worker_outlives_guardian(self, tmp_path: Path, sig: signal.Signals) -> None:
        """SIGTERM exits 143 after stopping the workers; after SIGKILL they die with it."""
        proc = subprocess.Popen(
            [sys.executable, "-m", "guardian", "eval", "--suite", "humaneval", "--reference",
             "--no-cache", "--quiet"], cwd=tmp_path, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        workers: list[int] = []
        while time.monotonic() < deadline and len(workers) < 2:
            time.sleep(0.2)
            workers = _children(proc.pid)
        assert workers, "no worker started"
        time.sleep(0.5)
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
        if sig == signal.SIGTERM:
            assert proc.returncode == 143, err
            assert "terminated" in err
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_alive(w) for w in workers):
            time.sleep(0.1)
        assert [w for w in workers if _alive(w)] == []
