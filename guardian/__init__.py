"""guardian: a safety gate for the lessons self-improving coding agents write for themselves.

The public API is re-exported here and imported lazily, so that ``import guardian`` stays
cheap on the pre-commit path.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "CheckContext",
    "CheckResult",
    "Config",
    "ConfigError",
    "ConflictError",
    "Finding",
    "GuardianError",
    "InputError",
    "KBError",
    "LedgerError",
    "Lesson",
    "LessonError",
    "PluginError",
    "Policy",
    "PolicyPackError",
    "Source",
    "__version__",
    "check_paths",
    "load_config",
    "load_lessons",
]

_LAZY = {
    "CheckContext": "guardian.policy.base",
    "CheckResult": "guardian.records",
    "Finding": "guardian.records",
    "Lesson": "guardian.records",
    "Source": "guardian.records",
    "Config": "guardian.config",
    "load_config": "guardian.config",
    "Policy": "guardian.policy.engine",
    "check_paths": "guardian.check",
    "load_lessons": "guardian.loaders",
    "GuardianError": "guardian.errors",
    "InputError": "guardian.errors",
    "LessonError": "guardian.errors",
    "PolicyPackError": "guardian.errors",
    "ConfigError": "guardian.errors",
    "KBError": "guardian.errors",
    "ConflictError": "guardian.errors",
    "LedgerError": "guardian.errors",
    "PluginError": "guardian.errors",
}

if TYPE_CHECKING:
    from guardian.check import check_paths
    from guardian.config import Config, load_config
    from guardian.errors import (
        ConfigError,
        ConflictError,
        GuardianError,
        InputError,
        KBError,
        LedgerError,
        LessonError,
        PluginError,
        PolicyPackError,
    )
    from guardian.loaders import load_lessons
    from guardian.policy.base import CheckContext
    from guardian.policy.engine import Policy
    from guardian.records import CheckResult, Finding, Lesson, Source


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'guardian' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
