"""Structured logging: levels, rendering, secret redaction, no locals in tracebacks."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from guardian import log


@pytest.fixture(autouse=True)
def _reset_logging() -> None:
    yield
    log.configure("warning")


class TestLogging:
    def test_json_lines_when_not_a_tty(self) -> None:
        """Events are JSON objects with the event name, level and context."""
        stream = io.StringIO()
        log.configure("info", stream=stream)
        log.get_logger("t").bind(tree="candidate").info("suite_finished", passed=41)
        record = json.loads(stream.getvalue())
        assert record["event"] == "suite_finished"
        assert record["level"] == "info"
        assert record["passed"] == 41 and record["tree"] == "candidate"

    def test_below_level_is_dropped(self) -> None:
        """Events below the configured level are not written."""
        stream = io.StringIO()
        log.configure("warning", stream=stream)
        log.get_logger("t").info("quiet")
        assert stream.getvalue() == ""

    def test_console_rendering(self) -> None:
        """console rendering writes a readable line, not JSON."""
        stream = io.StringIO()
        log.configure("info", stream=stream, json=False)
        log.get_logger("t").info("kb_opened", lessons=3)
        text = stream.getvalue()
        assert "kb_opened" in text and "lessons=3" in text
        assert not text.lstrip().startswith("{")

    def test_secret_valued_keys_are_redacted(self) -> None:
        """Values under keys that name secrets never reach the log."""
        stream = io.StringIO()
        log.configure("info", stream=stream)
        log.get_logger("t").info("client_ready", api_key="sk-ant-api03-verysecret",
                                 ledger_key="k3y", authorization="Bearer abc")
        text = stream.getvalue()
        assert "verysecret" not in text and "k3y" not in text and "Bearer abc" not in text
        assert json.loads(text)["api_key"] == "[redacted]"

    def test_exception_has_no_locals(self) -> None:
        """A logged exception carries its traceback but not the frame's local variables."""
        stream = io.StringIO()
        log.configure("info", stream=stream)

        def explode() -> None:
            secret_value = "sk-live-local-variable-value"  # noqa: F841
            raise ValueError("boom")

        try:
            explode()
        except ValueError:
            log.get_logger("t").exception("failed")
        text = stream.getvalue()
        assert "boom" in text
        assert "sk-live-local-variable-value" not in text

    def test_check_does_not_import_structlog_by_default(self) -> None:
        """Importing the logger module and logging at debug does not import structlog."""
        code = ("import sys; from guardian import log; log.get_logger('x').debug('e'); "
                "print('structlog' in sys.modules)")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True).stdout.strip()
        assert out == "False"
