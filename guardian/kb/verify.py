"""Verification, pure: the chain, the MACs, the head checkpoint, the replay, and the lesson view.

Every deviation from a well-formed chain yields at least one problem (the strict checks);
the classification into edited / deleted / inserted / reordered / truncated is a best
effort on top, to tell a human where to look.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from guardian.kb.canonical import ZERO_HASH, ledger_line, lesson_file_bytes
from guardian.kb.fsio import is_temp_name
from guardian.kb.ledger import (
    Entry,
    Head,
    LedgerFile,
    LedgerKey,
    entry_hash,
    mac_input,
    split_ledger,
)
from guardian.kb.replay import Replay, ReplayError, Step

Status = Literal["tampered", "recoverable"]
ProblemKind = Literal[
    "entry-malformed", "entry-edited", "entry-deleted", "entry-inserted", "entry-reordered",
    "entry-truncated", "entry-forged", "entry-invalid", "torn-tail",
    "head-missing", "head-malformed", "head-mismatch", "head-forged", "head-lags",
    "lesson-added", "lesson-edited", "lesson-deleted", "view-lags", "stale-temp",
]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing verification found wrong, where, and whether it is tampering or a crash."""

    kind: ProblemKind
    status: Status
    message: str
    path: str
    line: int | None = None
    seq: int | None = None
    lesson_id: str | None = None

    def render(self) -> str:
        """``path:line: kind: message`` — the familiar compiler-style form."""
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.kind}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "status": self.status, "message": self.message,
                "path": self.path, "line": self.line, "seq": self.seq,
                "lesson_id": self.lesson_id}


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """The outcome of ``guardian verify``: what was checked, and every problem found."""

    kb_dir: str
    entries: int
    version: int
    digest: str
    lessons: int
    keyed: bool
    problems: tuple[Problem, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def status(self) -> Literal["ok", "recoverable", "tampered"]:
        if not self.problems:
            return "ok"
        if all(p.status == "recoverable" for p in self.problems):
            return "recoverable"
        return "tampered"

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "kb_dir": self.kb_dir, "entries": self.entries,
                "kb_version": self.version, "kb_digest": self.digest, "lessons": self.lessons,
                "keyed": self.keyed, "problems": [p.to_dict() for p in self.problems],
                "notes": list(self.notes)}


@dataclass
class _Checker:
    ledger_path: str
    head_path: str
    key: LedgerKey | None
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, kind: ProblemKind, message: str, *, status: Status = "tampered",
            path: str | None = None, line: int | None = None, seq: int | None = None,
            lesson_id: str | None = None) -> None:
        self.problems.append(Problem(kind, status, message, path or self.ledger_path, line, seq,
                                     lesson_id))


def check_ledger(ledger: LedgerFile, head: Head | str | None, key: LedgerKey | None, *,
                 ledger_path: str, head_path: str) -> tuple[list[Problem], list[str], Replay]:
    """Problems in the ledger and its head checkpoint, notes, and the replay of its entries.

    ``head`` is the parsed checkpoint, None when the file is missing, or the reason it could
    not be read.
    """
    checker = _Checker(ledger_path, head_path, key)
    entries = _check_lines(checker, ledger)
    replay = _check_replay(checker, _check_links(checker, entries))
    _check_head(checker, ledger, entries, head)
    _check_tail(checker, ledger)
    return checker.problems, checker.notes, replay


def extend_check(known: LedgerFile, replay: Replay, suffix: bytes, head: Head | str | None,
                 key: LedgerKey | None, *, ledger_path: str, head_path: str) -> tuple[
        list[Problem], list[str], Replay, LedgerFile] | None:
    """``check_ledger`` for a ledger that grew by ``suffix`` since ``known`` checked clean.

    Only the new lines are parsed and replayed (from a copy of ``replay``). Returns None when
    the new part is anything but a clean extension of the chain: run the full check then, for
    a precise diagnosis.
    """
    new = split_ledger(suffix, first_line=len(known.lines) + 1)
    ledger = LedgerFile(known.lines + new.lines, new.tail,
                        known.complete_size + new.complete_size)
    checker = _Checker(ledger_path, head_path, key)
    fresh = _check_lines(checker, new)
    if checker.problems or len(fresh) != len(new.lines):
        return None
    entries = known.entries
    exp_hash, exp_seq = (entries[-1].hash, entries[-1].seq + 1) if entries else (ZERO_HASH, 0)
    for entry in fresh:
        if entry.prev != exp_hash or entry.seq != exp_seq:
            return None
        exp_hash, exp_seq = entry.hash, exp_seq + 1
    replay = replay.copy()
    _advance(checker, replay, fresh)
    if checker.problems:
        return None
    _check_head(checker, ledger, entries + fresh, head)
    _check_tail(checker, ledger)
    return checker.problems, checker.notes, replay, ledger


def _check_tail(checker: _Checker, ledger: LedgerFile) -> None:
    if ledger.tail:
        checker.add("torn-tail", f"the last line is incomplete ({len(ledger.tail)} bytes "
                    f"without a newline): a write was interrupted; run 'guardian kb repair' to "
                    f"drop it", status="recoverable", line=len(ledger.lines) + 1)


def _check_lines(checker: _Checker, ledger: LedgerFile) -> list[Entry]:
    entries = []
    missing_macs = []
    for line in ledger.lines:
        if line.entry is None:
            checker.add("entry-malformed", f"line {line.number} is not a ledger entry: "
                        f"{line.error}", line=line.number)
            continue
        entry = line.entry
        entries.append(entry)
        if entry_hash(entry.data) != entry.hash:
            checker.add("entry-edited", f"entry seq {entry.seq} was edited: its content no "
                        f"longer matches its hash {entry.hash[:12]}", line=line.number,
                        seq=entry.seq, lesson_id=entry.lesson_id)
            continue
        if line.raw + b"\n" != ledger_line(entry.data):
            checker.add("entry-edited", f"entry seq {entry.seq} was re-serialised: same values, "
                        f"but not the canonical bytes guardian writes", line=line.number,
                        seq=entry.seq)
            continue
        mac = entry.data.get("mac")
        if checker.key is None:
            continue
        if mac is None:
            missing_macs.append(entry)
        elif not checker.key.matches(mac_input(entry.data), mac):
            checker.add("entry-forged", f"entry seq {entry.seq} has an invalid MAC: it was "
                        f"forged or rewritten without the key in ${checker.key.env}",
                        line=line.number, seq=entry.seq, lesson_id=entry.lesson_id)
    if missing_macs and len(missing_macs) == len(entries) and len(entries) > 1:
        env = checker.key.env if checker.key else ""
        checker.add("entry-forged", f"no entry carries a MAC although ${env} is set: the "
                    f"ledger was written without the key, or rewritten by someone who lacks it",
                    line=missing_macs[0].line, seq=missing_macs[0].seq)
    else:
        for entry in missing_macs:
            checker.add("entry-forged", f"entry seq {entry.seq} has no MAC although "
                        f"${checker.key.env if checker.key else ''} is set: it was written "
                        f"without the key, or forged", line=entry.line, seq=entry.seq,
                        lesson_id=entry.lesson_id)
    if checker.key is None and any("mac" in e.data for e in entries):
        checker.notes.append("entries carry MACs but no ledger key is set, so the MACs were not "
                             "checked; set the key's environment variable to check them")
    return entries


def _check_links(checker: _Checker, entries: Sequence[Entry]) -> Sequence[Entry]:
    """Report broken links; returns the entries in the order to replay them (chain order
    when they were merely shuffled, so the shuffle is not reported twice)."""
    intact = all(e.prev == (entries[i - 1].hash if i else ZERO_HASH) and e.seq == i
                 for i, e in enumerate(entries))
    if intact:
        return entries
    before = len(checker.problems)
    seqs = [e.seq for e in entries]
    in_order = sorted(entries, key=lambda e: e.seq)
    if sorted(seqs) == list(range(len(entries))) and all(
            e.prev == (in_order[i - 1].hash if i else ZERO_HASH) for i, e in enumerate(in_order)):
        for index, entry in enumerate(entries):
            if entry.seq != index:
                checker.add("entry-reordered", f"entry seq {entry.seq} is out of order: line "
                            f"{entry.line} should hold seq {index}", line=entry.line,
                            seq=entry.seq)
        return in_order
    _classify_breaks(checker, entries)
    if len(checker.problems) == before:  # never let a broken chain pass unexplained
        checker.add("entry-invalid", "the hash chain is broken (entries do not link in "
                    "order)", line=entries[0].line if entries else None)
    return entries


def _classify_breaks(checker: _Checker, entries: Sequence[Entry]) -> None:
    index_of = {e.hash: i for i, e in enumerate(entries)}
    accepted: list[int] = []  # indexes of the entries currently believed to form the chain
    exp_hash, exp_seq = ZERO_HASH, 0
    i = 0
    while i < len(entries):
        entry = entries[i]
        if entry.prev == exp_hash:
            if entry.seq != exp_seq:
                checker.add("entry-edited", f"entry at line {entry.line} has seq {entry.seq}; "
                            f"the chain expects seq {exp_seq} here", line=entry.line,
                            seq=entry.seq)
            accepted.append(i)
            exp_hash, exp_seq, i = entry.hash, exp_seq + 1, i + 1
            continue
        later = next((j for j in range(i + 1, len(entries)) if entries[j].prev == exp_hash),
                     None)
        target = index_of.get(entry.prev, -1 if entry.prev == ZERO_HASH else None)
        if later is not None:
            for k in range(i, later):
                _inserted(checker, entries[k])
            i = later
            continue
        if target is not None and target in accepted[:-1]:
            # links back past accepted entries: those were inserted after its predecessor
            cut = accepted.index(target) + 1
            for k in accepted[cut:]:
                _inserted(checker, entries[k])
            del accepted[cut:]
        elif target is not None and target > i:
            checker.add("entry-reordered", f"entry seq {entry.seq} at line {entry.line} is out "
                        f"of order: it follows the entry at line {entries[target].line}",
                        line=entry.line, seq=entry.seq)
        elif target is None and entry.seq == exp_seq and accepted:
            prev = entries[accepted[-1]]
            checker.add("entry-edited", f"entry seq {prev.seq} was rewritten and its hash "
                        f"recomputed: the next entry (line {entry.line}) still links to the old "
                        f"hash {entry.prev[:12]}", line=prev.line, seq=prev.seq,
                        lesson_id=prev.lesson_id)
        elif target is None and entry.seq > exp_seq:
            missing = (f"seq {exp_seq}" if entry.seq == exp_seq + 1
                       else f"seqs {exp_seq}..{entry.seq - 1}")
            checker.add("entry-deleted", f"entry {missing} deleted: the entry at line "
                        f"{entry.line} (seq {entry.seq}) links to a hash no entry has",
                        line=entry.line, seq=exp_seq)
        else:
            checker.add("entry-invalid", f"entry seq {entry.seq} at line {entry.line} does not "
                        f"link to the entry before it", line=entry.line, seq=entry.seq)
        accepted.append(i)
        exp_hash, exp_seq, i = entry.hash, entry.seq + 1, i + 1


def _inserted(checker: _Checker, entry: Entry) -> None:
    checker.add("entry-inserted", f"entry at line {entry.line} (seq {entry.seq}) was inserted: "
                f"the chain links past it", line=entry.line, seq=entry.seq,
                lesson_id=entry.lesson_id)


def _check_replay(checker: _Checker, entries: Sequence[Entry]) -> Replay:
    replay = Replay()
    _advance(checker, replay, entries)
    return replay


def _advance(checker: _Checker, replay: Replay, entries: Sequence[Entry]) -> None:
    for entry in entries:
        try:
            step = replay.advance(entry.data)
        except ReplayError as exc:
            checker.add("entry-invalid", f"entry seq {entry.seq} cannot be replayed: {exc}",
                        line=entry.line, seq=entry.seq, lesson_id=entry.lesson_id)
            replay.steps.append(Step(replay.version, replay.digest, frozenset()))  # keep aligned
            continue
        if step.version != entry.kb_version or step.digest != entry.kb_digest:
            checker.add("entry-invalid", f"entry seq {entry.seq} records KB version "
                        f"{entry.kb_version} digest {entry.kb_digest[:12]}, but replaying the "
                        f"ledger gives version {step.version} digest {step.digest[:12]}",
                        line=entry.line, seq=entry.seq, lesson_id=entry.lesson_id)


def _check_head(checker: _Checker, ledger: LedgerFile, entries: Sequence[Entry],
                head: Head | str | None) -> None:
    where = checker.head_path
    count = len(ledger.lines)
    if isinstance(head, str):
        checker.add("head-malformed", head, path=where)
        return
    if head is None:
        if count:
            checker.add("head-missing", "the head checkpoint is missing, so truncation of the "
                        "ledger cannot be ruled out; restore it (e.g. from git), or if you "
                        "trust the ledger run 'guardian kb repair --rewrite-head'", path=where)
        return
    if checker.key is not None and not head.mac_ok(checker.key):
        state = "missing" if head.mac is None else "invalid"
        checker.add("head-forged", f"the head checkpoint's MAC is {state}: "
                    f"it was written without the key in ${checker.key.env}, or forged",
                    path=where)
    last = entries[-1] if entries else None
    if head.entries > count:
        lost = head.entries - count
        checker.add("entry-truncated", f"the ledger was truncated: the head checkpoint records "
                    f"{head.entries} entries, the ledger holds {count} ({lost} missing at the "
                    f"end, from seq {count})", line=count + 1, seq=count)
        return
    if head.entries == count:
        if head.hash != (last.hash if last else ZERO_HASH) and count == len(entries):
            checker.add("head-mismatch", f"the ledger's last entry (seq {count - 1}) has hash "
                        f"{(last.hash if last else ZERO_HASH)[:12]}, the head checkpoint "
                        f"records {head.hash[:12]}: the ledger was rewritten", path=where)
        return
    behind = count - head.entries
    anchor = entries[head.entries - 1].hash if 0 < head.entries <= len(entries) else ZERO_HASH
    if head.entries and (head.entries > len(entries) or anchor != head.hash):
        checker.add("head-mismatch", f"the head checkpoint records hash {head.hash[:12]} at "
                    f"entry {head.entries - 1}, but the ledger has {anchor[:12]} there: the "
                    f"ledger was rewritten", path=where)
        return
    if behind <= max(1, head.appending):
        unkeyed = (" or an entry appended by someone else (set a ledger key to tell these "
                   "apart)" if checker.key is None else "")
        which = (f"the last entry (seq {count - 1}) is" if behind == 1
                 else f"the last {behind} entries (seq {head.entries}..{count - 1}) are")
        checker.add("head-lags", f"{which} not in the head checkpoint yet: a crash between "
                    f"the ledger append and the checkpoint update{unkeyed}; run "
                    f"'guardian kb repair'", status="recoverable", path=where,
                    seq=head.entries)
    else:
        checker.add("entry-inserted", f"{behind} entries (seq {head.entries}..{count - 1}) were "
                    f"appended after the head checkpoint, which announced "
                    f"{max(1, head.appending)} at most: they were added by something other "
                    f"than guardian",
                    line=head.entries + 1, seq=head.entries)


def check_view(expected: Mapping[str, Mapping[str, Any]], found: Mapping[str, bytes | str], *,
               lessons_path: str, lagging: frozenset[str],
               set_by: Mapping[str, int]) -> list[Problem]:
    """Problems in the lesson files against the replayed active set.

    ``found`` maps each directory entry name in the lessons folder to its bytes, or to why it
    could not be read (a symlink, a directory). ``lagging`` holds lesson ids touched by
    entries the head checkpoint does not count as materialised yet: differences there are
    a crash's leftovers, not tampering. ``set_by`` maps an id to the seq that last touched it.
    """
    problems = []
    wanted = {f"{lesson_id}.json": lesson_id for lesson_id in expected}
    for name in sorted(set(found) | set(wanted)):
        path = f"{lessons_path}/{name}"
        lesson_id = wanted.get(name) or (name[:-5] if name.endswith(".json") else None)
        lags = lesson_id is not None and lesson_id in lagging
        content = found.get(name)
        status: Status = "recoverable" if lags else "tampered"
        origin = (f" (last set by entry seq {set_by[lesson_id]})"
                  if lesson_id is not None and lesson_id in set_by else "")
        if name not in wanted:
            if is_temp_name(name):
                problems.append(Problem("stale-temp", "recoverable", "a temporary file left by "
                                        "an interrupted write; 'guardian kb repair' removes it",
                                        path))
            else:
                problems.append(Problem(
                    "view-lags" if lags else "lesson-added", status,
                    "a lesson file the ledger has not retired yet (interrupted write)" if lags
                    else "a file that is not an active lesson in the ledger" + origin, path,
                    lesson_id=lesson_id))
        elif content is None:
            problems.append(Problem(
                "view-lags" if lags else "lesson-deleted", status,
                "not written yet (interrupted write)" if lags
                else "an active lesson's file is missing" + origin, path, lesson_id=lesson_id))
        elif isinstance(content, str):
            problems.append(Problem("lesson-edited", "tampered", f"{content}{origin}", path,
                                    lesson_id=lesson_id))
        elif content != lesson_file_bytes(expected[wanted[name]]):
            problems.append(Problem(
                "view-lags" if lags else "lesson-edited", status,
                "still shows the state before the last entry (interrupted write)" if lags
                else "differs from the ledger's replay" + origin, path, lesson_id=lesson_id))
    return problems
