"""guardian's side of the sandbox: start a zygote, run one executor per task, call into it.

The code under evaluation never runs in guardian's process or in the pytest process that runs
the suite. Each call sends data-only arguments to the executor and gets a data-only answer (or
the exception's type and message) back; a hang is cut by the wall clock here, a crash or a
killed zygote becomes :class:`CandidateCrash`, and the next task gets a fresh executor.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import select
import signal
import socket
import struct
import subprocess
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from guardian.sandbox import codec
from guardian.sandbox.isolation import SYSTEM_BINDS, Isolation, detect, python_binds

_HDR = struct.Struct("!I")
MAX_FRAME = 64 << 20
SANDBOX_UID_BASE = 200_000
_ENV = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": "/tmp", "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1"}


class SandboxError(Exception):
    """The sandbox itself failed (could not start, broke its protocol): an ``error`` outcome."""


class CandidateFailure(BaseException):
    """Base of the ways a call into the candidate ends other than returning or raising."""


class CandidateTimeout(CandidateFailure):
    """The call ran past its wall-clock limit; the executor was killed."""


class CandidateCrash(CandidateFailure):
    """The executor died (``os._exit``, a signal, the memory limit, a killed zygote)."""


class CandidateRaised(Exception):
    """The candidate raised an exception; ``type_name`` and ``message`` say which."""

    def __init__(self, type_name: str, message: str, where: str = "") -> None:
        self.type_name = type_name
        self.message = message
        self.where = where
        super().__init__(f"{type_name}: {message}" + (f" ({where})" if where else ""))


_BUILTIN_EXC: dict[str, type[BaseException]] = {
    name: obj for name, obj in vars(__import__("builtins")).items()
    if isinstance(obj, type) and issubclass(obj, Exception)
}
_RAISED_CACHE: dict[type[BaseException], type[CandidateRaised] | None] = {}


def raised(info: Mapping[str, Any]) -> CandidateRaised:
    """The harness-side exception for what the candidate raised.

    A built-in exception type comes back as a subclass of both :class:`CandidateRaised` and
    that built-in (so ``pytest.raises(ValueError)`` works); a built-in whose constructor needs
    fixed arguments (``UnicodeDecodeError``, ``ExceptionGroup``) as a subclass of its nearest
    base that does not; anything else is plain :class:`CandidateRaised`. Only the name crosses
    the boundary, never an object.
    """
    name = str(info.get("type", "Exception"))[:100]
    message = str(info.get("message", ""))[:2000]
    where = str(info.get("where", ""))[:200]
    base = _BUILTIN_EXC.get(name) if info.get("builtin") else None
    for klass in base.__mro__ if base is not None else ():
        if not issubclass(klass, Exception) or issubclass(klass, CandidateRaised):
            break
        if klass not in _RAISED_CACHE:
            try:
                cls = type(f"Candidate{klass.__name__}", (CandidateRaised, klass), {})
                cls(name, message, where)
            except TypeError:  # a layout conflict, or a constructor with a fixed signature
                cls = None
            _RAISED_CACHE[klass] = cls
        made = _RAISED_CACHE[klass]
        if made is not None:
            return made(name, message, where)
    return CandidateRaised(name, message, where)


@dataclass(frozen=True, slots=True)
class Limits:
    """Per-task resource limits applied inside the sandbox."""

    call_seconds: float = 10.0       # wall clock per call (and for loading the module)
    task_seconds: float = 120.0      # wall clock for all of a task's calls together
    cpu_seconds: int = 120           # RLIMIT_CPU of the executor
    memory_bytes: int = 1 << 30      # RLIMIT_AS of the executor
    processes: int = 32              # RLIMIT_NPROC (only where the sandbox has its own uid)
    file_bytes: int = 16 << 20       # RLIMIT_FSIZE
    open_files: int = 64             # RLIMIT_NOFILE
    recursion: int = 3000

    def to_json(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}

    def for_executor(self) -> dict[str, Any]:
        return {"memory_bytes": self.memory_bytes, "cpu_seconds": self.cpu_seconds,
                "processes": self.processes, "file_bytes": self.file_bytes,
                "open_files": self.open_files, "recursion": self.recursion}


@functools.cache
def zygote_source() -> str:
    """The zygote program: the codec and the zygote module, as one stdlib-only script."""
    here = Path(__file__).parent
    parts = []
    for name in ("codec.py", "_zygote.py"):
        text = (here / name).read_text("utf-8")
        text = re.sub(r"^from __future__ import annotations\n", "", text, flags=re.M)
        parts.append(text)
    return "from __future__ import annotations\n" + "\n".join(parts)


def _send(sock: socket.socket, obj: Any, fds: list[int] | None = None) -> None:
    data = json.dumps(obj, separators=(",", ":")).encode()
    header = _HDR.pack(len(data))
    if fds:
        socket.send_fds(sock, [header + data], fds)
    else:
        sock.sendall(header + data)


def _recv(sock: socket.socket, deadline: float) -> Any:
    head = _recv_exact(sock, _HDR.size, deadline)
    (size,) = _HDR.unpack(head)
    if size > MAX_FRAME:
        raise SandboxError(f"sandbox sent a {size}-byte message (limit {MAX_FRAME})")
    body = _recv_exact(sock, size, deadline)
    try:
        return json.loads(body)
    except ValueError:
        raise SandboxError("sandbox sent malformed JSON") from None


def _recv_exact(sock: socket.socket, n: int, deadline: float) -> bytes:
    chunks = []
    while n:
        wait = deadline - time.monotonic()
        if wait <= 0:
            raise TimeoutError
        ready, _, _ = select.select([sock], [], [], wait)
        if not ready:
            raise TimeoutError
        chunk = sock.recv(min(n, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def _bwrap_argv(bwrap: str, python: str, extra_binds: list[str]) -> list[str]:
    argv = [bwrap, "--unshare-all", "--die-with-parent", "--new-session", "--clearenv",
            "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--chdir", "/tmp"]
    seen = set()
    for path in (*SYSTEM_BINDS, *python_binds(python), *extra_binds):
        if path in seen or not os.path.lexists(path):
            continue
        seen.add(path)
        if os.path.islink(path):
            argv += ["--symlink", os.readlink(path), path]
        else:
            argv += ["--ro-bind", path, path]
    for key, value in _ENV.items():
        argv += ["--setenv", key, value]
    # Last: the root (bubblewrap's own tmpfs) read-only, so /tmp and /dev/shm are the only
    # writable places left, and the zygote wipes both between tasks.
    argv += ["--remount-ro", "/"]
    return argv


def _dropper(uid: int | None) -> Any:
    if uid is None:
        return os.setsid

    def drop() -> None:
        os.setsid()
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)

    return drop


def probe_bwrap(bwrap: str, python: str, *, drop_uid: bool) -> str | None:
    """None when bubblewrap can run ``python`` here (as a dropped uid if asked), else why not."""
    argv = [*_bwrap_argv(bwrap, python, []), python, "-I", "-S", "-c", "print('ok')"]
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False,
                             env=dict(_ENV),
                             preexec_fn=_dropper(SANDBOX_UID_BASE - 1 if drop_uid else None))
    except (OSError, subprocess.SubprocessError) as exc:
        return str(exc)
    if out.returncode != 0 or out.stdout.strip() != "ok":
        return (out.stderr.strip().splitlines() or [f"exit {out.returncode}"])[-1][:200]
    return None


class Sandbox:
    """One zygote (a sandboxed process) that forks a fresh executor for each task.

    ``slot`` picks the throw-away uid (one per parallel worker, so process limits do not
    starve each other). Not thread-safe: one worker drives one sandbox.
    """

    def __init__(self, isolation: Isolation | None = None, *, limits: Limits | None = None,
                 slot: int = 0, extra_binds: tuple[str, ...] = ()) -> None:
        self.isolation = isolation or detect()
        self.limits = limits or Limits()
        self.slot = slot
        self.extra_binds = list(extra_binds)
        self._proc: subprocess.Popen[bytes] | None = None
        self._control: socket.socket | None = None
        self._scratch: str | None = None
        self.uid: int | None = None
        self.restarts = 0
        self._started = False
        self._pending = False

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> None:
        """Start the zygote and wait until it is ready."""
        self.launch()
        self._await_ready()

    def launch(self) -> None:
        """Start the zygote (again, after it died: ``restarts`` counts those), not waiting."""
        if self._started:
            self.restarts += 1
        self._started = True
        iso = self.isolation
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        env = dict(_ENV)
        self.uid = None
        if iso.separate_uid:
            self.uid = SANDBOX_UID_BASE + (os.getpid() % 4096) * 16 + self.slot % 16
        script = zygote_source()
        if iso.bwrap and iso.level in ("namespaces+uid", "namespaces"):
            argv = [*_bwrap_argv(iso.bwrap, iso.python, self.extra_binds),
                    iso.python, "-I", "-S", "-B", "-c", script, str(theirs.fileno())]
        else:
            self._scratch = tempfile.mkdtemp(prefix="guardian-sandbox-")
            if self.uid is not None:
                os.chown(self._scratch, self.uid, self.uid)
            env["GUARDIAN_SCRATCH"] = self._scratch
            argv = [iso.python, "-I", "-S", "-B", "-c", script, str(theirs.fileno())]
        os.set_inheritable(theirs.fileno(), True)
        try:
            self._proc = subprocess.Popen(
                argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, env=env, cwd=self._scratch or "/",
                pass_fds=(theirs.fileno(),), preexec_fn=_dropper(self.uid))
        except OSError as exc:
            ours.close()
            theirs.close()
            raise SandboxError(f"cannot start the sandbox ({iso.level}): {exc}") from None
        theirs.close()
        self._control = ours
        self._pending = True

    def _await_ready(self) -> None:
        if not self._pending or self._control is None:
            return
        self._pending = False
        try:
            hello = _recv(self._control, time.monotonic() + 30)
        except (EOFError, TimeoutError, OSError) as exc:
            self.close()
            raise SandboxError(f"the sandbox ({self.isolation.level}) did not start: "
                               f"{type(exc).__name__}") from None
        if not hello.get("ready"):
            self.close()
            raise SandboxError("the sandbox did not report ready")

    def close(self) -> None:
        """Stop the zygote and everything in the sandbox."""
        self._pending = False
        if self._control is not None:
            with contextlib.suppress(OSError):
                self._control.close()
            self._control = None
        proc, self._proc = self._proc, None
        if proc is not None:
            with contextlib.suppress(OSError):
                os.killpg(proc.pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                proc.kill()
            with contextlib.suppress(subprocess.SubprocessError):
                proc.wait(timeout=10)
        if self._scratch:
            self._sweep_uid()
            import shutil

            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None

    def _sweep_uid(self) -> None:
        """Without a PID namespace: kill whatever still runs as the sandbox uid."""
        if self.uid is None:
            return
        for name in os.listdir("/proc"):
            if not name.isdigit():
                continue
            try:
                if os.stat(f"/proc/{name}").st_uid == self.uid:
                    os.kill(int(name), signal.SIGKILL)
            except OSError:
                continue

    def __enter__(self) -> Sandbox:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _ensure(self) -> socket.socket:
        if self._control is None or self._proc is None or self._proc.poll() is not None:
            if self._proc is not None:
                self.close()
            self.start()
        else:
            self._await_ready()
        assert self._control is not None
        return self._control

    # -- executors ---------------------------------------------------------------------------
    def executor(self, source: str) -> Executor:
        """A fresh executor that has run ``source`` as its module (raises on load failures)."""
        ex = Executor(self)
        ex.load(source)
        return ex

    def _spawn(self) -> socket.socket:
        for attempt in (1, 2):
            control = self._ensure()
            ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                _send(control, {"op": "spawn", "limits": self.limits.for_executor()},
                      [theirs.fileno()])
                reply = _recv(control, time.monotonic() + 30)
            except (EOFError, TimeoutError, OSError) as exc:
                ours.close()
                self.close()  # the zygote died (a previous task may have killed it): restart
                if attempt == 2:
                    raise SandboxError(
                        f"the sandbox stopped answering ({type(exc).__name__})") from None
                continue
            finally:
                theirs.close()
            if "pid" not in reply:
                ours.close()
                raise SandboxError(f"the sandbox refused to start an executor: {reply}")
            return ours
        raise AssertionError("unreachable")  # pragma: no cover

    def _reap(self) -> str:
        """Kill the current executor and its leftovers; how it ended ('exit 0', 'killed by …')."""
        if self._control is None or self._proc is None or self._proc.poll() is not None:
            self.close()
            return "the sandbox itself was killed"
        try:
            _send(self._control, {"op": "reap"})
            reply = _recv(self._control, time.monotonic() + 10)
        except (EOFError, TimeoutError, OSError):
            self.close()
            return "the sandbox itself was killed"
        if not reply.get("clean", False):
            self.close()  # something would not die: start over with a new sandbox
        return str(reply.get("status", "unknown"))


class Executor:
    """One task's code, loaded in a fresh process inside the sandbox."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self._chan: socket.socket | None = None
        self._source: str | None = None
        self._spent = 0.0
        self.calls = 0
        self.ended: str | None = None

    def load(self, source: str) -> None:
        self._source = source
        self._chan = self.sandbox._spawn()
        self._request({"op": "load", "source": source})

    def _budget(self) -> float:
        return min(self.sandbox.limits.call_seconds,
                   max(0.0, self.sandbox.limits.task_seconds - self._spent))

    def _request(self, msg: dict[str, Any]) -> Any:
        if self._chan is None:
            if self._source is None:
                raise SandboxError("executor used before load()")
            self.load(self._source)  # the last call killed it: start again from the source
            assert self._chan is not None
        budget = self._budget()
        if budget <= 0:
            raise CandidateTimeout(
                f"the task used up its {self.sandbox.limits.task_seconds:g} s wall-clock budget")
        started = time.monotonic()
        try:
            _send(self._chan, msg)
            reply = _recv(self._chan, started + budget)
        except TimeoutError:
            self._kill()
            raise CandidateTimeout(f"no answer within {budget:g} s (killed)") from None
        except (EOFError, OSError, SandboxError) as exc:
            how = self._kill()
            detail = f" ({exc})" if isinstance(exc, SandboxError) else ""
            raise CandidateCrash(f"the code's process died: {how}{detail}") from None
        finally:
            self._spent += time.monotonic() - started
        if not isinstance(reply, dict) or not ({"ok", "exc"} & reply.keys()):
            self._kill()
            raise CandidateCrash("the code's process sent a malformed reply")
        if "exc" in reply:
            info = reply["exc"]
            raise raised(info if isinstance(info, dict) else {})
        return reply["ok"]

    def call(self, fn: str, args: tuple[Any, ...] = (), kwargs: Mapping[str, Any] | None = None
             ) -> Any:
        """Call ``fn`` in the candidate with copies of ``args``; its result, decoded."""
        self.calls += 1
        payload = {"op": "call", "fn": fn, "args": codec.encode(list(args)),
                   "kwargs": codec.encode(dict(kwargs or {}))}
        data = self._request(payload)
        try:
            return codec.decode(data)
        except codec.CodecError as exc:
            raise CandidateCrash(f"the code's process returned undecodable data: {exc}") from None

    def _kill(self) -> str:
        if self._chan is not None:
            with contextlib.suppress(OSError):
                self._chan.close()
            self._chan = None
        self.ended = self.sandbox._reap()
        return self.ended

    def close(self) -> None:
        if self._chan is not None:
            self._kill()

