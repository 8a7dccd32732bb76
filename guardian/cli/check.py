"""``guardian check``: parse, schema and policy on lesson and agent-memory files (the fast path)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

HELP = """\
Check lesson files (JSON, YAML, Markdown with front matter) and agent memory files
(AGENTS.md, CLAUDE.md, SKILL.md, .cursor/rules/*.mdc) against the policy packs.
Directories are searched for such files. Nothing is written; no regression suite runs.

exit codes: 0 nothing blocked, 1 something blocked (or unreadable), 2 usage or
configuration error, 3 a bug in guardian.
"""


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "check", help="check lesson and memory files against the policy (fast, offline)",
        description=HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="+", metavar="PATH",
                        help="lesson or memory files, or directories to search")
    parser.add_argument("--format", choices=["text", "json", "sarif"], default="text",
                        help="output format (default: text, 'path:line:col: rule-id message')")
    parser.add_argument("--output", "-o", metavar="FILE",
                        help="write the report to FILE instead of standard output")
    parser.add_argument("--kb", metavar="DIR",
                        help="knowledge base to compare against for duplicates and id "
                             "collisions (default: from the configuration)")
    parser.add_argument("--no-kb", action="store_true",
                        help="do not compare against the knowledge base")
    parser.add_argument("--pack", action="append", metavar="PACK",
                        help="policy pack name or YAML path to use instead of the configured "
                             "packs (repeatable)")
    parser.add_argument("--strict", action="store_true",
                        help="treat warnings as blocking")
    parser.add_argument("--show-suppressed", action="store_true",
                        help="also print findings silenced by a suppression, with its reason")
    parser.add_argument("--quiet", "-q", action="store_true",
                        help="print only problems (no excerpts, no summary when clean)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from dataclasses import replace

    from guardian import __version__
    from guardian.check import check_paths, summarize
    from guardian.config import load_config

    config = load_config(file=Path(args.config) if args.config else None)
    if args.kb:
        config = replace(config, kb_dir=Path(args.kb))
    if args.pack:
        config = replace(config, packs=tuple(args.pack))
    results = check_paths(args.paths, config, kb=[] if args.no_kb else None)
    if args.strict:
        from guardian.records import CheckResult

        results = [
            CheckResult(r.path, r.lesson_id, tuple(
                replace(f, severity="block") for f in r.findings), r.lesson)
            for r in results
        ]
    summary = summarize(results)
    if args.format == "json":
        from guardian.formats import render_json

        text = render_json(results, summary)
    elif args.format == "sarif":
        from guardian.formats import render_sarif

        text = render_sarif(results, root=config.root, version=__version__)
    else:
        from guardian.formats import render_text

        text = render_text(results, summary, show_suppressed=args.show_suppressed,
                           quiet=args.quiet)
    if args.output:
        from guardian.kb.fsio import atomic_write

        atomic_write(Path(args.output), text.encode("utf-8"))
    else:
        out.write(text)
    return 1 if summary["verdict"] == "block" else 0
