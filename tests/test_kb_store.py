"""The KB stores: directory layout, apply and compare-and-swap, wrappers, crash recovery, import,
export."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guardian.errors import ConflictError, InputError, KBError, LedgerError
from guardian.kb import directory as directory_module
from guardian.kb.canonical import lesson_file_bytes
from guardian.kb.change import Change
from guardian.kb.directory import DirectoryKnowledgeBase
from guardian.kb.export import (
    BEGIN,
    END,
    managed_lines,
    render,
    render_section,
    update_section,
)
from guardian.kb.importer import import_lessons
from guardian.kb.ledger import LedgerKey
from guardian.kb.store import KnowledgeBase, MemoryKnowledgeBase, ReadOnlyKnowledgeBase
from guardian.policy.base import CheckContext
from guardian.records import Finding, Lesson, Source


def lesson(lesson_id: str, **extra: Any) -> Lesson:
    doc = {"id": lesson_id, "kind": "guidance", "title": f"Title {lesson_id}",
           "body": f"Body of {lesson_id}.", **extra}
    return Lesson(lesson_id, doc.get("kind", "guidance"), doc["title"], doc["body"], doc,
                  Source(f"src/{lesson_id}.json", "json"))


@pytest.fixture
def kb(tmp_path: Path) -> DirectoryKnowledgeBase:
    store = DirectoryKnowledgeBase(tmp_path / "knowledge")
    store.initialise()
    return store


def files(store: DirectoryKnowledgeBase) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(store.lessons_dir.iterdir())}


class TestDirectoryStore:
    def test_initialise_creates_empty_verified_kb(self, kb: DirectoryKnowledgeBase) -> None:
        """A fresh KB has an empty ledger, a head checkpoint, no lessons, and verifies."""
        assert kb.ledger_path.read_bytes() == b""
        assert kb.head_path.is_file()
        assert kb.version == 0
        assert kb.verify().status == "ok"

    def test_initialise_is_idempotent(self, kb: DirectoryKnowledgeBase) -> None:
        """A second initialise creates nothing and keeps the ledger."""
        kb.apply(Change.imported(lesson("a")))
        before = kb.ledger_path.read_bytes()
        assert kb.initialise() == []
        assert kb.ledger_path.read_bytes() == before

    def test_apply_writes_ledger_head_and_canonical_lesson_file(
            self, kb: DirectoryKnowledgeBase) -> None:
        """An import appends one line, advances the head, and writes the canonical file."""
        entry = kb.apply(Change.imported(lesson("a")), expected_version=0)
        assert entry.seq == 0
        assert kb.ledger_path.read_bytes() == entry.to_line()
        head = json.loads(kb.head_path.read_text())
        assert (head["entries"], head["hash"], head["materialised"]) == (1, entry.hash, 1)
        assert files(kb) == {"a.json": lesson_file_bytes(lesson("a").to_dict())}

    def test_stale_expected_version_conflicts_and_writes_nothing(
            self, kb: DirectoryKnowledgeBase) -> None:
        """A compare-and-swap against a moved version raises ConflictError, ledger untouched."""
        kb.apply(Change.imported(lesson("a")), expected_version=0)
        before = kb.ledger_path.read_bytes()
        with pytest.raises(ConflictError, match="version 1, not the expected 0"):
            kb.apply(Change.imported(lesson("b")), expected_version=0)
        assert kb.ledger_path.read_bytes() == before

    def test_reject_is_ledger_only(self, kb: DirectoryKnowledgeBase) -> None:
        """A reject adds an entry but neither a version nor a lesson file."""
        kb.apply(Change.reject(lesson("bad"), reasons=["injection"]))
        assert kb.version == 0
        assert files(kb) == {}
        assert [e.action for e in kb.history()] == ["reject"]

    def test_supersedes_and_retire_remove_files(self, kb: DirectoryKnowledgeBase) -> None:
        """Superseded and retired lessons leave both the active set and the folder."""
        kb.apply_all([Change.imported(lesson("a")), Change.imported(lesson("b"))])
        kb.apply(Change.promote(lesson("c", supersedes=["a"])))
        kb.apply(Change.retire("b"))
        assert [x.id for x in kb.lessons()] == ["c"]
        assert list(files(kb)) == ["c.json"]
        assert kb.verify().ok

    def test_rollback_rewrites_the_view(self, kb: DirectoryKnowledgeBase) -> None:
        """Rolling back restores the files of the earlier version as a new version."""
        kb.apply(Change.imported(lesson("a")))
        snapshot = files(kb)
        kb.apply(Change.promote(lesson("b", supersedes=["a"])))
        kb.apply(Change.rollback(1))
        assert files(kb) == snapshot
        assert kb.version == 3
        assert kb.state().digest == kb.state_at(1).digest

    def test_history_of_a_lesson_includes_what_removed_it(
            self, kb: DirectoryKnowledgeBase) -> None:
        """History about an id lists its import and the promotion that superseded it."""
        kb.apply(Change.imported(lesson("a")))
        kb.apply(Change.imported(lesson("x")))
        kb.apply(Change.promote(lesson("b", supersedes=["a"])))
        assert [(e.action, e.lesson_id) for e in kb.history("a")] == [
            ("import", "a"), ("promote", "b")]

    def test_preview_writes_nothing(self, kb: DirectoryKnowledgeBase) -> None:
        """A preview shows the KB after the changes without touching the files."""
        before = kb.ledger_path.read_bytes()
        state = kb.preview([Change.imported(lesson("a"))])
        assert list(state.lessons) == ["a"]
        assert state.version == 1
        assert kb.ledger_path.read_bytes() == before

    def test_lessons_are_records_with_their_file_as_source(
            self, kb: DirectoryKnowledgeBase) -> None:
        """Active lessons come back as Lesson records pointing at their lesson file."""
        kb.apply(Change.imported(lesson("a", scope={"tags": ["py"]})))
        got = kb.get("a")
        assert got is not None and got.source is not None
        assert got.source.path == str(kb.lessons_dir / "a.json")
        assert got.scope == {"tags": ["py"]}
        assert kb.get("missing") is None

    def test_reads_fail_closed_on_a_tampered_ledger(self, kb: DirectoryKnowledgeBase) -> None:
        """A ledger whose chain is broken cannot be read or written through the store."""
        kb.apply_all([Change.imported(lesson("a")), Change.imported(lesson("b"))])
        lines = kb.ledger_path.read_bytes().splitlines(keepends=True)
        kb.ledger_path.write_bytes(lines[1] + lines[0])
        with pytest.raises(LedgerError, match="refusing to read"):
            kb.lessons()
        with pytest.raises(LedgerError, match="refusing to write"):
            kb.apply(Change.imported(lesson("c")))

    def test_keyed_ledger_refuses_writers_without_the_key(self, tmp_path: Path) -> None:
        """Once entries carry MACs, a writer without the key is refused."""
        keyed = DirectoryKnowledgeBase(tmp_path / "k", key=LedgerKey(b"s3cret", "K"))
        keyed.apply(Change.imported(lesson("a")))
        with pytest.raises(LedgerError, match="carry MACs"):
            DirectoryKnowledgeBase(tmp_path / "k").apply(Change.imported(lesson("b")))

    def test_missing_kb_is_a_kb_error_with_the_fix(self, tmp_path: Path) -> None:
        """Reading a KB that does not exist says to run guardian init."""
        with pytest.raises(KBError, match="guardian init"):
            DirectoryKnowledgeBase(tmp_path / "nowhere").lessons()

    def test_first_write_bootstraps_the_directory(self, tmp_path: Path) -> None:
        """Applying to a directory that does not exist yet creates the KB."""
        store = DirectoryKnowledgeBase(tmp_path / "new" / "knowledge")
        store.apply(Change.imported(lesson("a")))
        assert store.verify().ok
        assert (store.kb_dir / ".gitignore").read_text().endswith("/.lock\n")

    def test_unrepresentable_lesson_writes_nothing(self, kb: DirectoryKnowledgeBase) -> None:
        """A lesson holding a value JSON cannot represent is refused before any write."""
        with pytest.raises(KBError, match="canonical JSON"):
            kb.apply(Change.imported(lesson("a", **{"x-when": float("nan")})))
        assert kb.ledger_path.read_bytes() == b""

    def test_open_reads_key_from_configured_variable(self, tmp_path: Path) -> None:
        """KnowledgeBase.open takes the KB folder and the key variable from the config."""
        from guardian.config import Config

        config = Config(root=tmp_path, kb_dir=tmp_path / "kb", cache_dir=tmp_path / "c",
                        ledger_key_env="MY_KEY")
        store = KnowledgeBase.open(config, environ={"MY_KEY": "abc"})
        assert store.kb_dir == tmp_path / "kb"
        assert store.key is not None and store.key.env == "MY_KEY"


class TestWrappers:
    def test_read_only_passes_reads_and_refuses_writes(self, kb: DirectoryKnowledgeBase) -> None:
        """The read-only wrapper shows the same lessons and raises on apply."""
        kb.apply(Change.imported(lesson("a")))
        frozen = ReadOnlyKnowledgeBase(kb)
        assert [x.id for x in frozen.lessons()] == ["a"]
        with pytest.raises(KBError, match="read-only; refusing to record retire"):
            frozen.apply(Change.retire("a"))
        assert kb.version == 1

    def test_memory_copy_is_a_dry_run(self, kb: DirectoryKnowledgeBase) -> None:
        """Writing to an in-memory copy leaves the directory KB untouched."""
        kb.apply(Change.imported(lesson("a")))
        draft = MemoryKnowledgeBase.copy_of(kb)
        draft.apply(Change.retire("a"), expected_version=1)
        assert draft.version == 2 and kb.version == 1
        assert draft.verify().ok

    def test_memory_store_verifies_and_detects_edits(self) -> None:
        """The memory store runs the same verification as the directory store."""
        store = MemoryKnowledgeBase(key=LedgerKey(b"k", "K"))
        store.apply(Change.imported(lesson("a")))
        assert store.verify().ok
        forged = store.entries()[0].to_dict()
        forged["reasons"] = ["forged"]
        from guardian.kb.ledger import Entry, seal

        tampered = MemoryKnowledgeBase([Entry(seal(forged, None))], key=LedgerKey(b"k", "K"))
        assert {p.kind for p in tampered.verify().problems} == {"entry-forged"}


class Crash(Exception):
    """Stands in for the process dying at this point."""


class TestCrashRecovery:
    """Faults injected between the write steps: the result is always explainable, never
    tampering, and the next write or a repair finishes the job."""

    def _crash_on(self, monkeypatch: pytest.MonkeyPatch, name: str, call: int) -> None:
        real = getattr(directory_module, name)
        count = {"n": 0}

        def faulty(*args: Any, **kwargs: Any) -> None:
            count["n"] += 1
            if count["n"] == call:
                raise Crash(f"{name} #{call}")
            real(*args, **kwargs)

        monkeypatch.setattr(directory_module, name, faulty)

    @pytest.mark.parametrize("call", [1, 2, 3, 4, 5])
    def test_crash_during_atomic_writes_is_recoverable(
            self, kb: DirectoryKnowledgeBase, monkeypatch: pytest.MonkeyPatch,
            call: int) -> None:
        """A crash at any atomic write of a batch (announcing head, head, each lesson file,
        final head) reads as recoverable, and the next write completes the view."""
        kb.apply_all([Change.imported(lesson("a")), Change.imported(lesson("b"))])
        self._crash_on(monkeypatch, "atomic_write", call)
        with pytest.raises(Crash):
            kb.apply_all([Change.promote(lesson("c", supersedes=["a", "b"])),
                          Change.imported(lesson("d"))])
        monkeypatch.undo()
        report = kb.verify()
        # before the append nothing happened; after the last file everything is in place
        assert report.status == ("ok" if call in (1, 5) else "recoverable"), report.problems
        kb.apply(Change.imported(lesson("e")))  # the next writer finishes the job
        assert kb.verify().ok, kb.verify().problems
        expected = {"a", "b", "e"} if call == 1 else {"c", "d", "e"}
        assert {x.id for x in kb.lessons()} == expected
        assert {p.name for p in kb.lessons_dir.iterdir()} == {f"{i}.json" for i in expected}

    def test_torn_append_is_recoverable_and_repaired(
            self, kb: DirectoryKnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
        """Half an entry on disk is a torn tail: recoverable, dropped by repair."""
        kb.apply(Change.imported(lesson("a")))

        def torn(path: Path, data: bytes) -> None:
            with open(path, "ab") as fh:
                fh.write(data[: len(data) // 2])
            raise Crash("append")

        monkeypatch.setattr(directory_module, "append_durably", torn)
        with pytest.raises(Crash):
            kb.apply(Change.imported(lesson("b")))
        monkeypatch.undo()
        report = kb.verify()
        assert report.status == "recoverable"
        assert {p.kind for p in report.problems} == {"torn-tail"}
        repaired = kb.repair()
        assert repaired.after.ok
        assert any("torn" in action for action in repaired.actions)
        assert [x.id for x in kb.lessons()] == ["a"]

    def test_crash_inside_a_batch_append_is_not_taken_for_insertion(
            self, kb: DirectoryKnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
        """Several complete entries beyond the head after a crashed batch are recoverable."""

        def partial(path: Path, data: bytes) -> None:
            lines = data.splitlines(keepends=True)
            with open(path, "ab") as fh:
                fh.write(b"".join(lines[:2]) + lines[2][:10])
            raise Crash("append")

        monkeypatch.setattr(directory_module, "append_durably", partial)
        with pytest.raises(Crash):
            kb.apply_all([Change.imported(lesson(i)) for i in "abcd"])
        monkeypatch.undo()
        assert kb.verify().status == "recoverable"
        assert kb.repair().after.ok
        assert [x.id for x in kb.lessons()] == ["a", "b"]

    def test_crash_in_the_first_write_of_a_new_kb_is_recoverable(
            self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """A KB bootstrapped by its first write has a head before the append, so a crash
        right after the append is not mistaken for a missing checkpoint."""
        store = DirectoryKnowledgeBase(tmp_path / "knowledge")
        self._crash_on(monkeypatch, "atomic_write", 3)  # .gitignore, head, then the next head
        with pytest.raises(Crash):
            store.apply(Change.imported(lesson("a")))
        monkeypatch.undo()
        assert [p.kind for p in store.verify().problems] == ["head-lags", "view-lags"]
        assert store.repair().after.ok

    def test_repair_restores_edited_and_deleted_lesson_files(
            self, kb: DirectoryKnowledgeBase) -> None:
        """Repair rebuilds the view from the ledger: edits undone, extras removed."""
        kb.apply_all([Change.imported(lesson("a")), Change.imported(lesson("b"))])
        expected = files(kb)
        (kb.lessons_dir / "a.json").write_text("{}")
        (kb.lessons_dir / "b.json").unlink()
        (kb.lessons_dir / "evil.json").write_text("{}")
        (kb.lessons_dir / ".a.json.0123.tmp").write_text("half")
        report = kb.repair()
        assert report.before.status == "tampered"
        assert report.after.ok
        assert files(kb) == expected

    def test_repair_refuses_a_broken_chain(self, kb: DirectoryKnowledgeBase) -> None:
        """Repair does not touch a ledger that shows tampering."""
        kb.apply_all([Change.imported(lesson("a")), Change.imported(lesson("b"))])
        data = kb.ledger_path.read_bytes()
        kb.ledger_path.write_bytes(data.replace(b"Body of a", b"Body of A"))
        with pytest.raises(LedgerError, match="refusing to repair"):
            kb.repair()
        assert kb.ledger_path.read_bytes() == data.replace(b"Body of a", b"Body of A")

    def test_missing_head_needs_explicit_consent(self, kb: DirectoryKnowledgeBase) -> None:
        """A missing head is tampering until a human vouches for the ledger."""
        kb.apply(Change.imported(lesson("a")))
        kb.head_path.unlink()
        with pytest.raises(LedgerError, match="head-missing"):
            kb.repair()
        assert kb.repair(rewrite_head=True).after.ok


class FakePolicy:
    """Blocks lessons whose body mentions EVIL; warns on 'long'."""

    def __init__(self, on_check: Any = None) -> None:
        self.on_check = on_check
        self.contexts: list[CheckContext] = []

    def check(self, item: Lesson, ctx: CheckContext | None = None) -> list[Finding]:
        if self.on_check is not None:
            self.on_check()
            self.on_check = None
        if ctx is not None:
            self.contexts.append(ctx)
        out = []
        if "EVIL" in item.body:
            out.append(Finding("injection", "block", "instruction override", "/body"))
        if "long" in item.body:
            out.append(Finding("size-budget", "warn", "long lesson", "/body"))
        return out

    def describe(self) -> dict[str, Any]:
        return {"packs": [{"name": "fake", "sha256": "0" * 64}], "rules": ["fake()"]}


class TestImport:
    def test_clean_imported_blocked_rejected(self, kb: DirectoryKnowledgeBase) -> None:
        """Clean lessons become active; blocked ones are ledgered as rejects and stay out."""
        report = import_lessons(kb, [lesson("good", body="long text"),
                                     lesson("bad", body="EVIL")], FakePolicy())
        assert [(o.lesson_id, o.status) for o in report.outcomes] == [
            ("good", "imported"), ("bad", "refused")]
        assert not report.ok
        assert [x.id for x in kb.lessons()] == ["good"]
        entries = kb.history()
        assert [(e.action, e.lesson_id) for e in entries] == [("import", "good"),
                                                              ("reject", "bad")]
        assert entries[0].findings[0]["rule"] == "size-budget"
        assert entries[1].reasons == ("injection: instruction override",)
        assert entries[1].data["policy"]["rules"] == ["fake()"]
        assert [o.seq for o in report.outcomes] == [0, 1]

    def test_reimport_of_identical_lessons_changes_nothing(
            self, kb: DirectoryKnowledgeBase) -> None:
        """Importing the same lesson twice leaves it unchanged and adds no entry."""
        import_lessons(kb, [lesson("a")], FakePolicy())
        report = import_lessons(kb, [lesson("a")], FakePolicy())
        assert [o.status for o in report.outcomes] == ["unchanged"]
        assert len(kb.history()) == 1

    def test_duplicate_ids_in_one_import_are_refused(self, kb: DirectoryKnowledgeBase) -> None:
        """The second lesson with an id already in the batch is refused, naming the first."""
        report = import_lessons(kb, [lesson("a"), lesson("a", body="other")], FakePolicy())
        assert report.outcomes[1].status == "refused"
        assert "src/a.json:1" in report.outcomes[1].message

    def test_policy_sees_active_kb_and_batch(self, kb: DirectoryKnowledgeBase) -> None:
        """The policy context holds the active lessons and the whole import batch."""
        kb.apply(Change.imported(lesson("old")))
        policy = FakePolicy()
        batch = [lesson("n1"), lesson("n2")]
        import_lessons(kb, batch, policy)
        ctx = policy.contexts[0]
        assert [x.id for x in ctx.kb] == ["old"]
        assert list(ctx.batch) == batch

    def test_concurrent_change_during_import_is_retried(
            self, kb: DirectoryKnowledgeBase) -> None:
        """A write landing between the check and the apply makes import re-check and retry."""
        other = DirectoryKnowledgeBase(kb.kb_dir)
        policy = FakePolicy(on_check=lambda: other.apply(Change.imported(lesson("z"))))
        report = import_lessons(kb, [lesson("a")], policy)
        assert report.ok
        assert [x.id for x in kb.lessons()] == ["a", "z"]
        assert len(policy.contexts) == 2  # checked again against the new KB


class TestExport:
    def _state(self) -> Any:
        store = MemoryKnowledgeBase()
        store.apply_all([
            Change.imported(lesson("b-guide", body="Use pathlib.\n" + END + "\nnot a marker")),
            Change.imported(lesson("a-skill", kind="skill", code="x = '```'\nprint(x)\n",
                                   scope={"tags": ["io"]})),
        ])
        return store.state()

    @pytest.mark.parametrize("fmt", ["agents-md", "claude-md", "cursor-mdc", "json"])
    def test_rendering_is_deterministic(self, fmt: Any) -> None:
        """The same KB renders to the same text every time."""
        assert render(self._state(), fmt) == render(self._state(), fmt)

    def test_markdown_groups_by_kind_and_fences_code_safely(self) -> None:
        """Guidance comes before skills; a code block's fence is longer than its backticks."""
        text = render(self._state(), "agents-md")
        assert text.index("### Guidance") < text.index("### Skills")
        assert "````python\nx = '```'" in text
        assert text.startswith(BEGIN) and text.endswith(END + "\n")

    def test_marker_lines_inside_lessons_are_neutralised(self) -> None:
        """A lesson line that looks like guardian's end marker cannot end the section."""
        section = render_section(self._state())
        assert [line for line in section.splitlines() if line.strip() == END] == [END]

    def test_json_export_lists_documents_with_version_and_digest(self) -> None:
        """The JSON export holds the lesson documents, sorted, with version and digest."""
        doc = json.loads(render(self._state(), "json"))
        assert [x["id"] for x in doc["lessons"]] == ["a-skill", "b-guide"]
        assert doc["kb_version"] == 2

    def test_cursor_rule_has_front_matter(self) -> None:
        """The .mdc export starts with Cursor's front matter and applies always."""
        assert render(self._state(), "cursor-mdc").startswith("---\ndescription:")

    @given(st.text(alphabet=st.characters(blacklist_characters="\r\x0b\x0c\x1c\x1d\x1e\x85"
                                          "\u2028\u2029"), max_size=300))
    def test_update_keeps_the_human_text(self, human: str) -> None:
        """Updating twice gives the same file, and the human-written text survives intact."""
        section = render_section(self._state())
        if BEGIN in human or END in human:
            return
        once = update_section(human, section, path="AGENTS.md")
        assert once.startswith(human)
        assert update_section(once, section, path="AGENTS.md") == once
        replaced = update_section(once, "<!-- guardian:begin -->\nnew\n<!-- guardian:end -->\n",
                                  path="AGENTS.md")
        assert replaced.startswith(human) and "new" in replaced

    def test_section_in_the_middle_is_replaced_in_place(self) -> None:
        """Text before and after the markers is kept byte for byte."""
        text = f"# Mine\r\nintro\n{BEGIN}\nold\n{END}\n## After\ntail"
        updated = update_section(text, f"{BEGIN}\nnew\n{END}\n", path="AGENTS.md")
        assert updated == f"# Mine\r\nintro\n{BEGIN}\nnew\n{END}\n## After\ntail"

    def test_managed_lines_span_each_marked_section(self) -> None:
        """The marked sections' line ranges are found, markers included."""
        text = f"a\n{BEGIN}\nb\n{END}\nc\n  {BEGIN}\n{END}\n"
        assert managed_lines(text) == [(2, 4), (6, 7)]
        assert managed_lines("no markers\n") == []

    @pytest.mark.parametrize("text", [f"{BEGIN}\n", f"{END}\n{BEGIN}\n",
                                      f"{BEGIN}\n{END}\n{BEGIN}\n{END}\n"])
    def test_unbalanced_markers_are_an_input_error(self, text: str) -> None:
        """Missing, reversed or doubled markers are refused, naming the lines."""
        with pytest.raises(InputError, match="AGENTS.md: guardian's section markers.*line 1"):
            update_section(text, "x", path="AGENTS.md")
