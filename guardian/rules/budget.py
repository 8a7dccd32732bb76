"""Bookkeeping rules: token budget, duplicates, id collisions, and evidence for agent lessons.

Each rule that compares a lesson with the knowledge base builds its index once per run in
``ctx.memo[rule.id]`` (from ``ctx.kb`` and ``ctx.batch``), so checking n lessons against a KB of
m lessons costs O(n + m) plus the few candidate pairs that really are similar.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any, ClassVar

from guardian.policy.base import BaseRule, CheckContext
from guardian.records import Finding, Lesson
from guardian.text import iter_strings, normalize

# ---------------------------------------------------------------------------------------------
# Token estimate


def estimate_tokens(text: str) -> int:
    """Tokens ``text`` costs in a prompt, estimated without a tokenizer.

    BPE tokenizers spend about one token per four characters of English or code, and about
    one token per character of other scripts (CJK, emoji and accented letters are split into
    byte pieces). So: ``ceil(ascii_characters / 4) + other_characters``. It is cheap (two C-level
    passes), stable across versions, and monotone: appending text never lowers the estimate.
    """
    if not text:
        return 0
    ascii_count = len(text.encode("ascii", "ignore"))
    return -(-ascii_count // 4) + (len(text) - ascii_count)


def lesson_tokens(lesson: Lesson) -> int:
    """What ``lesson`` adds to every prompt: its title, body and code."""
    return estimate_tokens(lesson.title) + estimate_tokens(lesson.body) + estimate_tokens(
        lesson.code or "")


def _positive_int(rule: BaseRule, option: str) -> int:
    value = rule.options[option]
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"option {option} must be a positive integer, got {value!r}")
    return value


@dataclass(frozen=True, slots=True)
class _KBSize:
    total: int
    by_id: Mapping[str, int]


class SizeBudgetRule(BaseRule):
    """Blocks lessons too large for every prompt, and lessons that push the KB over budget."""

    name: ClassVar[str] = "size-budget"
    defaults: ClassVar[dict[str, Any]] = {
        "max_lesson_tokens": 1500, "warn_lesson_tokens": 600, "max_kb_tokens": 20000,
        "max_lessons": 500, "max_field_tokens": 1500, "warn_field_tokens": 750,
    }

    def configure(self) -> None:
        self.max_lesson = _positive_int(self, "max_lesson_tokens")
        self.warn_lesson = _positive_int(self, "warn_lesson_tokens")
        self.max_kb = _positive_int(self, "max_kb_tokens")
        self.max_lessons = _positive_int(self, "max_lessons")
        self.max_field = _positive_int(self, "max_field_tokens")
        self.warn_field = _positive_int(self, "warn_field_tokens")

    def _kb_size(self, ctx: CheckContext) -> _KBSize:
        cached = ctx.memo.get(self.id)
        if isinstance(cached, _KBSize):
            return cached
        by_id: Counter[str] = Counter()
        for lesson in ctx.kb:
            by_id[lesson.id] += lesson_tokens(lesson)
        size = _KBSize(sum(by_id.values()), dict(by_id))
        ctx.memo[self.id] = size
        return size

    def check(self, lesson: Lesson, ctx: CheckContext) -> Iterator[Finding]:
        """Per-lesson and whole-KB token budgets, and the number of active lessons."""
        tokens = lesson_tokens(lesson)
        parts = (f"title {estimate_tokens(lesson.title)} + body {estimate_tokens(lesson.body)}"
                 + (f" + code {estimate_tokens(lesson.code)}" if lesson.code else ""))
        if tokens > self.max_lesson:
            yield self.finding(
                "", f"lesson costs about {tokens} tokens ({parts}; ≈4 characters per token), "
                f"over the limit of {self.max_lesson}: it would be paid for in every prompt "
                "and crowd out other lessons. Fix: keep the rule and one short example, and "
                "split the rest into focused lessons.")
        elif tokens > self.warn_lesson:
            yield self.finding(
                "", f"lesson costs about {tokens} tokens ({parts}), more than the "
                f"{self.warn_lesson} a lesson should: every prompt pays for it. Fix: shorten it "
                "to the rule and one example.", severity="warn")
        yield from self._other_fields(lesson)
        kb = self._kb_size(ctx)
        replaced = sorted({lesson.id, *lesson.supersedes} & kb.by_id.keys())
        freed = sum(kb.by_id[i] for i in replaced)
        after = kb.total - freed + tokens
        if after > self.max_kb:
            detail = f"active KB {kb.total}" + (f" - replaced {freed}" if freed else "") + \
                f" + this lesson {tokens}"
            yield self.finding(
                "", f"with this lesson the knowledge base would cost about {after} tokens "
                f"({detail}), over the budget of {self.max_kb}: every prompt carries the whole "
                "KB. Fix: retire or merge lessons, or supersede the ones this lesson replaces.")
        count = len(kb.by_id) - len(replaced) + 1
        if count > self.max_lessons:
            yield self.finding(
                "", f"with this lesson the knowledge base would hold {count} active lessons, "
                f"over the limit of {self.max_lessons}. Fix: retire or merge lessons first, or "
                "supersede the ones this lesson replaces.")


    def _other_fields(self, lesson: Lesson) -> Iterator[Finding]:
        """Evidence, provenance and extension fields: stored in the KB and ledger, shown on review.

        They are not in every prompt, so the limit is generous; a counterexample or traceback of
        thousands of tokens is padding that buries what a reviewer must read (or hides a payload).
        """
        worst: tuple[int, str] | None = None
        for pointer, text, _is_key in iter_strings(lesson.data):
            if len(text) <= self.warn_field or pointer in _PROMPT_FIELDS:
                continue  # a token costs at least one character
            tokens = estimate_tokens(text)
            if tokens > self.warn_field and (worst is None or tokens > worst[0]):
                worst = (tokens, pointer)
        if worst is None:
            return
        tokens, pointer = worst
        over = tokens > self.max_field
        limit = self.max_field if over else self.warn_field
        yield self.finding(
            pointer, f"{pointer.lstrip('/')} holds about {tokens} tokens, over the "
            f"{'limit' if over else 'warning threshold'} of {limit} for a field outside "
            "title/body/code: evidence and metadata are stored in the knowledge base and the "
            "ledger and shown to every reviewer. Fix: keep the minimal failing input and the "
            "last lines of the traceback.", severity="block" if over else "warn")


_PROMPT_FIELDS = frozenset(("/title", "/body", "/code"))


# ---------------------------------------------------------------------------------------------
# Duplicates


_WORD = re.compile(r"\w+")


def _norm(text: str | None) -> str:
    """Case-folded NFKC text without invisible characters (ASCII takes the fast path)."""
    if not text:
        return ""
    return text.lower() if text.isascii() else normalize(text).casefold()


def shingles(text: str, size: int = 3) -> frozenset[int]:
    """Hashes of the word ``size``-shingles of ``text`` (the whole word list if it is shorter).

    Shingles are kept as 64-bit hashes: a collision between two different shingles is far
    less likely than a tokenizer disagreement, and integer sets are several times faster.
    """
    words = _WORD.findall(text)
    if len(words) < size:
        return frozenset({hash(tuple(words))}) if words else frozenset()
    return frozenset(map(hash, zip(*(words[i:] for i in range(size)), strict=False)))


def jaccard(a: frozenset[Any], b: frozenset[Any]) -> float:
    """|a ∩ b| / |a ∪ b| (1.0 for two empty sets)."""
    if not a and not b:
        return 1.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


@dataclass(slots=True)
class _Entry:
    """One lesson of the KB or the batch, as the duplicate index sees it."""

    lesson_id: str
    origin: str  # "kb" or "batch"
    position: int  # order in the batch; -1 for KB lessons
    path: str
    exact: str
    shingles: frozenset[int]
    memory_file: str | None = None  # set for sections of an agent memory file
    prefix: list[int] = field(default_factory=list)


@dataclass(slots=True)
class _DupIndex:
    """Exact-content map and a prefix-filtered inverted index over shingles.

    Prefix filter (from set-similarity joins): order every set by one global order. Two sets
    whose Jaccard similarity is at least t then share a token among the first
    ``|x| - ceil(t·|x|) + 1`` of each, so only those prefixes are indexed and a lesson is
    compared only with lessons whose prefix meets its own: no pair at or above the threshold
    is missed. The order puts common tokens last, so that boilerplate shared by many lessons
    stays out of the prefixes: tokens of two or more lessons are "common", ordered by (count,
    value); tokens of one lesson come first, by value.
    """

    threshold: float
    size: int
    entries: list[_Entry] = field(default_factory=list)
    exact: dict[str, list[int]] = field(default_factory=dict)
    prefix: dict[int, list[int]] = field(default_factory=dict)
    common: dict[int, int] = field(default_factory=dict)
    common_keys: frozenset[int] = frozenset()
    by_object: dict[int, int] = field(default_factory=dict)
    indexed: bool = False

    def prefix_of(self, tokens: frozenset[int]) -> list[int]:
        """The first ``|x| - ceil(t·|x|) + 1`` tokens of ``tokens`` in the global order."""
        if not tokens:
            return []
        keep = len(tokens) - math.ceil(self.threshold * len(tokens) - 1e-9) + 1
        rare = sorted(tokens - self.common_keys)
        if len(rare) >= keep:
            return rare[:keep]
        common = sorted(sorted(tokens & self.common_keys), key=self.common.__getitem__)
        return (rare + common)[:keep]


def _features(lesson: Lesson, size: int) -> tuple[str, frozenset[int]]:
    """The exact-duplicate key (normalised, whitespace collapsed) and the shingle set."""
    title, body, code = _norm(lesson.title), _norm(lesson.body), _norm(lesson.code)
    exact = "\x00".join((" ".join(title.split()), " ".join(body.split()),
                         " ".join(code.split())))
    return exact, shingles(f"{title}\n{body}\n{code}", size)


#: Below this many (checked lesson, indexed lesson) pairs, comparing every pair is cheaper
#: than building the prefix index (e.g. one lesson checked against a 1,000-lesson KB).
_BRUTE_FORCE_PAIRS = 20_000


def _memory_file(lesson: Lesson) -> str | None:
    """The file name a memory-file section (or a lesson imported from one) came from."""
    if lesson.source is not None and lesson.source.format == "memory":
        return PurePath(lesson.source.path).name
    origin = lesson.provenance.get("file")
    return PurePath(origin).name if isinstance(origin, str) and origin else None


def _build_index(ctx: CheckContext, threshold: float, size: int,
                 brute_force_pairs: int = _BRUTE_FORCE_PAIRS) -> _DupIndex:
    index = _DupIndex(threshold, size)
    sources = [("kb", -1, lesson) for lesson in ctx.kb]
    sources += [("batch", i, lesson) for i, lesson in enumerate(ctx.batch)]
    for origin, position, lesson in sources:
        exact, tokens = _features(lesson, size)
        n = len(index.entries)
        index.entries.append(_Entry(lesson.id, origin, position, lesson.display_path, exact,
                                    tokens, _memory_file(lesson)))
        index.exact.setdefault(exact, []).append(n)
        if origin == "batch":
            index.by_object[id(lesson)] = n
    if len(ctx.batch) * len(index.entries) <= brute_force_pairs:
        return index  # no prefix index: every entry is a candidate
    index.indexed = True
    counts: Counter[int] = Counter()
    for entry in index.entries:
        counts.update(entry.shingles)
    index.common = {token: count for token, count in counts.items() if count > 1}
    index.common_keys = frozenset(index.common)
    postings = index.prefix
    for n, entry in enumerate(index.entries):
        entry.prefix = index.prefix_of(entry.shingles)
        for token in entry.prefix:
            postings.setdefault(token, []).append(n)
    return index


def _where(entry: _Entry) -> str:
    return f"active lesson {entry.lesson_id!r} ({entry.path})" if entry.origin == "kb" else \
        f"lesson {entry.lesson_id!r} checked earlier in this run ({entry.path})"


class DuplicateRule(BaseRule):
    """Blocks exact duplicates of other lessons; warns on near-duplicates (word shingles)."""

    name: ClassVar[str] = "duplicates"
    defaults: ClassVar[dict[str, Any]] = {"near_threshold": 0.8, "shingle_size": 3}
    #: below this many pairs every pair is compared; above it the prefix index is built
    brute_force_pairs: int = _BRUTE_FORCE_PAIRS

    def configure(self) -> None:
        threshold = self.options["near_threshold"]
        if isinstance(threshold, bool) or not isinstance(threshold, int | float) or not (
                0 < threshold <= 1):
            raise ValueError(f"option near_threshold must be a number in (0, 1], got "
                             f"{threshold!r}")
        self.threshold = float(threshold)
        self.size = _positive_int(self, "shingle_size")

    def index(self, ctx: CheckContext) -> _DupIndex:
        """The run's duplicate index, built on first use."""
        cached = ctx.memo.get(self.id)
        if isinstance(cached, _DupIndex):
            return cached
        built = _build_index(ctx, self.threshold, self.size, self.brute_force_pairs)
        ctx.memo[self.id] = built
        return built

    def check(self, lesson: Lesson, ctx: CheckContext) -> Iterator[Finding]:
        """Exact and near duplicates of active lessons and of earlier lessons in the run."""
        index = self.index(ctx)
        entries = index.entries
        own = index.by_object.get(id(lesson))
        if own is not None:
            exact, tokens, prefix = entries[own].exact, entries[own].shingles, entries[own].prefix
            before = entries[own].position  # only earlier lessons of the batch are compared
        else:
            exact, tokens = _features(lesson, self.size)
            prefix = index.prefix_of(tokens) if index.indexed else []
            before = len(entries)
        skip = {lesson.id, *lesson.supersedes}
        # Sections of a memory file have ids derived from their line, which move whenever
        # the file is edited: never compare them with the KB's copy of the same file, and
        # let repetition inside memory files warn rather than block.
        memory = _memory_file(lesson) if lesson.source is not None and \
            lesson.source.format == "memory" else None

        def comparable(entry: _Entry) -> bool:
            if entry.lesson_id in skip or (memory is not None and entry.origin == "kb"
                                           and entry.memory_file == memory):
                return False
            return entry.origin == "kb" or entry.position < before

        twins = [entries[n] for n in index.exact.get(exact, ())
                 if n != own and comparable(entries[n])]
        if twins:
            others = ", ".join(_where(e) for e in twins[:3])
            more = f" and {len(twins) - 3} more" if len(twins) > 3 else ""
            yield self.finding(
                "", f"exact duplicate of {others}{more} (same title, body and code after "
                "normalisation): a second copy costs tokens in every prompt and lets the two "
                f"drift apart. Fix: drop this lesson, or to replace {twins[0].lesson_id!r} give "
                f"this one `supersedes: [{twins[0].lesson_id}]`.",
                severity="warn" if memory is not None else None)
            return
        candidates: set[int] | range
        if not tokens:
            candidates = range(0)  # a lesson without words is nobody's near-duplicate
        elif index.indexed:
            candidates = set()
            postings = index.prefix
            for token in prefix:
                found = postings.get(token)
                if found is not None:
                    candidates.update(found)
            candidates.discard(-1 if own is None else own)
        else:
            candidates = range(len(entries))
        n_tokens = len(tokens)
        low, high = self.threshold * n_tokens, n_tokens / self.threshold
        best: tuple[float, _Entry] | None = None
        for n in candidates:
            entry = entries[n]
            other = len(entry.shingles)
            if other < low or other > high or n == own or not comparable(entry) or \
                    entry.exact == exact:
                continue
            similarity = jaccard(tokens, entry.shingles)
            if similarity >= self.threshold and (best is None or similarity > best[0] or (
                    similarity == best[0] and entry.lesson_id < best[1].lesson_id)):
                best = (similarity, entry)
        if best is not None:
            similarity, entry = best
            yield self.finding(
                "", f"near-duplicate of {_where(entry)}: {similarity:.0%} of their word "
                f"{self.size}-shingles are shared (threshold {self.threshold:.0%}). Fix: merge "
                f"the two, or to replace {entry.lesson_id!r} give this lesson "
                f"`supersedes: [{entry.lesson_id}]`.", severity="warn")


# ---------------------------------------------------------------------------------------------
# Id collisions


def _content(lesson: Lesson) -> dict[str, Any]:
    """The lesson document without where-it-came-from fields, for "is it the same lesson"."""
    return {k: v for k, v in lesson.data.items() if k not in ("provenance", "$schema")}


@dataclass(frozen=True, slots=True)
class _IdIndex:
    kb: Mapping[str, Sequence[Lesson]]
    batch: Mapping[str, Sequence[tuple[int, Lesson]]]
    position: Mapping[int, int]


class IdCollisionRule(BaseRule):
    """Blocks a lesson that reuses an active or batch lesson's id, or supersedes itself."""

    name: ClassVar[str] = "id-collision"
    defaults: ClassVar[dict[str, Any]] = {}

    def _index(self, ctx: CheckContext) -> _IdIndex:
        cached = ctx.memo.get(self.id)
        if isinstance(cached, _IdIndex):
            return cached
        kb: dict[str, list[Lesson]] = {}
        for lesson in ctx.kb:
            kb.setdefault(lesson.id, []).append(lesson)
        batch: dict[str, list[tuple[int, Lesson]]] = {}
        position: dict[int, int] = {}
        for i, lesson in enumerate(ctx.batch):
            batch.setdefault(lesson.id, []).append((i, lesson))
            position[id(lesson)] = i
        built = _IdIndex(kb, batch, position)
        ctx.memo[self.id] = built
        return built

    def check(self, lesson: Lesson, ctx: CheckContext) -> Iterator[Finding]:
        """Self-supersession, reuse of an active id, and two lessons of a run sharing an id."""
        index = self._index(ctx)
        lid = lesson.id
        if lesson.source is not None and lesson.source.format == "memory":
            return  # ids of memory-file sections are derived from file and line, not chosen
        if lid in lesson.supersedes:
            at = lesson.supersedes.index(lid)
            yield self.finding(
                f"/supersedes/{at}", f"supersedes lists the lesson's own id {lid!r}: a lesson "
                "cannot replace itself, and the gate could not tell the old version from the new. "
                f"Fix: give the new lesson another id and `supersedes: [{lid}]`.")
        else:
            content = _content(lesson)
            for active in index.kb.get(lid, ()):
                if active is lesson or _content(active) == content:
                    continue
                yield self.finding(
                    "/id", f"id {lid!r} is already used by an active lesson "
                    f"({active.display_path}) with different content: promoting this would "
                    f"silently overwrite it, with no record of what changed. Fix: to update "
                    f"lesson {lid!r}, give the new lesson another id and `supersedes: [{lid}]`.")
                break
        mine = index.position.get(id(lesson))
        same = index.batch.get(lid, ())
        if mine is not None and same and same[0][0] != mine:
            first = same[0][1]
            if _content(first) == _content(lesson):
                yield self.finding(
                    "/id", f"the same lesson {lid!r} appears twice in this run (first in "
                    f"{first.display_path}). Fix: remove the copy.", severity="warn")
            else:
                yield self.finding(
                    "/id", f"id {lid!r} is also used by another lesson in this run "
                    f"({first.display_path}) with different content: one would overwrite the "
                    "other. Fix: give one of them another id (and `supersedes` if it replaces "
                    "the other).")
        if ctx.kb:
            unknown = [i for i in dict.fromkeys(lesson.supersedes)
                       if i != lid and i not in index.kb]
            if unknown:
                yield self.finding(
                    "/supersedes", f"supersedes {', '.join(map(repr, unknown))}, which "
                    f"{'is' if len(unknown) == 1 else 'are'} not active lessons: nothing would "
                    "be replaced. Fix: name the id of the active lesson this one updates.",
                    severity="warn")


# ---------------------------------------------------------------------------------------------
# Evidence


_PLACEHOLDERS = frozenset({"", "n/a", "na", "none", "null", "nil", "unknown", "todo", "tbd",
                           "-", "--", "?", "??", "...", "…", "xxx", "placeholder", "undefined"})


def _blank(value: Any) -> bool:
    return not isinstance(value, str) or _norm(value).strip(" .") in _PLACEHOLDERS or \
        not _norm(value).strip(" .")


def agent_written(lesson: Lesson) -> bool:
    """True when an agent wrote the lesson: ``provenance.source`` is ``agent``, or no source is
    given but an agent or model is named (a human has no model)."""
    provenance = lesson.provenance
    source = provenance.get("source")
    if source is not None:
        return bool(source == "agent")
    return bool(provenance.get("agent") or provenance.get("model"))


class EvidenceRule(BaseRule):
    """Blocks agent-authored lessons that do not name the failures they fix."""

    name: ClassVar[str] = "evidence-required"
    defaults: ClassVar[dict[str, Any]] = {}

    def check(self, lesson: Lesson, ctx: CheckContext) -> Iterator[Finding]:
        """Evidence present and not blank for agent lessons; patches name their task."""
        if not agent_written(lesson):
            return
        evidence = lesson.evidence
        if not evidence:
            yield self.finding(
                "/evidence" if "evidence" in lesson.data else "",
                "agent-authored lesson has no evidence: without the failures it fixes, the gate "
                "cannot check that it helps, and an agent can add anything. Fix: add `evidence: "
                "[{suite: ..., task_id: ..., case_id: ...}]` naming the failing cases.")
        else:
            empty = [i for i, entry in enumerate(evidence)
                     if all(_blank(v) for v in entry.values())]
            if len(empty) == len(evidence):
                yield self.finding(
                    "/evidence", f"every evidence entry of this agent-authored lesson is blank "
                    f"or a placeholder ({len(empty)} entr{'y' if len(empty) == 1 else 'ies'}): "
                    "it names no real failure to check. Fix: give each entry the suite, "
                    "task_id and case_id of a failure the lesson fixes.")
            else:
                for i, entry in enumerate(evidence):
                    if i in empty:
                        yield self.finding(
                            f"/evidence/{i}", f"evidence entry {i} is blank or a placeholder. "
                            "Fix: fill in suite, task_id and case_id, or remove it.",
                            severity="warn")
                    else:
                        for key in ("suite", "task_id"):
                            if _blank(entry.get(key)):
                                yield self.finding(
                                    f"/evidence/{i}/{key}", f"evidence entry {i} has a blank "
                                    f"{key}. Fix: name the real {key}.", severity="warn")
        if lesson.kind == "patch":
            tasks = [e.get("task_id") for e in evidence] + list(lesson.scope.get("tasks") or ())
            if all(_blank(t) for t in tasks):
                yield self.finding(
                    "/scope" if "scope" in lesson.data else "",
                    "agent-authored patch does not name the task it patches (no task_id in "
                    "evidence, no scope.tasks): a patch replaces one task's solution, so the "
                    "gate must know which. Fix: add `scope: {tasks: [<task id>]}` and evidence "
                    "with that task_id.")
