"""Benchmark the fast path: ``guardian check`` on one lesson and on a 1,000-lesson KB.

Each measurement is the median wall time of a fresh process, interleaved with the baseline
``python -c pass`` in the same run, so that figures are differences and ratios against bare
interpreter start on the same (shared, noisy) machine.

    .venv/bin/python bench/bench_check.py [--runs 15] [--lessons 1000] [--json FILE]

Goals (issue #2): one lesson within 150 ms of bare interpreter start; 1,000 lessons < 2 s.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TOPICS = [
    ("pathlib", "Use pathlib.Path for joining and inspecting paths instead of string "
                "concatenation; it handles separators and reads clearly."),
    ("empty-input", "Check for empty lists before indexing the first element; return the "
                    "documented default for empty input instead of raising IndexError."),
    ("float-division", "Use // for integer division when the task expects an int; / always "
                       "returns a float in Python 3."),
    ("sort-key", "When sorting by several criteria, pass a tuple key such as "
                 "key=lambda x: (len(x), x) rather than sorting twice."),
    ("unicode-strip", "str.strip() removes all Unicode whitespace, not only spaces; use "
                      "strip(' ') when only spaces should go."),
    ("off-by-one", "range(n) stops before n; when the bound is inclusive use range(n + 1) "
                   "and add a test for the boundary value."),
]
WORDS = [
    "parser", "cache", "retry", "boundary", "input", "output", "list", "dict", "tuple",
    "string", "index", "slice", "iterator", "generator", "exception", "value", "type", "test",
    "property", "example", "edge", "case",
]


def make_lesson(i: int, rng: random.Random) -> dict[str, object]:
    topic, text = TOPICS[i % len(TOPICS)]
    extra = " ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 60)))
    lesson: dict[str, object] = {
        "id": f"{topic}-{i:04d}",
        "kind": "guidance",
        "title": f"{topic.replace('-', ' ').capitalize()} note {i}",
        "body": f"{text} Context {i}: {extra}.",
        "scope": {"tags": [topic, rng.choice(WORDS)]},
        "provenance": {"source": "human"},
    }
    if i % 5 == 0:
        lesson["kind"] = "skill"
        lesson["code"] = (f"def helper_{i}(items):\n    \"\"\"{topic} helper.\"\"\"\n"
                          f"    if not items:\n        return []\n"
                          f"    return sorted(items, key=lambda x: (len(str(x)), str(x)))\n")
    return lesson


# Measure what users get: compiled bytecode cached on disk. (Some shells here export
# PYTHONDONTWRITEBYTECODE=1, which would recompile every module in every run.)
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=cwd, capture_output=True, check=False, env=ENV)
    elapsed = time.perf_counter() - start
    checked = "guardian" not in cmd or b"lesson(s) in" in result.stdout
    if result.returncode not in (0, 1) or not checked:
        raise SystemExit(f"{cmd} failed ({result.returncode}): {result.stderr.decode()[-500:]}"
                         " (run this with the interpreter guardian is installed in, e.g. "
                         ".venv/bin/python bench/bench_check.py)")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--lessons", type=int, default=1000)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()

    rng = random.Random(2)
    with tempfile.TemporaryDirectory() as folder:
        repo = Path(folder)
        (repo / ".git").mkdir()
        lessons = repo / "knowledge" / "lessons"
        lessons.mkdir(parents=True)
        for i in range(args.lessons):
            doc = make_lesson(i, rng)
            (lessons / f"{doc['id']}.json").write_text(json.dumps(doc, indent=2))
        one = repo / "one.json"
        one.write_text(json.dumps(make_lesson(1, rng), indent=2))

        py = sys.executable
        commands = {
            "python -c pass": [py, "-c", "pass"],
            "check 1 lesson": [py, "-m", "guardian", "check", "--no-kb", str(one)],
            "check 1 lesson vs KB": [py, "-m", "guardian", "check", str(one)],
            f"check {args.lessons} lessons": [py, "-m", "guardian", "check", str(lessons)],
        }
        for cmd in commands.values():  # warm the OS caches and .pyc files
            timed(cmd, repo)
        samples: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, cmd in commands.items():
                samples[name].append(timed(cmd, repo))

    medians = {name: statistics.median(values) for name, values in samples.items()}
    base = medians["python -c pass"]
    print(f"{'command':28} {'median ms':>10} {'over python ms':>15} {'ratio':>7}")
    for name, value in medians.items():
        print(f"{name:28} {value * 1000:10.1f} {(value - base) * 1000:15.1f} "
              f"{value / base:7.1f}")
    one_over = (medians["check 1 lesson"] - base) * 1000
    many = medians[f"check {args.lessons} lessons"]
    print(f"\none lesson: {one_over:.0f} ms over bare interpreter (goal <= 150 ms): "
          f"{'ok' if one_over <= 150 else 'MISSED'}")
    print(f"{args.lessons} lessons: {many:.2f} s (goal < 2 s): {'ok' if many < 2 else 'MISSED'}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({
            "runs": args.runs, "lessons": args.lessons,
            "median_seconds": medians, "baseline": "python -c pass",
        }, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
