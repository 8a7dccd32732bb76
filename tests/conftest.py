"""Shared fixtures: a hypothesis profile, and guards against network and home-directory writes."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "guardian", deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=100)
settings.register_profile("ci", parent=settings.get_profile("guardian"), derandomize=True,
                          print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "guardian")

ROOT = Path(__file__).resolve().parent.parent


class YouForgotToUseLoopback(RuntimeError):
    """A test tried to reach a host other than this machine."""


@pytest.fixture(autouse=True)
def _no_outside_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Any connection to a non-loopback address fails loudly instead of leaking traffic."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not (host.startswith("127.") or host in (
                "localhost", "::1")) and self.family != socket.AF_UNIX:
            raise YouForgotToUseLoopback(f"test tried to connect to {address!r}")
        return real_connect(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", guarded)
    yield


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory,
                   monkeypatch: pytest.MonkeyPatch) -> None:
    """HOME points at a temporary folder so nothing writes to the real home directory."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("GUARDIAN_LEDGER_KEY", raising=False)
    monkeypatch.delenv("GUARDIAN_LOG_LEVEL", raising=False)


@pytest.fixture
def repo_root() -> Path:
    return ROOT
