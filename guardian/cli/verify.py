"""``guardian verify``: the ledger chain is intact and the lesson files equal its replay."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, TextIO


def register(sub: Any) -> None:
    """Add ``verify`` to the CLI (argparse only: no heavy imports here)."""
    parser = sub.add_parser(
        "verify", help="check the ledger chain and that the KB equals its replay",
        description="Check the knowledge base: every ledger entry's hash, the links between "
                    "entries, their order, their MACs when a ledger key is set, the head "
                    "checkpoint (which catches truncation), that each entry replays to the KB "
                    "version and digest it records, and that knowledge/lessons/ holds exactly "
                    "the replay's active lessons. Every problem is named with its place: "
                    "edited, deleted, inserted, reordered or truncated entries; lesson files "
                    "added, edited or deleted; or the leftovers of an interrupted write "
                    "(recoverable with 'guardian kb repair').",
        epilog="Exit codes: 0 intact; 1 tampered, drifted or interrupted (see the problems); "
               "2 usage or configuration error, or no KB.")
    parser.add_argument("--format", choices=["text", "json"], default="text",
                        help="output format (default: text)")
    parser.set_defaults(func=run)


def _relative(path: str) -> str:
    try:
        return Path(path).relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Verify the configured KB; exit 0 when intact, 1 when anything is wrong."""
    from guardian.config import load_config
    from guardian.kb.store import KnowledgeBase

    config = load_config(file=Path(args.config) if args.config else None)
    kb = KnowledgeBase.open(config)
    report = kb.verify()
    if args.format == "json":
        out.write(json.dumps(report.to_dict(), indent=2, sort_keys=True, ensure_ascii=False)
                  + "\n")
        return 0 if report.ok else 1
    key = (f"MACs checked with ${config.ledger_key_env}" if report.keyed
           else f"no ledger key (${config.ledger_key_env} unset): hashes only")
    entries = _count(report.entries, "ledger entry", "ledger entries")
    out.write(f"{_relative(report.kb_dir)}: {entries}, "
              f"KB version {report.version}, {_count(report.lessons, 'active lesson')}, digest "
              f"{report.digest[:16]}; {key}\n")
    for note in report.notes:
        out.write(f"note: {note}\n")
    for problem in report.problems:
        where = _relative(problem.path)
        if problem.line is not None:
            where += f":{problem.line}"
        out.write(f"{where}: {problem.kind}: {problem.message}\n")
    if report.status == "ok":
        out.write("ok: the chain is intact, the head checkpoint matches, and the lesson files "
                  "equal the ledger's replay\n")
        return 0
    count = len(report.problems)
    kinds = ", ".join(sorted({p.kind for p in report.problems}))
    if report.status == "recoverable":
        out.write(f"RECOVERABLE: {count} problem{'s' if count > 1 else ''} ({kinds}) left by an "
                  f"interrupted write; run 'guardian kb repair'\n")
    elif all(p.kind.startswith("lesson-") or p.status == "recoverable"
             for p in report.problems):
        out.write(f"DRIFT: {count} problem{'s' if count > 1 else ''} ({kinds}): lesson files were "
                  f"changed outside guardian; the ledger itself is intact. Review the change "
                  f"(git diff), then 'guardian kb repair' rebuilds the files from the ledger\n")
    else:
        out.write(f"TAMPERED: {count} problem{'s' if count > 1 else ''} ({kinds}). Do not trust "
                  f"this KB until someone has looked; restore it from a trusted copy (git)\n")
    return 1


def _count(n: int, singular: str, plural: str | None = None) -> str:
    return f"{n} {singular if n == 1 else plural or singular + 's'}"
