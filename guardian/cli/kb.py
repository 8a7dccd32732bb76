"""``guardian kb``: list, show, history, rollback, export, import and repair the knowledge base."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from guardian.config import Config
    from guardian.errors import LessonError
    from guardian.kb.directory import DirectoryKnowledgeBase
    from guardian.kb.ledger import Entry
    from guardian.records import Lesson

_FORMAT_HELP = "output format (default: text)"


def register(sub: Any) -> None:
    """Add ``kb`` and its actions to the CLI (argparse only: no heavy imports here)."""
    parser = sub.add_parser(
        "kb", help="inspect and manage the knowledge base",
        description="Inspect and manage the knowledge base: the active lessons in "
                    "knowledge/lessons/, materialised from the hash-chained ledger "
                    "knowledge/ledger.jsonl. Every change is a new ledger entry; nothing is "
                    "ever rewritten.",
        epilog="Exit codes: 0 ok; 1 import refused something / repair refused; 2 usage, "
               "configuration or KB error (a tampered ledger is refused: see 'guardian verify').")
    parser.set_defaults(func=run)
    actions = parser.add_subparsers(dest="kb_command", metavar="ACTION", required=True)

    p = actions.add_parser("list", help="the active lessons",
                           description="List the active lessons with the KB version and digest.")
    _format(p)

    p = actions.add_parser("show", help="one active lesson and its history",
                           description="Show one active lesson's document and the ledger "
                                       "entries that concern it.")
    p.add_argument("lesson_id", metavar="ID", help="the lesson id")
    _format(p)

    p = actions.add_parser("history", help="ledger entries, all or about one lesson",
                           description="Ledger entries, oldest first: seq, time, action, lesson "
                                       "id, KB version after, and reasons. With ID, only the "
                                       "entries that named, added, changed or removed it.")
    p.add_argument("lesson_id", metavar="ID", nargs="?", help="only entries about this lesson")
    _format(p)

    p = actions.add_parser("rollback", help="restore the active set of an earlier version",
                           description="Append a 'rollback' entry that restores the active "
                                       "lessons of KB version VERSION, as a new version (the "
                                       "ledger stays append-only), and rewrite the lesson files.")
    p.add_argument("--to", dest="to_version", metavar="VERSION", type=int, required=True,
                   help="the KB version to restore (see 'guardian kb history')")
    p.add_argument("--reason", default=None, help="why, recorded in the ledger entry")
    _format(p)

    p = actions.add_parser(
        "export", help="render the KB for agents",
        description="Render the active lessons deterministically (same KB, same bytes) as "
                    "AGENTS.md / CLAUDE.md Markdown, a Cursor rule (.mdc) or JSON. With "
                    "--update, replace only the section between '<!-- guardian:begin -->' and "
                    "'<!-- guardian:end -->' of an existing file (appending one if absent), "
                    "leaving the human-written rest untouched.")
    p.add_argument("--format", dest="export_format", required=True,
                   choices=["agents-md", "claude-md", "cursor-mdc", "json"],
                   help="what to render")
    target = p.add_mutually_exclusive_group()
    target.add_argument("--out", metavar="FILE", help="write the rendering to FILE (atomically)")
    target.add_argument("--update", metavar="FILE",
                        help="replace guardian's marked section inside FILE (atomically)")

    p = actions.add_parser(
        "import", help="bootstrap or extend the KB from lesson and memory files",
        description="Read lesson files (JSON, YAML, Markdown with front matter) and memory "
                    "files (AGENTS.md, CLAUDE.md, .mdc, SKILL.md; directories are walked), check "
                    "each lesson against the policy, and ledger it: clean ones as 'import' "
                    "(they become active), blocked ones as 'reject' (id, digest and findings "
                    "only). Lessons identical to an active one are left alone.",
        epilog="Exit codes: 0 everything imported; 1 something was refused or unreadable "
               "(the rest was imported, and the output says which); 2 usage or KB error.")
    p.add_argument("paths", metavar="PATH", nargs="+", help="files or directories to import")
    _format(p)

    p = actions.add_parser(
        "repair", help="finish what a crash interrupted",
        description="Drop a torn last ledger line, catch the head checkpoint up, rebuild the "
                    "lesson files from the ledger's replay and remove stale temporary files. "
                    "Refuses when the ledger shows tampering: that needs a human and a trusted "
                    "copy, not a repair.",
        epilog="Exit codes: 0 repaired (or nothing to do); 1 refused or still not clean; 2 "
               "usage error.")
    p.add_argument("--rewrite-head", action="store_true",
                   help="accept the ledger as it is when its head checkpoint is missing or "
                        "unreadable, and write a new one (you vouch for the ledger)")
    _format(p)


def _format(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=["text", "json"], default="text", help=_FORMAT_HELP)


def _config(args: argparse.Namespace) -> Config:
    from guardian.config import load_config

    return load_config(file=Path(args.config) if args.config else None)


def _open(config: Config) -> DirectoryKnowledgeBase:
    from guardian.kb.store import KnowledgeBase

    return KnowledgeBase.open(config)


def _json(out: TextIO, doc: Any) -> None:
    out.write(json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n")


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Dispatch to the chosen ``kb`` action."""
    handler = {
        "list": _list, "show": _show, "history": _history, "rollback": _rollback,
        "export": _export, "import": _import, "repair": _repair,
    }[args.kb_command]
    return handler(args, out, err)


def _list(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    kb = _open(_config(args))
    state = kb.state()
    rows = [{"id": i, "kind": d["kind"], "title": d["title"], "path": kb.lesson_path(i)}
            for i, d in state.lessons.items()]
    if args.format == "json":
        _json(out, {"kb_version": state.version, "kb_digest": state.digest, "lessons": rows})
        return 0
    width = max((len(r["id"]) for r in rows), default=2)
    for row in rows:
        title = " ".join(str(row["title"]).split())
        out.write(f"{row['id']:<{width}}  {row['kind']:<8}  {title}\n")
    out.write(f"{len(rows)} active lesson{'s' if len(rows) != 1 else ''} · KB version "
              f"{state.version} · digest {state.digest[:16]}\n")
    return 0


def _summary(entry: Entry) -> dict[str, Any]:
    return {"seq": entry.seq, "time": entry.time, "action": entry.action,
            "lesson_id": entry.lesson_id, "kb_version": entry.kb_version,
            "reasons": list(entry.reasons), **(
                {"rollback_to": entry.rollback_to} if entry.rollback_to is not None else {})}


def _show(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from guardian.errors import KBError

    kb = _open(_config(args))
    lesson = kb.get(args.lesson_id)
    history = kb.history(args.lesson_id)
    if lesson is None:
        known = ", ".join(sorted(kb.state().lessons)) or "none"
        past = (f"; it appears in {len(history)} ledger entries (see 'guardian kb history "
                f"{args.lesson_id}')" if history else "")
        raise KBError(f"{kb.location}: no active lesson {args.lesson_id!r}{past}. Active "
                      f"lessons: {known}")
    if args.format == "json":
        _json(out, {"lesson": lesson.to_dict(), "path": kb.lesson_path(lesson.id),
                    "history": [_summary(e) for e in history]})
        return 0
    doc = lesson.to_dict()
    out.write(f"id:     {lesson.id}\nkind:   {lesson.kind}\ntitle:  {lesson.title}\n"
              f"file:   {kb.lesson_path(lesson.id)}\n")
    for key in ("scope", "supersedes", "provenance", "evidence"):
        if doc.get(key):
            out.write(f"{key + ':':<8}{json.dumps(doc[key], sort_keys=True, ensure_ascii=False)}\n")
    out.write(f"\n{lesson.body.rstrip()}\n")
    if lesson.code:
        out.write(f"\ncode:\n{lesson.code.rstrip()}\n")
    out.write("\nhistory:\n")
    for entry in history:
        out.write(_history_line(entry))
    return 0


def _history_line(entry: Entry) -> str:
    reasons = "; ".join(entry.reasons)
    target = entry.lesson_id or (f"-> v{entry.rollback_to}" if entry.rollback_to is not None
                                 else "-")
    return (f"{entry.seq:>5}  {entry.time}  {entry.action:<8}  {target:<24}  "
            f"v{entry.kb_version:<4}  {reasons}\n")


def _history(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    kb = _open(_config(args))
    entries = kb.history(args.lesson_id)
    if args.format == "json":
        _json(out, {"entries": [_summary(e) for e in entries]})
        return 0
    out.write(f"{'seq':>5}  {'time':<27}  {'action':<8}  {'lesson':<24}  {'KB':<5}  reasons\n")
    for entry in entries:
        out.write(_history_line(entry))
    if not entries:
        what = f" about {args.lesson_id!r}" if args.lesson_id else ""
        out.write(f"(no ledger entries{what})\n")
    return 0


def _rollback(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from guardian.kb.change import Change

    kb = _open(_config(args))
    state = kb.state()
    target = kb.state_at(args.to_version)
    if target.digest == state.digest:
        message = (f"the KB (version {state.version}) already has the lessons of version "
                   f"{args.to_version}; nothing to roll back")
        if args.format == "json":
            _json(out, {"rolled_back": False, "kb_version": state.version,
                        "kb_digest": state.digest, "message": message})
        else:
            out.write(message + "\n")
        return 0
    reasons = [args.reason] if args.reason else [f"rollback to version {args.to_version}"]
    entry = kb.apply(Change.rollback(args.to_version, reasons=reasons),
                     expected_version=state.version)
    after = kb.state()
    added = sorted(set(after.lessons) - set(state.lessons))
    removed = sorted(set(state.lessons) - set(after.lessons))
    changed = sorted(i for i in set(after.lessons) & set(state.lessons)
                     if after.lessons[i] != state.lessons[i])
    if args.format == "json":
        _json(out, {"rolled_back": True, "seq": entry.seq, "kb_version": after.version,
                    "kb_digest": after.digest, "added": added, "removed": removed,
                    "changed": changed})
        return 0
    out.write(f"rolled back to the lessons of version {args.to_version} as version "
              f"{after.version} (ledger entry seq {entry.seq})\n")
    for label, ids in (("restored", added), ("removed", removed), ("reverted", changed)):
        for lesson_id in ids:
            out.write(f"  {label:<9}{lesson_id}\n")
    return 0


def _export(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from guardian.errors import InputError
    from guardian.kb.export import render, render_section, update_section
    from guardian.kb.fsio import atomic_write

    kb = _open(_config(args))
    state = kb.state()
    if args.update:
        if args.export_format == "json":
            raise InputError("--update replaces a Markdown section; use --out for --format json")
        path = Path(args.update)
        try:
            existing = path.read_text("utf-8") if path.exists() else ""
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"{path}: cannot read the file to update: {exc}") from None
        if args.export_format == "cursor-mdc" and not existing:
            text = render(state, "cursor-mdc")
        else:
            text = update_section(existing, render_section(state), path=str(path))
        if text != existing:
            atomic_write(path, text.encode("utf-8"), mode=_mode(path))
        err.write(f"guardian: {'updated' if text != existing else 'unchanged'} the guardian "
                  f"section of {path} (KB version {state.version})\n")
        return 0
    text = render(state, args.export_format)
    if args.out:
        path = Path(args.out)
        atomic_write(path, text.encode("utf-8"), mode=_mode(path))
        err.write(f"guardian: wrote {path} (KB version {state.version}, "
                  f"{len(state.lessons)} lessons)\n")
    else:
        out.write(text)
    return 0


def _mode(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        return 0o644


def _import(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from guardian.kb.importer import import_lessons
    from guardian.loaders import iter_candidates, read_path
    from guardian.policy.engine import Policy

    config = _config(args)
    policy = Policy.from_config(config)
    lessons: list[Lesson] = []
    skipped: list[Lesson] = []
    errors: list[LessonError] = []
    for raw in args.paths:
        path = Path(raw)
        files = list(iter_candidates(path)) if path.is_dir() else [path]
        for file in files:
            found, problems = read_path(file, max_bytes=config.max_file_bytes)
            ranges = _managed(file) if found else []
            for lesson in found:
                line = lesson.source.line if lesson.source else 0
                inside = any(a <= line <= b for a, b in ranges)
                (skipped if inside else lessons).append(lesson)
            errors.extend(problems)
    kb = _open(config)
    if not kb.exists():
        kb.initialise()  # import bootstraps a KB; an existing ledger is never rewritten
    report = import_lessons(kb, lessons, policy, errors=errors, root=config.root,
                            skipped=skipped)
    if args.format == "json":
        _json(out, report.to_dict())
    else:
        for outcome in report.outcomes:
            label = outcome.lesson_id or ""
            out.write(f"{outcome.status:<10}  {label:<24}  {outcome.path}: {outcome.message}\n")
        skipped_note = (f", skipped {report.count('skipped')}" if report.count("skipped")
                        else "")
        out.write(
            f"imported {report.count('imported')}, unchanged {report.count('unchanged')}"
            f"{skipped_note}, refused {report.count('refused')}, unreadable "
            f"{report.count('unreadable')}; KB version {report.kb_version}\n")
    return 0 if report.ok else 1


def _managed(path: Path) -> list[tuple[int, int]]:
    """Line ranges of guardian's own exported section in a Markdown memory file."""
    from guardian.kb.export import managed_lines

    if path.suffix.lower() not in (".md", ".mdc", ".markdown"):
        return []
    try:
        return managed_lines(path.read_text("utf-8", errors="replace"))
    except OSError:
        return []


def _repair(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from guardian.errors import LedgerError

    kb = _open(_config(args))
    try:
        report = kb.repair(rewrite_head=args.rewrite_head)
    except LedgerError as exc:
        err.write(f"guardian: {exc}\nguardian: the ledger shows tampering, which repair does "
                  f"not touch: restore knowledge/ from a trusted copy (e.g. git)\n")
        return 1
    if args.format == "json":
        _json(out, report.to_dict())
    else:
        for action in report.actions:
            out.write(f"repaired: {action}\n")
        if not report.actions:
            out.write("nothing to repair\n")
        for problem in report.after.problems:
            out.write(f"{problem.render()}\n")
        out.write(f"KB status after repair: {report.after.status}\n")
    return 0 if report.after.ok else 1
