"""The public façade: every name in guardian.__all__ resolves, and importing it is cheap."""

from __future__ import annotations

import subprocess
import sys

import pytest

import guardian


class TestFacade:
    @pytest.mark.parametrize("name", guardian.__all__)
    def test_public_name_resolves(self, name: str) -> None:
        """Each public name can be imported from the package."""
        assert getattr(guardian, name) is not None

    def test_unknown_name_raises_attribute_error(self) -> None:
        """A name that is not public raises AttributeError, naming it."""
        with pytest.raises(AttributeError, match="no_such_thing"):
            guardian.no_such_thing  # noqa: B018

    def test_import_is_lazy(self) -> None:
        """import guardian loads none of its submodules."""
        code = ("import sys, guardian; "
                "print(sorted(m for m in sys.modules if m.startswith('guardian.')))")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True).stdout.strip()
        assert out == "[]"

    def test_errors_share_one_root(self) -> None:
        """Every guardian exception derives from GuardianError."""
        for name in ("InputError", "LessonError", "PolicyPackError", "ConfigError", "KBError",
                     "ConflictError", "LedgerError", "PluginError"):
            assert issubclass(getattr(guardian, name), guardian.GuardianError)

    def test_lesson_error_is_located(self) -> None:
        """LessonError's text is 'path:line:col: message', or names the JSON pointer."""
        err = guardian.LessonError("bad", path="a.json", line=3, column=7)
        assert str(err) == "a.json:3:7: bad"
        err = guardian.LessonError("bad", path="a.json", pointer="/scope/tags/0")
        assert str(err) == "a.json at /scope/tags/0: bad"
