"""The adversarial battery: hostile code through the real ``guardian eval``, every attack contained.

One run of ``guardian eval --format json --no-cache --workers 2`` evaluates a small suite built
under tmp_path: each task asks for ``f(x) == x + 1``; each hostile program (one file in
tests/sandbox/hostile/) is the sample for one task, while tasks holding correct code run
beside the attacks and right after them in the same worker (the same sandbox, restarted when
an attack killed it). guardian runs with API keys and tokens in its environment, beside a
decoy host process holding the same secrets, a canary file, a knowledge base, and listening
sockets; the tests then check the JSON, guardian's output, the host's files, sockets and
processes. Attacks that the isolation level here could not contain are not run at all
(their tests skip, naming the level): at ``process`` level a fork bomb or ``kill(-1)`` would
hit the machine itself.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from guardian.sandbox.client import SANDBOX_UID_BASE
from guardian.sandbox.isolation import detect

pytestmark = pytest.mark.slow

HOSTILE = Path(__file__).resolve().parent / "sandbox" / "hostile"
CALL_SECONDS = 2
MEMORY_MB = 128
MAX_RSS_MIB = 512          # every process of the run, sandbox included, stays below this
RUN_TIMEOUT = 240          # the whole guardian run, killed (and failed) past this
BASE_CASE = "test_battery.py::test_answer"
PROPERTY_CASE = "test_properties.py::test_successor"

ALL = ("namespaces+uid", "namespaces", "uid", "process")
OWN_UID = ("namespaces+uid", "namespaces", "uid")   # another uid or namespaces keep it away
NAMESPACES = ("namespaces+uid", "namespaces")       # needs network and pid namespaces

#: task name -> (program in tests/sandbox/hostile, isolation levels where it may run)
ATTACKS: dict[str, tuple[str, tuple[str, ...]]] = {
    "fork_bomb": ("fork_bomb", OWN_UID),
    "memory_bomb": ("memory_bomb", ALL),
    "infinite_loop": ("infinite_loop", ALL),
    "recursion": ("recursion", ALL),
    "recursion_segv": ("recursion_segv", ALL),
    "env_secrets": ("env_secrets", OWN_UID),
    "files": ("files", OWN_UID),
    "network": ("network", NAMESPACES),
    "kill_parent": ("kill_parent", OWN_UID),
    "kill_init": ("kill_init", OWN_UID),
    "kill_all": ("kill_all", OWN_UID),
    "output_flood": ("output_flood", ALL),
    "fake_import": ("fake_import", ALL),
    "fake_eq": ("fake_eq", ALL),
    "fake_eq_int": ("fake_eq_int", ALL),
    "fake_frames": ("fake_frames", ALL),
    "fake_systemexit": ("fake_systemexit", ALL),
    "fake_exit": ("fake_exit", ALL),
    "fake_load_exit": ("fake_load_exit", ALL),
    "leftovers": ("leftovers", OWN_UID),
    "plant": ("plant", NAMESPACES),  # without a mount namespace /tmp is the host's own
    "find": ("find", NAMESPACES),
    "probe": ("probe", ALL),
}
FAKES = ("fake_import", "fake_eq", "fake_eq_int", "fake_frames", "fake_systemexit",
         "fake_exit", "fake_load_exit")

# Tasks are dealt to the two workers round-robin in suite order, so these two lists are
# interleaved into the suite: worker 0 runs the attacks that kill or exhaust its sandbox,
# each followed by correct code; plant -> (a 2 s timeout) -> find share one sandbox, after the
# leftovers' daemon and thread have had time to write. Worker 1 runs the rest.
WORKER_0 = ["kill_parent", "ok_after_kill_parent", "kill_all", "ok_after_kill_all",
            "kill_init", "ok_after_kill_init", "memory_bomb", "recursion", "recursion_segv",
            "ok_after_segv", "output_flood", "fake_load_exit", "ok_after_load_exit",
            "leftovers", "plant", "infinite_loop", "find", "ok_after_find"]
WORKER_1 = ["fork_bomb", "ok_after_fork_bomb", "probe", "env_secrets", "files", "network",
            "ok_beside", "fake_import", "fake_eq", "fake_eq_int", "fake_frames",
            "fake_systemexit", "fake_exit", "ok_after_fakes"]

SUITE_TOML = f"""\
[suite]
name = "battery"
version = "1"

[tasks]
source = "tasks.jsonl"

[tests]
base = ["test_battery.py"]
properties = ["test_properties.py"]

[hypothesis]
max_examples = 10
seed = 0

[limits]
call_seconds = {CALL_SECONDS}
task_seconds = 30
memory_mb = {MEMORY_MB}
processes = 32
"""
BASE_TEST = '''\
"""Every task of the battery asks for f(x) == x + 1."""


def test_answer(solution):
    got = solution(41)
    assert got == 42, f"returned {got!r}"
'''
PROPERTY_TEST = '''\
"""The same question as a hypothesis property, for the attacks that try to fake a pass."""

import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st


@pytest.mark.task(*TASKS)
@settings(phases=[Phase.explicit, Phase.reuse, Phase.generate])  # the outcome, not the shrink
@given(n=st.integers(-10**6, 10**6))
def test_successor(solution, n):
    assert solution(n) == n + 1
'''
# Runs guardian, then reports the largest resident set of any process of the run.
MAXRSS_WRAPPER = (
    "import resource, subprocess, sys\n"
    "done = subprocess.run(sys.argv[1:])\n"
    "kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "sys.stderr.write(f'\\nbattery-maxrss-kib={kib}\\n')\n"
    "sys.exit(done.returncode)\n")


def task_id(name: str) -> str:
    return f"bat/{name}"


def program(name: str) -> str:
    """The module a sample gives for task ``name`` (correct code for the ``ok_*`` tasks)."""
    return ATTACKS[name][0] if name in ATTACKS else "ok"


def _status(pid: int | str) -> dict[str, str] | None:
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8", errors="replace") as fh:
            text = fh.read()
    except OSError:
        return None
    return dict(line.split(":\t", 1) for line in text.splitlines() if ":\t" in line)


def _uid(status: dict[str, str]) -> int:
    return int(status["Uid"].split()[0])


class Watcher(threading.Thread):
    """Records every process descended from ``root`` while it runs: its uid and whether it is a
    pytest worker of guardian's (the worker's pid fixes the sandbox uids it hands out)."""

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.done = threading.Event()
        self.uids: set[int] = set()
        self.workers: set[int] = set()
        self.seen = 0

    def run(self) -> None:
        while not self.done.is_set():
            self.scan()
            self.done.wait(0.15)

    def scan(self) -> None:
        children: dict[int, list[int]] = {}
        uids: dict[int, int] = {}
        for name in os.listdir("/proc"):
            if not name.isdigit():
                continue
            status = _status(name)
            if status is None:
                continue
            pid = int(name)
            children.setdefault(int(status["PPid"]), []).append(pid)
            uids[pid] = _uid(status)
        todo = list(children.get(self.root, []))
        while todo:
            pid = todo.pop()
            todo += children.get(pid, [])
            self.seen += 1
            if uids[pid] >= SANDBOX_UID_BASE:
                self.uids.add(uids[pid])
            elif pid not in self.workers:
                try:
                    cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
                except OSError:
                    continue
                if b"--guardian-run" in cmdline:
                    self.workers.add(pid)

    def sandbox_uids(self) -> set[int]:
        """The uids seen under the run, and every uid its workers could have handed out."""
        derived = {SANDBOX_UID_BASE + (pid % 4096) * 16 + slot
                   for pid in self.workers for slot in range(16)}
        return self.uids | derived


def living(uids: set[int]) -> list[str]:
    """Processes (not zombies) now running under any of ``uids``."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        status = _status(name)
        if status and _uid(status) in uids and not status.get("State", "").startswith("Z"):
            found.append(f"pid {name} uid {_uid(status)} {status.get('Name', '?')} "
                         f"{status.get('State', '?')}")
    return found


def cli(*args: str, cwd: Path, env: dict[str, str] | None = None
        ) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items()
            if k not in ("GUARDIAN_LEDGER_KEY", "GUARDIAN_LOG_LEVEL")}
    return subprocess.run([sys.executable, "-m", "guardian", *args], cwd=cwd,
                          env=env or base, capture_output=True, text=True, timeout=120,
                          check=False)


def snapshot(paths: dict[str, Path]) -> dict[str, bytes | None]:
    return {name: p.read_bytes() if p.is_file() else None for name, p in paths.items()}


@dataclass
class Battery:
    """One run of the battery and everything observed around it."""

    level: str
    isolation: dict[str, Any]
    names: list[str]
    token: str
    secret_env: dict[str, str]
    params: dict[str, Any]
    tmp: Path
    repo: Path
    suite: Path
    protected: dict[str, Path]
    before: dict[str, bytes | None]
    rc: int = -1
    stdout: str = ""
    stderr: str = ""
    elapsed: float = 0.0
    result: dict[str, Any] = field(default_factory=dict)
    maxrss_kib: int | None = None
    leftovers: list[str] = field(default_factory=list)
    sandbox_uids: set[int] = field(default_factory=set)
    observed_uids: set[int] = field(default_factory=set)
    accepted: dict[str, bool] = field(default_factory=dict)
    decoy_alive: bool = False
    after: dict[str, bytes | None] = field(default_factory=dict)
    suite_files_after: list[str] = field(default_factory=list)
    suite_files_before: list[str] = field(default_factory=list)
    verify: subprocess.CompletedProcess[str] | None = None

    def require(self, name: str) -> None:
        """Skip when attack ``name`` was not run because this isolation cannot contain it."""
        if name not in self.names:
            levels = ATTACKS[name][1]
            pytest.skip(f"isolation here is {self.level!r}; the {name} attack runs only under "
                        f"{' / '.join(levels)}")

    def task(self, name: str) -> dict[str, Any]:
        tid = task_id(name)
        found = [t for t in self.result["tasks"] if t["task_id"] == tid]
        assert found, f"{tid} is missing from guardian's JSON"
        return found[0]

    def cases(self, name: str) -> list[dict[str, Any]]:
        return [c for c in self.result["cases"] if c["task_id"] == task_id(name)]

    def case(self, name: str, case_id: str = BASE_CASE) -> dict[str, Any]:
        found = [c for c in self.cases(name) if c["case_id"] == case_id]
        assert found, f"no {case_id} case for {name}: {self.cases(name)}"
        return found[0]

    def report(self, name: str, marker: str) -> Any:
        """The JSON report hostile program ``name`` returned, as the case message shows it."""
        message = self.case(name)["message"]
        match = re.search(re.escape(marker) + r" (.*?)'", message)
        assert match, f"{name}: no {marker} report in {message!r}"
        return json.loads(match.group(1))

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def _listeners(token: str) -> tuple[socket.socket, socket.socket, socket.socket]:
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    tcp.bind(("0.0.0.0", 0))
    tcp.listen(16)
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 0))
    abstract = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    abstract.bind("\0guardian-battery-" + token)
    abstract.listen(16)
    for s in (tcp, udp, abstract):
        s.setblocking(False)
    return tcp, udp, abstract


def _host_addresses() -> list[str]:
    try:
        found = socket.gethostbyname_ex(socket.gethostname())[2]
    except OSError:
        return []
    return sorted({a for a in found if not a.startswith("127.")})[:3]


def _received(tcp: socket.socket, udp: socket.socket, abstract: socket.socket
              ) -> dict[str, bool]:
    got = {}
    for name, sock in (("tcp", tcp), ("abstract", abstract)):
        try:
            conn, _ = sock.accept()
            conn.close()
            got[name] = True
        except BlockingIOError:
            got[name] = False
    try:
        udp.recv(1024)
        got["udp"] = True
    except BlockingIOError:
        got["udp"] = False
    return got


def _make_repo(repo: Path) -> None:
    """A repository after ``guardian init`` and the import of one lesson."""
    repo.mkdir()
    (repo / ".git").mkdir()
    done = cli("init", cwd=repo)
    assert done.returncode == 0, done.stdout + done.stderr
    incoming = repo / "incoming"
    incoming.mkdir()
    (incoming / "use-pathlib.json").write_text(json.dumps({
        "id": "use-pathlib", "kind": "guidance", "title": "use pathlib",
        "body": "Prefer pathlib.Path to os.path string juggling when building file paths."}))
    done = cli("kb", "import", "incoming", cwd=repo)
    assert done.returncode == 0, done.stdout + done.stderr


def _order(level: str) -> list[str]:
    """The suite's tasks in order: the two workers' lists interleaved, minus attacks the
    isolation here cannot contain (the lists stay aligned: each keeps its own order)."""
    def runs(name: str) -> bool:
        return name not in ATTACKS or level in ATTACKS[name][1]

    w0 = [n for n in WORKER_0 if runs(n)]
    w1 = [n for n in WORKER_1 if runs(n)]
    size = max(len(w0), len(w1))
    w0 += [f"ok_pad_0_{i}" for i in range(size - len(w0))]
    w1 += [f"ok_pad_1_{i}" for i in range(size - len(w1))]
    return [n for pair in zip(w0, w1, strict=True) for n in pair]


def _build_suite(folder: Path, names: list[str]) -> None:
    folder.mkdir()
    (folder / "suite.toml").write_text(SUITE_TOML)
    (folder / "test_battery.py").write_text(BASE_TEST)
    props = [task_id(n) for n in names if n in FAKES or n.startswith("ok_")]
    (folder / "test_properties.py").write_text(
        PROPERTY_TEST.replace("*TASKS", ", ".join(map(repr, props))))
    with (folder / "tasks.jsonl").open("w") as fh:
        for name in names:
            fh.write(json.dumps({"task_id": task_id(name), "entry_point": "f",
                                 "prompt": 'def f(x):\n    """x + 1"""\n',
                                 "canonical_solution": "    return x + 1\n"}) + "\n")


def _samples(path: Path, names: list[str], params: dict[str, Any]) -> None:
    with path.open("w") as fh:
        for name in names:
            source = (HOSTILE / f"{program(name)}.py").read_text()
            if "PARAMS = {}\n" in source:
                source = source.replace("PARAMS = {}\n", f"PARAMS = {params!r}\n", 1)
            fh.write(json.dumps({"task_id": task_id(name), "code": source}) + "\n")


@pytest.fixture(scope="module")
def battery(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Battery]:
    with contextlib.ExitStack() as cleanup:
        yield from _battery(tmp_path_factory, cleanup)


def _battery(tmp_path_factory: pytest.TempPathFactory, cleanup: contextlib.ExitStack
             ) -> Iterator[Battery]:
    """Build the battery, run guardian eval on it, then observe the host."""
    iso = detect().to_json()
    level = iso["level"]
    tmp = tmp_path_factory.mktemp("battery")
    token = secrets.token_hex(8)
    secret_env = {
        "ANTHROPIC_API_KEY": "sk-ant-test-" + secrets.token_hex(20),
        "GITHUB_TOKEN": "ghp_" + secrets.token_hex(18),
        "AWS_SECRET_ACCESS_KEY": secrets.token_urlsafe(30),
        "GUARDIAN_LEDGER_KEY": "ledger-" + secrets.token_hex(16),
        "DATABASE_URL": f"postgres://battery:{secrets.token_hex(12)}@db.internal/app",
    }
    repo = tmp / "repo"
    _make_repo(repo)
    suite = tmp / "suite"
    names = _order(level)
    _build_suite(suite, names)
    canary = tmp / "canary.txt"
    canary.write_bytes(b"canary " + secrets.token_bytes(32))
    lesson = next((repo / "knowledge" / "lessons").iterdir())
    protected = {"canary": canary, "ledger": repo / "knowledge" / "ledger.jsonl",
                 "head": repo / "knowledge" / "ledger.head", "lesson": lesson,
                 "config": repo / "guardian.toml", "suite_test": suite / "test_battery.py",
                 "suite_tasks": suite / "tasks.jsonl"}
    tcp, udp, abstract = _listeners(token)
    for sock in (tcp, udp, abstract):
        cleanup.callback(sock.close)
    decoy = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"],
                             env={"PATH": "/usr/bin:/bin", **secret_env})
    cleanup.callback(decoy.wait)
    cleanup.callback(decoy.kill)
    params = {
        "token": token, "decoy_pid": decoy.pid, "test_pid": os.getpid(),
        "tcp_port": tcp.getsockname()[1], "udp_port": udp.getsockname()[1],
        "abstract": "guardian-battery-" + token, "hosts": _host_addresses(),
        "targets": {k: str(v) for k, v in protected.items()},
        "folders": {"suite": str(suite), "repo": str(repo), "tmp": str(tmp)},
        "site": str(Path(pytest.__file__).resolve().parent.parent),
        "host_marker": str(tmp / f"daemon-{token}"),
        "plant_paths": [f"/tmp/plant-{token}", f"/tmp/sub-{token}/plant", f"/plant-{token}",
                        f"/dev/shm/plant-{token}", f"/var/tmp/plant-{token}",
                        f"/run/plant-{token}", f"/home/plant-{token}"],
    }
    samples = tmp / "samples.jsonl"
    _samples(samples, names, params)
    bat = Battery(level=level, isolation=iso, names=names, token=token, secret_env=secret_env,
                  params=params, tmp=tmp, repo=repo, suite=suite, protected=protected,
                  before=snapshot(protected),
                  suite_files_before=sorted(p.name for p in suite.iterdir()))
    env = {k: v for k, v in os.environ.items() if k != "GUARDIAN_LOG_LEVEL"}
    env.update(secret_env, HOME=str(tmp))
    argv = [sys.executable, "-c", MAXRSS_WRAPPER, sys.executable, "-m", "guardian", "eval",
            "--suite", str(suite), "--samples", str(samples), "--format", "json",
            "--no-cache", "--workers", "2", "--quiet"]
    started = time.monotonic()
    proc = subprocess.Popen(argv, cwd=repo, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    watcher = Watcher(proc.pid)
    watcher.start()
    try:
        bat.stdout, bat.stderr = proc.communicate(timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail(f"guardian eval did not finish within {RUN_TIMEOUT} s")
    finally:
        watcher.done.set()
    bat.elapsed = time.monotonic() - started
    bat.rc = proc.returncode
    watcher.join()
    bat.sandbox_uids = watcher.sandbox_uids()
    bat.observed_uids = set(watcher.uids)
    deadline = time.monotonic() + 3  # killed processes may still be on their way out
    while True:
        bat.leftovers = living(bat.sandbox_uids)
        if not bat.leftovers or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    match = re.search(r"battery-maxrss-kib=(\d+)", bat.stderr)
    bat.maxrss_kib = int(match.group(1)) if match else None
    bat.accepted = _received(tcp, udp, abstract)
    bat.decoy_alive = decoy.poll() is None
    bat.after = snapshot(protected)
    bat.suite_files_after = sorted(p.name for p in suite.iterdir())
    bat.verify = cli("verify", cwd=repo)
    try:
        bat.result = json.loads(bat.stdout)
    except ValueError:
        pytest.fail(f"guardian eval printed no JSON (exit {bat.rc}): "
                    f"{bat.stdout[-2000:]} {bat.stderr[-2000:]}")
    yield bat


class TestTheRun:
    def test_guardian_finishes_with_exit_1_in_bounded_time(self, battery: Battery) -> None:
        """guardian eval ends by itself (exit 1: some tasks fail) well within the time limit."""
        assert battery.rc == 1, battery.stderr[-3000:]
        assert battery.elapsed < 120
        assert {t["task_id"] for t in battery.result["tasks"]} == set(map(task_id,
                                                                           battery.names))

    def test_every_correct_task_passes(self, battery: Battery) -> None:
        """Correct code passes beside the attacks and right after them in the same worker."""
        ok = [n for n in battery.names if n.startswith("ok_")]
        assert len(ok) >= 4
        for name in ok:
            task = battery.task(name)
            assert task["outcome"] == "pass", (name, battery.cases(name))
            assert task["cases"] == 2  # the base test and the property

    def test_no_hostile_task_passes_any_case(self, battery: Battery) -> None:
        """Every attack's task and every one of its cases ends fail, error or timeout."""
        hostile = [n for n in battery.names if n in ATTACKS]
        assert len(hostile) >= 10
        for name in hostile:
            assert battery.task(name)["outcome"] != "pass", name
            assert battery.cases(name), name
            for case in battery.cases(name):
                assert case["outcome"] in ("fail", "error", "timeout"), (name, case)

    def test_memory_of_every_process_stays_sane(self, battery: Battery) -> None:
        """No process of the run (guardian, its workers, the sandbox) grew past 512 MiB."""
        assert battery.maxrss_kib is not None, battery.stderr[-2000:]
        assert battery.maxrss_kib < MAX_RSS_MIB * 1024


class TestResourceBombs:
    def test_fork_bomb_is_cut_off_and_swept(self, battery: Battery) -> None:
        """A fork bomb times out after the call limit, and the next task passes."""
        battery.require("fork_bomb")
        case = battery.case("fork_bomb")
        assert case["outcome"] == "timeout", case
        assert case["duration"] < CALL_SECONDS + 5
        assert battery.task("ok_after_fork_bomb")["outcome"] == "pass"

    def test_memory_bomb_hits_the_memory_limit(self, battery: Battery) -> None:
        """A memory bomb ends in MemoryError (or is killed) under the suite's memory limit."""
        case = battery.case("memory_bomb")
        assert case["outcome"] in ("fail", "error"), case
        assert "MemoryError" in case["message"] or case["outcome"] == "error", case
        assert case["duration"] < CALL_SECONDS + 5

    def test_infinite_loop_times_out(self, battery: Battery) -> None:
        """A loop that ignores SIGTERM and friends is a timeout after the call limit."""
        case = battery.case("infinite_loop")
        assert case["outcome"] == "timeout", case
        assert CALL_SECONDS - 0.5 < case["duration"] < CALL_SECONDS + 5

    def test_deep_recursion_is_a_recursion_error(self, battery: Battery) -> None:
        """Unbounded recursion fails with the candidate's RecursionError."""
        case = battery.case("recursion")
        assert case["outcome"] == "fail", case
        assert "RecursionError" in case["message"]

    def test_recursion_past_the_c_stack_is_a_crash(self, battery: Battery) -> None:
        """setrecursionlimit(10**6) then deep recursion segfaults the executor: an error, and
        the next task in the same sandbox passes."""
        case = battery.case("recursion_segv")
        assert case["outcome"] == "error", case
        assert "SIGSEGV" in case["message"]
        assert battery.task("ok_after_segv")["outcome"] == "pass"


class TestSecrets:
    def test_no_secret_reaches_guardians_output(self, battery: Battery) -> None:
        """Code that searches os.environ and every /proc/*/environ finds none of guardian's
        secrets: no value (nor its variable's name) appears anywhere in guardian's output."""
        battery.require("env_secrets")
        assert battery.case("env_secrets")["outcome"] == "fail"
        for key, value in battery.secret_env.items():
            assert value not in battery.output, key
            assert value[8:24] not in battery.output, key
            assert key not in battery.output, key

    def test_the_search_ran_and_its_report_came_back(self, battery: Battery) -> None:
        """The search's report reached the output (the channel that would carry a leak works),
        and shows only the sandbox's own scrubbed environment."""
        battery.require("env_secrets")
        report = battery.report("env_secrets", "ENV")
        assert report["read"] + report["unreadable"] >= 5  # every source was tried
        if battery.level in NAMESPACES:
            assert report["read"] >= 1  # its own /proc/self/environ at least
        assert set(report["benign_keys"]) >= {"PATH", "HOME"}
        assert report["secret_looking"] == []
        assert report["unexpected"] == []


class TestFiles:
    def test_files_outside_the_sandbox_are_unchanged(self, battery: Battery) -> None:
        """Writes, truncation, chmod, rename and deletion by absolute path of the canary, the
        KB's ledger, head and lesson, the config and the suite's own files all miss."""
        battery.require("files")
        assert battery.case("files")["outcome"] == "fail"
        report = battery.report("files", "FILES")
        assert set(battery.protected) <= set(report)  # every target was attacked
        for name in battery.protected:
            assert battery.after[name] == battery.before[name], name
            assert battery.before[name] is not None, name

    def test_no_conftest_or_other_file_is_planted_beside_the_suite(
            self, battery: Battery) -> None:
        """No conftest.py (or anything else) appears in the suite, the repo or tmp_path."""
        battery.require("files")
        assert battery.suite_files_after == battery.suite_files_before
        assert not (battery.repo / "conftest.py").exists()
        assert not (battery.tmp / "conftest.py").exists()

    def test_guardian_verify_passes_after_the_run(self, battery: Battery) -> None:
        """The knowledge base is intact: guardian verify exits 0."""
        battery.require("files")
        assert battery.verify is not None
        assert battery.verify.returncode == 0, battery.verify.stdout + battery.verify.stderr


class TestNetwork:
    def test_no_connection_reaches_the_host(self, battery: Battery) -> None:
        """TCP to 127.0.0.1 and the host's addresses, UDP and an abstract Unix socket: the
        host's listeners receive nothing, and the code saw every attempt fail."""
        battery.require("network")
        assert battery.case("network")["outcome"] == "fail"
        assert battery.accepted == {"tcp": False, "abstract": False, "udp": False}
        report = battery.report("network", "NET")
        assert report["tcp 127.0.0.1"] != "connected"
        assert all(v != "connected" for v in report.values()), report


class TestKills:
    @pytest.mark.parametrize("name", ["kill_parent", "kill_all", "kill_init"])
    def test_killing_the_parent_spares_guardian_and_the_next_task(
            self, battery: Battery, name: str) -> None:
        """kill(getppid()), kill(-1) and kill(1) reach only the sandbox: the task fails or
        errors, the next task in the same worker passes, and guardian finishes."""
        battery.require(name)
        assert battery.task(name)["outcome"] in ("fail", "error")
        assert battery.task(f"ok_after_{name}")["outcome"] == "pass"
        assert battery.rc == 1

    def test_host_processes_with_known_pids_survive(self, battery: Battery) -> None:
        """kill(-1) and kill(pid) of a host process (whose pid the code was given) miss it."""
        battery.require("kill_all")
        assert battery.decoy_alive
        if battery.level in NAMESPACES:  # kill(-1) took the whole sandbox down
            assert "the sandbox itself was killed" in battery.case("kill_all")["message"]

    def test_kill_1_does_nothing_in_a_pid_namespace(self, battery: Battery) -> None:
        """In a pid namespace, SIGKILL to pid 1 is ignored: the code carries on and fails."""
        battery.require("kill_init")
        if battery.level not in NAMESPACES:
            pytest.skip(f"isolation here is {battery.level!r}: no pid namespace")
        case = battery.case("kill_init")
        assert case["outcome"] == "fail"
        assert "alive after kill(1)" in case["message"]


class TestOutputFlood:
    def test_two_gib_of_output_takes_bounded_time_and_memory(self, battery: Battery) -> None:
        """2 GiB to stdout and stderr goes nowhere: the call returns within its limit (a plain
        wrong answer) and no process of the run grows."""
        case = battery.case("output_flood")
        assert case["outcome"] == "fail", case
        assert "FLOOD wrote 2 GiB" in case["message"]
        assert case["duration"] < CALL_SECONDS + 2
        assert battery.maxrss_kib is not None
        assert battery.maxrss_kib < MAX_RSS_MIB * 1024
        assert "yyyyyyyyyy" not in battery.output and "zzzzzzzzzz" not in battery.output


class TestFakePasses:
    @pytest.mark.parametrize("name", FAKES)
    def test_no_trick_turns_a_wrong_answer_into_a_pass(self, battery: Battery,
                                                       name: str) -> None:
        """Patching builtins and the framework, always-equal objects, frame walking,
        SystemExit(0) and os._exit(0): both the base test and the property fail or error."""
        assert battery.task(name)["outcome"] in ("fail", "error")
        for case_id in (BASE_CASE, PROPERTY_CASE):
            assert battery.case(name, case_id)["outcome"] in ("fail", "error"), case_id

    def test_the_framework_is_not_importable_in_the_sandbox(self, battery: Battery) -> None:
        """pytest, hypothesis, pluggy and guardian's plugin cannot be imported by the code,
        not even from the harness's own site-packages."""
        report = battery.report("fake_import", "IMPORTS")
        if battery.level in NAMESPACES:
            assert all(v != "imported" for v in report.values()), report
        else:
            assert set(report) == {"pytest", "_pytest.runner", "hypothesis", "pluggy",
                                   "guardian.suite.plugin"}

    def test_always_equal_objects_are_refused_at_the_boundary(self, battery: Battery) -> None:
        """An object (or an int subclass) whose __eq__ is always true never reaches the harness:
        the codec refuses it."""
        for name in ("fake_eq", "fake_eq_int"):
            case = battery.case(name)
            assert case["outcome"] == "fail"
            assert "UnsupportedReturn" in case["message"], case

    def test_no_harness_frame_or_object_is_reachable(self, battery: Battery) -> None:
        """Walking sys._getframe() and the heap finds only the sandbox's own frames."""
        message = battery.case("fake_frames")["message"]
        match = re.search(r"FRAMES (.*?) HARNESS (.*?) END", message)
        assert match, message
        frames, harness = match.groups()
        assert "solution.py:f" in frames
        for marker in ("pytest", "pluggy", "hypothesis", "guardian", "plugin.py", "site-packages"):
            assert marker not in frames, marker
        assert harness == ""

    def test_system_exit_and_os_exit_are_not_passes(self, battery: Battery) -> None:
        """SystemExit(0) is a raised exception (fail); os._exit(0) mid-call or while loading is
        a crash (error), never a clean pass."""
        assert battery.case("fake_systemexit")["outcome"] == "fail"
        assert "SystemExit" in battery.case("fake_systemexit")["message"]
        for name in ("fake_exit", "fake_load_exit"):
            case = battery.case(name)
            assert case["outcome"] == "error", case
            assert "died" in case["message"], case
        assert battery.task("ok_after_load_exit")["outcome"] == "pass"


class TestLeftovers:
    def test_no_sandbox_process_outlives_guardian(self, battery: Battery) -> None:
        """After guardian exits, nothing runs under the uids its sandboxes used (the double-
        forked setsid daemon, the thread, the fork bomb's children included).

        The scan covers every uid >= 200000 seen under this run plus every uid its workers
        could hand out, not the whole range: other guardian runs on the machine use it too."""
        battery.require("leftovers")
        if battery.isolation["separate_uid"]:
            assert battery.observed_uids, "the watcher saw no sandbox process"
        assert battery.leftovers == []

    def test_the_daemons_and_threads_files_never_appear(self, battery: Battery) -> None:
        """The daemon's and the thread's marker files exist neither on the host nor for the
        later tasks of the same sandbox."""
        battery.require("leftovers")
        assert battery.case("leftovers")["outcome"] == "fail"
        marker = Path(battery.params["host_marker"])
        assert not marker.exists()
        assert not Path(str(marker) + ".thread").exists()
        for where in ("/tmp", "/"):
            for kind in ("daemon", "thread"):
                assert not Path(where, f"{kind}-{battery.token}").exists()
        if "find" in battery.names:  # a later task of the same sandbox looked for them too
            found = battery.report("find", "FIND")["found"]
            assert not [p for p in found if "daemon-" in p or "thread-" in p], found


class TestPlanting:
    def test_a_file_planted_in_tmp_is_gone_for_the_next_task(self, battery: Battery) -> None:
        """A file planted in /tmp is not there for a later task of the same sandbox."""
        battery.require("plant")
        planted = battery.report("plant", "PLANT")
        found = battery.report("find", "FIND")
        assert planted["zygote"] == found["zygote"]  # the same sandbox ran both
        assert f"/tmp/plant-{battery.token}" in planted["wrote"]
        assert not [p for p in found["found"] if p.startswith("/tmp/")], found

    def test_nothing_planted_reaches_the_host(self, battery: Battery) -> None:
        """None of the planted paths exists on the host."""
        battery.require("plant")
        for path in battery.params["plant_paths"]:
            assert not Path(path).exists(), path

    def test_nothing_planted_anywhere_is_found_by_the_next_task(
            self, battery: Battery) -> None:
        """No file a task planted anywhere it could write is there for the next task."""
        battery.require("plant")
        planted = battery.report("plant", "PLANT")
        found = battery.report("find", "FIND")
        assert planted["zygote"] == found["zygote"]
        assert found["found"] == []


class TestIsolationRecorded:
    def test_json_records_the_isolation_that_applies(self, battery: Battery) -> None:
        """The run's JSON records what `guardian sandbox check` reports for this machine."""
        check = cli("sandbox", "check", "--format", "json", cwd=battery.tmp)
        assert check.returncode == 0, check.stderr
        recorded = battery.result["isolation"]
        assert recorded == json.loads(check.stdout)
        assert recorded["level"] == battery.level
        assert recorded["network"] == ("none" if battery.level in NAMESPACES else "host")

    def test_what_the_code_saw_matches_the_record(self, battery: Battery) -> None:
        """From inside: only a loopback interface when the network is 'none', no host process
        when there is a pid namespace, a throw-away uid when the uid is separate."""
        recorded = battery.result["isolation"]
        probe = battery.report("probe", "PROBE")
        if recorded["network"] == "none":
            assert probe["ifaces"] == ["lo"]
        if recorded["pid_namespace"]:
            assert not probe["sees_decoy"] and not probe["sees_test"]
            assert max(probe["pids"]) < 1000
        if recorded["separate_uid"]:
            assert probe["uid"] >= SANDBOX_UID_BASE and probe["euid"] == probe["uid"]
