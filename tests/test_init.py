"""``guardian init``: scaffolding that is idempotent and never overwrites what exists."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from guardian.config import Config, load_config
from guardian.kb.change import Change
from guardian.kb.directory import DirectoryKnowledgeBase
from guardian.kb.scaffold import CONFIG_TEMPLATE, InitStep, init_repository
from guardian.records import Lesson


def tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` with its bytes (the lock file is content-free, skip it)."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != ".lock"}


def outcomes(steps: list[InitStep]) -> dict[str, str]:
    return {Path(s.path).name or s.path: s.outcome for s in steps}


class TestInitRepository:
    def test_creates_config_kb_cache_and_gitignore(self, tmp_path: Path) -> None:
        """A fresh folder gets guardian.toml, knowledge/, the cache and its ignore entry."""
        init_repository(tmp_path)
        assert (tmp_path / "guardian.toml").read_text() == CONFIG_TEMPLATE
        assert (tmp_path / "knowledge" / "lessons").is_dir()
        assert (tmp_path / "knowledge" / "ledger.jsonl").read_bytes() == b""
        assert json.loads((tmp_path / "knowledge" / "ledger.head").read_text())["entries"] == 0
        assert (tmp_path / ".guardian-cache").is_dir()
        assert (tmp_path / ".gitignore").read_text().splitlines()[-1] == "/.guardian-cache/"
        assert DirectoryKnowledgeBase(tmp_path / "knowledge").verify().ok

    def test_template_parses_to_the_defaults(self, tmp_path: Path) -> None:
        """The commented template means exactly the built-in defaults."""
        init_repository(tmp_path)
        config = load_config(file=tmp_path / "guardian.toml")
        default = Config.default(tmp_path.resolve())
        assert (config.kb_dir, config.cache_dir, config.packs, config.max_file_bytes,
                config.ledger_key_env) == (default.kb_dir, default.cache_dir, default.packs,
                                           default.max_file_bytes, default.ledger_key_env)

    def test_second_run_changes_nothing(self, tmp_path: Path) -> None:
        """Running init twice leaves every file byte for byte as the first run made it."""
        init_repository(tmp_path)
        before = tree(tmp_path)
        steps = init_repository(tmp_path)
        assert tree(tmp_path) == before
        assert {s.outcome for s in steps} == {"exists"}

    def test_existing_config_is_kept_and_used(self, tmp_path: Path) -> None:
        """An existing guardian.toml is not touched, and its kb/cache paths are used."""
        custom = 'kb = "agent/memory"\ncache = "tmp/cache"\n'
        (tmp_path / "guardian.toml").write_text(custom)
        init_repository(tmp_path)
        assert (tmp_path / "guardian.toml").read_text() == custom
        assert (tmp_path / "agent" / "memory" / "ledger.jsonl").is_file()
        assert not (tmp_path / "knowledge").exists()
        assert "/tmp/cache/" in (tmp_path / ".gitignore").read_text()

    def test_pyproject_tool_section_means_no_guardian_toml(self, tmp_path: Path) -> None:
        """With [tool.guardian] in pyproject.toml, no second configuration is created."""
        (tmp_path / "pyproject.toml").write_text('[tool.guardian]\nkb = "kb"\n')
        steps = init_repository(tmp_path)
        assert not (tmp_path / "guardian.toml").exists()
        assert (tmp_path / "kb" / "ledger.head").is_file()
        assert outcomes(steps)["guardian.toml"] == "skipped"

    @pytest.mark.parametrize("existing", ["node_modules/\n", "node_modules/", ""])
    def test_gitignore_is_appended_once(self, tmp_path: Path, existing: str) -> None:
        """The cache entry is appended after existing lines (newline or not), only once."""
        (tmp_path / ".gitignore").write_text(existing)
        init_repository(tmp_path)
        init_repository(tmp_path)
        text = (tmp_path / ".gitignore").read_text()
        assert text.startswith(existing)
        assert text.count(".guardian-cache") == 1
        assert "node_modules/.guardian-cache" not in text

    @pytest.mark.parametrize("line", [".guardian-cache", ".guardian-cache/", "/.guardian-cache"])
    def test_equivalent_ignore_line_is_respected(self, tmp_path: Path, line: str) -> None:
        """An existing equivalent ignore line is not duplicated."""
        (tmp_path / ".gitignore").write_text(f"{line}\n")
        init_repository(tmp_path)
        assert (tmp_path / ".gitignore").read_text() == f"{line}\n"

    def test_existing_ledger_is_never_rewritten(self, tmp_path: Path) -> None:
        """Init on a KB that already has entries keeps the ledger and head as they are."""
        init_repository(tmp_path)
        kb = DirectoryKnowledgeBase(tmp_path / "knowledge")
        doc = {"id": "a", "kind": "guidance", "title": "A", "body": "B"}
        kb.apply(Change.imported(Lesson("a", "guidance", "A", "B", doc)))
        before = tree(tmp_path / "knowledge")
        init_repository(tmp_path)
        assert tree(tmp_path / "knowledge") == before

    def test_missing_head_of_non_empty_ledger_is_not_invented(self, tmp_path: Path) -> None:
        """Init will not bless a non-empty ledger that lost its head checkpoint."""
        init_repository(tmp_path)
        kb = DirectoryKnowledgeBase(tmp_path / "knowledge")
        doc = {"id": "a", "kind": "guidance", "title": "A", "body": "B"}
        kb.apply(Change.imported(Lesson("a", "guidance", "A", "B", doc)))
        kb.head_path.unlink()
        steps = init_repository(tmp_path)
        assert not kb.head_path.exists()
        assert any("possibly truncated" in s.note for s in steps)

    def test_key_at_init_makes_a_keyed_head(self, tmp_path: Path) -> None:
        """With the ledger key set, the empty head already carries a MAC."""
        init_repository(tmp_path, environ={"GUARDIAN_LEDGER_KEY": "k"})
        assert "mac" in json.loads((tmp_path / "knowledge" / "ledger.head").read_text())


@pytest.mark.slow
class TestInitCLI:
    def test_init_dir_then_verify(self, tmp_path: Path) -> None:
        """`guardian init DIR` creates the folder and a KB that `guardian verify` accepts."""
        env = {k: v for k, v in os.environ.items() if k != "GUARDIAN_LEDGER_KEY"}
        target = tmp_path / "new-repo"
        done = subprocess.run([sys.executable, "-m", "guardian", "init", str(target)],
                              cwd=tmp_path, env=env, capture_output=True, text=True,
                              check=False)
        assert done.returncode == 0, done.stderr
        assert "created   " in done.stdout and "guardian.toml" in done.stdout
        again = subprocess.run([sys.executable, "-m", "guardian", "init", str(target)],
                               cwd=tmp_path, env=env, capture_output=True, text=True,
                               check=False)
        assert "already set up; nothing to do" in again.stdout
        verified = subprocess.run([sys.executable, "-m", "guardian", "verify"], cwd=target,
                                  env=env, capture_output=True, text=True, check=False)
        assert verified.returncode == 0, verified.stdout + verified.stderr
