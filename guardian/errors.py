"""The exception tree: every error guardian raises on purpose derives from GuardianError.

    GuardianError
    ├── InputError            a file or value from the user is unusable (exit 2 / blocked)
    │   ├── LessonError       a lesson file does not parse or fails the schema (blocked, exit 1)
    │   └── PolicyPackError   a policy pack is malformed or names an unknown rule (exit 2)
    ├── ConfigError           guardian.toml / [tool.guardian] is wrong (exit 2)
    ├── KBError               the knowledge base cannot be read or written
    │   ├── ConflictError     the KB version moved under a compare-and-swap write; retry
    │   └── LedgerError       the ledger is unreadable or a write to it failed
    └── PluginError           a rule plugin failed to load (fail closed, exit 2)

Anything else escaping to the CLI is a bug in guardian (exit 3). ``Terminated`` (SIGTERM
during an evaluation) is not an error: like KeyboardInterrupt it stops the run (exit 143).
"""

from __future__ import annotations


class GuardianError(Exception):
    """Base class of every error guardian raises deliberately."""


class InputError(GuardianError):
    """A file or value supplied by the user cannot be used. Fix the input named in the message."""


class LessonError(InputError):
    """A lesson file does not parse or does not satisfy the lesson schema.

    ``path``, ``line``, ``column`` and ``pointer`` locate the problem; fix the file there.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str,
        line: int | None = None,
        column: int | None = None,
        pointer: str | None = None,
        rule: str = "lesson-format",
    ) -> None:
        self.message = message
        self.path = path
        self.line = line
        self.column = column
        self.pointer = pointer
        self.rule = rule
        super().__init__(self.located())

    def located(self) -> str:
        """The message prefixed with ``path:line:col:`` (or the JSON pointer when no line)."""
        where = self.path
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        elif self.pointer:
            where += f" at {self.pointer}"
        return f"{where}: {self.message}"


class PolicyPackError(InputError):
    """A policy pack is malformed, fails its schema, or uses a rule nobody registered."""


class ConfigError(GuardianError):
    """The repository configuration (guardian.toml or [tool.guardian]) is invalid."""


class KBError(GuardianError):
    """The knowledge base cannot be read or written as asked."""


class ConflictError(KBError):
    """The KB version changed under a write (compare-and-swap failed): re-read, retry."""


class LedgerError(KBError):
    """The ledger cannot be read or appended to. Nothing was promoted; check disk, permissions."""


class PluginError(GuardianError):
    """A rule registered through the ``guardian.rules`` entry-point group could not be loaded."""


class Terminated(BaseException):
    """guardian received SIGTERM while running child processes; they were stopped first.

    A BaseException, like KeyboardInterrupt: it is not an error to handle but a request to
    stop. The CLI exits 143.
    """
