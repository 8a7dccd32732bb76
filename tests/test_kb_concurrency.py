"""Concurrent writers and killed writers: no lost update, no duplicate, never "tampered"."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from guardian.kb.directory import DirectoryKnowledgeBase
from guardian.kb.ledger import LedgerKey

WRITERS = 8
PROMOTIONS = 25
KILLS = 30
KEY = "concurrency-test-key"

_PRELUDE = textwrap.dedent("""\
    import os, sys
    from pathlib import Path
    from guardian.errors import ConflictError
    from guardian.kb.change import Change
    from guardian.kb.directory import DirectoryKnowledgeBase
    from guardian.kb.ledger import LedgerKey
    from guardian.records import Lesson

    def lesson(lesson_id, body, supersedes=()):
        doc = {"id": lesson_id, "kind": "guidance", "title": lesson_id, "body": body}
        if supersedes:
            doc["supersedes"] = list(supersedes)
        return Lesson(lesson_id, "guidance", lesson_id, body, doc)

    kb = DirectoryKnowledgeBase(Path(sys.argv[1]),
                                key=LedgerKey.from_environ("GUARDIAN_LEDGER_KEY", os.environ))
    """)

# Each writer promotes its own lessons and increments a shared counter lesson, every time by
# read-modify-write with a compare-and-swap on the version it read: a lost update would show
# as a counter below WRITERS * PROMOTIONS.
_WRITER = _PRELUDE + textwrap.dedent("""\
    worker, count = sys.argv[2], int(sys.argv[3])
    conflicts = 0
    for i in range(count):
        while True:
            state = kb.state()
            doc = state.lessons.get("counter")
            n = int(doc["body"].split()[-1]) if doc else 0
            try:
                kb.apply_all([Change.promote(lesson(f"w{worker}-{i}", f"from {worker}")),
                              Change.promote(lesson("counter", f"count {n + 1}"))],
                             expected_version=state.version)
                break
            except ConflictError:
                conflicts += 1
    print(conflicts)
    """)

# Promotes lesson k-<n> where n is the version it read, so a restarted writer continues where
# the KB is (never repeating an id), and acknowledges each promotion only after apply returned.
_KILLABLE = _PRELUDE + textwrap.dedent("""\
    print("ready", flush=True)
    while True:
        v = kb.version
        supersedes = [f"k-{v - 3}"] if v % 4 == 3 and v >= 3 else []
        kb.apply(Change.promote(lesson(f"k-{v}", f"lesson {v}", supersedes)),
                 expected_version=v)
        print(f"k-{v}", flush=True)
    """)


def _env(key: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "GUARDIAN_LEDGER_KEY"}
    if key:
        env["GUARDIAN_LEDGER_KEY"] = key
    return env


@pytest.mark.slow
class TestConcurrentWriters:
    def test_eight_writers_lose_no_update(self, tmp_path: Path) -> None:
        """8 processes x 25 read-modify-write promotions: every one lands, the counter is 200."""
        kb_dir = tmp_path / "knowledge"
        DirectoryKnowledgeBase(kb_dir).initialise()
        procs = [subprocess.Popen([sys.executable, "-c", _WRITER, str(kb_dir), str(w),
                                   str(PROMOTIONS)], env=_env(None), stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
                 for w in range(WRITERS)]
        results = [p.communicate(timeout=300) for p in procs]
        assert all(p.returncode == 0 for p in procs), [err for _out, err in results]
        kb = DirectoryKnowledgeBase(kb_dir)
        state = kb.state()
        total = WRITERS * PROMOTIONS
        assert state.lessons["counter"]["body"] == f"count {total}"
        assert len(state.lessons) == total + 1
        assert state.version == 2 * total
        assert len(kb.entries()) == 2 * total
        assert kb.verify().ok, kb.verify().problems
        conflicts = sum(int(out) for out, _err in results)
        assert conflicts > 0  # the writers really did race (and CAS made them retry)


@pytest.mark.slow
class TestKilledWriters:
    def test_random_kills_lose_and_duplicate_nothing(self, tmp_path: Path) -> None:
        """30 SIGKILLs at random moments of promotions: every acknowledged promotion is in
        the ledger exactly once, no state ever reads as tampering, and repair leaves it clean."""
        kb_dir = tmp_path / "knowledge"
        key = LedgerKey(KEY.encode(), "GUARDIAN_LEDGER_KEY")
        kb = DirectoryKnowledgeBase(kb_dir, key=key)
        kb.initialise()
        rng = random.Random(20240611)
        acked: list[str] = []
        statuses = []
        for _ in range(KILLS):
            proc = subprocess.Popen([sys.executable, "-c", _KILLABLE, str(kb_dir)],
                                    env=_env(KEY), stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True)
            assert proc.stdout is not None
            assert proc.stdout.readline().strip() == "ready", proc.stderr
            # Wait for the first acknowledged promotion, so the kill lands among real writes
            # however slow the machine is, then kill at a random point of what follows.
            first = proc.stdout.readline().split()
            time.sleep(rng.uniform(0.0, 0.06))
            proc.send_signal(signal.SIGKILL)
            out, err = proc.communicate(timeout=60)
            assert proc.returncode == -signal.SIGKILL, err
            acked += first + out.split()
            statuses.append(kb.verify().status)
        assert "tampered" not in statuses
        assert len(acked) > KILLS  # the kills landed among real promotions
        kb.repair()
        report = kb.verify()
        assert report.ok, report.problems
        promoted = [e.lesson_id for e in kb.entries() if e.action == "promote"]
        assert len(promoted) == len(set(promoted)), "a promotion was duplicated"
        assert set(acked) <= set(promoted), "an acknowledged promotion was lost"
        assert [e.kb_version for e in kb.entries()] == list(range(1, len(promoted) + 1))
        on_disk = sorted(p.name for p in kb.lessons_dir.iterdir())
        assert on_disk == sorted(f"{i}.json" for i in kb.state().lessons)
