"""Render the KB for agents (AGENTS.md, CLAUDE.md, Cursor .mdc, JSON), deterministically, and
replace guardian's marked section inside a human-written file."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, Literal, get_args

from guardian.errors import InputError
from guardian.kb.replay import KBState

ExportFormat = Literal["agents-md", "claude-md", "cursor-mdc", "json"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = get_args(ExportFormat)
BEGIN = "<!-- guardian:begin -->"
END = "<!-- guardian:end -->"
_KIND_ORDER = {"guidance": 0, "skill": 1, "patch": 2}
_KIND_HEADINGS = {"guidance": "Guidance", "skill": "Skills", "patch": "Patches"}
_MDC_FRONT_MATTER = ("---\n"
                     "description: Lessons the agent learned, verified and managed by guardian\n"
                     "globs:\n"
                     "alwaysApply: true\n"
                     "---\n")


def render(state: KBState, fmt: ExportFormat) -> str:
    """The whole exported file for ``fmt``: same KB, same bytes."""
    if fmt == "json":
        doc = {"format": "guardian-kb-export/1", "kb_version": state.version,
               "kb_digest": state.digest,
               "lessons": [state.lessons[i] for i in sorted(state.lessons)]}
        return json.dumps(doc, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    section = render_section(state)
    if fmt == "cursor-mdc":
        return _MDC_FRONT_MATTER + "\n" + section
    return section


def render_section(state: KBState) -> str:
    """The Markdown block between the guardian markers (markers included)."""
    out = [BEGIN,
           f"<!-- Managed by guardian from its ledger: KB version {state.version}, digest "
           f"{state.digest[:16]}. Change lessons through guardian, not by editing this "
           f"section: 'guardian kb export --update FILE' rewrites it. -->",
           "",
           "## Learned lessons",
           ""]
    if not state.lessons:
        out += ["_No active lessons yet._", ""]
    docs = sorted(state.lessons.values(),
                  key=lambda d: (_KIND_ORDER.get(str(d.get("kind")), 9), str(d.get("id"))))
    kind = None
    for doc in docs:
        if doc.get("kind") != kind:
            kind = doc.get("kind")
            out += [f"### {_KIND_HEADINGS.get(str(kind), str(kind))}", ""]
        out += _render_lesson(doc)
    out.append(END)
    return "\n".join(out) + "\n"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _escape_markers(text: str) -> str:
    """Neutralise lines that would read as guardian's own markers."""
    lines = text.split("\n")
    return "\n".join("\\" + line if line.strip() in (BEGIN, END) else line for line in lines)


def _fence(code: str) -> str:
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    return "`" * max(3, longest + 1)


def _render_lesson(doc: Mapping[str, Any]) -> list[str]:
    meta = [f"id `{doc['id']}`"]
    scope = doc.get("scope") or {}
    for key in ("tasks", "tags", "paths"):
        values = scope.get(key) or []
        if values:
            meta.append(f"{key}: " + ", ".join(f"`{_one_line(str(v))}`" for v in values))
    supersedes = doc.get("supersedes") or []
    if supersedes:
        meta.append("supersedes: " + ", ".join(f"`{s}`" for s in supersedes))
    lines = [f"#### {_one_line(str(doc['title']))}", "", "_" + " · ".join(meta) + "_", "",
             _escape_markers(str(doc["body"]).strip("\n")), ""]
    code = doc.get("code")
    if isinstance(code, str) and code.strip():
        fence = _fence(code)
        lines += [f"{fence}python", _escape_markers(code.rstrip("\n")), fence, ""]
    return lines


def update_section(existing: str, section: str, *, path: str) -> str:
    """``existing`` with guardian's marked section replaced by ``section``.

    Without markers, the section is appended after a blank line; the rest of the file is kept
    byte for byte. InputError (naming the lines) when the markers are unbalanced.
    """
    lines = existing.splitlines(keepends=True)
    begins = [i for i, line in enumerate(lines) if line.strip() == BEGIN]
    ends = [i for i, line in enumerate(lines) if line.strip() == END]
    if not begins and not ends:
        if not existing:
            return section
        sep = "" if existing.endswith("\n") else "\n"
        return existing + sep + "\n" + section
    if len(begins) != 1 or len(ends) != 1 or ends[0] < begins[0]:
        where = ", ".join(f"line {i + 1}: {lines[i].strip()}" for i in sorted(begins + ends))
        raise InputError(f"{path}: guardian's section markers are unbalanced ({where}); expected "
                         f"exactly one '{BEGIN}' followed by one '{END}'. Fix or remove them "
                         f"by hand, then run the export again")
    before, after = lines[: begins[0]], lines[ends[0] + 1:]
    return "".join(before) + section + "".join(after)


def managed_lines(text: str) -> list[tuple[int, int]]:
    """The 1-based, inclusive line ranges of guardian's marked sections in ``text``.

    ``kb import`` skips lessons read from there: they are guardian's own export, and
    importing them again would duplicate every lesson under new ids.
    """
    ranges = []
    start = None
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip() == BEGIN and start is None:
            start = number
        elif line.strip() == END and start is not None:
            ranges.append((start, number))
            start = None
    return ranges
