"""Loads policy packs, builds their rules, and applies them to lessons with suppressions."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

from guardian.config import Config, Suppression
from guardian.errors import PluginError, PolicyPackError
from guardian.policy.base import CheckContext, Rule, RuleFactory
from guardian.records import Finding, Lesson, Severity

ENTRY_POINT_GROUP = "guardian.rules"

#: The built-in rules, exactly as pyproject.toml registers them in the ``guardian.rules``
#: entry-point group (a test keeps the two equal). Resolving these without scanning the
#: installed distributions keeps ``guardian check`` fast; anything else comes from entry points.
BUILTIN_RULES: dict[str, str] = {
    "hidden-unicode": "guardian.rules.unicode:HiddenUnicodeRule",
    "injection": "guardian.rules.injection:InjectionRule",
    "concealment": "guardian.rules.conceal:ConcealmentRule",
    "exfiltration": "guardian.rules.exfil:ExfiltrationRule",
    "secrets": "guardian.rules.secrets:SecretsRule",
    "test-weakening": "guardian.rules.weakening:TestWeakeningRule",
    "code-payload": "guardian.rules.code:CodePayloadRule",
    "size-budget": "guardian.rules.budget:SizeBudgetRule",
    "duplicates": "guardian.rules.budget:DuplicateRule",
    "id-collision": "guardian.rules.budget:IdCollisionRule",
    "evidence-required": "guardian.rules.budget:EvidenceRule",
    "unknown-field": "guardian.rules.fields:UnknownFieldRule",
}


def _import_target(target: str) -> Any:
    import importlib

    module_name, _, attr = target.partition(":")
    module = importlib.import_module(module_name)
    obj: Any = module
    for part in attr.split("."):
        obj = getattr(obj, part)
    return obj


def resolve_factory(name: str) -> RuleFactory:
    """The rule factory registered as ``name`` in the ``guardian.rules`` entry-point group."""
    target = BUILTIN_RULES.get(name)
    if target is not None:
        factory: RuleFactory = _import_target(target)
        return factory
    from importlib.metadata import entry_points

    found = [ep for ep in entry_points(group=ENTRY_POINT_GROUP) if ep.name == name]
    if not found:
        known = ", ".join(sorted(set(BUILTIN_RULES) | {
            ep.name for ep in entry_points(group=ENTRY_POINT_GROUP)}))
        raise PolicyPackError(f"no rule registered as {name!r} in group "
                              f"{ENTRY_POINT_GROUP!r}; known rules: {known}")
    try:
        loaded: RuleFactory = found[0].load()
    except Exception as exc:  # a broken plugin must not pass lessons: fail closed
        raise PluginError(
            f"rule plugin {name!r} ({found[0].value}) failed to load: "
            f"{type(exc).__name__}: {exc}") from None
    return loaded


def shipped_pack_dirs() -> list[Path]:
    """Where shipped packs live: inside the wheel, or ``policies/`` of a source checkout."""
    here = Path(__file__).resolve().parent.parent
    return [here / "policies", here.parent / "policies"]


@dataclass(frozen=True, slots=True)
class PackInfo:
    """A loaded pack: its name, where it came from, and the SHA-256 of its text."""

    name: str
    origin: str
    sha256: str
    data: Mapping[str, Any]


def _pack_path(ref: str, root: Path) -> Path:
    if "/" in ref or ref.endswith((".yaml", ".yml", ".json")):
        path = Path(ref)
        return path if path.is_absolute() else root / path
    for folder in shipped_pack_dirs():
        for suffix in (".yaml", ".yml"):
            candidate = folder / f"{ref}{suffix}"
            if candidate.is_file():
                return candidate
    raise PolicyPackError(
        f"no shipped policy pack named {ref!r} (looked in "
        f"{', '.join(str(d) for d in shipped_pack_dirs())}); give a path to a YAML pack instead")


def load_pack(ref: str, root: Path) -> PackInfo:
    """Read and validate one pack (shipped name or path)."""
    path = _pack_path(ref, root)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PolicyPackError(f"{path}: cannot read policy pack: {exc.strerror}") from None
    return _parse_pack(str(path), raw)


def compiled_twin(path: Path) -> Path:
    """Where the JSON twin of a YAML pack lives (``policies/compiled/<name>.json``)."""
    return path.parent / "compiled" / f"{path.stem}.json"


def _from_twin(origin: str, raw: bytes) -> Any:
    """The pack's data from its JSON twin when the twin was compiled from exactly ``raw``.

    Parsing YAML means importing PyYAML, a sixth of the check path's start-up budget. Shipped
    packs come with a twin (``tools/compile_packs.py``; a test keeps them equal) that records
    the SHA-256 of the YAML it was made from; any edit to the YAML makes the twin ignored.
    """
    import json

    twin = compiled_twin(Path(origin))
    try:
        compiled = json.loads(twin.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(compiled, dict) or compiled.get("yaml_sha256") != hashlib.sha256(
            raw).hexdigest():
        return None
    return compiled.get("data")


def parse_pack_yaml(origin: str, raw: bytes) -> Any:
    """The data of a YAML pack, parsed with PyYAML's safe loader."""
    import yaml

    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        return yaml.load(raw.decode("utf-8"), Loader=loader)  # noqa: S506 (a safe loader)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise PolicyPackError(f"{origin}: not a valid YAML policy pack: {exc}") from None


@cache
def _parse_pack(origin: str, raw: bytes) -> PackInfo:
    data = _from_twin(origin, raw)
    if data is None:
        data = parse_pack_yaml(origin, raw)
    from guardian.schemas import validator

    errors = list(validator("policy-pack").iter_errors(data))
    if errors:
        details = "; ".join(f"{e.pointer or '/'}: {e.message}" for e in errors[:5])
        raise PolicyPackError(f"{origin}: invalid policy pack: {details}")
    return PackInfo(data["name"], origin, hashlib.sha256(raw).hexdigest(), data)


@dataclass(frozen=True, slots=True)
class Policy:
    """The rules in force for a repository, with its suppressions."""

    rules: tuple[Rule, ...]
    suppressions: tuple[Suppression, ...]
    packs: tuple[PackInfo, ...]
    root: Path

    @classmethod
    def from_config(cls, config: Config) -> Policy:
        """Build every enabled rule of the configured packs, with repository overrides."""
        packs = tuple(load_pack(ref, config.root) for ref in config.packs)
        rules: list[Rule] = []
        seen: dict[str, str] = {}
        for pack in packs:
            for spec in pack.data["rules"]:
                rule_id = spec["id"]
                if rule_id in seen:
                    raise PolicyPackError(
                        f"{pack.origin}: rule id {rule_id!r} is already defined by pack "
                        f"{seen[rule_id]!r}; give it another id")
                seen[rule_id] = pack.name
                override = config.rules.get(rule_id)
                enabled = spec.get("enabled", True)
                severity: Severity = spec.get("severity", "block")
                options: dict[str, Any] = dict(spec.get("options") or {})
                if override is not None:
                    if override.enabled is not None:
                        enabled = override.enabled
                    if override.severity is not None:
                        severity = override.severity  # type: ignore[assignment]
                    options.update(override.options)
                    for key, extra in override.extend.items():
                        base = options.get(key, [])
                        if not isinstance(base, list):
                            raise PolicyPackError(
                                f"rule {rule_id!r}: option {key!r} is not a list; "
                                f"use options, not extend")
                        options[key] = [*base, *extra]
                if not enabled:
                    continue
                factory = resolve_factory(spec.get("use", rule_id))
                try:
                    rule = factory(id=rule_id, severity=severity, options=options)
                except PolicyPackError:
                    raise
                except (TypeError, ValueError) as exc:
                    raise PolicyPackError(f"{pack.origin}: rule {rule_id!r}: {exc}") from None
                rules.append(rule)
        unknown = sorted(set(config.rules) - set(seen))
        if unknown:
            from guardian.errors import ConfigError

            raise ConfigError(
                f"{config.source}: [rules] names rule(s) no pack defines: {', '.join(unknown)}; "
                f"defined: {', '.join(sorted(seen))}")
        return cls(tuple(rules), config.suppressions, packs, config.root)

    def describe(self) -> dict[str, Any]:
        """What decided: pack digests and every rule's repr (recorded in the ledger)."""
        return {
            "packs": [{"name": p.name, "sha256": p.sha256} for p in self.packs],
            "rules": [repr(r) for r in self.rules],
            "suppressions": [
                {"rule": s.rule, "reason": s.reason, "paths": list(s.paths),
                 "lessons": list(s.lessons)} for s in self.suppressions],
        }

    def check(self, lesson: Lesson, ctx: CheckContext | None = None) -> list[Finding]:
        """Every finding for ``lesson``, located in its file, suppressions applied, sorted."""
        ctx = ctx or CheckContext()
        path = lesson.source.path if lesson.source else None
        findings: list[Finding] = []
        for rule in self.rules:
            for raw in rule.check(lesson, ctx):
                found = raw
                if rule.severity == "warn" and found.severity == "block":
                    found = replace(found, severity="warn")
                for supp in self.suppressions:
                    if supp.matches(found.rule, path, lesson.id, self.root):
                        found = replace(found, suppressed=supp.reason)
                        break
                if found.line is None and lesson.source is not None:
                    line, column = lesson.source.position(found.field)
                    found = found.with_position(line, column)
                findings.append(found)
        findings.sort(key=lambda f: (f.line or 0, f.column or 0, f.rule))
        return findings

    def check_all(self, lessons: Sequence[Lesson], kb: Sequence[Lesson] = ()) -> list[
            list[Finding]]:
        """Findings for each lesson of a batch, sharing one context (indexes built once)."""
        ctx = CheckContext(kb=kb, batch=lessons)
        return [self.check(lesson, ctx) for lesson in lessons]
