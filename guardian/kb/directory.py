"""The directory store: ``ledger.jsonl`` (the truth), ``ledger.head``, and ``lessons/`` (a view).

A write, under the exclusive lock: drop a torn tail, verify the chain, compare-and-swap the
version, append the entries (write, fsync), update the head checkpoint (atomically), write the
lesson files the entries touched (atomically), then mark them materialised in the head. A crash
between any two steps leaves a state that ``verify`` explains and the next write (or
``guardian kb repair``) finishes: the lesson files are always rebuilt from the ledger.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from guardian.errors import KBError, LedgerError
from guardian.kb.canonical import ZERO_HASH, lesson_file_bytes
from guardian.kb.change import Change
from guardian.kb.fsio import (
    append_durably,
    atomic_write,
    fsync_dir,
    is_temp_name,
    read_regular,
    truncate_durably,
)
from guardian.kb.ledger import Entry, Head, LedgerFile, LedgerKey, Line, split_ledger
from guardian.kb.lock import DEFAULT_TIMEOUT, kb_lock
from guardian.kb.replay import ID_PATTERN, Replay
from guardian.kb.store import (
    Clock,
    KnowledgeBase,
    Loaded,
    RepairReport,
    build_entries,
    refuse_if_tampered,
    refuse_keyless_write,
    utc_now,
)
from guardian.kb.verify import Problem, VerifyReport, check_ledger, check_view, extend_check
from guardian.log import get_logger

log = get_logger(__name__)

LEDGER_NAME = "ledger.jsonl"
HEAD_NAME = "ledger.head"
LESSONS_NAME = "lessons"


class DirectoryKnowledgeBase(KnowledgeBase):
    """The KB in a directory (default ``knowledge/``); safe for concurrent processes."""

    def __init__(self, kb_dir: Path, *, key: LedgerKey | None = None, clock: Clock | None = None,
                 lock_timeout: float = DEFAULT_TIMEOUT) -> None:
        self.kb_dir = Path(kb_dir)
        self.key = key
        self._clock = clock or utc_now
        self._lock_timeout = lock_timeout
        self._cache: _Cache | None = None

    @property
    def location(self) -> str:
        return str(self.kb_dir)

    @property
    def ledger_path(self) -> Path:
        return self.kb_dir / LEDGER_NAME

    @property
    def head_path(self) -> Path:
        return self.kb_dir / HEAD_NAME

    @property
    def lessons_dir(self) -> Path:
        return self.kb_dir / LESSONS_NAME

    def lesson_path(self, lesson_id: str) -> str:
        return str(self.lessons_dir / f"{lesson_id}.json")

    def exists(self) -> bool:
        """True when the directory holds a ledger (possibly empty)."""
        return self.ledger_path.is_file()

    # -- setting up -----------------------------------------------------------------------
    def initialise(self) -> list[str]:
        """Create the directory, ``lessons/``, an empty ledger and its head; idempotent.

        Never rewrites an existing ledger or head: a head is only created for an empty
        ledger (creating one for a non-empty ledger would bless a possible truncation).
        Returns what was created.
        """
        created = self._ensure_layout()
        with kb_lock(self.kb_dir, exclusive=True, timeout=self._lock_timeout):
            data = read_regular(self.ledger_path, missing_ok=True)
            if data is None:
                append_durably(self.ledger_path, b"")
                fsync_dir(self.kb_dir)
                created.append(str(self.ledger_path))
                data = b""
            if not data and read_regular(self.head_path, missing_ok=True) is None:
                atomic_write(self.head_path, Head.empty(Replay().digest).to_bytes(self.key))
                created.append(str(self.head_path))
        return created

    def _ensure_layout(self) -> list[str]:
        """Create the KB folder (with a .gitignore for the lock file) and lessons/."""
        created = []
        if not self.kb_dir.is_dir():
            self.kb_dir.mkdir(parents=True, exist_ok=True)
            created.append(f"{self.kb_dir}/")
            atomic_write(self.kb_dir / ".gitignore", b"# the KB lock file (guardian)\n/.lock\n")
            created.append(str(self.kb_dir / ".gitignore"))
        if not self.lessons_dir.is_dir():
            self.lessons_dir.mkdir(exist_ok=True)
            created.append(f"{self.lessons_dir}/")
        return created

    # -- reading --------------------------------------------------------------------------
    def _require(self) -> None:
        if not self.kb_dir.is_dir():
            raise KBError(f"{self.kb_dir}: no knowledge base here; run 'guardian init' to create "
                          f"one, or 'guardian kb import PATH' to bootstrap it from lessons")

    def _read_raw(self) -> tuple[bytes, Head | str | None, bytes | None]:
        """The ledger's bytes, the head (parsed, None if missing, or why unreadable) and its
        bytes."""
        data = read_regular(self.ledger_path, missing_ok=True) or b""
        try:
            head_bytes = read_regular(self.head_path, missing_ok=True)
        except KBError as exc:
            return data, str(exc), None
        head: Head | str | None = None
        if head_bytes is not None:
            try:
                head = Head.parse(head_bytes, str(self.head_path))
            except LedgerError as exc:
                head = str(exc)
        return data, head, head_bytes

    def _read(self) -> tuple[LedgerFile, bytes, Head | str | None]:
        data, head, _head_bytes = self._read_raw()
        return split_ledger(data), data, head

    def _check(self, ledger: LedgerFile, head: Head | str | None) -> tuple[
            list[Problem], list[str], Replay]:
        return check_ledger(ledger, head, self.key, ledger_path=str(self.ledger_path),
                            head_path=str(self.head_path))

    def _checked(self, data: bytes, head: Head | str | None, head_bytes: bytes | None,
                 doing: str) -> tuple[Loaded, LedgerFile]:
        """The verified entries and replay for ``data``; LedgerError on tampering.

        The ledger only grows, so when it merely gained lines since the last call, only
        those are checked (a full check runs whenever anything else changed).
        """
        cache = self._cache
        complete = data[: data.rfind(b"\n") + 1]
        if cache is not None and cache.data == complete and cache.head_bytes == head_bytes:
            return cache.loaded, cache.ledger
        grown = None
        if cache is not None and complete.startswith(cache.data):
            grown = extend_check(cache.ledger, cache.loaded.replay, data[len(cache.data):],
                                 head, self.key, ledger_path=str(self.ledger_path),
                                 head_path=str(self.head_path))
        if grown is not None and cache is not None:
            problems, notes, replay, ledger = grown
            notes = list(dict.fromkeys([*cache.loaded.notes, *notes]))
        else:
            ledger = split_ledger(data)
            problems, notes, replay = self._check(ledger, head)
        refuse_if_tampered(problems, str(self.kb_dir), doing)
        count = len(ledger.lines)
        materialised = min(head.materialised, count) if isinstance(head, Head) else count
        loaded = Loaded(tuple(ledger.entries), replay, tuple(notes), materialised)
        self._cache = _Cache(complete, head_bytes, ledger, loaded)
        return loaded, ledger

    def load(self) -> Loaded:
        self._require()
        with kb_lock(self.kb_dir, exclusive=False, timeout=self._lock_timeout):
            data, head, head_bytes = self._read_raw()
        return self._checked(data, head, head_bytes, "read the KB")[0]

    # -- writing --------------------------------------------------------------------------
    def _commit(self, changes: Sequence[Change], expected_version: int | None) -> list[Entry]:
        self._ensure_layout()
        with kb_lock(self.kb_dir, exclusive=True, timeout=self._lock_timeout):
            data, head, head_bytes = self._read_raw()
            complete = data.rfind(b"\n") + 1
            if complete < len(data):
                self._drop_tail(len(data) - complete, complete)
                data = data[:complete]
            loaded, ledger = self._checked(data, head, head_bytes, "write to the KB")
            refuse_keyless_write(loaded, self.key, str(self.kb_dir))
            new, replay = build_entries(loaded, changes, expected_version=expected_version,
                                        key=self.key, clock=self._clock,
                                        where=str(self.kb_dir))
            if not new:
                return []
            count = len(loaded.entries)
            total = count + len(new)
            self._cache = None  # from here on the files change
            if len(new) > 1 or not isinstance(head, Head) or head.entries != count:
                # announce the batch (and give a new ledger its head first), so that a crash
                # inside the append reads as a crash, not as an insertion
                old = loaded.replay
                self._write_head(Head(count, loaded.entries[-1].hash if count else ZERO_HASH,
                                      loaded.materialised, old.version, old.digest,
                                      appending=len(new)))
            appended = b"".join(e.to_line() for e in new)
            append_durably(self.ledger_path, appended)
            last = new[-1].hash
            self._write_head(Head(total, last, loaded.materialised, replay.version,
                                  replay.digest))
            pending = [s.touched for s in replay.steps[loaded.materialised:]]
            self._materialise(replay, frozenset().union(*pending))
            self._sweep()
            final = self._write_head(Head(total, last, total, replay.version, replay.digest))
            lines = tuple(Line(e.seq + 1, e.to_line()[:-1], e) for e in new)
            grown = LedgerFile(ledger.lines + lines, b"", ledger.complete_size + len(appended))
            self._cache = _Cache(data + appended, final, grown,
                                 Loaded((*loaded.entries, *new), replay, loaded.notes, total))
        for entry in new:
            log.info("kb_entry_appended", seq=entry.seq, action=entry.action,
                     lesson_id=entry.lesson_id, kb_version=entry.kb_version)
        return new

    def _drop_tail(self, size: int, keep: int) -> None:
        truncate_durably(self.ledger_path, keep)
        log.warning("ledger_torn_tail_dropped", path=str(self.ledger_path), bytes=size)

    def _write_head(self, head: Head) -> bytes:
        data = head.to_bytes(self.key)
        atomic_write(self.head_path, data)
        return data

    def _materialise(self, replay: Replay, ids: Iterable[str]) -> list[str]:
        """Make the files of ``ids`` equal the replay; returns what changed.

        One directory fsync covers all the renames: until the head records them as
        materialised, a rename lost in a crash is just a lagging view, which the next write
        redoes.
        """
        changed = []
        for lesson_id in sorted(ids):
            if not ID_PATTERN.match(lesson_id):
                continue  # never build a path from an id that is not a slug
            path = self.lessons_dir / f"{lesson_id}.json"
            doc = replay.active.get(lesson_id)
            current = self._peek(path)
            if doc is not None:
                wanted = lesson_file_bytes(doc)
                if current != wanted:
                    if isinstance(current, str):
                        self._remove_odd(path, current)
                    atomic_write(path, wanted, sync_dir=False)
                    changed.append(f"wrote {path}")
            elif current is not None:
                if isinstance(current, str):
                    self._remove_odd(path, current)
                else:
                    path.unlink()
                changed.append(f"removed {path}")
        if changed:
            fsync_dir(self.lessons_dir)
        return changed

    def _sweep(self) -> list[Path]:
        """Remove temporary files interrupted writers left (safe: only called under the
        exclusive lock, so no live writer owns one)."""
        removed = []
        for folder in (self.kb_dir, self.lessons_dir):
            for name in sorted(os.listdir(folder)):
                path = folder / name
                if is_temp_name(name) and path.is_file() and not path.is_symlink():
                    path.unlink()
                    removed.append(path)
        return removed

    @staticmethod
    def _peek(path: Path) -> bytes | str | None:
        """A lesson file's bytes, None when missing, or why it is not a regular file."""
        try:
            info = path.lstat()
        except FileNotFoundError:
            return None
        if stat.S_ISLNK(info.st_mode):
            return "is a symbolic link, not a lesson file"
        if not stat.S_ISREG(info.st_mode):
            return "is not a regular file"
        try:
            return read_regular(path)
        except KBError as exc:
            return str(exc)

    @staticmethod
    def _remove_odd(path: Path, why: str) -> None:
        info = path.lstat()
        if stat.S_ISDIR(info.st_mode):
            raise KBError(f"{path}: {why}; guardian will not delete a directory, remove it "
                          f"yourself and run 'guardian kb repair'")
        path.unlink()

    # -- verifying and repairing ----------------------------------------------------------
    def _view(self) -> dict[str, bytes | str]:
        found: dict[str, bytes | str] = {}
        if not self.lessons_dir.is_dir():
            return found
        for name in os.listdir(self.lessons_dir):
            content = self._peek(self.lessons_dir / name)
            if content is not None:
                found[name] = content
        return found

    def _report(self, ledger: LedgerFile, head: Head | str | None) -> VerifyReport:
        problems, notes, replay = self._check(ledger, head)
        materialised = head.materialised if isinstance(head, Head) else len(ledger.lines)
        lagging = frozenset().union(*(s.touched for s in replay.steps[materialised:]))
        set_by: dict[str, int] = {}
        for index, step in enumerate(replay.steps):
            for lesson_id in step.touched:
                set_by[lesson_id] = index
        problems += check_view(replay.active, self._view(), lessons_path=str(self.lessons_dir),
                               lagging=lagging, set_by=set_by)
        if not self.lessons_dir.is_dir():
            problems.append(Problem("lesson-deleted", "tampered", "the lessons folder is missing",
                                    str(self.lessons_dir)))
        return VerifyReport(str(self.kb_dir), len(ledger.lines), replay.version, replay.digest,
                            len(replay.active), self.key is not None, tuple(problems),
                            tuple(notes))

    def verify(self) -> VerifyReport:
        """Check the chain, MACs, head checkpoint and lesson files; report every problem."""
        self._require()
        with kb_lock(self.kb_dir, exclusive=False, timeout=self._lock_timeout):
            ledger, _data, head = self._read()
            return self._report(ledger, head)

    def repair(self, *, rewrite_head: bool = False) -> RepairReport:
        """Finish what a crash interrupted: drop a torn tail, catch the head checkpoint up,
        rebuild the lesson files from the replay, remove stale temporary files.

        Refuses (LedgerError) when the ledger or its checkpoint shows tampering: that is a
        matter for a human with a trusted copy, not for repair. ``rewrite_head`` accepts a
        ledger whose head checkpoint is missing or malformed (the human vouches for it).
        """
        self._require()
        self.lessons_dir.mkdir(exist_ok=True)
        with kb_lock(self.kb_dir, exclusive=True, timeout=self._lock_timeout):
            ledger, data, head = self._read()
            before = self._report(ledger, head)
            ignorable = {"head-missing", "head-malformed"} if rewrite_head else set()
            ledger_problems = [p for p in before.problems if p.kind.startswith(("entry", "head"))
                               and p.kind not in ignorable]
            refuse_if_tampered(ledger_problems, str(self.kb_dir), "repair")
            actions = []
            if ledger.tail:
                self._drop_tail(len(ledger.tail), ledger.complete_size)
                actions.append(f"dropped the torn last line of {self.ledger_path} "
                               f"({len(ledger.tail)} bytes)")
                ledger = split_ledger(data[: ledger.complete_size])
            _problems, _notes, replay = self._check(ledger, None)
            entries = ledger.entries
            count = len(entries)
            new_head = Head(count, entries[-1].hash if entries else ZERO_HASH, count,
                            replay.version, replay.digest)
            actions += self._materialise(replay, set(replay.active) | self._stray_ids())
            actions += [f"removed the stale temporary file {path}" for path in self._sweep()]
            if not isinstance(head, Head) or head != _with_mac(new_head, head, self.key):
                self._write_head(new_head)
                actions.append(f"wrote the head checkpoint {self.head_path} ({count} entries)")
            self._cache = None
            after = self._report(ledger, Head.parse(self.head_path.read_bytes(),
                                                    str(self.head_path)))
        for action in actions:
            log.info("kb_repaired", action=action)
        return RepairReport(before, after, tuple(actions))

    def _stray_ids(self) -> set[str]:
        """Ids of ``<id>.json`` files in lessons/ (so repair can remove inactive ones)."""
        if not self.lessons_dir.is_dir():
            return set()
        return {name[:-5] for name in os.listdir(self.lessons_dir)
                if name.endswith(".json") and ID_PATTERN.match(name[:-5])}


@dataclass(frozen=True, slots=True)
class _Cache:
    """What the last read verified: the complete lines' bytes, the head's bytes, and more."""

    data: bytes
    head_bytes: bytes | None
    ledger: LedgerFile
    loaded: Loaded


def _with_mac(head: Head, current: Head, key: LedgerKey | None) -> Head:
    """``head`` with the MAC ``current`` would need to be the same checkpoint."""
    if key is None:
        return head
    return Head(head.entries, head.hash, head.materialised, head.kb_version, head.kb_digest,
                head.appending, current.mac if current.mac_ok(key) else None)


def read_view(kb_dir: Path) -> Mapping[str, bytes | str]:
    """The lessons folder's entries (name → bytes, or why unreadable), for diagnostics."""
    return DirectoryKnowledgeBase(kb_dir)._view()
