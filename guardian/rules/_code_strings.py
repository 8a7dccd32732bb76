"""Checks on strings: names and payloads built from pieces, secret names, protected paths."""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from functools import cache

from guardian.rules._code_fold import DECODERS
from guardian.rules._code_paths import MENTION_KINDS, FileChecks, protected_kind
from guardian.rules._code_tables import canon, codey, looks_dangerous


@cache
def _secret_env_name() -> re.Pattern[str]:
    return re.compile(
        r"(?:[A-Z0-9]+_)*(?:KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIALS?)(?:_[A-Z0-9]+)*")


@cache
def _proc_environ() -> re.Pattern[str]:
    return re.compile(r"/proc/[^/\s]*/+environ")


@cache
def _pathish() -> re.Pattern[str]:
    return re.compile(r"[/*]|\.\w+$")


class StringChecks(FileChecks):
    """The checks on string constants and on strings folded from pieces."""

    def __init__(self, tree: ast.Module, lines: Sequence[str]) -> None:
        super().__init__(tree, lines)
        self.protected_mentions: list[tuple[ast.Constant, str]] = []
        self.secret_names: set[str] = set()

    def _check_constant(self, node: ast.Constant) -> None:
        value = node.value
        if not isinstance(value, str) or id(node) in self.prose or len(value) > 500:
            return
        if _secret_env_name().fullmatch(value):
            self.secret_names.add(value)
        if _proc_environ().search(value):
            self.hit(node, "environ", f"names {value!r}, another process's environment")
        elif _pathish().search(value) and protected_kind(value) in MENTION_KINDS:
            self.protected_mentions.append((node, value))

    def _check_built_string(self, node: ast.AST) -> None:
        parent = self.parents.get(node)
        value = self.fold(node)
        if value is None:
            if self.names_environ and isinstance(node, ast.JoinedStr | ast.BinOp | ast.Call) \
                    and not isinstance(parent, ast.JoinedStr | ast.BinOp):
                pattern = self.path_pattern(node)
                if "*" in pattern and _proc_environ().search(pattern):
                    self.hit(node, "environ", f"builds the path {pattern!r}, another process's "
                             "environment")
            return
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        if not isinstance(value, str | list):
            return
        text = "".join(v for v in value if isinstance(v, str)) if isinstance(value, list) \
            else value
        decoded = isinstance(node, ast.Call) and (
            canon(self.resolve(node.func) or "") in DECODERS
            or (isinstance(node.func, ast.Attribute) and node.func.attr in ("decode", "fromhex")))
        if looks_dangerous(text):
            if parent is not None and isinstance(
                    parent, ast.BinOp | ast.JoinedStr | ast.Call | ast.Subscript) and \
                    isinstance(self.memo.get(id(parent)), str) and \
                    looks_dangerous(self.memo[id(parent)]):
                return  # the enclosing expression reports it
            self.hit(node, "obfuscation", f"a string assembled from pieces evaluates to "
                     f"{text.strip()!r}, the name of something dangerous")
        elif decoded and codey().search(text):
            self.hit(node, "obfuscation", f"decodes to Python code ({_short(text)!r})")


def _short(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3] + "..."
