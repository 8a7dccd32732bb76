"""Stored counterexamples: once a failure has been seen, it is replayed on every run.

Sources, all JSONL or lesson evidence, each record ``{"suite", "task_id", "case_id",
"counterexample": {"kwargs": {...}}}`` (the ``counterexample`` object ``guardian eval``
prints; in lesson evidence it is the same object as a JSON string):

* ``<kb>/counterexamples.jsonl`` — guardian's own corpus (the gate appends to it);
* the ``evidence`` of the KB's active lessons;
* files given with ``--counterexamples``.

Hypothesis's own database is not relied on: its keys change when a test is edited, and its
``ci`` profile turns it off.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from guardian import log
from guardian.errors import InputError
from guardian.suite.runner import Counterexample
from guardian.suite.tasks import json_lines

CORPUS_FILE = "counterexamples.jsonl"


def _from_record(data: Mapping[str, Any], suite: str) -> Counterexample | None:
    if data.get("suite") not in (None, suite):
        return None
    cx = data.get("counterexample")
    if isinstance(cx, str):
        try:
            cx = json.loads(cx)
        except ValueError:
            return None
    task_id, case_id = data.get("task_id"), data.get("case_id")
    if not (isinstance(cx, dict) and isinstance(cx.get("kwargs"), dict)
            and isinstance(task_id, str) and isinstance(case_id, str)):
        return None
    return Counterexample(task_id, case_id, cx["kwargs"])


def read_corpus(path: Path, suite: str, *, required: bool) -> Iterator[Counterexample]:
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        if required:
            raise InputError(f"{path}: no such counterexample file") from None
        return
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read counterexamples: {exc}") from None
    for _place, data in json_lines(text.splitlines(), str(path), "a counterexample record"):
        cx = _from_record(data, suite)
        if cx is not None:
            yield cx


def _from_kb(kb_dir: Path, suite: str) -> Iterator[Counterexample]:
    folder = kb_dir / "lessons"
    if not folder.is_dir():
        return
    for path in sorted(folder.glob("*.json")):
        try:
            lesson = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            log.get_logger().warning("counterexample_lesson_unreadable", path=str(path))
            continue
        for item in lesson.get("evidence") or [] if isinstance(lesson, dict) else []:
            if isinstance(item, dict):
                cx = _from_record(item, suite)
                if cx is not None:
                    yield cx


def load_counterexamples(extra: Iterable[Path], kb_dir: Path, suite: str
                         ) -> list[Counterexample]:
    """Every stored counterexample for ``suite``, de-duplicated, in a stable order."""
    found: dict[str, Counterexample] = {}
    sources = [read_corpus(kb_dir / CORPUS_FILE, suite, required=False), _from_kb(kb_dir, suite)]
    sources += [read_corpus(p, suite, required=True) for p in extra]
    for source in sources:
        for cx in source:
            key = json.dumps(cx.to_json(), sort_keys=True)
            found.setdefault(key, cx)
    return [found[k] for k in sorted(found)]


def keep(kb_dir: Path, suite: str, cases: Iterable[Any]) -> int:
    """Append the replayable counterexamples of failing ``cases`` to the KB's corpus.

    Records already there are not repeated; the append is one durable write under an
    exclusive lock, so concurrent runs neither interleave nor lose lines. Returns how many
    were added.
    """
    import fcntl

    from guardian.kb.fsio import append_durably

    if not kb_dir.is_dir():
        return 0
    path = kb_dir / CORPUS_FILE
    new: list[str] = []
    with open(path, "a") as lock:  # the corpus itself is the lock
        fcntl.flock(lock, fcntl.LOCK_EX)
        have = {json.dumps(c.to_json(), sort_keys=True)
                for c in read_corpus(path, suite, required=False)}
        for case in cases:
            cx = case.counterexample or {}
            if case.outcome == "pass" or not isinstance(cx.get("kwargs"), dict):
                continue
            record = Counterexample(case.task_id, case.case_id, cx["kwargs"])
            key = json.dumps(record.to_json(), sort_keys=True)
            if key in have:
                continue
            have.add(key)
            new.append(json.dumps({"suite": suite, "task_id": case.task_id,
                                   "case_id": case.case_id,
                                   "counterexample": {"kwargs": cx["kwargs"]}},
                                  sort_keys=True, separators=(",", ":")))
        if new:
            append_durably(path, ("\n".join(new) + "\n").encode())
    return len(new)
