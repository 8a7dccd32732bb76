"""The command line: a thin edge that parses arguments and maps outcomes to exit codes.

Each subcommand lives in ``guardian/cli/<name>.py`` with ``register(subparsers)`` (argparse
only, no heavy imports) and ``run(args, out, err) -> int``. Exit codes: 0 ok, 1 blocked /
rejected / tampered, 2 usage, configuration or input error, 3 a bug in guardian.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import TextIO

COMMANDS = ("check", "eval", "init", "kb", "sandbox", "verify")

EXIT_OK, EXIT_BLOCKED, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3


class _Parser(argparse.ArgumentParser):
    """argparse that exits 2 with a one-line message (its default), never a traceback."""


def build_parser() -> argparse.ArgumentParser:
    from guardian import __version__

    parser = _Parser(
        prog="guardian",
        description=(
            "guardian decides whether a lesson a self-improving coding agent taught itself may "
            "enter its knowledge base: policy rules, regression suites, a tamper-evident ledger."
        ),
        epilog="Exit codes: 0 ok, 1 blocked/rejected/tampered, 2 usage or input error, 3 bug.",
    )
    parser.add_argument("--version", action="version", version=f"guardian {__version__}")
    parser.add_argument("--config", metavar="FILE",
                        help="configuration file (default: guardian.toml or [tool.guardian] "
                             "in pyproject.toml, found from the current directory upward)")
    parser.add_argument("--log-level", default=None, choices=["debug", "info", "warning", "error"],
                        help="structured log level on stderr (default: warning; env "
                             "GUARDIAN_LOG_LEVEL)")
    parser.add_argument("--log-format", default="auto", choices=["auto", "console", "json"],
                        help="log rendering: console on a terminal, JSON lines otherwise")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True,
                                parser_class=_Parser)
    for name in COMMANDS:
        module = importlib.import_module(f"guardian.cli.{name}")
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None,
         err: TextIO | None = None) -> int:
    """Run guardian's CLI; returns the exit code (the console script exits with it)."""
    out = out or sys.stdout
    err = err or sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, usage errors
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    from guardian import log
    from guardian.errors import GuardianError, Terminated

    level = args.log_level or os.environ.get("GUARDIAN_LOG_LEVEL", "warning").lower()
    if level not in log.LEVELS:
        err.write(f"guardian: unknown log level {level!r}; use debug, info, warning or error\n")
        return EXIT_USAGE
    log.configure(level, stream=err,
                  json={"auto": None, "console": False, "json": True}[args.log_format])
    try:
        code: int = args.func(args, out, err)
        return code
    except GuardianError as exc:  # input, configuration, plugin or KB problems
        err.write(f"guardian: error: {exc}\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        err.write("guardian: interrupted\n")
        return 130
    except Terminated:
        err.write("guardian: terminated\n")
        return 143
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:
        where = _write_crash_log(exc)
        err.write(
            f"guardian: internal error ({type(exc).__name__}: {exc}). This is a bug in guardian; "
            f"the full traceback is in {where}\n")
        return EXIT_BUG


def _write_crash_log(exc: BaseException) -> str:
    """Save the traceback (without locals, which may hold keys) and say where it went."""
    import tempfile
    import traceback

    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    fd, path = tempfile.mkstemp(prefix="guardian-crash-", suffix=".log")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    return path
