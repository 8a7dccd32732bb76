"""``guardian init``: scaffold guardian.toml, the KB directory and the git-ignored cache."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from guardian.config import CONFIG_FILE, Config, load_config
from guardian.kb.directory import DirectoryKnowledgeBase
from guardian.kb.fsio import atomic_write
from guardian.kb.ledger import LedgerKey

CONFIG_TEMPLATE = """\
# guardian configuration. Every key is optional; the values shown are the defaults.
# Docs: docs/ledger.md (knowledge base and ledger); README (policy rules).

# kb = "knowledge"                  # knowledge base: lessons/, ledger.jsonl, ledger.head
# cache = ".guardian-cache"         # safe to delete, git-ignored
# packs = ["default"]               # shipped policy pack names, or paths to YAML packs
# max_file_bytes = 1048576          # larger lesson files are refused unread

# Per-rule overrides (never inside a lesson, which an agent writes):
# [rules.exfiltration]
# severity = "warn"                 # block | warn
# enabled = true
# extend = { allow_domains = ["docs.internal.example"] }   # appends to the pack's list

# Suppressions: every one needs a reason, which is recorded with the finding.
# [[suppress]]
# rule = "secrets"
# paths = ["tests/fixtures/*.json"]
# reason = "fake key used by the test suite"

# [ledger]
# key_env = "GUARDIAN_LEDGER_KEY"   # HMAC key for ledger entries, read from this variable
"""

Outcome = Literal["created", "exists", "appended", "skipped"]


@dataclass(frozen=True, slots=True)
class InitStep:
    """One thing ``guardian init`` did or found already done."""

    outcome: Outcome
    path: str
    note: str = ""


def _has_tool_section(root: Path) -> bool:
    pyproject = root / "pyproject.toml"
    try:
        return pyproject.is_file() and "[tool.guardian" in pyproject.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return False


def init_repository(root: Path, *, config_file: Path | None = None,
                    environ: dict[str, str] | None = None) -> list[InitStep]:
    """Scaffold ``root``; idempotent, never overwrites a configuration file or a ledger.

    The KB and cache locations come from the configuration that applies to ``root``
    (``config_file``, an existing guardian.toml or ``[tool.guardian]``), else the defaults.
    """
    root.mkdir(parents=True, exist_ok=True)
    steps: list[InitStep] = []
    config_path = root / CONFIG_FILE
    if config_file is not None:
        config = load_config(file=config_file)
        steps.append(InitStep("exists", str(config_file), "using this configuration"))
    elif config_path.is_file():
        config = load_config(file=config_path)
        steps.append(InitStep("exists", str(config_path), "kept as it is"))
    elif _has_tool_section(root):
        config = load_config(file=root / "pyproject.toml")
        steps.append(InitStep("skipped", str(config_path),
                              "pyproject.toml has [tool.guardian]; not adding a second config"))
    else:
        atomic_write(config_path, CONFIG_TEMPLATE.encode("utf-8"))
        config = load_config(file=config_path)
        steps.append(InitStep("created", str(config_path)))
    steps += _init_kb(config, environ)
    steps += _init_cache(config, root)
    return steps


def _init_kb(config: Config, environ: dict[str, str] | None) -> list[InitStep]:
    key = LedgerKey.from_environ(config.ledger_key_env,
                                 dict(os.environ) if environ is None else environ)
    kb = DirectoryKnowledgeBase(config.kb_dir, key=key)
    created = kb.initialise()
    steps = [InitStep("created", path) for path in created]
    for path in (f"{kb.lessons_dir}/", str(kb.ledger_path), str(kb.head_path)):
        if path not in created:
            note = ""
            if path == str(kb.head_path) and not kb.head_path.exists():
                note = ("missing for a non-empty ledger: not created, since that would "
                        "accept a possibly truncated ledger; see 'guardian verify'")
            steps.append(InitStep("exists" if not note else "skipped", path, note))
    return steps


def _init_cache(config: Config, root: Path) -> list[InitStep]:
    steps = []
    cache = config.cache_dir
    if cache.is_dir():
        steps.append(InitStep("exists", f"{cache}/"))
    else:
        cache.mkdir(parents=True, exist_ok=True)
        steps.append(InitStep("created", f"{cache}/"))
    try:
        rel = cache.resolve().relative_to(config.root.resolve()).as_posix()
    except ValueError:
        return [*steps, InitStep("skipped", str(root / ".gitignore"),
                                 f"the cache {cache} is outside the repository")]
    gitignore = config.root / ".gitignore"
    entry = f"/{rel}/"
    text = gitignore.read_text("utf-8") if gitignore.is_file() else ""
    present = {line.strip() for line in text.splitlines()}
    if present & {rel, f"{rel}/", f"/{rel}", entry}:
        steps.append(InitStep("exists", str(gitignore), f"already ignores {rel}"))
        return steps
    sep = "" if not text or text.endswith("\n") else "\n"
    comment = "# guardian's cache (safe to delete)\n"
    atomic_write(gitignore, (text + sep + comment + entry + "\n").encode("utf-8"))
    steps.append(InitStep("appended" if text else "created", str(gitignore), f"ignores {entry}"))
    return steps
