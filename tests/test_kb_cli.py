"""``guardian kb`` through the real CLI: import, list, show, history, rollback, export, repair."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

TOKEN = "ghp_8Kq2Zx7LmN4vB1cR9tY6wE3uI0oP5aS7dF2h"  # a made-up GitHub token for the secrets rule
AGENTS_MD = """\
# AGENTS.md

## Style

- Prefer pathlib.Path to os.path string juggling for file paths.
- Run the project's tests before proposing a change.
"""


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("GUARDIAN_LEDGER_KEY", "GUARDIAN_LOG_LEVEL")}
    return subprocess.run([sys.executable, "-m", "guardian", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def as_json(done: subprocess.CompletedProcess[str]) -> Any:
    return json.loads(done.stdout)


def write_lesson(folder: Path, lesson_id: str, body: str, **extra: Any) -> Path:
    doc = {"id": lesson_id, "kind": "guidance", "title": lesson_id.replace("-", " "),
           "body": body, **extra}
    path = folder / f"{lesson_id}.json"
    path.write_text(json.dumps(doc, indent=1))
    return path


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[
        Path, subprocess.CompletedProcess[str]]:
    """A repository after init and an import of clean, poisoned and unreadable files."""
    root = tmp_path_factory.mktemp("cli") / "repo"
    root.mkdir()
    (root / ".git").mkdir()
    assert cli("init", cwd=root).returncode == 0
    incoming = root / "incoming"
    incoming.mkdir()
    write_lesson(incoming, "use-pathlib", "Prefer pathlib.Path over os.path for paths.",
                 scope={"tags": ["python"]})
    write_lesson(incoming, "pin-linters", "Pin linter versions in CI so results are stable.")
    write_lesson(incoming, "leaky", f"Authenticate with {TOKEN} when pushing.")
    (incoming / "broken.json").write_text('{"id": \n')
    (root / "AGENTS.md").write_text(AGENTS_MD)
    done = cli("kb", "import", "incoming", "AGENTS.md", "--format", "json", cwd=root)
    return root, done


@pytest.fixture
def repo(imported: tuple[Path, Any], tmp_path: Path) -> Path:
    copy = tmp_path / "repo"
    shutil.copytree(imported[0], copy)
    return copy


@pytest.mark.slow
class TestImport:
    def test_import_reports_every_outcome_and_exits_1(
            self, imported: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
        """Clean lessons are imported, the poisoned one refused, the broken file reported."""
        _root, done = imported
        assert done.returncode == 1, done.stderr
        report = as_json(done)
        status = {(o["lesson_id"], o["status"]) for o in report["outcomes"]}
        assert {("use-pathlib", "imported"), ("pin-linters", "imported"),
                ("leaky", "refused"), (None, "unreadable")} <= status
        assert report["summary"]["imported"] == 4  # two files and two AGENTS.md bullets
        unreadable = next(o for o in report["outcomes"] if o["status"] == "unreadable")
        assert unreadable["path"].endswith("broken.json:2:1")

    def test_secret_never_reaches_ledger_or_output(
            self, imported: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
        """The refused lesson's secret is in neither the ledger, the view, nor the output."""
        root, done = imported
        assert TOKEN not in done.stdout + done.stderr
        assert TOKEN not in (root / "knowledge" / "ledger.jsonl").read_text()
        assert not (root / "knowledge" / "lessons" / "leaky.json").exists()
        reject = [json.loads(line) for line in
                  (root / "knowledge" / "ledger.jsonl").read_text().splitlines()
                  if json.loads(line)["action"] == "reject"]
        assert [r["lesson_id"] for r in reject] == ["leaky"]
        assert reject[0]["findings"][0]["rule"] == "secrets"
        assert len(reject[0]["lesson_sha256"]) == 64

    def test_reimport_is_idempotent(self, repo: Path) -> None:
        """Importing the same clean files again changes nothing and exits 0."""
        before = (repo / "knowledge" / "ledger.jsonl").read_bytes()
        done = cli("kb", "import", "incoming/use-pathlib.json", "AGENTS.md", cwd=repo)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "imported 0, unchanged 3" in done.stdout
        assert (repo / "knowledge" / "ledger.jsonl").read_bytes() == before

    def test_import_bootstraps_a_kb_without_init(self, tmp_path: Path) -> None:
        """Importing into a repository that has no KB yet creates one that verifies."""
        (tmp_path / ".git").mkdir()
        write_lesson(tmp_path, "use-pathlib", "Prefer pathlib.Path over os.path for paths.")
        done = cli("kb", "import", "use-pathlib.json", cwd=tmp_path)
        assert done.returncode == 0, done.stdout + done.stderr
        assert (tmp_path / "knowledge" / "lessons" / "use-pathlib.json").is_file()
        assert cli("verify", cwd=tmp_path).returncode == 0

    def test_imported_kb_verifies(self, repo: Path) -> None:
        """After an import (with refusals) the KB verifies."""
        assert cli("verify", cwd=repo).returncode == 0


@pytest.mark.slow
class TestInspect:
    def test_list_text_and_json(self, repo: Path) -> None:
        """kb list shows each active lesson with kind and title, plus version and digest."""
        text = cli("kb", "list", cwd=repo)
        assert text.returncode == 0
        assert "use-pathlib" in text.stdout and "leaky" not in text.stdout
        assert "4 active lessons · KB version 4" in text.stdout
        doc = as_json(cli("kb", "list", "--format", "json", cwd=repo))
        assert [x["id"] for x in doc["lessons"]] == sorted(x["id"] for x in doc["lessons"])
        assert doc["kb_version"] == 4 and len(doc["kb_digest"]) == 64

    def test_show_lesson_and_history(self, repo: Path) -> None:
        """kb show prints the document, its file, and the entries about it."""
        done = cli("kb", "show", "use-pathlib", cwd=repo)
        assert done.returncode == 0
        assert "Prefer pathlib.Path over os.path" in done.stdout
        assert "knowledge/lessons/use-pathlib.json" in done.stdout
        doc = as_json(cli("kb", "show", "use-pathlib", "--format", "json", cwd=repo))
        assert doc["lesson"]["scope"] == {"tags": ["python"]}
        assert [h["action"] for h in doc["history"]] == ["import"]

    def test_show_unknown_lesson_exits_2_with_the_active_ids(self, repo: Path) -> None:
        """Asking for a lesson that is not active names the ones that are."""
        done = cli("kb", "show", "leaky", cwd=repo)
        assert done.returncode == 2
        assert "no active lesson 'leaky'" in done.stderr
        assert "appears in 1 ledger entries" in done.stderr
        assert "use-pathlib" in done.stderr

    def test_history_all_and_per_lesson(self, repo: Path) -> None:
        """kb history lists every entry; with an id only those about it."""
        every = as_json(cli("kb", "history", "--format", "json", cwd=repo))["entries"]
        assert [e["seq"] for e in every] == list(range(len(every)))
        assert {"import", "reject"} == {e["action"] for e in every}
        one = as_json(cli("kb", "history", "leaky", "--format", "json", cwd=repo))["entries"]
        assert [(e["action"], e["lesson_id"]) for e in one] == [("reject", "leaky")]
        assert one[0]["reasons"][0].startswith("secrets: ")
        text = cli("kb", "history", cwd=repo).stdout
        assert "seq" in text.splitlines()[0] and "reject" in text


@pytest.mark.slow
class TestRollback:
    def test_rollback_restores_earlier_lessons_as_a_new_version(self, repo: Path) -> None:
        """Rolling back to version 1 keeps one lesson, appends an entry, and verifies."""
        entries_before = len((repo / "knowledge" / "ledger.jsonl").read_text().splitlines())
        done = cli("kb", "rollback", "--to", "1", "--reason", "bad batch", "--format", "json",
                   cwd=repo)
        assert done.returncode == 0, done.stderr
        result = as_json(done)
        assert result["rolled_back"] and result["kb_version"] == 5
        assert len(result["removed"]) == 3
        assert len(list((repo / "knowledge" / "lessons").iterdir())) == 1
        lines = (repo / "knowledge" / "ledger.jsonl").read_text().splitlines()
        assert len(lines) == entries_before + 1
        last = json.loads(lines[-1])
        assert (last["action"], last["rollback_to"], last["reasons"]) == (
            "rollback", 1, ["bad batch"])
        assert cli("verify", cwd=repo).returncode == 0

    def test_rollback_to_current_state_is_a_no_op(self, repo: Path) -> None:
        """Rolling back to the version already in force writes nothing."""
        before = (repo / "knowledge" / "ledger.jsonl").read_bytes()
        done = cli("kb", "rollback", "--to", "4", cwd=repo)
        assert done.returncode == 0
        assert "nothing to roll back" in done.stdout
        assert (repo / "knowledge" / "ledger.jsonl").read_bytes() == before

    def test_rollback_to_unknown_version_exits_2(self, repo: Path) -> None:
        """A version that never existed is a usage error naming the valid range."""
        done = cli("kb", "rollback", "--to", "42", cwd=repo)
        assert done.returncode == 2
        assert "versions run from 0 to 4" in done.stderr


@pytest.mark.slow
class TestExport:
    def test_export_is_deterministic(self, repo: Path) -> None:
        """Exporting twice gives the same bytes, for every format."""
        for fmt in ("agents-md", "claude-md", "cursor-mdc", "json"):
            first = cli("kb", "export", "--format", fmt, cwd=repo)
            assert first.returncode == 0
            assert first.stdout == cli("kb", "export", "--format", fmt, cwd=repo).stdout

    def test_update_replaces_only_the_marked_section(self, repo: Path) -> None:
        """--update appends a section once, then rewrites only it, keeping the human text."""
        target = repo / "AGENTS.md"
        assert cli("kb", "export", "--format", "agents-md", "--update", "AGENTS.md",
                   cwd=repo).returncode == 0
        once = target.read_text()
        assert once.startswith(AGENTS_MD)
        assert "#### use pathlib" in once
        human = once.replace("## Style", "## Style (edited by a human)")
        target.write_text(human)
        assert cli("kb", "rollback", "--to", "1", cwd=repo).returncode == 0
        assert cli("kb", "export", "--format", "agents-md", "--update", "AGENTS.md",
                   cwd=repo).returncode == 0
        twice = target.read_text()
        assert twice.startswith(AGENTS_MD.replace("## Style", "## Style (edited by a human)"))
        assert "#### pin linters" in twice and "#### use pathlib" not in twice  # version 1
        assert twice.count("<!-- guardian:begin -->") == 1

    def test_reimporting_an_exported_file_skips_guardians_section(self, repo: Path) -> None:
        """After export --update, importing AGENTS.md again adds nothing from the section."""
        assert cli("kb", "export", "--format", "agents-md", "--update", "AGENTS.md",
                   cwd=repo).returncode == 0
        before = (repo / "knowledge" / "ledger.jsonl").read_bytes()
        done = cli("kb", "import", "AGENTS.md", "--format", "json", cwd=repo)
        assert done.returncode == 0, done.stdout + done.stderr
        summary = as_json(done)["summary"]
        assert (summary["imported"], summary["unchanged"]) == (0, 2)
        assert summary["skipped"] > 0
        assert (repo / "knowledge" / "ledger.jsonl").read_bytes() == before

    def test_out_writes_the_file(self, repo: Path) -> None:
        """--out writes exactly what stdout would show."""
        assert cli("kb", "export", "--format", "json", "--out", "kb.json",
                   cwd=repo).returncode == 0
        shown = cli("kb", "export", "--format", "json", cwd=repo).stdout
        assert (repo / "kb.json").read_text() == shown
        assert json.loads(shown)["kb_version"] == 4

    def test_update_with_json_is_a_usage_error(self, repo: Path) -> None:
        """JSON has no marked section to update."""
        done = cli("kb", "export", "--format", "json", "--update", "AGENTS.md", cwd=repo)
        assert done.returncode == 2
        assert "--out" in done.stderr

    def test_unbalanced_markers_are_refused(self, repo: Path) -> None:
        """An AGENTS.md with a begin marker but no end is left alone and named."""
        (repo / "AGENTS.md").write_text("# Mine\n<!-- guardian:begin -->\n")
        done = cli("kb", "export", "--format", "agents-md", "--update", "AGENTS.md", cwd=repo)
        assert done.returncode == 2
        assert "AGENTS.md: guardian's section markers are unbalanced (line 2" in done.stderr
        assert (repo / "AGENTS.md").read_text() == "# Mine\n<!-- guardian:begin -->\n"


@pytest.mark.slow
class TestRepairAndHelp:
    def test_repair_on_clean_kb_does_nothing(self, repo: Path) -> None:
        """Repairing an intact KB reports nothing to do and exits 0."""
        done = cli("kb", "repair", cwd=repo)
        assert done.returncode == 0
        assert "nothing to repair" in done.stdout

    def test_repair_restores_a_deleted_lesson_file(self, repo: Path) -> None:
        """Repair re-materialises a lesson file from the ledger."""
        path = repo / "knowledge" / "lessons" / "use-pathlib.json"
        original = path.read_bytes()
        path.unlink()
        assert cli("kb", "repair", cwd=repo).returncode == 0
        assert path.read_bytes() == original

    @pytest.mark.parametrize("argv,phrase", [
        (["kb", "--help"], "hash-chained ledger"),
        (["kb", "export", "--help"], "guardian:begin"),
        (["kb", "import", "--help"], "reject"),
        (["kb", "repair", "--help"], "tampering"),
        (["verify", "--help"], "head checkpoint"),
        (["init", "--help"], ".gitignore"),
    ])
    def test_help_explains(self, tmp_path: Path, argv: list[str], phrase: str) -> None:
        """Each command's --help exits 0 and explains what it does."""
        done = cli(*argv, cwd=tmp_path)
        assert done.returncode == 0
        assert phrase in " ".join(done.stdout.split())
