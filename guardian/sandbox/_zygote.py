"""The process that lives inside the sandbox and forks one executor per task (stdlib only).

It is not imported by guardian: its source, with the codec's, is handed to the sandbox's own
interpreter (``python3 -I -S -c``), which may be another Python than guardian's. Messages
are length-prefixed JSON over Unix sockets; the zygote's control socket is the fd named by argv[1], and each
executor's channel arrives over it by SCM_RIGHTS.

Executor operations: ``load`` (run the module source), ``call`` (call a module-level function
with decoded arguments, reply with the encoded result or the exception's type and message).
Zygote operations: ``spawn`` (fork an executor with limits), ``reap`` (kill the executor and
everything it left behind, then report how it ended).
"""

import contextlib
import ctypes
import json
import os
import resource
import select
import shutil
import signal
import socket
import struct
import sys
import time
import traceback

try:  # in the sandbox these names come from the codec source concatenated before this one
    from guardian.sandbox.codec import CodecError, decode, encode
except ImportError:
    pass

MAX_FRAME = 64 << 20
_HDR = struct.Struct("!I")


def _send(sock, obj):
    data = json.dumps(obj, separators=(",", ":"), allow_nan=False).encode()
    sock.sendall(_HDR.pack(len(data)) + data)


def _recv_exact(sock, n):
    chunks = []
    while n:
        chunk = sock.recv(min(n, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def _recv(sock):
    (size,) = _HDR.unpack(_recv_exact(sock, _HDR.size))
    if size > MAX_FRAME:
        raise EOFError
    return json.loads(_recv_exact(sock, size))


# --- executor -----------------------------------------------------------------------------

def _describe(exc):
    frames = traceback.extract_tb(exc.__traceback__)
    mine = [f for f in frames if f.filename == "solution.py"]
    where = ""
    if mine:
        last = mine[-1]
        where = f"solution.py:{last.lineno} in {last.name}"
    try:
        message = str(exc)
    except BaseException:  # a hostile __str__
        message = "<unprintable>"
    return {"type": type(exc).__name__, "message": message[:2000], "where": where,
            "builtin": type(exc).__module__ == "builtins"}


def _serve(chan):
    namespace = {"__name__": "solution", "__builtins__": __builtins__}
    while True:
        try:
            msg = _recv(chan)
        except (EOFError, OSError, ValueError):
            os._exit(0)
        op = msg.get("op")
        try:
            if op == "load":
                import linecache

                source = msg["source"]
                linecache.cache["solution.py"] = (len(source), None,
                                                  source.splitlines(True), "solution.py")
                code = compile(source, "solution.py", "exec")
                exec(code, namespace)
                reply = {"ok": None}
            elif op == "call":
                fn = namespace.get(msg["fn"])
                if fn is None or not callable(fn):
                    raise NameError(f"the code defines no function {msg['fn']!r}")
                args = decode(msg["args"])
                kwargs = decode(msg.get("kwargs") or {})
                result = fn(*args, **kwargs)
                try:
                    reply = {"ok": encode(result)}
                except CodecError as exc:
                    reply = {"exc": {"type": "UnsupportedReturn", "message": str(exc),
                                     "where": "", "builtin": False}}
            else:
                reply = {"exc": {"type": "ProtocolError", "message": f"unknown op {op!r}",
                                 "where": "", "builtin": False}}
        except BaseException as exc:  # the candidate's own exceptions, SystemExit included
            reply = {"exc": _describe(exc)}
        try:
            _send(chan, reply)
        except (OSError, ValueError, RecursionError, CodecError):
            os._exit(3)


def _limit(limits):
    table = {
        "memory_bytes": resource.RLIMIT_AS,
        "cpu_seconds": resource.RLIMIT_CPU,
        "file_bytes": resource.RLIMIT_FSIZE,
        "open_files": resource.RLIMIT_NOFILE,
    }
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    for key, which in table.items():
        value = limits.get(key)
        if value:
            resource.setrlimit(which, (value, value))
    procs = limits.get("processes")
    if procs and os.getuid() != 0:
        resource.setrlimit(resource.RLIMIT_NPROC, (procs, procs))


def _executor(chan, control, limits, workdir):
    control.close()
    os.setsid()
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)
    os.chdir(workdir)
    _limit(limits)
    sys.setrecursionlimit(limits.get("recursion", 3000))
    if "random" in sys.modules:  # preloaded: every executor starts from the same state
        sys.modules["random"].seed(0)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        _serve(chan)
    finally:
        os._exit(0)


# --- zygote -------------------------------------------------------------------------------

def _children_of(pid):
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        rest = stat[stat.rfind(b")") + 2:].split()
        if len(rest) > 1 and int(rest[1]) == pid:
            found.append(int(name))
    return found


def _wait_exit(pid, deadline):
    """Block until ``pid`` (our child) has exited or the deadline passes; no busy polling."""
    try:
        fd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        return
    try:
        select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
    finally:
        os.close(fd)


def _sweep(executor_pid, deadline):
    """Kill the executor and every process it left behind; returns its wait status."""
    status = None
    with contextlib.suppress(OSError):
        os.killpg(executor_pid, signal.SIGKILL)
    with contextlib.suppress(OSError):
        os.kill(executor_pid, signal.SIGKILL)
    _wait_exit(executor_pid, min(deadline, time.monotonic() + 1))
    me = os.getpid()
    pause = 0.0005
    while time.monotonic() < deadline:
        reaped = False
        while True:
            try:
                pid, st = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:  # no children left at all
                return status, not _children_of(me)
            if pid == 0:
                break
            reaped = True
            if pid == executor_pid:
                status = st
        kids = _children_of(me)
        if not kids and status is not None:
            return status, True
        for pid in kids:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        if not reaped:
            time.sleep(pause)
            pause = min(pause * 2, 0.02)
    return status, False


def _status_text(status):
    if status is None:
        return "unknown"
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        try:
            name = signal.Signals(sig).name
        except ValueError:
            name = str(sig)
        return f"killed by {name}"
    return f"exit {os.WEXITSTATUS(status)}"


def _clean(root):
    _wipe(root)
    if os.environ.get("GUARDIAN_SCRATCH") is None:  # inside bubblewrap: /dev/shm is ours too
        _wipe("/dev/shm")


def _wipe(root):
    try:
        names = os.listdir(root)
    except OSError:
        return
    for name in names:
        path = os.path.join(root, name)
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                os.unlink(path)


#: Standard-library modules imported once here, before any fork, so that each executor finds
#: them loaded (an executor importing typing alone costs milliseconds per task). The
#: candidate can change them only in its own copy-on-write process.
PRELOAD = ("typing", "math", "re", "collections", "itertools", "functools", "string", "heapq",
           "bisect", "operator", "copy", "random", "hashlib", "fractions", "decimal",
           "statistics", "datetime", "dataclasses")


def main():
    control = socket.socket(fileno=int(sys.argv[1]))
    for name in PRELOAD:
        with contextlib.suppress(ImportError):
            __import__(name)
    with contextlib.suppress(Exception):  # PR_SET_CHILD_SUBREAPER: orphans come back to us
        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)
    with contextlib.suppress(Exception):  # PR_SET_DUMPABLE 0: our /proc entries stay private
        ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0)
    scratch = os.environ.get("GUARDIAN_SCRATCH") or "/tmp"
    current = None
    counter = 0
    _send(control, {"ready": True, "pid": os.getpid(), "uid": os.getuid(),
                    "python": sys.version.split()[0]})
    while True:
        try:
            head, fds, _flags, _addr = socket.recv_fds(control, _HDR.size, 4)
            if not head:
                return
            if len(head) < _HDR.size:
                head += _recv_exact(control, _HDR.size - len(head))
            size = _HDR.unpack(head)[0]
            if size > MAX_FRAME:
                return
            msg = json.loads(_recv_exact(control, size))
        except (EOFError, OSError, ValueError):
            return
        op = msg.get("op")
        if op == "spawn":
            if current is not None:
                _sweep(current, time.monotonic() + 2)
            _clean(scratch)
            counter += 1
            workdir = os.path.join(scratch, f"run{counter}")
            os.mkdir(workdir, 0o700)
            chan = socket.socket(fileno=fds[0])
            pid = os.fork()
            if pid == 0:
                try:
                    _executor(chan, control, msg.get("limits") or {}, workdir)
                finally:
                    os._exit(70)
            chan.close()
            current = pid
            _send(control, {"pid": pid})
        elif op == "reap":
            for fd in fds:
                os.close(fd)
            if current is None:
                _send(control, {"status": "none", "clean": True})
                continue
            status, clean = _sweep(current, time.monotonic() + 3)
            current = None
            _clean(scratch)
            _send(control, {"status": _status_text(status), "clean": clean,
                            "signal": os.WTERMSIG(status) if status is not None
                            and os.WIFSIGNALED(status) else None})
        else:
            for fd in fds:
                os.close(fd)
            _send(control, {"error": f"unknown op {op!r}"})


if __name__ == "__main__":
    main()
