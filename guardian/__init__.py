"""guardian: a safety gate for the lessons self-improving coding agents write for themselves.

The public API is re-exported here and imported lazily, so that ``import guardian`` stays
cheap on the pre-commit path.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "CaseResult",
    "Change",
    "CheckContext",
    "CheckResult",
    "Config",
    "ConfigError",
    "ConflictError",
    "Counterexample",
    "DirectoryKnowledgeBase",
    "Effect",
    "Entry",
    "EvalCache",
    "EvalResult",
    "Finding",
    "GuardianError",
    "ImportReport",
    "InputError",
    "Isolation",
    "KBError",
    "KBState",
    "KnowledgeBase",
    "LedgerError",
    "LedgerKey",
    "Lesson",
    "LessonError",
    "Limits",
    "MemoryKnowledgeBase",
    "PluginError",
    "Policy",
    "PolicyPackError",
    "Problem",
    "ReadOnlyKnowledgeBase",
    "RepairReport",
    "Sandbox",
    "Source",
    "Suite",
    "Task",
    "TaskResult",
    "VerifyReport",
    "__version__",
    "check_paths",
    "evaluate",
    "import_lessons",
    "load_config",
    "load_lessons",
    "load_suite",
    "register_action",
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
    "KnowledgeBase": "guardian.kb.store",
    "MemoryKnowledgeBase": "guardian.kb.store",
    "ReadOnlyKnowledgeBase": "guardian.kb.store",
    "RepairReport": "guardian.kb.store",
    "DirectoryKnowledgeBase": "guardian.kb.directory",
    "Change": "guardian.kb.change",
    "Entry": "guardian.kb.ledger",
    "LedgerKey": "guardian.kb.ledger",
    "KBState": "guardian.kb.replay",
    "Effect": "guardian.kb.replay",
    "register_action": "guardian.kb.replay",
    "VerifyReport": "guardian.kb.verify",
    "Problem": "guardian.kb.verify",
    "import_lessons": "guardian.kb.importer",
    "ImportReport": "guardian.kb.importer",
    "CaseResult": "guardian.suite.results",
    "EvalResult": "guardian.suite.results",
    "TaskResult": "guardian.suite.results",
    "EvalCache": "guardian.suite.cache",
    "Suite": "guardian.suite.manifest",
    "load_suite": "guardian.suite.manifest",
    "evaluate": "guardian.suite.runner",
    "Counterexample": "guardian.suite.runner",
    "Isolation": "guardian.sandbox.isolation",
    "Sandbox": "guardian.sandbox.client",
    "Limits": "guardian.sandbox.client",
    "Task": "guardian.suite.tasks",
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
    from guardian.kb.change import Change
    from guardian.kb.directory import DirectoryKnowledgeBase
    from guardian.kb.importer import ImportReport, import_lessons
    from guardian.kb.ledger import Entry, LedgerKey
    from guardian.kb.replay import Effect, KBState, register_action
    from guardian.kb.store import (
        KnowledgeBase,
        MemoryKnowledgeBase,
        ReadOnlyKnowledgeBase,
        RepairReport,
    )
    from guardian.kb.verify import Problem, VerifyReport
    from guardian.loaders import load_lessons
    from guardian.policy.base import CheckContext
    from guardian.policy.engine import Policy
    from guardian.records import CheckResult, Finding, Lesson, Source
    from guardian.sandbox.client import Limits, Sandbox
    from guardian.sandbox.isolation import Isolation
    from guardian.suite.cache import EvalCache
    from guardian.suite.manifest import Suite, load_suite
    from guardian.suite.results import CaseResult, EvalResult, TaskResult
    from guardian.suite.runner import Counterexample, evaluate
    from guardian.suite.tasks import Task


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'guardian' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
