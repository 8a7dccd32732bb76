"""Structured logging: structlog, configured only by the CLI, imported only when needed.

``get_logger()`` returns a light proxy: events below the configured level are dropped without
importing structlog (whose import alone would cost the fast path more than its budget).
Console rendering on a TTY, JSON lines otherwise; tracebacks are rendered without locals,
which can hold keys; values of keys that look secret are redacted before rendering.
"""

from __future__ import annotations

import re
import sys
from collections.abc import MutableMapping
from typing import Any, TextIO

LEVELS = {"debug": 10, "info": 20, "warning": 30, "error": 40, "critical": 50}
_state: dict[str, Any] = {"level": 30, "configured": False, "stream": None, "json": None}
_SECRET_KEY = re.compile(r"(?i)(api[_-]?key|token|secret|password|passwd|authorization|hmac|"
                         r"ledger[_-]?key|credential|cookie)")


def redact_secrets(_logger: Any, _name: str, event: MutableMapping[str, Any]) -> Any:
    """structlog processor: blank out values whose key names a secret."""
    for key in list(event):
        if key != "event" and _SECRET_KEY.search(key):
            event[key] = "[redacted]"
    return event


def configure(level: str = "warning", *, stream: TextIO | None = None,
              json: bool | None = None) -> None:
    """Set the level and output; rendering is console on a TTY, JSON otherwise."""
    _state["level"] = LEVELS[level]
    _state["stream"] = stream
    _state["json"] = json
    _state["configured"] = False


def _setup() -> None:
    import structlog

    stream = _state["stream"] or sys.stderr
    use_json = _state["json"]
    if use_json is None:
        use_json = not (hasattr(stream, "isatty") and stream.isatty())
    renderer: Any
    if use_json:
        renderer = structlog.processors.JSONRenderer(sort_keys=True)
        exc = structlog.processors.ExceptionRenderer(
            structlog.tracebacks.ExceptionDictTransformer(show_locals=False))
    else:
        renderer = structlog.dev.ConsoleRenderer(
            colors=False, exception_formatter=structlog.dev.plain_traceback)
        exc = None
    processors: list[Any] = [
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        redact_secrets,
    ]
    if exc is not None:
        processors.append(exc)
    processors.append(renderer)
    structlog.configure(
        processors=processors,
        wrapper_class=structlog.make_filtering_bound_logger(_state["level"]),
        logger_factory=structlog.PrintLoggerFactory(file=stream),
        cache_logger_on_first_use=False,
    )
    _state["configured"] = True


class _LazyLogger:
    """A logger proxy that imports structlog on the first event it actually emits."""

    def __init__(self, name: str, context: dict[str, Any] | None = None) -> None:
        self._name = name
        self._context = context or {}

    def bind(self, **kw: Any) -> _LazyLogger:
        return _LazyLogger(self._name, {**self._context, **kw})

    def _emit(self, level: str, event: str, **kw: Any) -> None:
        if LEVELS[level] < _state["level"]:
            return
        if not _state["configured"]:
            _setup()
        import structlog

        logger = structlog.get_logger().bind(logger=self._name, **self._context)
        getattr(logger, level)(event, **kw)

    def debug(self, event: str, **kw: Any) -> None:
        self._emit("debug", event, **kw)

    def info(self, event: str, **kw: Any) -> None:
        self._emit("info", event, **kw)

    def warning(self, event: str, **kw: Any) -> None:
        self._emit("warning", event, **kw)

    def error(self, event: str, **kw: Any) -> None:
        self._emit("error", event, **kw)

    def exception(self, event: str, **kw: Any) -> None:
        self._emit("error", event, exc_info=True, **kw)


def get_logger(name: str = "guardian") -> _LazyLogger:
    """A module's logger: ``log = get_logger(__name__)``."""
    return _LazyLogger(name)
