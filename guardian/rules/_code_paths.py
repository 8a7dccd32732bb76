"""Files: the path a lesson's code reads or writes, and whether it is protected or secret."""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from functools import cache

from guardian.rules._code_scope import Scope

# Paths a lesson must never write, each with what it is.
_PROTECTED_KINDS: tuple[tuple[str, str], ...] = (
    (r"(?:^|/)(?:tests?|testing)(?:/|$)|(?:^|/)test_[^/]*\.py$|_test\.py$|(?:^|/)conftest\.py$",
     "a test file"),
    (r"(?:^|/)(?:pytest\.ini|setup\.cfg|tox\.ini|noxfile\.py|pyproject\.toml|\.coveragerc|"
     r"Makefile|requirements[^/]*\.txt|setup\.py|guardian\.toml)$",
     "build, test or guardian configuration"),
    (r"(?:^|/)(?:\.pre-commit-config\.yaml|\.pre-commit-hooks\.yaml|\.gitlab-ci\.yml)$|"
     r"(?:^|/)\.(?:github|git)(?:/|$)", "CI, hook or repository configuration"),
    (r"(?:^|/)(?:AGENTS\.md|CLAUDE\.md|SKILL\.md|\.cursorrules)$|(?:^|/)\.(?:cursor|claude)(?:/|$)",
     "agent memory or instructions"),
    (r"(?:^|/)knowledge(?:/|$)|ledger\.jsonl$|(?:^|/)\.guardian-cache(?:/|$)",
     "guardian's knowledge base or ledger"),
    (r"(?:^|/)(?:junit[^/]*\.xml|[^/]*\.junit\.xml|\.coverage)$|(?:^|/)\.pytest_cache(?:/|$)",
     "a test report or test-run cache"),
    (r"(?:^|/)(?:sitecustomize\.py|usercustomize\.py)$|\.pth$|\.pyc?$",
     "Python source that later imports would run"),
    (r"(?:^|/)(?:\.bashrc|\.bash_profile|\.profile|\.zshrc|\.zprofile|\.gitconfig|crontab)$"
     r"|(?:^|/)\.(?:ssh|config)(?:/|$)|^/(?:etc|usr|bin|sbin|boot|lib|root|var/spool)/",
     "a shell start-up, user configuration or system file"),
)


@cache
def _protected() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p, _ in _PROTECTED_KINDS), re.IGNORECASE)


@cache
def _protected_each() -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((re.compile(p, re.IGNORECASE), what) for p, what in _PROTECTED_KINDS)


def protected_kind(path: str) -> str | None:
    """What kind of protected file ``path`` is, or None."""
    if not _protected().search(path):
        return None
    return next(what for pattern, what in _protected_each() if pattern.search(path))


#: Kinds that, merely named in code that writes to computed paths, betray the target.
MENTION_KINDS = frozenset(what for _, what in _PROTECTED_KINDS[:6])
_HARMLESS_ABSOLUTE = frozenset({"/dev/null", "/dev/stdout", "/dev/stderr"})


@cache
def _secret_path() -> re.Pattern[str]:
    return re.compile(
        r"(?:^|/)\.ssh(?:/|$)|id_(?:rsa|dsa|ecdsa|ed25519)|(?:^|/)\.aws/|(?:^|/)\.netrc$|"
        r"\.git-credentials|(?:^|/)\.pypirc$|(?:^|/)\.npmrc$|(?:^|/)\.docker/config\.json|"
        r"(?:^|/)\.kube/config|^/etc/(?:shadow|gshadow|sudoers|passwd)|"
        r"/proc/[^/]*/+(?:environ|mem|maps)|(?:^|/)\.gnupg/|(?:^|/)\.config/(?:gcloud|gh|hub)/|"
        r"(?:^|/)\.azure/|ledger\.jsonl|"
        r"(?:^|/)\.env$", re.IGNORECASE)


OPEN_FUNCS = frozenset({"open", "io.open", "codecs.open", "gzip.open", "bz2.open", "lzma.open"})
#: File-system functions and the positions of the paths they modify.
WRITE_FUNCS: dict[str, tuple[int, ...]] = {
    "shutil.copy": (1,), "shutil.copy2": (1,), "shutil.copyfile": (1,), "shutil.copytree": (1,),
    "shutil.move": (0, 1), "shutil.rmtree": (0,), "os.remove": (0,), "os.unlink": (0,),
    "os.rmdir": (0,), "os.removedirs": (0,), "os.rename": (0, 1), "os.renames": (0, 1),
    "os.replace": (0, 1), "os.link": (1,), "os.symlink": (1,), "os.truncate": (0,),
    "os.chmod": (0,), "os.chown": (0,), "os.lchown": (0,), "os.utime": (0,),
}
#: Path methods that write whatever their receiver is; and ones that only do on a Path.
PATH_WRITE_METHODS = frozenset({"write_text", "write_bytes", "touch", "unlink", "rmdir",
                                "symlink_to", "hardlink_to"})
PATH_ONLY_METHODS = frozenset({"rename", "replace", "chmod", "open", "read_text", "read_bytes"})
_PATH_CTORS = frozenset({"pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath",
                         "pathlib.PurePosixPath", "Path", "PurePath", "PosixPath"})
_OS_WRITE_FLAGS = frozenset({"O_WRONLY", "O_RDWR", "O_CREAT", "O_APPEND", "O_TRUNC"})


class FileChecks(Scope):
    """The checks on file operations: protected targets, secrets read, links, modes."""

    def __init__(self, tree: ast.Module, lines: Sequence[str]) -> None:
        super().__init__(tree, lines)
        self.unknown_write: ast.AST | None = None  # a write to a path that cannot be known
        self.path_memo: dict[int, str] = {}

    def _is_path(self, node: ast.AST, depth: int = 0) -> bool:
        """True when ``node`` is evidently a ``pathlib`` path."""
        if depth > 8:
            return False
        if isinstance(node, ast.Call):
            func = self.resolve(node.func)
            if func in _PATH_CTORS:
                return True
            if isinstance(node.func, ast.Attribute) and node.func.attr in ("home", "cwd"):
                return self.resolve(node.func.value) in _PATH_CTORS
            if isinstance(node.func, ast.Attribute) and node.func.attr in (
                    "with_name", "with_suffix", "joinpath", "resolve", "absolute", "expanduser",
                    "with_stem"):
                return self._is_path(node.func.value, depth + 1)
            return False
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            return self._is_path(node.left, depth + 1)
        if isinstance(node, ast.Attribute) and node.attr in ("parent", "home", "cwd"):
            return True
        if isinstance(node, ast.Name) and node.id in self.assign_expr:
            return self._is_path(self.assign_expr[node.id], depth + 1)
        return False

    def _check_open(self, node: ast.Call, name: str) -> None:
        target = node.args[0] if node.args else next(
            (k.value for k in node.keywords if k.arg in ("file", "path", "filename")), None)
        if target is None:
            return
        if name == "os.open":
            flags = node.args[1] if len(node.args) > 1 else None
            names = {getattr(n, "attr", getattr(n, "id", "")) for n in ast.walk(flags)} \
                if flags is not None else set()
            write: bool | None = bool(names & _OS_WRITE_FLAGS) if flags is not None else False
        else:
            mode_node = node.args[1] if len(node.args) > 1 else next(
                (k.value for k in node.keywords if k.arg == "mode"), None)
            mode = "r" if mode_node is None else self.fold(mode_node)
            write = None if not isinstance(mode, str) else bool(set(mode) & set("wax+"))
        self._check_target(node, target, f"{name}()", write=write)

    def _check_path_method(self, node: ast.Call, func: ast.Attribute) -> None:
        method = func.attr
        if method in ("read_text", "read_bytes"):
            write: bool | None = False
        elif method == "open":
            mode_node = node.args[0] if node.args else next(
                (k.value for k in node.keywords if k.arg == "mode"), None)
            mode = "r" if mode_node is None else self.fold(mode_node)
            write = None if not isinstance(mode, str) else bool(set(mode) & set("wax+"))
        else:
            write = True
        self._check_target(node, func.value, f".{method}()", write=write)
        if method in ("rename", "replace") and node.args:
            self._check_target(node, node.args[0], f".{method}()", write=True)
        elif method in ("symlink_to", "hardlink_to") and node.args:
            self._check_link(node, node.args[0], f".{method}()")
        elif method == "chmod" and node.args:
            self._check_mode(node, node.args[0], ".chmod()")

    def _check_link(self, node: ast.Call, source: ast.AST, how: str) -> None:
        """A link whose source lies outside the working directory plants a trap for readers."""
        pattern = _clean_path(self.path_pattern(source)) or "*"
        outside = pattern.startswith(("/", "~")) or pattern.startswith("../") or \
            "/../" in pattern or pattern == ".."
        secret = _secret_path().search(pattern) or protected_kind(pattern)
        self.hit(node, "write", f"{how} links to {pattern!r}, outside the working directory; "
                 "whoever reads the link reads that file instead" if outside or secret else
                 f"{how} creates a link ({pattern!r})", soft=not (outside or secret))

    def _check_mode(self, node: ast.Call, mode: ast.AST, how: str) -> None:
        value = self.fold(mode)
        if isinstance(value, int) and value & 0o6000:
            self.hit(node, "write", f"{how} sets the setuid/setgid bit (mode {value:#o})")

    def _check_target(self, node: ast.Call, target: ast.AST, how: str,
                      write: bool | None) -> None:
        """Judge a file operation on ``target``; ``write`` None means the mode is unknown."""
        pattern = _clean_path(self.path_pattern(target))
        if pattern is None:
            if write is not False:
                self.unknown_write = node
            return
        protected = protected_kind(pattern) if write is not False else None
        if protected is not None:
            verb = "writes" if write else "opens (mode unknown)"
            self.hit(node, "write", f"{how} {verb} {pattern!r}, {protected}")
        elif write is False and _secret_path().search(pattern):
            self.hit(node, "secret-file", f"{how} reads {pattern!r}, a file that holds "
                     "credentials or another process's memory")
        elif write and pattern not in _HARMLESS_ABSOLUTE and (
                pattern.startswith(("/", "~")) or pattern == ".." or pattern.startswith("../")
                or "/../" in pattern or re.match(r"^[A-Za-z]:", pattern)):
            self.hit(node, "outside", f"{how} writes {pattern!r}, outside the working directory",
                     soft=True)
        elif write is not False and not pattern.strip("*/"):
            self.unknown_write = node

    def path_pattern(self, node: ast.AST, depth: int = 0) -> str:
        """The path an expression denotes, with ``*`` for the parts that cannot be known."""
        if depth > 12:
            return "*"
        known = self.path_memo.get(id(node))
        if known is None:
            known = self.path_memo[id(node)] = self._path_pattern(node, depth)
        return known

    def _path_pattern(self, node: ast.AST, depth: int) -> str:
        d = depth + 1
        value = self.fold(node)
        if isinstance(value, str):
            return value
        if isinstance(value, bytes):
            return value.decode("utf-8", "replace")
        if isinstance(node, ast.JoinedStr):
            return "".join(
                v.value if isinstance(v, ast.Constant) and isinstance(v.value, str)
                else self.path_pattern(v.value, d) if isinstance(v, ast.FormattedValue) else "*"
                for v in node.values)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Div):
            sep = "/" if isinstance(node.op, ast.Div) else ""
            right = self.path_pattern(node.right, d)
            if sep and right.startswith("/"):
                return right
            return self.path_pattern(node.left, d) + sep + right
        if isinstance(node, ast.Name) and node.id in self.assign_expr:
            return self.path_pattern(self.assign_expr[node.id], d)
        if isinstance(node, ast.Call):
            func = self.resolve(node.func)
            if func in _PATH_CTORS or func in ("os.path.join", "posixpath.join"):
                out = ""
                for arg in node.args:
                    part = self.path_pattern(arg, d)
                    out = part if part.startswith("/") or not out else f"{out}/{part}"
                return out or "*"
            if func in ("os.path.expanduser", "os.path.abspath", "os.path.realpath",
                        "os.path.normpath", "str", "os.fspath", "pathlib.Path.expanduser") \
                    and node.args:
                return self.path_pattern(node.args[0], d)
            if isinstance(node.func, ast.Attribute):
                method = node.func.attr
                if method in ("home", "cwd") and self.resolve(node.func.value) in _PATH_CTORS:
                    return "~" if method == "home" else "."
                base = self.path_pattern(node.func.value, d)
                if method == "joinpath":
                    return "/".join([base, *(self.path_pattern(a, d) for a in node.args)])
                if method in ("with_name", "with_stem") and node.args:
                    return base.rsplit("/", 1)[0] + "/" + self.path_pattern(node.args[0], d) \
                        if "/" in base else self.path_pattern(node.args[0], d)
                if method == "with_suffix" and node.args:
                    return base.rsplit(".", 1)[0] + self.path_pattern(node.args[0], d)
                if method in ("resolve", "absolute", "expanduser", "format"):
                    return base
        return "*"


def _clean_path(pattern: str) -> str | None:
    """A comparable form of a path pattern; None when nothing of it is known."""
    path = pattern.replace("\\", "/")
    path = re.sub(r"/{2,}", "/", path)
    if not path.strip("*/."):
        return None
    return path
