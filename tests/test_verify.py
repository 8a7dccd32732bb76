"""``guardian verify``: every tamper class is named and exits 1; an intact KB exits 0."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guardian.kb.canonical import ledger_line
from guardian.kb.change import Change
from guardian.kb.directory import DirectoryKnowledgeBase
from guardian.kb.ledger import Head, LedgerKey, seal
from guardian.records import Lesson

KEY = "correct horse battery staple"
LESSONS = {
    "use-pathlib": "Prefer pathlib.Path to os.path string juggling when building file paths.",
    "run-tests-first": "Run the project's test suite before proposing a change.",
    "pin-tool-versions": "Pin the versions of linters in CI so results are reproducible.",
    "small-commits": "Keep each commit to one logical change with a message saying why.",
}


def run_cli(*args: str, cwd: Path, key: str | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m guardian ARGS`` in ``cwd``, with the ledger key set only when given."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("GUARDIAN_LEDGER_KEY", "GUARDIAN_LOG_LEVEL")}
    if key is not None:
        env["GUARDIAN_LEDGER_KEY"] = key
    return subprocess.run([sys.executable, "-m", "guardian", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def make_repo(root: Path, key: str | None = None) -> Path:
    """A repository after ``guardian init`` and ``guardian kb import`` of four lessons."""
    root.mkdir(parents=True)
    (root / ".git").mkdir()  # marks the repository root for config discovery
    assert run_cli("init", cwd=root, key=key).returncode == 0
    folder = root / "incoming"
    folder.mkdir()
    for lesson_id, body in LESSONS.items():
        doc = {"id": lesson_id, "kind": "guidance", "title": lesson_id.replace("-", " "),
               "body": body}
        (folder / f"{lesson_id}.json").write_text(json.dumps(doc))
    done = run_cli("kb", "import", "incoming", cwd=root, key=key)
    assert done.returncode == 0, done.stdout + done.stderr
    return root


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_repo(tmp_path_factory.mktemp("pristine") / "repo")


@pytest.fixture(scope="module")
def pristine_keyed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_repo(tmp_path_factory.mktemp("keyed") / "repo", key=KEY)


@pytest.fixture
def repo(pristine: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "repo"
    shutil.copytree(pristine, copy)
    return copy


@pytest.fixture
def keyed_repo(pristine_keyed: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "repo"
    shutil.copytree(pristine_keyed, copy)
    return copy


def ledger_lines(repo: Path) -> list[bytes]:
    return (repo / "knowledge" / "ledger.jsonl").read_bytes().splitlines(keepends=True)


def write_lines(repo: Path, lines: list[bytes]) -> None:
    (repo / "knowledge" / "ledger.jsonl").write_bytes(b"".join(lines))


def entry(line: bytes) -> dict[str, Any]:
    parsed: dict[str, Any] = json.loads(line)
    return parsed


def verify_json(repo: Path, key: str | None = None) -> tuple[int, dict[str, Any]]:
    done = run_cli("verify", "--format", "json", cwd=repo, key=key)
    return done.returncode, json.loads(done.stdout)


def kinds(report: dict[str, Any]) -> set[str]:
    return {p["kind"] for p in report["problems"]}


@pytest.mark.slow
class TestVerifyCLI:
    """The acceptance cases, each through the real CLI in a subprocess."""

    def test_untouched_kb_verifies(self, repo: Path) -> None:
        """A freshly imported KB verifies with exit 0 and says so."""
        done = run_cli("verify", cwd=repo)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "4 ledger entries" in done.stdout
        assert "ok: the chain is intact" in done.stdout

    def test_edited_entry(self, repo: Path) -> None:
        """Editing a ledger entry's content is reported as an edit at its line."""
        lines = ledger_lines(repo)
        lines[1] = lines[1].replace(b"imported from", b"IMPORTED FROM")
        write_lines(repo, lines)
        done = run_cli("verify", cwd=repo)
        assert done.returncode == 1
        assert "knowledge/ledger.jsonl:2: entry-edited: entry seq 1 was edited" in done.stdout
        assert "TAMPERED" in done.stdout

    def test_deleted_entry(self, repo: Path) -> None:
        """Deleting an entry from the middle is reported as a deletion of that seq."""
        lines = ledger_lines(repo)
        del lines[1]
        write_lines(repo, lines)
        code, report = verify_json(repo)
        assert code == 1
        assert "entry-deleted" in kinds(report)
        deleted = next(p for p in report["problems"] if p["kind"] == "entry-deleted")
        assert deleted["seq"] == 1 and "seq 1 deleted" in deleted["message"]

    def test_inserted_copy_of_an_entry(self, repo: Path) -> None:
        """A duplicated line is reported as an inserted entry."""
        lines = ledger_lines(repo)
        lines.insert(2, lines[1])
        write_lines(repo, lines)
        code, report = verify_json(repo)
        assert code == 1
        inserted = [p for p in report["problems"] if p["kind"] == "entry-inserted"]
        assert [p["line"] for p in inserted] == [3]

    def test_inserted_forged_entry_with_valid_hash(self, repo: Path) -> None:
        """A well-formed forged entry linked into the middle breaks the next link."""
        lines = ledger_lines(repo)
        forged = entry(lines[1])
        forged.update(reasons=["forged"], hash="")
        del forged["hash"]
        lines.insert(2, ledger_line(seal(forged, None)))
        write_lines(repo, lines)
        code, report = verify_json(repo)
        assert code == 1
        assert "entry-inserted" in kinds(report)

    def test_reordered_entries(self, repo: Path) -> None:
        """Swapping two entries is reported as reordering."""
        lines = ledger_lines(repo)
        lines[1], lines[2] = lines[2], lines[1]
        write_lines(repo, lines)
        code, report = verify_json(repo)
        assert code == 1
        assert kinds(report) == {"entry-reordered"}  # replayed in chain order: nothing else
        assert {p["line"] for p in report["problems"]} == {2, 3}

    def test_truncated_entries(self, repo: Path) -> None:
        """Dropping the last entries is caught by the head checkpoint."""
        write_lines(repo, ledger_lines(repo)[:2])
        code, report = verify_json(repo)
        assert code == 1
        assert "entry-truncated" in kinds(report)
        truncated = next(p for p in report["problems"] if p["kind"] == "entry-truncated")
        assert "records 4 entries, the ledger holds 2" in truncated["message"]

    def test_edited_lesson_file(self, repo: Path) -> None:
        """A lesson file that differs from the replay is reported as edited."""
        path = repo / "knowledge" / "lessons" / "use-pathlib.json"
        path.write_text(path.read_text().replace("Prefer", "Never use"))
        done = run_cli("verify", cwd=repo)
        assert done.returncode == 1
        assert ("knowledge/lessons/use-pathlib.json: lesson-edited: differs from the ledger's "
                "replay (last set by entry seq ") in done.stdout
        assert "DRIFT" in done.stdout and "the ledger itself is intact" in done.stdout

    def test_added_lesson_file(self, repo: Path) -> None:
        """A lesson file the ledger never promoted is reported as added."""
        doc = {"id": "sneaky", "kind": "guidance", "title": "t", "body": "b"}
        (repo / "knowledge" / "lessons" / "sneaky.json").write_text(json.dumps(doc))
        code, report = verify_json(repo)
        assert code == 1
        assert kinds(report) == {"lesson-added"}

    def test_deleted_lesson_file(self, repo: Path) -> None:
        """An active lesson whose file is gone is reported as deleted."""
        (repo / "knowledge" / "lessons" / "small-commits.json").unlink()
        code, report = verify_json(repo)
        assert code == 1
        assert kinds(report) == {"lesson-deleted"}
        assert report["problems"][0]["lesson_id"] == "small-commits"

    def test_json_report_shape(self, repo: Path) -> None:
        """The JSON report carries status, counts, version, digest and the problem list."""
        code, report = verify_json(repo)
        assert code == 0
        assert report["status"] == "ok"
        assert (report["entries"], report["kb_version"], report["lessons"]) == (4, 4, 4)
        assert report["problems"] == [] and report["keyed"] is False

    def test_torn_tail_is_recoverable_and_repair_fixes_it(self, repo: Path) -> None:
        """A half-written last line is recoverable, not tampering; kb repair clears it."""
        lines = ledger_lines(repo)
        write_lines(repo, [*lines, lines[0][:40]])
        done = run_cli("verify", cwd=repo)
        assert done.returncode == 1
        assert "torn-tail" in done.stdout and "RECOVERABLE" in done.stdout
        assert "TAMPERED" not in done.stdout
        repaired = run_cli("kb", "repair", cwd=repo)
        assert repaired.returncode == 0, repaired.stdout + repaired.stderr
        assert "dropped the torn last line" in repaired.stdout
        assert run_cli("verify", cwd=repo).returncode == 0

    def test_repair_refuses_tampering(self, repo: Path) -> None:
        """kb repair exits 1 and changes nothing when the chain is broken."""
        lines = ledger_lines(repo)
        write_lines(repo, [lines[1], lines[0], *lines[2:]])
        before = (repo / "knowledge" / "ledger.jsonl").read_bytes()
        done = run_cli("kb", "repair", cwd=repo)
        assert done.returncode == 1
        assert "refusing to repair" in done.stderr
        assert (repo / "knowledge" / "ledger.jsonl").read_bytes() == before

    def test_missing_kb_is_a_usage_error(self, tmp_path: Path) -> None:
        """Verifying where no KB exists exits 2 and says how to create one."""
        (tmp_path / ".git").mkdir()
        done = run_cli("verify", cwd=tmp_path)
        assert done.returncode == 2
        assert "guardian init" in done.stderr

    def test_bad_configuration_is_a_usage_error(self, repo: Path) -> None:
        """A broken guardian.toml exits 2 with the file named."""
        (repo / "guardian.toml").write_text("kb = [\n")
        done = run_cli("verify", cwd=repo)
        assert done.returncode == 2
        assert "guardian.toml" in done.stderr


def forge_append(repo: Path, *, update_head: bool) -> None:
    """Append a well-formed entry an attacker without the key can compute (and its head)."""
    lines = ledger_lines(repo)
    last = entry(lines[-1])
    body = {**last, "seq": last["seq"] + 1, "prev": last["hash"], "action": "reject",
            "lesson_id": "forged", "lesson": None, "reasons": ["forged"]}
    body.pop("mac", None)
    forged = seal(body, None)
    write_lines(repo, [*lines, ledger_line(forged)])
    if update_head:
        head = Head(len(lines) + 1, forged["hash"], len(lines) + 1, last["kb_version"],
                    last["kb_digest"])
        (repo / "knowledge" / "ledger.head").write_bytes(head.to_bytes(None))


def rewrite_everything(repo: Path) -> None:
    """Edit the first entry and recompute every later hash and link, and the head."""
    lines = [entry(line) for line in ledger_lines(repo)]
    lines[0]["reasons"] = ["rewritten"]
    prev = "0" * 64
    out = []
    for item in lines:
        item.pop("mac", None)
        item.pop("hash", None)
        item["prev"] = prev
        sealed = seal(item, None)
        out.append(ledger_line(sealed))
        prev = sealed["hash"]
    write_lines(repo, out)
    last = json.loads(out[-1])
    head = Head(len(out), prev, len(out), last["kb_version"], last["kb_digest"])
    (repo / "knowledge" / "ledger.head").write_bytes(head.to_bytes(None))


@pytest.mark.slow
class TestVerifyKeyed:
    """With GUARDIAN_LEDGER_KEY set, what a plain hash chain cannot catch is caught."""

    def test_keyed_kb_verifies_with_key(self, keyed_repo: Path) -> None:
        """Entries written with the key verify with it, and the output says MACs were checked."""
        done = run_cli("verify", cwd=keyed_repo, key=KEY)
        assert done.returncode == 0, done.stdout
        assert "MACs checked" in done.stdout
        assert KEY not in done.stdout + done.stderr
        assert KEY.encode() not in (keyed_repo / "knowledge" / "ledger.jsonl").read_bytes()

    def test_wrong_key_fails(self, keyed_repo: Path) -> None:
        """Verifying with another key reports every entry and the head as forged."""
        code, report = verify_json(keyed_repo, key="another key")
        assert code == 1
        assert kinds(report) == {"entry-forged", "head-forged"}

    def test_edit_with_recomputed_hash_is_caught_by_the_mac(self, keyed_repo: Path) -> None:
        """An edit whose hash was recomputed still fails its MAC."""
        lines = ledger_lines(keyed_repo)
        edited = entry(lines[-1])
        edited["reasons"] = ["nothing to see"]
        mac = edited.pop("mac")
        edited.pop("hash")
        lines[-1] = ledger_line({**seal(edited, None), "mac": mac})
        write_lines(keyed_repo, lines)
        code, report = verify_json(keyed_repo, key=KEY)
        assert code == 1
        assert "entry-forged" in kinds(report)

    def test_full_rewrite_passes_without_key_but_not_with_it(self, keyed_repo: Path) -> None:
        """A consistent rewrite of ledger and head fools the bare chain, never the key."""
        rewrite_everything(keyed_repo)
        assert run_cli("verify", cwd=keyed_repo).returncode == 0  # the documented limit
        code, report = verify_json(keyed_repo, key=KEY)
        assert code == 1
        assert kinds(report) == {"entry-forged", "head-forged"}

    def test_forged_append_is_caught_with_the_key(self, keyed_repo: Path) -> None:
        """A forged entry appended with an updated head fails its MAC."""
        forge_append(keyed_repo, update_head=True)
        code, report = verify_json(keyed_repo, key=KEY)
        assert code == 1
        forged = [p for p in report["problems"] if p["kind"] == "entry-forged"]
        assert [p["seq"] for p in forged] == [4]

    def test_forged_append_without_head_update_is_flagged_without_key(
            self, repo: Path) -> None:
        """Without a key, an append the head does not know about still exits 1."""
        forge_append(repo, update_head=False)
        code, report = verify_json(repo)
        assert code == 1
        assert kinds(report) == {"head-lags"}
        assert "appended by someone else" in report["problems"][0]["message"]

    def test_truncation_under_a_keyed_head_is_caught(self, keyed_repo: Path) -> None:
        """Truncating the ledger under its valid keyed head is caught, and the lesson file
        of the cut entry shows up as not backed by the ledger."""
        write_lines(keyed_repo, ledger_lines(keyed_repo)[:3])
        code, report = verify_json(keyed_repo, key=KEY)
        assert code == 1
        assert kinds(report) == {"entry-truncated", "lesson-added"}


def _lesson(lesson_id: str) -> Lesson:
    doc = {"id": lesson_id, "kind": "guidance", "title": lesson_id, "body": f"About {lesson_id}"}
    return Lesson(lesson_id, "guidance", lesson_id, doc["body"], doc)


class TestVerifyInProcess:
    """The same checks through the Python API, where many variants are cheap."""

    @pytest.fixture
    def store(self, tmp_path: Path) -> DirectoryKnowledgeBase:
        kb = DirectoryKnowledgeBase(tmp_path / "knowledge", key=LedgerKey(b"k", "K"))
        kb.apply_all([Change.imported(_lesson(i)) for i in ("a", "b", "c")])
        kb.apply(Change.reject(_lesson("d"), reasons=["no"]))
        kb.apply(Change.retire("b"))
        return kb

    @settings(max_examples=60)
    @given(position=st.integers(min_value=0), byte=st.integers(0, 255))
    def test_any_byte_change_is_detected(self, tmp_path_factory: pytest.TempPathFactory,
                                         position: int, byte: int) -> None:
        """Changing any single byte of the ledger makes verification fail."""
        kb = DirectoryKnowledgeBase(tmp_path_factory.mktemp("kb"), key=None)
        kb.apply_all([Change.imported(_lesson(i)) for i in ("a", "b")])
        data = bytearray(kb.ledger_path.read_bytes())
        index = position % len(data)
        if data[index] == byte:
            return
        data[index] = byte
        kb.ledger_path.write_bytes(bytes(data))
        assert not kb.verify().ok

    def test_edited_prev_link_with_recomputed_hash_names_the_rewritten_entry(
            self, store: DirectoryKnowledgeBase) -> None:
        """A rewritten entry whose hash was recomputed is named from its successor's link."""
        lines = store.ledger_path.read_bytes().splitlines(keepends=True)
        edited = entry(lines[1])
        edited["reasons"] = ["rewritten"]
        edited.pop("hash")
        edited.pop("mac")
        lines[1] = ledger_line(seal(edited, LedgerKey(b"k", "K")))
        store.ledger_path.write_bytes(b"".join(lines))
        problems = store.verify().problems
        assert [(p.kind, p.seq) for p in problems] == [("entry-edited", 1)]
        assert "hash recomputed" in problems[0].message

    def test_reformatted_line_is_an_edit(self, store: DirectoryKnowledgeBase) -> None:
        """Same values in different bytes (pretty-printed keys) count as an edit."""
        lines = store.ledger_path.read_bytes().splitlines(keepends=True)
        lines[0] = json.dumps(entry(lines[0]), sort_keys=True).encode() + b"\n"
        store.ledger_path.write_bytes(b"".join(lines))
        assert [p.kind for p in store.verify().problems] == ["entry-edited"]

    def test_retired_lesson_file_reappearing_is_added(self, store: DirectoryKnowledgeBase) -> None:
        """Restoring a retired lesson's file by hand is drift, not a valid state."""
        from guardian.kb.canonical import lesson_file_bytes

        (store.lessons_dir / "b.json").write_bytes(lesson_file_bytes(_lesson("b").to_dict()))
        assert [p.kind for p in store.verify().problems] == ["lesson-added"]

    def test_symlinked_lesson_file_is_not_followed(self, store: DirectoryKnowledgeBase,
                                                   tmp_path: Path) -> None:
        """A lesson file replaced by a symlink is reported, even if it points at equal bytes."""
        target = tmp_path / "elsewhere.json"
        path = store.lessons_dir / "a.json"
        target.write_bytes(path.read_bytes())
        path.unlink()
        path.symlink_to(target)
        problems = store.verify().problems
        assert [p.kind for p in problems] == ["lesson-edited"]
        assert "symbolic link" in problems[0].message

    def test_head_mismatch_after_rewrite_of_last_entry(
            self, store: DirectoryKnowledgeBase) -> None:
        """Replacing the last entry by a recomputed one disagrees with the head's hash."""
        lines = store.ledger_path.read_bytes().splitlines(keepends=True)
        edited = entry(lines[-1])
        edited["reasons"] = ["rewritten"]
        edited.pop("hash")
        edited.pop("mac")
        lines[-1] = ledger_line(seal(edited, LedgerKey(b"k", "K")))
        store.ledger_path.write_bytes(b"".join(lines))
        assert [p.kind for p in store.verify().problems] == ["head-mismatch"]

    def test_entry_with_wrong_recorded_version_is_invalid(
            self, store: DirectoryKnowledgeBase) -> None:
        """An entry whose recorded KB version disagrees with the replay is reported."""
        lines = store.ledger_path.read_bytes().splitlines(keepends=True)
        edited = entry(lines[-1])
        edited["kb_version"] = 99
        edited.pop("hash")
        edited.pop("mac")
        lines[-1] = ledger_line(seal(edited, LedgerKey(b"k", "K")))
        store.ledger_path.write_bytes(b"".join(lines))
        store_head = Head.parse(store.head_path.read_bytes(), "head")
        fixed = Head(store_head.entries, entry(lines[-1])["hash"], store_head.materialised,
                     store_head.kb_version, store_head.kb_digest)
        store.head_path.write_bytes(fixed.to_bytes(LedgerKey(b"k", "K")))
        assert [p.kind for p in store.verify().problems] == ["entry-invalid"]

    def test_key_unset_on_keyed_ledger_is_a_note(self, store: DirectoryKnowledgeBase) -> None:
        """Reading a keyed ledger without the key verifies hashes and says MACs went unchecked."""
        report = DirectoryKnowledgeBase(store.kb_dir).verify()
        assert report.ok
        assert any("MACs were not" in note for note in report.notes)
