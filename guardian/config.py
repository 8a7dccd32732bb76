"""The repository configuration: read once at the edge from guardian.toml or [tool.guardian].

    # guardian.toml (or the same keys under [tool.guardian] in pyproject.toml)
    kb = "knowledge"                  # the knowledge base directory
    cache = ".guardian-cache"         # safe to delete, git-ignored
    packs = ["default"]               # shipped pack names or paths to YAML packs
    max_file_bytes = 1048576          # larger lesson files are refused unread

    [rules.exfiltration]              # per-rule overrides, never inside a lesson
    severity = "warn"                 # block | warn
    enabled = true
    options = { allow_domains = ["docs.internal.example"] }   # replaces the pack's value
    extend = { allow_domains = ["intranet.example"] }         # appends to the pack's list

    [[suppress]]                      # every suppression needs a reason; it is recorded
    rule = "secrets"
    paths = ["tests/fixtures/*.json"] # optional: globs, relative to the repository root
    lessons = ["fixture-key"]         # optional: lesson ids
    reason = "fake key used by the test suite"

    [ledger]
    key_env = "GUARDIAN_LEDGER_KEY"   # HMAC key for ledger entries, read from this variable
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from guardian.errors import ConfigError

CONFIG_FILE = "guardian.toml"
_TOP_KEYS = {"kb", "cache", "packs", "max_file_bytes", "rules", "suppress", "ledger"}
_RULE_KEYS = {"severity", "enabled", "options", "extend"}


@dataclass(frozen=True, slots=True)
class RuleOverride:
    """Repository-level changes to one rule of the packs."""

    severity: str | None = None
    enabled: bool | None = None
    options: Mapping[str, Any] = field(default_factory=dict)
    extend: Mapping[str, list[Any]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Suppression:
    """Silences one rule for some paths or lesson ids; ``reason`` is recorded with the finding."""

    rule: str
    reason: str
    paths: tuple[str, ...] = ()
    lessons: tuple[str, ...] = ()

    def matches(self, rule: str, path: str | None, lesson_id: str | None, root: Path) -> bool:
        if self.rule not in (rule, "*"):
            return False
        if self.lessons and lesson_id not in self.lessons:
            return False
        if self.paths:
            if path is None:
                return False
            rel = _relative(path, root)
            return any(fnmatch.fnmatchcase(rel, pattern) for pattern in self.paths)
        return True


def _relative(path: str, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return Path(path).as_posix()


@dataclass(frozen=True, slots=True)
class Config:
    """Everything guardian reads from the repository configuration, resolved to paths."""

    root: Path
    kb_dir: Path
    cache_dir: Path
    packs: tuple[str, ...] = ("default",)
    max_file_bytes: int = 1 << 20
    rules: Mapping[str, RuleOverride] = field(default_factory=dict)
    suppressions: tuple[Suppression, ...] = ()
    ledger_key_env: str = "GUARDIAN_LEDGER_KEY"
    source: Path | None = None

    @classmethod
    def default(cls, root: Path) -> Config:
        return cls(root=root, kb_dir=root / "knowledge", cache_dir=root / ".guardian-cache")


def find_root(start: Path) -> tuple[Path, Path | None]:
    """The repository root for ``start`` and the config file there (None when there is none).

    Walks up to the first directory holding guardian.toml, a pyproject.toml with
    [tool.guardian], or .git; falls back to ``start`` itself.
    """
    start = start.resolve()
    for folder in (start, *start.parents):
        candidate = folder / CONFIG_FILE
        if candidate.is_file():
            return folder, candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and "[tool.guardian" in _read_text(pyproject):
            return folder, pyproject
        if (folder / ".git").exists():
            return folder, None
    return start, None


def _read_text(path: Path) -> str:
    try:
        return path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read configuration: {exc}") from None


def load_config(start: Path | None = None, *, file: Path | None = None) -> Config:
    """Read the configuration for the repository containing ``start`` (default: cwd)."""
    import tomllib

    source: Path | None
    if file is not None:
        root, source = file.resolve().parent, file.resolve()
        if not source.is_file():
            raise ConfigError(f"{file}: configuration file not found")
    else:
        root, source = find_root(start or Path.cwd())
    if source is None:
        return Config.default(root)
    try:
        data = tomllib.loads(_read_text(source))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: invalid TOML: {exc}") from None
    if source.name == "pyproject.toml":
        data = data.get("tool", {}).get("guardian", {})
        if not isinstance(data, dict):
            raise ConfigError(f"{source}: [tool.guardian] must be a table")
    return parse_config(data, root=root, source=source)


def parse_config(data: Mapping[str, Any], *, root: Path, source: Path | None = None) -> Config:
    """Validate a configuration mapping and resolve it against ``root``."""
    where = str(source or "configuration")
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise ConfigError(
            f"{where}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(_TOP_KEYS))}")

    def path_value(key: str, default: str) -> Path:
        value = data.get(key, default)
        if not isinstance(value, str) or not value:
            raise ConfigError(f"{where}: '{key}' must be a non-empty string path; got {value!r}")
        return (root / value) if not Path(value).is_absolute() else Path(value)

    packs = data.get("packs", ["default"])
    if not isinstance(packs, list) or not packs or not all(isinstance(p, str) for p in packs):
        raise ConfigError(f"{where}: 'packs' must be a non-empty list of strings; got {packs!r}")
    max_bytes = data.get("max_file_bytes", 1 << 20)
    if not isinstance(max_bytes, int) or isinstance(max_bytes, bool) or max_bytes <= 0:
        raise ConfigError(
            f"{where}: 'max_file_bytes' must be a positive integer; got {max_bytes!r}")

    rules: dict[str, RuleOverride] = {}
    raw_rules = data.get("rules", {})
    if not isinstance(raw_rules, dict):
        raise ConfigError(f"{where}: [rules] must be a table of rule ids")
    for rule_id, spec in raw_rules.items():
        if not isinstance(spec, dict):
            raise ConfigError(f"{where}: [rules.{rule_id}] must be a table")
        bad = sorted(set(spec) - _RULE_KEYS)
        if bad:
            raise ConfigError(
                f"{where}: [rules.{rule_id}] unknown key(s) {', '.join(bad)}; "
                f"known: {', '.join(sorted(_RULE_KEYS))}")
        severity = spec.get("severity")
        if severity not in (None, "block", "warn"):
            raise ConfigError(
                f"{where}: [rules.{rule_id}] severity must be block or warn; got {severity!r}")
        enabled = spec.get("enabled")
        if enabled is not None and not isinstance(enabled, bool):
            raise ConfigError(f"{where}: [rules.{rule_id}] enabled must be true or false")
        options = spec.get("options", {})
        extend = spec.get("extend", {})
        if not isinstance(options, dict) or not isinstance(extend, dict):
            raise ConfigError(f"{where}: [rules.{rule_id}] options and extend must be tables")
        for key, value in extend.items():
            if not isinstance(value, list):
                raise ConfigError(
                    f"{where}: [rules.{rule_id}] extend.{key} must be a list; got {value!r}")
        rules[rule_id] = RuleOverride(severity, enabled, options, extend)

    suppressions: list[Suppression] = []
    raw_supp = data.get("suppress", [])
    if not isinstance(raw_supp, list):
        raise ConfigError(f"{where}: 'suppress' must be an array of tables ([[suppress]])")
    for i, item in enumerate(raw_supp):
        label = f"{where}: [[suppress]] #{i + 1}"
        if not isinstance(item, dict):
            raise ConfigError(f"{label} must be a table")
        bad = sorted(set(item) - {"rule", "reason", "paths", "lessons"})
        if bad:
            raise ConfigError(f"{label}: unknown key(s) {', '.join(bad)}")
        rule = item.get("rule")
        reason = item.get("reason")
        if not isinstance(rule, str) or not rule:
            raise ConfigError(f"{label}: 'rule' is required (a rule id, or '*')")
        if not isinstance(reason, str) or not reason.strip():
            raise ConfigError(f"{label}: 'reason' is required; say why {rule!r} is suppressed")
        paths = item.get("paths", [])
        lessons = item.get("lessons", [])
        if not all(isinstance(p, str) for p in paths) or not all(
                isinstance(x, str) for x in lessons):
            raise ConfigError(f"{label}: 'paths' and 'lessons' must be lists of strings")
        suppressions.append(Suppression(rule, reason.strip(), tuple(paths), tuple(lessons)))

    ledger = data.get("ledger", {})
    if not isinstance(ledger, dict) or set(ledger) - {"key_env"}:
        raise ConfigError(f"{where}: [ledger] accepts only key_env")
    key_env = ledger.get("key_env", "GUARDIAN_LEDGER_KEY")
    if not isinstance(key_env, str) or not key_env:
        raise ConfigError(f"{where}: [ledger] key_env must be an environment variable name")

    return Config(
        root=root,
        kb_dir=path_value("kb", "knowledge"),
        cache_dir=path_value("cache", ".guardian-cache"),
        packs=tuple(packs),
        max_file_bytes=max_bytes,
        rules=rules,
        suppressions=tuple(suppressions),
        ledger_key_env=key_env,
        source=source,
    )
