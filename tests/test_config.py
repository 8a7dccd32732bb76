"""Repository configuration: guardian.toml and [tool.guardian]."""

from __future__ import annotations

from pathlib import Path

import pytest

from guardian.config import find_root, load_config, parse_config
from guardian.errors import ConfigError


class TestLoadConfig:
    def test_defaults_without_a_file(self, tmp_path: Path) -> None:
        """A repository with no configuration gets knowledge/ and .guardian-cache/."""
        (tmp_path / ".git").mkdir()
        config = load_config(tmp_path)
        assert config.kb_dir == tmp_path.resolve() / "knowledge"
        assert config.cache_dir == tmp_path.resolve() / ".guardian-cache"
        assert config.packs == ("default",)
        assert config.source is None

    def test_guardian_toml_found_from_subdirectory(self, tmp_path: Path) -> None:
        """guardian.toml is found by walking up from a subdirectory."""
        (tmp_path / "guardian.toml").write_text('kb = "memory"\n')
        sub = tmp_path / "a" / "b"
        sub.mkdir(parents=True)
        config = load_config(sub)
        assert config.kb_dir == tmp_path.resolve() / "memory"
        assert find_root(sub) == (tmp_path.resolve(), tmp_path.resolve() / "guardian.toml")

    def test_pyproject_tool_table(self, tmp_path: Path) -> None:
        """[tool.guardian] in pyproject.toml is read like guardian.toml."""
        (tmp_path / "pyproject.toml").write_text(
            '[project]\nname = "x"\n\n[tool.guardian]\ncache = ".cache/g"\n'
            '[tool.guardian.rules.secrets]\nseverity = "warn"\n')
        config = load_config(tmp_path)
        assert config.cache_dir == tmp_path.resolve() / ".cache/g"
        assert config.rules["secrets"].severity == "warn"

    def test_invalid_toml_names_file(self, tmp_path: Path) -> None:
        """Broken TOML is a ConfigError naming the file."""
        (tmp_path / "guardian.toml").write_text("kb = [\n")
        with pytest.raises(ConfigError, match="guardian.toml: invalid TOML"):
            load_config(tmp_path)

    def test_explicit_missing_file(self, tmp_path: Path) -> None:
        """--config pointing nowhere is a ConfigError."""
        with pytest.raises(ConfigError, match="not found"):
            load_config(file=tmp_path / "nope.toml")


class TestParseConfig:
    @pytest.mark.parametrize(("data", "needle"), [
        ({"kbb": "x"}, "unknown key(s) kbb"),
        ({"packs": []}, "non-empty list"),
        ({"packs": "default"}, "non-empty list"),
        ({"max_file_bytes": -1}, "positive integer"),
        ({"max_file_bytes": True}, "positive integer"),
        ({"rules": {"secrets": {"severity": "fatal"}}}, "block or warn"),
        ({"rules": {"secrets": {"colour": 1}}}, "unknown key(s) colour"),
        ({"rules": {"secrets": {"extend": {"x": 1}}}}, "must be a list"),
        ({"suppress": [{"rule": "secrets"}]}, "'reason' is required"),
        ({"suppress": [{"rule": "secrets", "reason": "   "}]}, "'reason' is required"),
        ({"suppress": [{"reason": "x"}]}, "'rule' is required"),
        ({"suppress": [{"rule": "x", "reason": "y", "where": 1}]}, "unknown key(s) where"),
        ({"ledger": {"key": "abc"}}, "accepts only key_env"),
        ({"kb": ""}, "non-empty string"),
    ])
    def test_invalid_values_are_named(self, tmp_path: Path, data: dict[str, object],
                                      needle: str) -> None:
        """Each invalid setting is a ConfigError that names the key and the bad value."""
        with pytest.raises(ConfigError) as info:
            parse_config(data, root=tmp_path)
        assert needle in str(info.value)

    def test_suppression_parsed(self, tmp_path: Path) -> None:
        """A suppression keeps its rule, reason, paths and lesson ids."""
        config = parse_config({"suppress": [{"rule": "secrets", "reason": " fixture ",
                                             "paths": ["t/*.json"], "lessons": ["a"]}]},
                              root=tmp_path)
        (supp,) = config.suppressions
        assert (supp.rule, supp.reason, supp.paths, supp.lessons) == (
            "secrets", "fixture", ("t/*.json",), ("a",))
        assert supp.matches("secrets", str(tmp_path / "t" / "x.json"), "a", tmp_path)
        assert not supp.matches("secrets", str(tmp_path / "u" / "x.json"), "a", tmp_path)
        assert not supp.matches("secrets", str(tmp_path / "t" / "x.json"), "b", tmp_path)
        assert not supp.matches("injection", str(tmp_path / "t" / "x.json"), "a", tmp_path)
