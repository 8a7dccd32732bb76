"""Crash-safe file primitives: atomic replace, durable append, torn-tail truncation, no symlinks."""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from pathlib import Path

from guardian.errors import KBError

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
TEMP_SUFFIX = ".tmp"


def fsync_dir(folder: Path) -> None:
    """Make a rename or file creation in ``folder`` durable."""
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def temp_name(target: Path) -> Path:
    """A fresh hidden temporary path beside ``target`` (same directory, so rename is atomic)."""
    return target.with_name(f".{target.name}.{secrets.token_hex(6)}{TEMP_SUFFIX}")


def is_temp_name(name: str) -> bool:
    """True for names :func:`temp_name` produces (leftovers of an interrupted write)."""
    return name.startswith(".") and name.endswith(TEMP_SUFFIX)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def atomic_write(path: Path, data: bytes, *, mode: int = 0o644, sync_dir: bool = True) -> None:
    """Replace ``path`` with ``data``: temp file, fsync, rename over, fsync the directory.

    A crash at any point leaves either the old bytes or the new ones, never a mix; at worst a
    hidden ``.<name>.<random>.tmp`` file stays behind. ``sync_dir=False`` leaves the directory
    fsync to the caller, who batches several renames under one.
    """
    tmp = temp_name(path)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, mode)
    except OSError as exc:
        raise KBError(f"{path}: cannot create a temporary file beside it: {exc.strerror}; "
                      f"check that {path.parent} exists and is writable") from None
    try:
        try:
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise KBError(f"{path}: write failed: {exc.strerror}; nothing was replaced") from None
    if sync_dir:
        fsync_dir(path.parent)


def append_durably(path: Path, data: bytes) -> None:
    """Append ``data`` to ``path`` (created if missing) and fsync before returning."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | _NOFOLLOW | _CLOEXEC, 0o644)
    except OSError as exc:
        raise KBError(f"{path}: cannot open for appending: {exc.strerror}") from None
    try:
        _write_all(fd, data)
        os.fsync(fd)
    except OSError as exc:
        raise KBError(f"{path}: append failed: {exc.strerror}; the entry may be torn, "
                      f"run 'guardian kb repair'") from None
    finally:
        os.close(fd)


def truncate_durably(path: Path, size: int) -> None:
    """Cut ``path`` to ``size`` bytes and fsync it (used to drop a torn last line)."""
    fd = os.open(path, os.O_WRONLY | _NOFOLLOW | _CLOEXEC)
    try:
        os.ftruncate(fd, size)
        os.fsync(fd)
    finally:
        os.close(fd)


def read_regular(path: Path, *, missing_ok: bool = False) -> bytes | None:
    """The bytes of a regular file, refusing symlinks and special files.

    Returns None for a missing file when ``missing_ok``; raises KBError otherwise.
    """
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _CLOEXEC)
    except FileNotFoundError:
        if missing_ok:
            return None
        raise KBError(f"{path}: file not found") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise KBError(f"{path}: is a symbolic link; guardian only reads regular files "
                          f"in the knowledge base") from None
        raise KBError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise KBError(f"{path}: not a regular file")
        chunks = []
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)
