"""The policy engine: packs, overrides, suppressions and rule plugins."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest

from guardian.config import Config, RuleOverride, Suppression
from guardian.errors import PluginError, PolicyPackError
from guardian.policy.base import CheckContext
from guardian.policy.engine import BUILTIN_RULES, ENTRY_POINT_GROUP, Policy, load_pack
from guardian.records import Lesson, Source

ROOT = Path(__file__).resolve().parent.parent


def lesson(body: str = "Prefer pathlib over os.path for new code.", **extra: object) -> Lesson:
    data = {"id": "pathlib", "kind": "guidance", "title": "Use pathlib", "body": body, **extra}
    return Lesson("pathlib", "guidance", "Use pathlib", body, data,
                  Source("lessons/pathlib.json", "json", 3, 5))


def write_pack(folder: Path, text: str, name: str = "pack.yaml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def plugin_dist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A real installed distribution (dist-info on sys.path) registering test rule plugins."""
    site = tmp_path / "site"
    info = site / "guardian_test_plugins-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: guardian-test-plugins\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(
        f"[{ENTRY_POINT_GROUP}]\n"
        "forbidden-word = tests.plugins.rules:ForbiddenWordRule\n"
        "crashing = tests.plugins.rules:CrashingRule\n"
        "broken = tests.plugins.does_not_exist:Rule\n")
    monkeypatch.syspath_prepend(str(site))
    import importlib

    importlib.invalidate_caches()
    return site


class TestBuiltins:
    def test_builtin_table_matches_entry_points(self) -> None:
        """The built-in rule table is exactly what pyproject.toml registers as entry points."""
        data = tomllib.loads((ROOT / "pyproject.toml").read_text())
        declared = data["project"]["entry-points"][ENTRY_POINT_GROUP]
        assert declared == BUILTIN_RULES

    def test_default_pack_uses_every_builtin(self) -> None:
        """The default pack configures every built-in rule."""
        pack = load_pack("default", ROOT)
        assert {r.get("use", r["id"]) for r in pack.data["rules"]} == set(BUILTIN_RULES)

    def test_rule_repr_names_rule_and_changed_options(self, tmp_path: Path) -> None:
        """A rule's repr says which rule, with which severity and non-default options."""
        pack = write_pack(tmp_path, "name: t\nrules:\n  - id: fw\n    use: forbidden-word\n"
                          "    severity: warn\n    options: {words: [zebra]}\n")
        sys.path.insert(0, str(ROOT))
        from tests.plugins.rules import ForbiddenWordRule

        rule = ForbiddenWordRule(id="fw", severity="warn", options={"words": ["zebra"]})
        expected = "forbidden-word(id='fw', severity='warn', options={'words': ['zebra']})"
        assert repr(rule) == expected
        assert pack.exists()


class TestPackLoading:
    @pytest.mark.parametrize(("text", "needle"), [
        ("name: x\nrules: [\n", "not a valid YAML"),
        ("rules:\n  - id: secrets\n", "missing required field 'name'"),
        ("name: x\nrules: []\n", "at least 1"),
        ("name: x\nrules:\n  - id: secrets\n    severity: fatal\n", "block, warn"),
        ("name: x\nrules:\n  - id: secrets\n    colour: red\n", "unknown field 'colour'"),
        ("name: Bad Name\nrules:\n  - id: secrets\n", "does not match"),
    ])
    def test_invalid_pack_is_refused_with_location(self, tmp_path: Path, text: str,
                                                   needle: str) -> None:
        """A malformed pack is refused with its path and what is wrong."""
        path = write_pack(tmp_path, text)
        with pytest.raises(PolicyPackError) as info:
            load_pack(str(path), tmp_path)
        assert str(path) in str(info.value)
        assert needle in str(info.value)

    def test_unknown_shipped_pack(self, tmp_path: Path) -> None:
        """Naming a pack that is not shipped says where guardian looked."""
        with pytest.raises(PolicyPackError, match="no shipped policy pack named 'nope'"):
            load_pack("nope", tmp_path)

    def test_unknown_rule_name(self, tmp_path: Path) -> None:
        """A pack using a rule nobody registered fails closed, listing the known rules."""
        write_pack(tmp_path, "name: x\nrules:\n  - id: mystery\n")
        config = Config(root=tmp_path, kb_dir=tmp_path / "k", cache_dir=tmp_path / "c",
                        packs=("pack.yaml",))
        with pytest.raises(PolicyPackError, match="no rule registered as 'mystery'.*secrets"):
            Policy.from_config(config)

    def test_duplicate_rule_ids_across_packs(self, tmp_path: Path) -> None:
        """Two packs defining the same rule id is an error, not a silent override."""
        write_pack(tmp_path, "name: x\nrules:\n  - id: secrets\n")
        config = Config(root=tmp_path, kb_dir=tmp_path / "k", cache_dir=tmp_path / "c",
                        packs=("default", "pack.yaml"))
        with pytest.raises(PolicyPackError, match="already defined by pack 'default'"):
            Policy.from_config(config)

    def test_unknown_option_is_refused(self, tmp_path: Path) -> None:
        """An option a rule does not know is an error naming the known options."""
        write_pack(tmp_path, "name: x\nrules:\n  - id: secrets\n    options: {colour: red}\n")
        config = Config(root=tmp_path, kb_dir=tmp_path / "k", cache_dir=tmp_path / "c",
                        packs=("pack.yaml",))
        with pytest.raises(PolicyPackError, match="unknown option.*colour"):
            Policy.from_config(config)


class TestPlugins:
    def test_plugin_rule_from_entry_point(self, tmp_path: Path, plugin_dist: Path) -> None:
        """A third-party rule registered in the entry-point group is found and applied."""
        write_pack(tmp_path, "name: x\nrules:\n  - id: no-zebras\n    use: forbidden-word\n"
                   "    options: {words: [zebra]}\n")
        config = Config(root=tmp_path, kb_dir=tmp_path / "k", cache_dir=tmp_path / "c",
                        packs=("pack.yaml",))
        policy = Policy.from_config(config)
        findings = policy.check(lesson("Always feed the ｚｅｂｒａ."))
        assert [f.rule for f in findings] == ["no-zebras"]
        assert findings[0].severity == "block"
        assert (findings[0].line, findings[0].column) == (3, 5)
        assert "forbidden-word(id='no-zebras'" in policy.describe()["rules"][0]

    def test_broken_plugin_fails_closed(self, tmp_path: Path, plugin_dist: Path) -> None:
        """A plugin that cannot be imported is a PluginError, never a skipped rule."""
        write_pack(tmp_path, "name: x\nrules:\n  - id: broken\n")
        config = Config(root=tmp_path, kb_dir=tmp_path / "k", cache_dir=tmp_path / "c",
                        packs=("pack.yaml",))
        with pytest.raises(PluginError, match="'broken'.*failed to load"):
            Policy.from_config(config)


class TestOverridesAndSuppressions:
    def _policy(self, tmp_path: Path, **kw: object) -> Policy:
        write_pack(tmp_path, "name: x\nrules:\n  - id: fw\n    use: forbidden-word\n"
                   "    options: {words: [zebra]}\n")
        config = Config(root=tmp_path, kb_dir=tmp_path / "k", cache_dir=tmp_path / "c",
                        packs=("pack.yaml",), **kw)  # type: ignore[arg-type]
        return Policy.from_config(config)

    def test_severity_override_to_warn_never_blocks(self, tmp_path: Path,
                                                    plugin_dist: Path) -> None:
        """A rule configured as warn in the repository yields warnings only."""
        policy = self._policy(tmp_path, rules={"fw": RuleOverride(severity="warn")})
        findings = policy.check(lesson("zebra"))
        assert [f.severity for f in findings] == ["warn"]

    def test_disabled_rule_does_not_run(self, tmp_path: Path, plugin_dist: Path) -> None:
        """enabled = false removes the rule."""
        policy = self._policy(tmp_path, rules={"fw": RuleOverride(enabled=False)})
        assert policy.check(lesson("zebra")) == []

    def test_options_replace_and_extend(self, tmp_path: Path, plugin_dist: Path) -> None:
        """options replace a pack value; extend appends to a list option."""
        policy = self._policy(tmp_path, rules={"fw": RuleOverride(
            options={"words": ["lion"]}, extend={"words": ["tiger"]})})
        assert policy.check(lesson("zebra")) == []
        assert len(policy.check(lesson("lion and tiger"))) == 2

    def test_suppression_records_reason(self, tmp_path: Path, plugin_dist: Path) -> None:
        """A matching suppression keeps the finding, marked with the configured reason."""
        supp = Suppression(rule="fw", reason="zoo lessons mention zebras",
                           paths=("lessons/*.json",))
        policy = self._policy(tmp_path, suppressions=(supp,))
        lesson_in_repo = Lesson("z", "guidance", "t", "zebra", {
            "id": "z", "kind": "guidance", "title": "t", "body": "zebra"},
            Source(str(tmp_path / "lessons" / "z.json"), "json"))
        findings = policy.check(lesson_in_repo)
        assert findings and findings[0].suppressed == "zoo lessons mention zebras"
        other = Lesson("z", "guidance", "t", "zebra", dict(lesson_in_repo.data),
                       Source(str(tmp_path / "other" / "z.json"), "json"))
        assert policy.check(other)[0].suppressed is None

    def test_suppression_by_lesson_id(self, tmp_path: Path, plugin_dist: Path) -> None:
        """A suppression naming lesson ids applies to those lessons only."""
        supp = Suppression(rule="fw", reason="ok", lessons=("pathlib",))
        policy = self._policy(tmp_path, suppressions=(supp,))
        assert policy.check(lesson("zebra"))[0].suppressed == "ok"

    def test_crashing_rule_propagates(self, tmp_path: Path, plugin_dist: Path) -> None:
        """A rule that raises is not swallowed: the caller sees the bug (fail closed)."""
        write_pack(tmp_path, "name: x\nrules:\n  - id: crashing\n")
        config = Config(root=tmp_path, kb_dir=tmp_path / "k", cache_dir=tmp_path / "c",
                        packs=("pack.yaml",))
        with pytest.raises(RuntimeError, match="plugin bug"):
            Policy.from_config(config).check(lesson(), CheckContext())


class TestCompiledTwins:
    def test_every_shipped_pack_has_a_current_twin(self) -> None:
        """Each shipped YAML pack has a JSON twin made from exactly its bytes (else: run
        tools/compile_packs.py)."""
        import hashlib
        import json

        from guardian.policy.engine import compiled_twin, parse_pack_yaml

        for path in sorted((ROOT / "policies").glob("*.yaml")):
            raw = path.read_bytes()
            twin = json.loads(compiled_twin(path).read_text())
            assert twin["yaml_sha256"] == hashlib.sha256(raw).hexdigest(), path
            assert twin["data"] == parse_pack_yaml(str(path), raw), path

    def test_stale_twin_is_ignored(self, tmp_path: Path) -> None:
        """A twin whose hash does not match the YAML is ignored: the YAML is the source."""
        import json

        (tmp_path / "compiled").mkdir()
        pack = write_pack(tmp_path, "name: real\nrules:\n  - id: secrets\n")
        (tmp_path / "compiled" / "pack.json").write_text(json.dumps(
            {"yaml_sha256": "0" * 64, "data": {"name": "forged", "rules": [{"id": "x"}]}}))
        assert load_pack(str(pack), tmp_path).name == "real"

    def test_check_does_not_import_yaml_for_json_lessons(self) -> None:
        """With the twin, checking a JSON lesson does not import PyYAML at all."""
        import subprocess

        lesson = str(ROOT / "examples" / "lessons" / "read-the-whole-docstring.json")
        code = ("import sys; from guardian.cli import main; "
                f"main(['check', '--no-kb', {lesson!r}]); "
                "print('YAML' if 'yaml' in sys.modules else 'NOYAML')")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=False).stdout
        assert out.strip().endswith("NOYAML"), out
