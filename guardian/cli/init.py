"""``guardian init``: scaffold guardian.toml, the knowledge base and the git-ignored cache."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO


def register(sub: Any) -> None:
    """Add ``init`` to the CLI (argparse only: no heavy imports here)."""
    parser = sub.add_parser(
        "init", help="set up guardian in a repository",
        description="Create guardian.toml with commented defaults (never overwriting an "
                    "existing one, and not at all when pyproject.toml has [tool.guardian]), "
                    "the knowledge base (knowledge/lessons/, an empty ledger.jsonl and its "
                    "ledger.head checkpoint) and the cache folder, which is added to "
                    ".gitignore. Safe to run again: it only adds what is missing.",
        epilog="Set the ledger key (GUARDIAN_LEDGER_KEY by default) before the first write if "
               "you want MACs on every entry. Exit codes: 0 done; 2 usage or configuration "
               "error.")
    parser.add_argument("directory", metavar="DIR", nargs="?", default=".",
                        help="the repository root (default: the current directory)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Scaffold the repository and say what was created and what already existed."""
    from guardian.kb.scaffold import init_repository

    steps = init_repository(Path(args.directory),
                            config_file=Path(args.config) if args.config else None)
    for step in steps:
        note = f"  ({step.note})" if step.note else ""
        out.write(f"{step.outcome:<9} {step.path}{note}\n")
    created = sum(s.outcome in ("created", "appended") for s in steps)
    out.write("guardian is set up here" if created else "already set up; nothing to do")
    out.write("; next: 'guardian kb import AGENTS.md' or 'guardian check PATH'\n")
    return 0
