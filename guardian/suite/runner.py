"""Run a suite over code for some tasks: cache look-ups, parallel pytest workers, results.

Each worker is a pytest process (``-p guardian.suite.plugin``) with a scrubbed environment and
its own sandbox slot; tasks are dealt to workers round-robin in suite order. Results come
back as JSON lines the plugin writes as each case finishes; a case that was collected but
never reported (the worker died or ran out of time) is an ``error``, and a task with no
cases is an ``error`` too: nothing is ever counted as passing without having run.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from guardian.errors import InputError, Terminated
from guardian.sandbox.isolation import Isolation, detect
from guardian.suite.manifest import Suite
from guardian.suite.results import CaseResult, EvalResult, build_tasks

ONLY = ("base", "properties", "all")
Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class Counterexample:
    """A stored failing input, replayed as an explicit example on every run."""

    task_id: str
    case_id: str
    kwargs: Mapping[str, Any]  # codec-encoded

    def to_json(self) -> dict[str, Any]:
        return {"task_id": self.task_id, "case_id": self.case_id, "kwargs": dict(self.kwargs)}


def cache_key(suite: Suite, task: Mapping[str, Any], code: str, *, only: str,
              isolation: Isolation, counterexamples: Sequence[Counterexample]) -> str:
    """Content key for one task's results: everything that could change them."""
    from guardian import __version__

    material = {
        "guardian": __version__, "suite": suite.describe(), "task": task, "code": code,
        "only": only, "seed": suite.seed, "max_examples": suite.max_examples,
        "limits": suite.limits.to_json(), "isolation": isolation.level,
        "python": sys.version_info[:2],
        "counterexamples": sorted(json.dumps(c.to_json(), sort_keys=True)
                                  for c in counterexamples),
    }
    blob = json.dumps(material, sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(blob).hexdigest()


def settings_of(suite: Suite, only: str, workers: int) -> dict[str, Any]:
    from guardian import __version__

    return {"suite": suite.describe(), "only": only, "seed": suite.seed,
            "max_examples": suite.max_examples, "derandomize": True, "database": None,
            "deadline": None, "limits": suite.limits.to_json(), "workers": workers,
            "guardian_version": __version__,
            "python": ".".join(map(str, sys.version_info[:3]))}


def _worker_env(bytecode_dir: Path | None = None) -> dict[str, str]:
    """The harness's environment: nothing secret, no plugin autoloading, fixed hashing.

    With ``bytecode_dir`` compiled modules (pytest's rewritten test modules included) are
    cached there instead of beside the sources, which saves re-rewriting a large suite on
    every run; without it nothing is written.
    """
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8",
           "PYTHONHASHSEED": "0", "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
           "HOME": tempfile.gettempdir()}
    if bytecode_dir is None:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    else:
        env["PYTHONPYCACHEPREFIX"] = str(bytecode_dir)
    for key in ("VIRTUAL_ENV", "PYTHONPATH", "COVERAGE_PROCESS_START", "TMPDIR"):
        if key in os.environ:
            env[key] = os.environ[key]
    return env


_PYTEST_INI = """[pytest]
addopts =
python_files = test_*.py *_test.py
filterwarnings =
    ignore::DeprecationWarning
"""


def evaluate(suite: Suite, codes: Mapping[str, str], *, tasks: Sequence[str] | None = None,
             only: str = "all", workers: int | None = None, cache: Any = None,
             counterexamples: Iterable[Counterexample] = (),
             isolation: Isolation | None = None, progress: Progress | None = None,
             bytecode_dir: Path | None = None) -> EvalResult:
    """Evaluate ``codes`` (task id → module source) on ``suite``; see the module docstring."""
    if only not in ONLY:
        raise InputError(f"--only must be one of {', '.join(ONLY)}; got {only!r}")
    started = time.perf_counter()
    known = suite.tasks
    wanted = list(tasks) if tasks is not None else list(codes)
    unknown = [t for t in wanted if t not in known]
    if unknown:
        raise InputError(f"suite {suite.name!r} has no task {unknown[0]!r}"
                         + (f" (and {len(unknown) - 1} more)" if len(unknown) > 1 else ""))
    missing = [t for t in wanted if t not in codes]
    if missing:
        raise InputError(f"no code for task {missing[0]!r}"
                         + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""))
    rank = {t: i for i, t in enumerate(known)}
    order = sorted(dict.fromkeys(wanted), key=rank.__getitem__)
    if not order:
        raise InputError("nothing to evaluate: no tasks selected")
    if not suite.test_files(only):
        raise InputError(f"suite {suite.name!r} has no {only} tests (fail closed)")
    isolation = isolation or detect()
    cxs: dict[str, list[Counterexample]] = {}
    for cx in counterexamples:
        cxs.setdefault(cx.task_id, []).append(cx)
    n_workers = max(1, workers or os.cpu_count() or 1)

    keys = {t: cache_key(suite, known[t].to_json(), codes[t], only=only, isolation=isolation,
                         counterexamples=cxs.get(t, [])) for t in order}
    cases: list[CaseResult] = []
    cached: set[str] = set()
    if cache is not None:
        for t in order:
            hit = cache.get(keys[t])
            if hit is not None:
                cases += hit
                cached.add(t)
    todo = [t for t in order if t not in cached]
    messages: dict[str, str] = {}
    problems: list[str] = []
    lookup = time.perf_counter() - started
    if todo:
        def store(task_id: str, its: list[CaseResult]) -> None:
            # Cached as soon as a task is complete (an interrupted run keeps what finished);
            # only clean results: an error may be the machine's fault, not the code's.
            if cache is not None and its and all(c.outcome != "error" for c in its):
                cache.put(keys[task_id], task_id, its)

        ran, messages, problems = _run_workers(suite, todo, codes, only=only, workers=n_workers,
                                     isolation=isolation, cxs=cxs, progress=progress,
                                     on_task=store, bytecode_dir=bytecode_dir)
        cases += ran
    task_results = build_tasks(order, _in_order(cases, order), messages, frozenset(cached))
    total = time.perf_counter() - started
    return EvalResult(task_results, settings_of(suite, only, min(n_workers, max(1, len(todo)))),
                      isolation.to_json(),
                      {"total_seconds": total, "cache_lookup_seconds": lookup},
                      tuple(problems))


def _in_order(cases: list[CaseResult], order: list[str]) -> list[CaseResult]:
    rank = {t: i for i, t in enumerate(order)}
    return sorted(cases, key=lambda c: rank.get(c.task_id, len(rank)))  # stable within a task


class _Worker:
    """One pytest process and the JSON lines it has written so far (read incrementally)."""

    def __init__(self, proc: subprocess.Popen[bytes], results: Path, log: Path,
                 share: list[str]) -> None:
        self.proc, self.results, self.log, self.share = proc, results, log, share
        self.offset = 0
        self.buffer = b""
        self.collected: list[list[str]] = []
        self.seen: dict[tuple[str, str], CaseResult] = {}
        self.finished = False
        self.reported: set[str] = set()
        self.problems: list[str] = []

    def poll(self) -> list[str]:
        """Read new lines; the tasks whose every collected case is now reported."""
        try:
            with self.results.open("rb") as fh:
                fh.seek(self.offset)
                chunk = fh.read()
        except OSError:
            return []
        self.offset += len(chunk)
        self.buffer += chunk
        *lines, self.buffer = self.buffer.split(b"\n")
        for line in lines:
            try:
                record = json.loads(line)
            except ValueError:
                continue
            kind = record.get("type")
            if kind == "collected":
                self.collected = [[str(x) for x in c] for c in record["cases"]]
            elif kind == "case":
                case = CaseResult.from_json(record)
                self.seen.setdefault((case.task_id, case.case_id), case)
            elif kind == "collect_error":
                self.problems.append(f"cannot collect {record.get('where') or 'the suite'}: "
                                     f"{record.get('message', '')}")
            elif kind == "done":
                self.finished = True
        complete = []
        expected: dict[str, list[tuple[str, str]]] = {}
        for task_id, case_id, _kind in self.collected:
            expected.setdefault(task_id, []).append((task_id, case_id))
        for task_id, keys in expected.items():
            if task_id not in self.reported and all(k in self.seen for k in keys):
                self.reported.add(task_id)
                complete.append(task_id)
        return complete

    def cases_of(self, task_id: str) -> list[CaseResult]:
        return [self.seen[(t, c)] for t, c, _k in self.collected if t == task_id]

    def outcome(self) -> tuple[list[CaseResult], dict[str, str]]:
        """Every collected case (unreported ones as ``error``) and per-task problems."""
        self.poll()
        code = self.proc.returncode
        why = ""
        if self.problems:
            why = self.problems[0]
        elif not self.finished:
            why = f"the test process ended early (exit {code})" + self._tail()
        elif code not in (0, 1):
            why = f"pytest exited {code}" + self._tail()
        out: list[CaseResult] = []
        seen = dict(self.seen)
        for task_id, case_id, kind in self.collected:
            found = seen.pop((task_id, case_id), None)
            out.append(found if found is not None else CaseResult(
                case_id, task_id, kind, "error",
                why or "the case was collected but never reported"))
        out += seen.values()  # reported without being collected: keep, never drop
        with_cases = {c.task_id for c in out}
        messages = {t: why or "no tests were collected for this task (fail closed)"
                    for t in self.share if t not in with_cases}
        return out, messages

    def _tail(self) -> str:
        try:
            tail = self.log.read_text("utf-8", errors="replace").strip().splitlines()[-3:]
        except OSError:
            return ""
        return f": {' | '.join(tail)}" if tail else ""


TaskDone = Callable[[str, list[CaseResult]], None]


def _run_workers(suite: Suite, todo: list[str], codes: Mapping[str, str], *, only: str,
                 workers: int, isolation: Isolation, cxs: Mapping[str, list[Counterexample]],
                 progress: Progress | None, on_task: TaskDone | None = None,
                 bytecode_dir: Path | None = None
                 ) -> tuple[list[CaseResult], dict[str, str], list[str]]:
    n = min(workers, len(todo))
    shares = [todo[i::n] for i in range(n)]
    files = [str(p) for p in suite.test_files(only)]
    kinds = {str(p): suite.kind_of(p) for p in suite.test_files("all")}
    uses_hypothesis = any(_mentions_hypothesis(Path(f)) for f in files)
    pool: list[_Worker] = []
    with tempfile.TemporaryDirectory(prefix="guardian-eval-") as tmp, _terminate_cleanly():
        ini = Path(tmp) / "pytest.ini"
        ini.write_text(_PYTEST_INI, encoding="utf-8")
        try:
            for slot, share in enumerate(shares):
                pool.append(_start_worker(suite, Path(tmp), slot, share, codes=codes,
                                          kinds=kinds, files=files, isolation=isolation,
                                          cxs=cxs, ini=ini, hypothesis=uses_hypothesis,
                                          bytecode_dir=bytecode_dir))
            budget = 60 + suite.limits.task_seconds * max(len(s) for s in shares) * 1.5
            deadline = time.monotonic() + budget
            while True:
                running = [w for w in pool if w.proc.poll() is None]
                for w in pool:
                    for task_id in w.poll():
                        if on_task is not None:
                            on_task(task_id, w.cases_of(task_id))
                if progress is not None:
                    progress(sum(len(w.seen) for w in pool),
                             sum(len(w.collected) for w in pool))
                if not running:
                    break
                if time.monotonic() > deadline:
                    for w in running:
                        _kill(w.proc)
                    break
                time.sleep(0.05)
        finally:
            for w in pool:
                if w.proc.poll() is None:
                    _kill(w.proc)
        cases: list[CaseResult] = []
        messages: dict[str, str] = {}
        problems: list[str] = []
        for w in pool:
            got, msgs = w.outcome()
            cases += got
            messages.update(msgs)
            problems += [p for p in w.problems if p not in problems]
            if not w.finished:
                problems.append(f"a test process ended early (exit {w.proc.returncode})"
                                + w._tail())
    return cases, messages, problems


def _start_worker(suite: Suite, tmp: Path, slot: int, share: list[str], *,
                  codes: Mapping[str, str], kinds: dict[str, str], files: list[str],
                  isolation: Isolation, cxs: Mapping[str, list[Counterexample]],
                  ini: Path, hypothesis: bool, bytecode_dir: Path | None) -> _Worker:
    work = tmp / f"w{slot}"
    work.mkdir()
    results = work / "results.jsonl"
    results.touch()
    spec = {
        "tasks": [suite.tasks[t].to_json() for t in share],
        "known": list(suite.tasks),
        "codes": {t: codes[t] for t in share}, "kinds": kinds,
        "seed": suite.seed, "max_examples": suite.max_examples,
        "limits": suite.limits.to_json(), "isolation": isolation.to_json(),
        "slot": slot, "results": str(results), "hypothesis": hypothesis,
        "parent": os.getpid(),
        "counterexamples": [c.to_json() for t in share for c in cxs.get(t, [])],
    }
    spec_path = work / "spec.json"
    spec_path.write_text(json.dumps(spec), encoding="utf-8")
    argv = [sys.executable, "-m", "pytest", "-p", "guardian.suite.plugin",
            "-p", "no:cacheprovider", "-c", str(ini), "--rootdir", str(suite.root),
            "-qq", "--tb=no", "--no-header", "-p", "no:randomly",
            "--guardian-run", str(spec_path), *files]
    log_path = work / "pytest.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(argv, cwd=work, env=_worker_env(bytecode_dir),
                                stdin=subprocess.DEVNULL,
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    return _Worker(proc, results, log_path, share)


@contextlib.contextmanager
def _terminate_cleanly() -> Iterator[None]:
    """Turn SIGTERM into an exception while workers run, so they are killed, not orphaned."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(_signum: int, _frame: Any) -> None:
        raise Terminated("terminated")

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _mentions_hypothesis(path: Path) -> bool:
    """Whether a test module (or the conftest beside it) uses hypothesis at all."""
    for candidate in (path, path.parent / "conftest.py"):
        try:
            if b"hypothesis" in candidate.read_bytes():
                return True
        except OSError:
            continue
    return False


def _kill(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:
        proc.kill()
    proc.wait()
