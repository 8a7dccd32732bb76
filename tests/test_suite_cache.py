"""The evaluation cache: content keys, damaged files and rows never trusted, concurrent use."""

from __future__ import annotations

import dataclasses
import json
import multiprocessing
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from guardian.sandbox.isolation import Isolation, detect
from guardian.suite.cache import SCHEMA, EvalCache
from guardian.suite.manifest import Suite, load_suite
from guardian.suite.results import CaseResult
from guardian.suite.runner import Counterexample, cache_key, evaluate
from guardian.suite.samples import reference_codes

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "suites" / "mini"
TASKS = ("mini/double", "mini/absval", "mini/upper")
ISO = Isolation("process", "host", False, False, sys.executable)


def cases(task_id: str, outcome: str = "pass", n: int = 2) -> list[CaseResult]:
    return [CaseResult(f"f.py::t{i}", task_id, "base", outcome, f"m{i}")  # type: ignore[arg-type]
            for i in range(n)]


def copy_mini(dest: Path) -> Suite:
    shutil.copytree(MINI, dest)
    return load_suite(str(dest))


def keys(suite: Suite, codes: dict[str, str], **kw: object) -> dict[str, str]:
    """Every task's cache key, as evaluate() computes it."""
    args: dict[str, object] = {"only": "all", "isolation": ISO, "counterexamples": []}
    args.update(kw)
    return {t: cache_key(suite, suite.tasks[t].to_json(), codes[t], **args)  # type: ignore[arg-type]
            for t in TASKS}


class TestRows:
    def test_put_then_get(self, tmp_path: Path) -> None:
        """A stored task's cases come back equal; an unknown key is a miss."""
        cache = EvalCache.open(tmp_path / "c" / "eval.sqlite")
        cache.put("k", "t/1", cases("t/1"))
        assert cache.get("k") == cases("t/1")
        assert cache.get("other") is None
        assert len(cache) == 1
        cache.close()

    def test_rows_survive_reopening(self, tmp_path: Path) -> None:
        """A second handle on the same file sees what the first stored."""
        path = tmp_path / "eval.sqlite"
        first = EvalCache.open(path)
        first.put("k", "t/1", cases("t/1", "fail"))
        first.close()
        second = EvalCache.open(path)
        assert second.get("k") == cases("t/1", "fail") and not second.rebuilt

    def test_tampered_payload_is_ignored(self, tmp_path: Path) -> None:
        """A payload edited to say pass, its digest left alone, is a miss, not a pass."""
        path = tmp_path / "eval.sqlite"
        cache = EvalCache.open(path)
        cache.put("k", "t/1", cases("t/1", "fail"))
        with sqlite3.connect(path) as conn:
            conn.execute("UPDATE results SET payload = replace(payload, '\"fail\"', '\"pass\"')")
        assert cache.get("k") is None

    def test_consistent_but_wrong_rows_are_ignored(self, tmp_path: Path) -> None:
        """Rows with a matching digest but another task's cases or a bad outcome are misses."""
        path = tmp_path / "eval.sqlite"
        cache = EvalCache.open(path)
        for key, task_id, payload in [
                ("other-task", "t/1", [c.to_json() for c in cases("t/2")]),
                ("bad-outcome", "t/1", [{**cases("t/1")[0].to_json(), "outcome": "ok"}]),
                ("empty", "t/1", []), ("not-a-list", "t/1", {"a": 1})]:
            text = json.dumps(payload)
            digest = cache._digest(key, task_id, text)
            with sqlite3.connect(path) as conn:
                conn.execute("INSERT INTO results VALUES (?, ?, ?, ?, 0)",
                             (key, task_id, text, digest))
            assert cache.get(key) is None, key

    def test_row_copied_under_another_key_is_a_miss(self, tmp_path: Path) -> None:
        """The digest binds the row to its key: a pass copied to another code's key is a miss."""
        path = tmp_path / "eval.sqlite"
        cache = EvalCache.open(path)
        cache.put("good-code", "t/1", cases("t/1", "pass"))
        with sqlite3.connect(path) as conn:
            conn.execute("INSERT INTO results SELECT 'bad-code', task_id, payload, sha256, "
                         "created FROM results WHERE key = 'good-code'")
        assert cache.get("good-code") is not None
        assert cache.get("bad-code") is None

    def test_keyed_cache_refuses_rows_forged_without_the_secret(self, tmp_path: Path) -> None:
        """With a secret, a row whose digest anyone could compute (plain SHA-256) is a miss."""
        path = tmp_path / "eval.sqlite"
        cache = EvalCache.open(path, secret=b"s3cret")
        cache.put("k", "t/1", cases("t/1", "fail"))
        forged = json.dumps([c.to_json() for c in cases("t/1", "pass")])
        unkeyed = EvalCache.open(tmp_path / "other.sqlite")
        with sqlite3.connect(path) as conn:
            conn.execute("UPDATE results SET payload = ?, sha256 = ? WHERE key = 'k'",
                         (forged, unkeyed._digest("k", "t/1", forged)))
        assert cache.get("k") is None
        assert EvalCache.open(path, secret=b"other").get("k") is None

    def test_corrupt_file_is_moved_aside_and_rebuilt(self, tmp_path: Path) -> None:
        """Random bytes where the database should be: set aside, a fresh cache is made."""
        path = tmp_path / "eval.sqlite"
        junk = os.urandom(8192)
        path.write_bytes(junk)
        cache = EvalCache.open(path)
        assert cache.rebuilt and len(cache) == 0
        cache.put("k", "t/1", cases("t/1"))
        assert cache.get("k") == cases("t/1")
        aside = [p for p in tmp_path.iterdir() if ".corrupt-" in p.name]
        assert [p.read_bytes() for p in aside] == [junk]

    def test_other_schema_is_rebuilt(self, tmp_path: Path) -> None:
        """A cache written by another schema version is not read; a fresh one replaces it."""
        path = tmp_path / "eval.sqlite"
        cache = EvalCache.open(path)
        cache.put("k", "t/1", cases("t/1"))
        cache.close()
        with sqlite3.connect(path) as conn:
            conn.execute("UPDATE meta SET value = 'guardian-eval-cache/0' WHERE key = 'schema'")
        reopened = EvalCache.open(path)
        assert reopened.rebuilt and reopened.get("k") is None and len(reopened) == 0
        with sqlite3.connect(path) as conn:
            assert conn.execute("SELECT value FROM meta").fetchone() == (SCHEMA,)

    def test_foreign_database_is_never_trusted(self, tmp_path: Path) -> None:
        """Another program's SQLite file with a ``results`` table yields no cached results."""
        path = tmp_path / "eval.sqlite"
        with sqlite3.connect(path) as conn:
            conn.execute("CREATE TABLE results (key TEXT, task_id TEXT, payload TEXT)")
            conn.execute("INSERT INTO results VALUES ('k', 't/1', ?)",
                         (json.dumps([c.to_json() for c in cases("t/1")]),))
        cache = EvalCache.open(path)
        assert cache.get("k") is None

    def test_foreign_database_is_moved_aside(self, tmp_path: Path) -> None:
        """Another program's SQLite file is set aside (as the module says), and the cache works."""
        path = tmp_path / "eval.sqlite"
        with sqlite3.connect(path) as conn:
            conn.execute("CREATE TABLE results (key TEXT, value TEXT)")
        cache = EvalCache.open(path)
        cache.put("k", "t/1", cases("t/1"))
        assert cache.rebuilt and cache.get("k") == cases("t/1")


def _hammer(path: str, worker: int, rounds: int) -> list[str]:
    """One process's share of the concurrency test: put a row, read it and a neighbour's."""
    problems: list[str] = []
    try:
        cache = EvalCache.open(Path(path))
        for i in range(rounds):
            key = f"w{worker}-{i}"
            cache.put(key, f"t/{worker}", cases(f"t/{worker}", n=1 + i % 3))
            got = cache.get(key)
            if got != cases(f"t/{worker}", n=1 + i % 3):
                problems.append(f"{key}: read back {got!r}")
            cache.get(f"w{(worker + 1) % 4}-{i}")  # may or may not be there yet
        cache.close()
    except Exception as exc:  # reported, not raised, so the parent sees every failure
        problems.append(f"worker {worker}: {type(exc).__name__}: {exc}")
    return problems


class TestConcurrency:
    @pytest.mark.slow
    def test_four_processes_lose_nothing(self, tmp_path: Path) -> None:
        """4 processes × 50 puts and gets on one file: no error, every row there afterwards."""
        path = tmp_path / "eval.sqlite"
        EvalCache.open(path).close()
        with multiprocessing.get_context("fork").Pool(4) as pool:
            results = pool.starmap(_hammer, [(str(path), w, 50) for w in range(4)])
        assert [p for r in results for p in r] == []
        cache = EvalCache.open(path)
        assert len(cache) == 200 and not cache.rebuilt
        assert all(cache.get(f"w{w}-{i}") == cases(f"t/{w}", n=1 + i % 3)
                   for w in range(4) for i in range(50))


class TestKeys:
    def test_code_change_invalidates_only_its_task(self) -> None:
        """Editing one task's code changes that task's key and no other."""
        suite = load_suite(str(MINI))
        codes = reference_codes(suite.tasks)
        before = keys(suite, codes)
        after = keys(suite, {**codes, "mini/absval": "def absval(x):\n    return abs(x)\n"})
        assert [t for t in TASKS if before[t] != after[t]] == ["mini/absval"]
        assert keys(suite, codes) == before  # and keys are reproducible

    @pytest.mark.parametrize("change", ["seed", "max_examples", "limits"])
    def test_settings_invalidate_every_task(self, change: str) -> None:
        """A new seed, example count or limit changes every task's key."""
        suite = load_suite(str(MINI))
        codes = reference_codes(suite.tasks)
        new = {"seed": {"seed": 1}, "max_examples": {"max_examples": 21},
               "limits": {"limits": dataclasses.replace(suite.limits, call_seconds=6)}}[change]
        changed = dataclasses.replace(suite, **new)  # type: ignore[arg-type]
        before, after = keys(suite, codes), keys(changed, codes)
        assert all(before[t] != after[t] for t in TASKS)

    def test_suite_file_edit_invalidates_every_task(self, tmp_path: Path) -> None:
        """Editing any suite file (here a test module) changes every task's key."""
        suite = copy_mini(tmp_path / "mini")
        codes = reference_codes(suite.tasks)
        before = keys(suite, codes)
        with (suite.root / "base_checks.py").open("a") as fh:
            fh.write("\n# edited\n")
        after = keys(load_suite(str(suite.root)), codes)
        assert all(before[t] != after[t] for t in TASKS)

    @pytest.mark.parametrize("change", ["only", "isolation", "counterexamples"])
    def test_run_options_are_part_of_the_key(self, change: str) -> None:
        """--only, the isolation level and a task's stored counterexamples change its key."""
        suite = load_suite(str(MINI))
        codes = reference_codes(suite.tasks)
        before = keys(suite, codes)
        if change == "counterexamples":
            cx = Counterexample("mini/absval", "props_mini.py::x", {"x": -1})
            after = {t: cache_key(suite, suite.tasks[t].to_json(), codes[t], only="all",
                                  isolation=ISO, counterexamples=[cx] if t == "mini/absval"
                                  else []) for t in TASKS}
            assert [t for t in TASKS if before[t] != after[t]] == ["mini/absval"]
            return
        kw = {"only": {"only": "base"},
              "isolation": {"isolation": dataclasses.replace(ISO, level="uid")}}[change]
        after = keys(suite, codes, **kw)
        assert all(before[t] != after[t] for t in TASKS)


@pytest.mark.slow
class TestEvaluateWithCache:
    def test_hits_misses_and_what_is_stored(self, tmp_path: Path) -> None:
        """Second run: all from cache, fast; an edit re-runs its task; errors are not stored."""
        suite = copy_mini(tmp_path / "mini")
        cache = EvalCache.open(tmp_path / "cache" / "eval.sqlite")
        codes = reference_codes(suite.tasks)
        iso = detect()
        first = evaluate(suite, codes, workers=2, cache=cache, isolation=iso)
        assert [t.cached for t in first.tasks] == [False, False, False] and len(cache) == 3

        started = time.perf_counter()
        second = evaluate(suite, codes, workers=2, cache=cache, isolation=iso)
        elapsed = time.perf_counter() - started
        assert [t.cached for t in second.tasks] == [True, True, True]
        assert second.to_json(timings=False) == first.to_json(timings=False)
        assert second.summary()["cached_tasks"] == 3
        assert elapsed < 1.0, elapsed  # no pytest worker was started

        # A code edit re-runs its task only; its error result is reported but not stored.
        crashing = {**codes, "mini/double": "import os\ndef double(x):\n    os._exit(3)\n"}
        third = evaluate(suite, crashing, workers=2, cache=cache, isolation=iso)
        assert [t.cached for t in third.tasks] == [False, True, True]
        assert [t.outcome for t in third.tasks] == ["error", "pass", "pass"]
        assert len(cache) == 3
        assert cache.get(cache_key(suite, suite.tasks["mini/double"].to_json(),
                                   crashing["mini/double"], only="all", isolation=iso,
                                   counterexamples=[])) is None


def run_cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "guardian", "eval", "--suite", str(MINI),
                           "--reference", "--tasks", "mini/upper", "--only", "base",
                           "--format", "json", *args], cwd=cwd, text=True,
                          capture_output=True, timeout=120, check=False)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()} if folder.is_dir() else {}


@pytest.mark.slow
class TestCacheFromTheCli:
    def test_no_cache_neither_reads_nor_writes(self, tmp_path: Path) -> None:
        """--no-cache ignores a filled cache and leaves it byte for byte; without it, it is read."""
        (tmp_path / ".git").mkdir()
        cache_dir = tmp_path / ".guardian-cache"
        # (That --no-cache creates no cache is checked by test_cli_eval's JSON test.)
        # Plant a (false) failing result under the key the CLI computes for this run.
        suite = load_suite(str(MINI))
        key = cache_key(suite, suite.tasks["mini/upper"].to_json(),
                        reference_codes(suite.tasks)["mini/upper"], only="base",
                        isolation=detect(), counterexamples=[])
        cache = EvalCache.open(cache_dir / "eval.sqlite")
        cache.put(key, "mini/upper", cases("mini/upper", "fail"))
        cache.close()
        before = snapshot(cache_dir)

        done = run_cli(tmp_path, "--no-cache")
        assert done.returncode == 0, done.stderr
        assert [(t["outcome"], t["cached"]) for t in json.loads(done.stdout)["tasks"]] == [
            ("pass", False)]
        assert snapshot(cache_dir) == before

        done = run_cli(tmp_path)  # without --no-cache the planted row is what comes back
        assert done.returncode == 1, done.stderr
        assert [(t["outcome"], t["cached"]) for t in json.loads(done.stdout)["tasks"]] == [
            ("fail", True)]
