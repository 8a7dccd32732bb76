"""guardian's pytest plugin (entry point ``pytest11``): gives suite tests the code under test.

Inert unless pytest runs with ``--guardian-run SPEC`` (guardian's runner writes SPEC). Then:

* ``@pytest.mark.task("ID", ...)`` ties a test to tasks; a test without it that asks for a
  guardian fixture runs once per selected task;
* fixtures ``solution`` (the task's entry point, called in the sandbox), ``candidate``
  (attribute access to the code's other functions), ``reference`` (the canonical solution,
  trusted, in this process) and ``task``;
* hypothesis runs derandomised with the suite's example count and no database; stored
  counterexamples are replayed before each property runs;
* every case's outcome goes to the results file as one JSON line, as soon as it is known.

The code under evaluation never runs in this process: each task's code is loaded into a fresh
executor inside the sandbox, and only data crosses back.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import inspect
import json
import os
import random
import signal
import sys
import time
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any

import pytest

from guardian.sandbox import codec
from guardian.sandbox.client import (
    CandidateCrash,
    CandidateRaised,
    CandidateTimeout,
    Executor,
    Limits,
    Sandbox,
    SandboxError,
)
from guardian.sandbox.isolation import Isolation
from guardian.suite.tasks import Task

_STATE_KEY = pytest.StashKey["_Run"]()


class CaseTimeout(CandidateTimeout):
    """The whole case (harness included) ran past its wall clock."""
PARAM = "guardian_task_id"
FIXTURES = {"solution", "candidate", "reference", "task"}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("guardian")
    group.addoption("--guardian-run", metavar="SPEC", default=None,
                    help="run a guardian suite evaluation described by SPEC (written by "
                         "`guardian eval`; not meant to be typed by hand)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "task(*ids): tie a guardian suite test to these tasks")
    spec_path = config.getoption("--guardian-run", None)
    if not spec_path:
        return
    spec = json.loads(Path(spec_path).read_text("utf-8"))
    _private(spec.get("parent"))
    run = _Run(spec)
    run.launch()  # bubblewrap starts while pytest collects
    if run.spec.get("hypothesis", True):
        # Loaded before the test modules are imported: a @settings(...) decorator inherits
        # from the profile active when it runs. Base-only runs skip the import (≈0.4 s).
        from hypothesis import HealthCheck, settings

        settings.register_profile(
            "guardian-eval", max_examples=run.max_examples, derandomize=True, database=None,
            deadline=None, print_blob=False,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
        settings.load_profile("guardian-eval")
    config.stash[_STATE_KEY] = run
    config.pluginmanager.register(_Hooks(run), "guardian-run")


def _private(parent: int | None = None) -> None:
    """PR_SET_DUMPABLE 0: this process's /proc entries (environment, memory) stay private;
    PR_SET_PDEATHSIG: this worker dies with guardian, even if guardian is killed outright."""
    with contextlib.suppress(Exception):
        import ctypes

        libc = ctypes.CDLL(None)
        libc.prctl(4, 0, 0, 0, 0)
        if parent is not None:
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)
    if parent is not None and os.getppid() != parent:
        os._exit(70)  # guardian died before the death signal was armed


class _Run:
    """Everything one worker's pytest session knows about the evaluation."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.tasks = {t["task_id"]: Task.from_json(t) for t in spec["tasks"]}
        self.order = list(self.tasks)
        self.known = set(spec.get("known", self.order))
        self.codes: dict[str, str] = spec["codes"]
        self.kinds: dict[str, str] = spec["kinds"]
        self.seed = int(spec["seed"])
        self.max_examples = int(spec["max_examples"])
        self.limits = Limits(**spec["limits"])
        iso = dict(spec["isolation"])
        iso["notes"] = tuple(iso.get("notes", ()))
        self.isolation = Isolation(**iso)
        self.counterexamples: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for cx in spec.get("counterexamples", []):
            self.counterexamples.setdefault((cx["task_id"], cx["case_id"]), []).append(
                cx["kwargs"])
        self.results = open(spec["results"], "a", encoding="utf-8")  # noqa: SIM115
        self.sandbox: Sandbox | None = None
        self.current: str | None = None
        self.executor: Executor | None = None
        self.load_error: BaseException | None = None
        self.references: dict[str, Callable[..., Any]] = {}
        self.last_call: dict[str, Any] | None = None
        self.last_kwargs: dict[str, Any] | None = None

    def write(self, record: dict[str, Any]) -> None:
        self.results.write(json.dumps(record, separators=(",", ":")) + "\n")
        self.results.flush()

    # -- the code under test -----------------------------------------------------------------
    def executor_for(self, task_id: str) -> Executor:
        if self.current != task_id:
            self.release()
            self.current = task_id
        if self.load_error is not None:
            raise self.load_error
        if self.executor is None:
            if self.sandbox is None:
                self.launch()
            assert self.sandbox is not None
            source = self.codes.get(task_id)
            if source is None:
                raise SandboxError(f"no code given for {task_id}")
            ex = Executor(self.sandbox)
            try:
                ex.load(source)
            except CandidateRaised as exc:
                self.load_error = CandidateRaised(exc.type_name,
                                                  f"the code failed to load: {exc.message}",
                                                  exc.where)
                ex.close()
                raise self.load_error from None
            self.executor = ex
        return self.executor

    def launch(self) -> None:
        """Start the sandbox now without waiting for it (it is awaited on first use)."""
        self.sandbox = Sandbox(self.isolation, limits=self.limits,
                               slot=int(self.spec.get("slot", 0)))
        with contextlib.suppress(SandboxError):  # reported when a case first needs it
            self.sandbox.launch()

    def release(self) -> None:
        if self.executor is not None:
            self.executor.close()
        self.executor = None
        self.load_error = None
        self.current = None

    def call(self, task_id: str, fn: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        parts = [*map(_short, args), *(f"{k}={_short(v)}" for k, v in kwargs.items())]
        shown = f"{fn}({', '.join(parts)})"
        self.last_call = {"call": shown}
        ex = self.executor_for(task_id)
        try:
            result = ex.call(fn, args, kwargs)
        except (CandidateRaised, CandidateTimeout, CandidateCrash) as exc:
            self.last_call["raised"] = str(exc)[:500]
            raise
        self.last_call["returned"] = _short(result)
        return result

    def reference(self, task: Task) -> Callable[..., Any]:
        fn = self.references.get(task.task_id)
        if fn is None:
            if not task.reference_source:
                pytest.fail(f"{task.task_id} has no canonical solution to compare with",
                            pytrace=False)
            namespace: dict[str, Any] = {"__name__": "guardian_reference"}
            code = compile(task.reference_source, f"<{task.task_id} reference>", "exec")
            exec(code, namespace)  # noqa: S102 - the dataset's canonical solution (trusted)
            fn = namespace[task.entry_point]
            self.references[task.task_id] = fn
        return fn

    def close(self) -> None:
        self.release()
        if self.sandbox is not None:
            self.sandbox.close()
        self.results.close()


def _short(value: Any, limit: int = 300) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


class _Proxy:
    """A sandboxed function of the candidate's code, callable like the real one."""

    def __init__(self, run: _Run, task_id: str, fn: str) -> None:
        self._run, self._task_id, self._fn = run, task_id, fn

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._run.call(self._task_id, self._fn, args, kwargs)

    def __repr__(self) -> str:
        return f"<sandboxed {self._fn} of {self._task_id}>"


class _Module:
    """``candidate.name(...)`` calls ``name`` in the candidate's code."""

    def __init__(self, run: _Run, task_id: str) -> None:
        self._run, self._task_id = run, task_id

    def __getattr__(self, name: str) -> _Proxy:
        if name.startswith("__"):
            raise AttributeError(name)
        return _Proxy(self._run, self._task_id, name)


def _run_of(request: pytest.FixtureRequest) -> _Run:
    run = request.config.stash.get(_STATE_KEY, None)
    if run is None:
        pytest.skip("guardian suite fixtures need `guardian eval`")
    return run


@pytest.fixture
def guardian_task_id(request: pytest.FixtureRequest) -> str:
    """The task this test instance concerns (set by the plugin's parametrisation)."""
    return str(request.param)


@pytest.fixture
def task(request: pytest.FixtureRequest, guardian_task_id: str) -> Task:
    """The task record: ``task_id``, ``prompt``, ``entry_point``, ``test``."""
    return _run_of(request).tasks[guardian_task_id]


@pytest.fixture
def solution(request: pytest.FixtureRequest, task: Task) -> _Proxy:
    """The task's entry point in the code under evaluation (runs in the sandbox)."""
    return _Proxy(_run_of(request), task.task_id, task.entry_point)


@pytest.fixture
def candidate(request: pytest.FixtureRequest, task: Task) -> _Module:
    """Any top-level function of the code under evaluation: ``candidate.helper(...)``."""
    return _Module(_run_of(request), task.task_id)


@pytest.fixture
def reference(request: pytest.FixtureRequest, task: Task) -> Callable[..., Any]:
    """The task's canonical solution (trusted; runs in this process)."""
    return _run_of(request).reference(task)


DRAWS = "$draws"


def _is_draws(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {DRAWS} and isinstance(value[DRAWS], list)


class _RecordingData:
    """Stands in for hypothesis's ``st.data()`` object and keeps a copy of every draw, so a
    failure found through interactive draws can be stored and replayed like any other."""

    def __init__(self, data: Any, draws: list[Any]) -> None:
        self._data, self._draws = data, draws

    def draw(self, strategy: Any, label: Any = None) -> Any:
        value = self._data.draw(strategy, label)
        self._draws.append(copy.deepcopy(value))
        return value

    def __repr__(self) -> str:
        return "data(...)"


class _ReplayData:
    """Replays stored draws in order; running out means the test changed (skip as stale)."""

    def __init__(self, values: list[Any]) -> None:
        self._values = list(values)

    def draw(self, strategy: Any, label: Any = None) -> Any:
        if not self._values:
            from hypothesis.errors import UnsatisfiedAssumption

            raise UnsatisfiedAssumption("stored draws exhausted")
        return self._values.pop(0)

    def __repr__(self) -> str:
        return "data(<replay>)"


class _Hooks:
    """Hooks active only during a guardian evaluation."""

    def __init__(self, run: _Run) -> None:
        self.run = run
        self.started: dict[str, float] = {}

    @pytest.hookimpl(tryfirst=True)
    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        if not FIXTURES & set(metafunc.fixturenames) and PARAM not in metafunc.fixturenames:
            return
        marker = metafunc.definition.get_closest_marker("task")
        wanted = list(marker.args) if marker else list(self.run.order)
        unknown = [t for t in wanted if t not in self.run.known]
        if unknown:
            raise pytest.UsageError(
                f"{metafunc.definition.nodeid}: @pytest.mark.task names {unknown[0]!r}, which "
                "is not a task of this suite (a typo would silently drop the test)")
        ids = [t for t in wanted if t in self.run.tasks]
        if PARAM not in metafunc.fixturenames:
            metafunc.fixturenames.append(PARAM)
        metafunc.parametrize(PARAM, ids, ids=ids, indirect=True)

    def pytest_collection_modifyitems(self, session: pytest.Session, config: pytest.Config,
                                      items: list[pytest.Item]) -> None:
        keep: list[pytest.Item] = []
        drop: list[pytest.Item] = []
        for item in items:
            (keep if _task_of(item) in self.run.tasks else drop).append(item)
        if drop:
            config.hook.pytest_deselected(items=drop)
        rank = {t: i for i, t in enumerate(self.run.order)}
        keep.sort(key=lambda it: rank[_task_of(it) or ""])  # stable: a task's cases together
        items[:] = keep
        self.run.write({"type": "collected",
                        "cases": [[_task_of(i), _case_id(i), self._kind(i)] for i in keep]})

    def _kind(self, item: pytest.Item) -> str:
        return self.run.kinds.get(str(Path(str(item.path)).resolve()), "example")

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item, nextitem: pytest.Item | None
                                ) -> Iterator[None]:
        self.run.last_call = None
        self.run.last_kwargs = None
        self.started[item.nodeid] = time.perf_counter()
        random.seed(self.run.seed)
        try:
            return (yield)
        finally:
            if nextitem is None or _task_of(nextitem) != _task_of(item):
                self.run.release()

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Generator[None, None, None]:
        """A wall clock around the whole case, the harness's own work included."""
        limit = self.run.limits.task_seconds * 1.5 + 5

        def expire(_signum: int, _frame: Any) -> None:
            raise CaseTimeout(f"the case ran past {limit:g} s")

        previous = signal.signal(signal.SIGALRM, expire)
        signal.setitimer(signal.ITIMER_REAL, limit)
        try:
            self._replay_and_record(item)
            return (yield)
        except CaseTimeout:
            self.run.release()  # the executor may be mid-call: never reuse it
            raise
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)

    def _replay_and_record(self, item: pytest.Item) -> None:
        """Wrap hypothesis's inner test to capture the falsifying example; replay stored ones."""
        func = getattr(item, "obj", None)
        hyp = getattr(func, "hypothesis", None)
        if hyp is None:
            return
        run = self.run
        inner = hyp.inner_test
        if getattr(inner, "_guardian_wrapped", False):
            inner = inner._guardian_inner
        fixture_names = set(getattr(item, "funcargs", {}))

        # functools.wraps: with derandomize, hypothesis seeds each test from the digest of its
        # inner function's source and signature; it follows __wrapped__ to the test itself, so
        # every property keeps its own seed, independent of this file.
        @functools.wraps(inner)
        def recording(*args: Any, **kwargs: Any) -> Any:
            recorded: dict[str, Any] = {}
            for name, value in list(kwargs.items()):
                if name in fixture_names:
                    continue
                if type(value).__name__ == "DataObject" and hasattr(value, "draw"):
                    draws: list[Any] = []
                    kwargs[name] = _RecordingData(value, draws)
                    recorded[name] = {DRAWS: draws}  # filled in as the test draws
                else:
                    recorded[name] = value
            run.last_kwargs = recorded
            return inner(*args, **kwargs)

        recording._guardian_wrapped = True  # type: ignore[attr-defined]
        recording._guardian_inner = inner  # type: ignore[attr-defined]
        hyp.inner_test = recording
        stored = run.counterexamples.get((_task_of(item) or "", _case_id(item)), [])
        funcargs = {k: v for k, v in getattr(item, "funcargs", {}).items()
                    if k in item._fixtureinfo.argnames}  # type: ignore[attr-defined]
        item.stash[_REPLAYED] = 0
        from hypothesis.errors import UnsatisfiedAssumption

        try:
            params = set(inspect.signature(inner).parameters)
        except (TypeError, ValueError):
            params = set()
        for encoded in stored:
            kwargs = codec.decode(encoded)
            if not isinstance(kwargs, dict) or set(kwargs) != params - set(funcargs):
                continue  # stale: the test's arguments changed since it was stored
            item.stash[_REPLAYED] += 1  # counted before the call: a failing replay counts too
            given = {k: _ReplayData(v[DRAWS]) if _is_draws(v) else v for k, v in kwargs.items()}
            try:
                inner(**funcargs, **given)
            except UnsatisfiedAssumption:
                continue  # outside the task's contract (the reference refuses it)
            except BaseException:
                run.last_kwargs = kwargs
                raise

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]
                                  ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        report = yield
        final = (call.when == "call") or (call.when == "setup" and report.outcome != "passed")
        if final:
            self._record(item, call, report)
        return report

    def _record(self, item: pytest.Item, call: pytest.CallInfo[None],
                report: pytest.TestReport) -> None:
        run = self.run
        outcome, message = "pass", ""
        exc = call.excinfo.value if call.excinfo is not None else None
        if report.skipped:
            outcome, message = "error", f"skipped: {_longrepr_line(report)}"
        elif report.failed:
            if isinstance(exc, CandidateTimeout):
                outcome = "timeout"
            elif (isinstance(exc, CandidateCrash | SandboxError) or call.when == "setup"
                  or _suite_problem(exc)):
                outcome = "error"
            else:
                outcome = "fail"
            message = _message(exc, report)
        cx: dict[str, Any] | None = None
        if outcome != "pass":
            cx = {}
            if run.last_kwargs is not None:
                with contextlib.suppress(codec.CodecError):
                    cx["kwargs"] = codec.encode(run.last_kwargs)
                cx["repr"] = ", ".join(f"{k}={_short(v)}" for k, v in run.last_kwargs.items())
            if run.last_call:
                cx.update(run.last_call)
            cx = cx or None
        started = self.started.pop(item.nodeid, time.perf_counter())
        run.write({"type": "case", "case_id": _case_id(item), "task_id": _task_of(item),
                   "kind": self._kind(item), "outcome": outcome, "message": message,
                   "counterexample": cx, "duration": time.perf_counter() - started,
                   "replayed": item.stash.get(_REPLAYED, 0)})

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            text = str(report.longrepr).strip().splitlines()
            message = next((ln.strip() for ln in reversed(text) if ln.strip().startswith("E ")),
                           text[-1] if text else "collection failed")
            self.run.write({"type": "collect_error", "where": report.nodeid,
                            "message": message.removeprefix("E").strip()[:1000]})

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        self.run.write({"type": "done"})
        self.run.close()


_REPLAYED = pytest.StashKey[int]()


def _task_of(item: pytest.Item) -> str | None:
    callspec = getattr(item, "callspec", None)
    if callspec is None:
        return None
    value = callspec.params.get(PARAM)
    return str(value) if value is not None else None


def _case_id(item: pytest.Item) -> str:
    """The node id without the task parameter: the same case across tasks and runs."""
    task_id = _task_of(item)
    callspec = getattr(item, "callspec", None)
    nodeid = item.nodeid
    if task_id is None or callspec is None or not nodeid.endswith(f"[{callspec.id}]"):
        return nodeid
    base, rest = nodeid[: -len(callspec.id) - 2], callspec.id
    for pattern in (f"{task_id}-", f"-{task_id}", task_id):
        if pattern in rest:
            rest = rest.replace(pattern, "", 1)
            break
    return f"{base}[{rest}]" if rest else base


def _suite_problem(exc: BaseException | None) -> bool:
    """A failure of the suite's own making (a hypothesis health check), not the code's."""
    errors = sys.modules.get("hypothesis.errors")
    return errors is not None and isinstance(exc, errors.FailedHealthCheck)


def _longrepr_line(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple):
        return str(longrepr[2])
    return str(longrepr)[:500]


def _message(exc: BaseException | None, report: pytest.TestReport) -> str:
    if exc is None:
        return _longrepr_line(report)
    if isinstance(exc, CandidateRaised):
        text = f"the code raised {exc}"
    else:
        text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    lines = [ln for ln in text.splitlines() if ln.strip()]
    text = "\n".join(lines)
    return text if len(text) <= 2000 else text[:2000] + "…"
