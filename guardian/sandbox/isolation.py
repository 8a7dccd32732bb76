"""Which isolation this machine gives agent-written code, found once and recorded in results.

Levels, strongest first (measured in RELIABILITY.md against an 18-attack battery):

``namespaces+uid``  root drops to a throw-away uid, then bubblewrap unshares user, pid, net,
                    ipc, uts and mount namespaces: no network, no host files, no host processes.
``namespaces``      bubblewrap as the current (unprivileged) user: the same namespaces, but the
                    process limit counts the user's own processes.
``uid``             no bubblewrap; root drops to a throw-away uid: host files stay protected by
                    permissions, but the network is reachable.
``process``         a child process with limits and a scrubbed environment only.

The gate does not promote on ``uid`` or ``process`` unless the configuration allows it.
"""

from __future__ import annotations

import functools
import os
import shutil
import stat
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

Level = Literal["namespaces+uid", "namespaces", "uid", "process"]
LEVELS: tuple[Level, ...] = ("namespaces+uid", "namespaces", "uid", "process")

#: Read-only host paths the sandbox sees (when they exist): the interpreter and its libraries.
SYSTEM_BINDS = ("/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin", "/etc/alternatives",
                "/etc/ld.so.cache", "/etc/localtime")


@dataclass(frozen=True, slots=True)
class Isolation:
    """What applies to sandboxed code on this machine; stored with every evaluation result."""

    level: Level
    network: Literal["none", "host"]
    pid_namespace: bool
    separate_uid: bool
    python: str
    bwrap: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["notes"] = list(self.notes)
        return data

    def at_least(self, level: Level) -> bool:
        """True when this isolation is as strong as ``level`` or stronger."""
        return LEVELS.index(self.level) <= LEVELS.index(level)


def _world_readable(path: Path) -> bool:
    """Whether a process of another uid can read ``path`` (every parent searchable)."""
    try:
        path = path.resolve()
        mode = path.stat().st_mode
        if not mode & stat.S_IROTH:
            return False
        return all(p.stat().st_mode & stat.S_IXOTH for p in path.parents)
    except OSError:
        return False


def sandbox_python(explicit: str | None = None) -> str | None:
    """An interpreter the sandbox uid can run: ``explicit``, guardian's own, or the system's."""
    if explicit:
        return explicit
    candidates = []
    if os.getuid() != 0:
        candidates.append(sys.executable)
    candidates += [sys.executable, "/usr/bin/python3", "/usr/local/bin/python3"]
    for exe in candidates:
        real = Path(exe).resolve()
        if real.is_file() and (os.getuid() != 0 or _world_readable(real)):
            stdlib = _stdlib_of(str(real))
            if stdlib and (os.getuid() != 0 or _world_readable(Path(stdlib) / "os.py")):
                return str(real)
    return None


@functools.cache
def _stdlib_of(exe: str) -> str | None:
    try:
        code = "import os; print(os.path.dirname(os.__file__))"
        out = subprocess.run([exe, "-I", "-S", "-c", code],
                             capture_output=True, text=True, timeout=20, check=False,
                             env={"PATH": "/usr/bin"})
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def python_binds(exe: str) -> list[str]:
    """Host folders an interpreter needs besides the system ones (a prefix outside /usr)."""
    extra: list[str] = []
    stdlib = _stdlib_of(exe)
    for path in (str(Path(exe).resolve().parent.parent), stdlib):
        if path and not any(path == b or path.startswith(b + "/") for b in SYSTEM_BINDS):
            extra.append(path)
    return extra


@functools.cache
def detect(python: str | None = None, allow_bwrap: bool = True) -> Isolation:
    """Probe the strongest level that works here (runs bubblewrap once; cached per process)."""
    exe = sandbox_python(python)
    notes: list[str] = []
    root = os.getuid() == 0
    if exe is None:
        notes.append("no interpreter readable by an unprivileged uid; running as the current user")
        exe = sys.executable
        root_can_drop = False
    else:
        root_can_drop = root
    bwrap = shutil.which("bwrap") if allow_bwrap else None
    if bwrap:
        from guardian.sandbox.client import probe_bwrap

        problem = probe_bwrap(bwrap, exe, drop_uid=root_can_drop)
        if problem is None:
            level: Level = "namespaces+uid" if root_can_drop else "namespaces"
            if root and not root_can_drop:
                notes.append("bubblewrap runs as root: install a world-readable python3")
            return Isolation(level, "none", True, root_can_drop, exe, bwrap, tuple(notes))
        notes.append(f"bubblewrap unusable here: {problem}")
    else:
        notes.append("bubblewrap (bwrap) not found: `guardian sandbox setup` installs it")
    if root_can_drop:
        return Isolation("uid", "host", False, True, exe, None, tuple(notes))
    return Isolation("process", "host", False, False, exe, None, tuple(notes))
