"""code-payload: AST checks on lesson code for spawning, network, eval, import tricks and writes.

The checks run on the parsed AST, never on raw text: Python folds identifiers with NFKC, so
``ｅｘｅｃ(...)`` *is* ``exec(...)`` and must be judged as such, while a docstring or comment
that merely mentions ``subprocess`` is not code. Names are resolved through imports and simple
assignments (``import subprocess as sp``, ``run = sp.run``, ``getattr(os, "system")``,
``sys.modules["os"]``, ``__import__("os")``), and strings assembled from constants (``"ev" +
"al"``, ``"".join(map(chr, [...]))``, ``"metsys"[::-1]``, base64/hex/rot13 of constants) are
folded and compared with the dangerous names, since building a name from pieces has no benign
purpose. What is checked: ``code`` of every lesson; fenced Python blocks in the body (blocks of
guidance lessons only block on the gravest constructs, since guidance may show a bad example).
"""

from __future__ import annotations

import ast
import base64
import binascii
import codecs
import io
import re
import textwrap
import tokenize
import unicodedata
import warnings
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import lru_cache
from typing import Any, ClassVar

from guardian.policy.base import BaseRule, CheckContext
from guardian.records import Finding, Lesson, Severity
from guardian.text import excerpt as _excerpt

# ---------------------------------------------------------------------------------------------
# What is dangerous, and why


@dataclass(frozen=True, slots=True)
class _Danger:
    """One dangerous name: its category, what it does, and when it counts."""

    category: str
    what: str
    call_only: bool = False  # only a call is dangerous (e.g. ``types.FunctionType(...)``)
    soft: bool = False  # a warning, not a block


#: category -> (why it is dangerous, how to fix it, grave: blocks even in guidance examples)
_CATEGORIES: dict[str, tuple[str, str, bool]] = {
    "syntax": (
        "code that does not parse cannot be checked, and fails when the agent uses it",
        "fix the syntax (python -m py_compile shows the same error)", True),
    "process": (
        "agent-written code must not start programs: a shell payload runs with the agent's "
        "rights and can forge or escape the test run",
        "remove it; if this repository really needs it, allow the exact call in guardian.toml "
        "([rules.code-payload] options.allow_calls)", False),
    "network": (
        "lesson code must not open connections: that is how data leaves and payloads arrive",
        "remove it; if this repository really needs it, allow the module in guardian.toml "
        "([rules.code-payload] options.allow_imports)", False),
    "dynamic": (
        "running code or names chosen at run time hides what really executes from review "
        "and from these checks",
        "call the function you need directly; read data with json.loads or ast.literal_eval",
        False),
    "import": (
        "reaching modules and objects through interpreter internals is how sandbox escapes "
        "smuggle calls past review",
        "import what you need by name and call it directly", True),
    "native": (
        "native calls bypass every Python-level check and can corrupt the interpreter",
        "use a pure-Python library", False),
    "deserialise": (
        "unpickling (and unsafe YAML) runs code embedded in the data",
        "store data as JSON, or use yaml.safe_load", False),
    "introspection": (
        "reading or rewriting other frames and heap objects lets code change its caller's "
        "variables, for example to forge test results",
        "pass values explicitly instead", True),
    "monkeypatch": (
        "replacing builtins or test-framework internals can make failing tests report success",
        "leave builtins and the test framework alone; change your own code", True),
    "forgery": (
        "an object equal to everything makes every `result == expected` assertion pass",
        "compare real values; implement __eq__ field by field", False),
    "exit": (
        "ending or hooking the process lets code dodge or forge the test run",
        "raise an exception instead", False),
    "skip": (
        "skipping at import time turns every test that imports this code into a skip, so "
        "failures are never reported",
        "raise a real error, or return a value; never skip from solution code", True),
    "write": (
        "a lesson that writes tests, configuration, agent memory or the ledger can weaken its "
        "own checks or persist itself",
        "return the data instead, or write only to a path the caller passes in", True),
    "outside": (
        "writing outside the working directory reaches files the task does not own",
        "write only below a directory the caller passes in", False),
    "environ": (
        "the environment holds API keys and tokens; dumping it is the first step of "
        "exfiltration",
        "read the one variable you need with os.environ.get('NAME')", True),
    "secret-env": (
        "an API key read by lesson code can go wherever that code can reach",
        "let the caller pass credentials in; lesson code should not fetch them", False),
    "secret-file": (
        "credential files and process memory hold secrets",
        "lesson code must not read credentials; let the caller pass what is needed", True),
    "obfuscation": (
        "building a dangerous name or payload from pieces only serves to hide it from review",
        "write what you mean plainly, so it can be judged", True),
}

_DANGERS: dict[str, _Danger] = {}
_GLOB_DANGERS: list[tuple[str, _Danger]] = []


def _add(category: str, what: str, *names: str, call_only: bool = False,
         soft: bool = False) -> None:
    danger = _Danger(category, what, call_only, soft)
    for name in names:
        if "*" in name:
            _GLOB_DANGERS.append((name, danger))
        else:
            _DANGERS[name] = danger


_add("process", "starts a process",
     "subprocess", "os.system", "os.popen", "os.exec*", "os.spawn*", "os.posix_spawn*",
     "os.fork", "os.forkpty", "os.startfile", "posix", "nt", "_posixsubprocess", "pty",
     "multiprocessing", "concurrent.futures.ProcessPoolExecutor", "asyncio.subprocess",
     "asyncio.create_subprocess_exec", "asyncio.create_subprocess_shell", "pexpect", "sh",
     "plumbum", "platform.popen", "commands", "popen2", "webbrowser", "git.Repo", "git.Git",
     "git.cmd")
_add("process", "signals another process", "os.kill", "os.killpg", "signal.pthread_kill")
_add("network", "opens network connections",
     "socket", "_socket", "urllib.request", "urllib.urlopen", "urllib.urlretrieve", "urllib2",
     "urllib3", "http.client", "http.server", "httplib", "requests", "httpx", "aiohttp",
     "ftplib", "smtplib", "smtpd", "telnetlib", "poplib", "imaplib", "nntplib", "xmlrpc",
     "socketserver", "paramiko", "websocket*", "asyncio.open_connection",
     "asyncio.open_unix_connection", "asyncio.start_server", "asyncio.start_unix_server",
     "pycurl", "grpc", "zmq", "scapy", "dns.resolver", "boto3", "botocore", "asyncore",
     "asynchat", "wsgiref.simple_server", "mechanize", "pysftp", "fabric", "tornado.httpclient",
     "twisted.internet", "ssl.wrap_socket", "ssl._create_unverified_context")
_add("dynamic", "evaluates code chosen at run time",
     "eval", "exec", "compile", "execfile", "__import__", "importlib.import_module",
     "importlib.__import__", "importlib.reload", "runpy", "code.interact",
     "code.InteractiveConsole", "code.InteractiveInterpreter", "code.compile_command",
     "codeop", "pdb.run", "pdb.runeval", "cProfile.run", "cProfile.runctx", "profile.run",
     "profile.runctx", "pydoc.locate", "pkgutil.resolve_name")
_add("dynamic", "builds a function or code object from raw parts",
     "types.FunctionType", "types.CodeType", "types.LambdaType", call_only=True)
_add("dynamic", "drops into a debugger that the environment can redirect", "breakpoint",
     "pdb.set_trace", soft=True)
_add("import", "loads modules outside the normal import statement",
     "importlib.util.spec_from_file_location", "importlib.util.spec_from_loader",
     "importlib.util.module_from_spec", "importlib.machinery", "importlib._bootstrap",
     "importlib._bootstrap_external", "imp", "zipimport", "sys.meta_path", "sys.path_hooks",
     "sys.path_importer_cache", "__builtins__", "sys.modules.update",
     "sys.modules.setdefault", "sys.modules.__setitem__", "sys.modules.pop",
     "sys.modules.clear", "sys.modules.__delitem__", "__loader__")
_add("import", "changes where imports come from", "sys.path.insert", "sys.path.append",
     "sys.path.extend", "site.addsitedir", soft=True)
_add("native", "calls native code", "ctypes", "_ctypes", "cffi")
_add("native", "maps raw memory", "mmap", soft=True)
_add("deserialise", "deserialises data that can run code",
     "pickle.load", "pickle.loads", "pickle.Unpickler", "_pickle", "cPickle", "marshal.load",
     "marshal.loads", "dill", "cloudpickle.load", "cloudpickle.loads", "joblib.load",
     "pandas.read_pickle",
     "shelve.open", "jsonpickle.decode", "yaml.unsafe_load", "yaml.unsafe_load_all",
     "yaml.full_load", "yaml.full_load_all", "yaml.UnsafeLoader", "yaml.Loader")
_add("introspection", "inspects the interpreter's frames or heap",
     "sys._getframe", "sys._current_frames", "inspect.currentframe", "inspect.stack",
     "inspect.getouterframes", "inspect.getinnerframes", "inspect.trace", "gc.get_objects",
     "gc.get_referrers", "gc.get_referents", "sys.settrace", "sys.setprofile",
     "threading.settrace", "threading.setprofile", "sys.addaudithook", "sys.call_tracing",
     "traceback.walk_stack")
_add("monkeypatch", "reaches into the test framework's internals",
     "_pytest", "pluggy", "pytest.TestReport", "pytest.CollectReport", "pytest.CallInfo",
     "pytest.hookimpl", "pytest.hookspec", "pytest.Session", "pytest.main",
     "pytest.PytestPluginManager", "TestReport", "CallInfo", "unittest.TestResult",
     "unittest.TextTestResult", "unittest.result", "unittest.runner", "unittest.TestCase.run",
     "unittest.TestCase.__call__", "hypothesis.internal", "doctest.DocTestRunner")
_add("exit", "ends the process without cleanup", "os._exit", "os.abort")
_add("exit", "runs code when the interpreter shuts down", "atexit")

#: Modules a ``setattr``/attribute store on which is test-framework or builtin patching.
_PATCH_BLOCK_ROOTS = frozenset({"builtins", "__builtins__", "__builtin__", "pytest", "_pytest",
                                "unittest", "hypothesis", "pluggy", "doctest"})
#: Well-known modules: an attribute store on one of them is at least worth a warning.
_KNOWN_MODULES = frozenset({
    "os", "sys", "io", "time", "random", "json", "math", "inspect", "gc", "socket", "subprocess",
    "shutil", "pathlib", "re", "importlib", "logging", "datetime", "functools", "itertools",
    "signal", "threading", "tempfile", "operator", "types", "typing", "collections", "warnings",
    "traceback", "platform", "getpass", "secrets", "hashlib", "uuid",
})
#: Modules whose attributes must never be fetched under a computed name.
_DYN_SENSITIVE = frozenset({"builtins", "__builtins__", "__builtin__", "os", "sys", "subprocess",
                            "importlib", "posix", "nt", "socket", "ctypes", "pty", "shutil",
                            "io", "pickle", "marshal", "runpy", "code"})
_BUILTIN_NAMES = frozenset({
    "eval", "exec", "compile", "execfile", "__import__", "open", "getattr", "setattr", "delattr",
    "globals", "locals", "vars", "breakpoint", "exit", "quit", "chr", "ord", "str", "bytes",
    "bytearray", "map", "list", "tuple", "reversed", "range", "int", "__builtins__",
})
#: Module names that are also common variable names: without an import they are variables.
_AMBIGUOUS_NAMES = frozenset({"requests", "commands", "sh", "nt", "code", "mmap", "imp", "git",
                              "fabric", "dns", "grpc", "zmq", "scapy", "dill", "mechanize"})
_ENVIRON_NAMES = frozenset({"os.environ", "os.environb", "posix.environ", "nt.environ"})
_ENVIRON_OK_METHODS = frozenset({"get", "setdefault", "pop", "__contains__", "__getitem__"})
_RISKY_ENV_KEYS = frozenset({
    "LD_PRELOAD", "LD_LIBRARY_PATH", "LD_AUDIT", "PYTHONPATH", "PYTHONSTARTUP", "PYTHONHOME",
    "PYTHONBREAKPOINT", "PYTHONINSPECT", "PYTHONUSERBASE", "PYTEST_ADDOPTS", "PYTEST_PLUGINS",
    "BASH_ENV", "ENV", "PROMPT_COMMAND", "GIT_SSH_COMMAND", "GIT_CONFIG_GLOBAL", "PATH",
})
_SECRETISH_ENV = re.compile(r"(?i)(KEY|TOKEN|SECRET|PASSW(OR)?D|CREDENTIAL|AUTH)")
#: Frame and function internals: reading any of these is introspection or an import trick.
_FRAME_ATTRS = frozenset({"f_back", "f_locals", "f_globals", "f_builtins", "tb_frame",
                          "gi_frame", "cr_frame", "ag_frame", "f_trace"})
_HIDDEN_ATTRS = frozenset({"__globals__", "__builtins__", "func_globals", "func_code"})
_WALK_ATTRS = frozenset({"__class__", "__base__", "__bases__", "__mro__"})
#: Names that, when assembled from pieces, betray obfuscation.
_OBFUSCATED_NAMES = frozenset({
    "eval", "exec", "execfile", "compile", "__import__", "import_module", "subprocess", "system",
    "popen", "Popen", "check_output", "check_call", "getoutput", "spawn", "fork", "socket",
    "builtins", "__builtins__", "getattr", "setattr", "globals", "ctypes", "pickle", "marshal",
    "environ", "_getframe", "f_back", "f_locals", "f_globals", "_exit", "urlopen", "requests",
    "httpx", "runpy", "pty", "os", "sys", "modules", "rmtree", "unlink", "write_text",
})
_OBFUSCATED_GLOBS = ("exec[lv]*", "spawn[lv]*", "posix_spawn*", "__*__")
_CODEY = re.compile(r"\b(import\s+\w|exec\s*\(|eval\s*\(|__import__|os\.system|subprocess|"
                    r"socket\.|popen|getattr\s*\(|builtins)")

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
_PROTECTED = re.compile("|".join(f"(?:{p})" for p, _ in _PROTECTED_KINDS), re.IGNORECASE)
_PROTECTED_EACH = tuple((re.compile(p, re.IGNORECASE), what) for p, what in _PROTECTED_KINDS)


def _protected_kind(path: str) -> str | None:
    """What kind of protected file ``path`` is, or None."""
    if not _PROTECTED.search(path):
        return None
    return next(what for pattern, what in _PROTECTED_EACH if pattern.search(path))


#: Kinds that, merely named in code that writes to computed paths, betray the target.
_MENTION_KINDS = frozenset(what for _, what in _PROTECTED_KINDS[:6])
_HARMLESS_ABSOLUTE = frozenset({"/dev/null", "/dev/stdout", "/dev/stderr"})
_SECRET_PATH = re.compile(
    r"(?:^|/)\.ssh(?:/|$)|id_(?:rsa|dsa|ecdsa|ed25519)|(?:^|/)\.aws/|(?:^|/)\.netrc$|"
    r"\.git-credentials|(?:^|/)\.pypirc$|(?:^|/)\.npmrc$|(?:^|/)\.docker/config\.json|"
    r"(?:^|/)\.kube/config|^/etc/(?:shadow|gshadow|sudoers|passwd)|"
    r"/proc/[^/]*/+(?:environ|mem|maps)|(?:^|/)\.gnupg/|(?:^|/)\.config/(?:gcloud|gh|hub)/|"
    r"(?:^|/)\.azure/|ledger\.jsonl|"
    r"(?:^|/)\.env$", re.IGNORECASE)
_SECRET_ENV_NAME = re.compile(
    r"(?:[A-Z0-9]+_)*(?:KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIALS?)(?:_[A-Z0-9]+)*")
_PROC_ENVIRON = re.compile(r"/proc/[^/\s]*/+environ")
_PATHISH = re.compile(r"[/*]|\.\w+$")

_MOCK_PATCHES = frozenset({
    "unittest.mock.patch", "unittest.mock.patch.object", "unittest.mock.patch.dict",
    "mock.patch", "mock.patch.object", "mock.patch.dict"})
_SKIPS = frozenset({"pytest.skip", "pytest.xfail", "pytest.importorskip", "pytest.exit"})
_SKIP_EXCEPTIONS = frozenset({"unittest.SkipTest", "SkipTest", "unittest.case.SkipTest",
                              "pytest.skip.Exception"})
_OPEN_FUNCS = frozenset({"open", "io.open", "codecs.open", "gzip.open", "bz2.open", "lzma.open"})
#: File-system functions and the positions of the paths they modify.
_WRITE_FUNCS: dict[str, tuple[int, ...]] = {
    "shutil.copy": (1,), "shutil.copy2": (1,), "shutil.copyfile": (1,), "shutil.copytree": (1,),
    "shutil.move": (0, 1), "shutil.rmtree": (0,), "os.remove": (0,), "os.unlink": (0,),
    "os.rmdir": (0,), "os.removedirs": (0,), "os.rename": (0, 1), "os.renames": (0, 1),
    "os.replace": (0, 1), "os.link": (1,), "os.symlink": (1,), "os.truncate": (0,),
    "os.chmod": (0,), "os.chown": (0,), "os.lchown": (0,), "os.utime": (0,),
}
#: Path methods that write whatever their receiver is; and ones that only do on a Path.
_PATH_WRITE_METHODS = frozenset({"write_text", "write_bytes", "touch", "unlink", "rmdir",
                                 "symlink_to", "hardlink_to"})
_PATH_ONLY_METHODS = frozenset({"rename", "replace", "chmod", "open", "read_text", "read_bytes"})
_PATH_CTORS = frozenset({"pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath",
                         "pathlib.PurePosixPath", "Path", "PurePath", "PosixPath"})
_OS_WRITE_FLAGS = frozenset({"O_WRONLY", "O_RDWR", "O_CREAT", "O_APPEND", "O_TRUNC"})

_TEXT_ENCODINGS = frozenset({"utf-8", "utf8", "utf_8", "ascii", "latin-1", "latin1", "latin_1",
                             "iso-8859-1", "utf-16", "utf-32", "cp1252", "unicode_escape"})
_CODEC_TRANSFORMS = frozenset({"rot13", "rot_13", "hex", "hex_codec", "base64", "base64_codec",
                               "base_64"})
_DECODERS = frozenset({
    "base64.b64decode", "base64.standard_b64decode", "base64.urlsafe_b64decode",
    "base64.b32decode", "base64.b16decode", "base64.b85decode", "base64.a85decode",
    "base64.decodebytes", "binascii.unhexlify", "binascii.a2b_hex", "binascii.a2b_base64",
    "bytes.fromhex", "codecs.decode", "codecs.encode",
})
_FOLD_LIMIT = 4096
_FOLD_WORK = 200_000  # folding steps per code block; past it, values are treated as unknown
_MAX_HITS = 25
_PYTHON_LANGS = frozenset({"python", "py", "python3", "py3", "pycon", "ipython", "pyi",
                           "python-repl", "pyodide"})


def _canon(name: str) -> str:
    """``builtins.eval`` and ``__builtins__.eval`` are just ``eval``."""
    for prefix in ("builtins.", "__builtins__.", "__builtin__."):
        if name.startswith(prefix) and name != "builtins.__dict__":
            return name[len(prefix):]
    return name


@lru_cache(maxsize=8192)
def classify(name: str) -> _Danger | None:
    """The danger of a dotted name (``subprocess.run``), matching it or any parent module."""
    name = _canon(name)
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        prefix = ".".join(parts[:end])
        found = _DANGERS.get(prefix)
        if found is not None:
            return found
        for pattern, danger in _GLOB_DANGERS:
            if fnmatchcase(prefix, pattern):
                return danger
    # a module reached through another one: shutil.os.system, random._os.system
    for start in range(1, len(parts) - 1):
        if parts[start].lstrip("_") in _REACHABLE_ROOTS:
            found = classify(".".join([parts[start].lstrip("_"), *parts[start + 1:]]))
            if found is not None:
                return found
    return None


_REACHABLE_ROOTS = frozenset({"os", "sys", "subprocess", "builtins", "socket", "posix", "nt",
                              "pty", "importlib", "ctypes", "pickle", "marshal", "shutil"})


def _looks_dangerous(value: str) -> bool:
    """True when ``value`` is an identifier or dotted name that names something dangerous."""
    value = value.strip()
    if not value or len(value) > 100 or not _DOTTED.fullmatch(value):
        return False
    if "." in value and classify(value) is not None:
        return True
    leaf = value.rsplit(".", 1)[-1]
    if leaf in _OBFUSCATED_NAMES or value in _OBFUSCATED_NAMES:
        return True
    return any(fnmatchcase(leaf, g) for g in _OBFUSCATED_GLOBS) and (
        not leaf.startswith("__") or leaf in _DUNDER_SUSPECTS)


_DOTTED = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
_DUNDER_SUSPECTS = frozenset({
    "__import__", "__builtins__", "__globals__", "__subclasses__", "__code__", "__class__",
    "__bases__", "__base__", "__mro__", "__dict__", "__getattribute__", "__closure__",
    "__loader__", "__reduce__", "__setattr__", "__delattr__",
})


# ---------------------------------------------------------------------------------------------
# Code blocks


@dataclass(frozen=True, slots=True)
class CodeBlock:
    """A piece of Python inside a lesson: where it is, its text, and how strictly to judge it.

    ``first_line`` is the line of ``field`` on which the code starts (1 for ``code``).
    ``strict``: a syntax error blocks. ``example``: only grave constructs block (guidance).
    ``tagged``: the author said it is Python (an untagged fence is checked only if it parses).
    """

    field: str
    source: str
    first_line: int = 1
    strict: bool = True
    example: bool = False
    tagged: bool = True

    def where(self, line: int, col: int) -> str:
        """``code line 3:5`` or ``body line 12:5 (python block)``."""
        if self.field == "/code":
            return f"code line {self.first_line + line - 1}:{col}"
        return f"{self.field.lstrip('/')} line {self.first_line + line - 1}:{col} (python block)"


_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`\n]*)$")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def fenced_blocks(text: str) -> list[tuple[str, int, str]]:
    """Every fenced Markdown code block in ``text`` as ``(language, first code line, code)``."""
    lines = _LINE_BREAK.split(text)
    out: list[tuple[str, int, str]] = []
    i = 0
    while i < len(lines):
        match = _FENCE.match(lines[i])
        if match is None:
            i += 1
            continue
        fence = match["fence"]
        indent = len(match["indent"])
        info = match["info"].strip()
        lang = info.split()[0].strip("{}.").lower() if info else ""
        j = i + 1
        body: list[str] = []
        while j < len(lines):
            stripped = lines[j].strip()
            if stripped.startswith(fence) and not stripped.strip(fence[0]):
                break
            line = lines[j]
            k = 0
            while k < indent and k < len(line) and line[k] in " \t":
                k += 1
            body.append(line[k:])
            j += 1
        out.append((lang, i + 2, "\n".join(body)))
        i = j + 1
    return out


def _strip_prompts(source: str) -> str:
    """The code of a ``pycon`` session: lines after ``>>>`` / ``...`` prompts, output dropped."""
    kept = []
    for line in source.split("\n"):
        if line.startswith((">>> ", "... ")) or line in (">>>", "..."):
            kept.append(line[4:])
        else:
            kept.append("")  # keep line numbers aligned
    return "\n".join(kept)


def code_blocks(lesson: Lesson) -> list[CodeBlock]:
    """The Python this rule checks in ``lesson``: its ``code`` and fenced blocks in its body."""
    blocks: list[CodeBlock] = []
    code = lesson.code
    if code is not None and code.strip():
        wrapped = _unwrap_fences(code)
        if wrapped is None:
            blocks.append(CodeBlock("/code", _dedent(code)))
        else:  # an agent wrapped its code in Markdown fences: check what is inside
            blocks.extend(CodeBlock("/code", _dedent(src), first) for first, src in wrapped)
    example = lesson.kind == "guidance"
    if "```" not in lesson.body and "~~~" not in lesson.body:
        return blocks
    for lang, first, source in fenced_blocks(lesson.body):
        if lang in _PYTHON_LANGS:
            text = _strip_prompts(source) if lang in ("pycon", "python-repl") else source
            blocks.append(CodeBlock("/body", _dedent(text), first, strict=False,
                                    example=example))
        elif not lang:
            blocks.append(CodeBlock("/body", _dedent(source), first, strict=False,
                                    example=example, tagged=False))
    return blocks


def _unwrap_fences(code: str) -> list[tuple[int, str]] | None:
    """The Python fences of a ``code`` field made only of fences; None if it is plain code."""
    if not code.lstrip().startswith(("```", "~~~")):
        return None
    found = fenced_blocks(code)
    if not found or any(lang not in _PYTHON_LANGS and lang for lang, _, _ in found):
        return None
    lines = _LINE_BREAK.split(code)
    inside = {first + k for _, first, src in found for k in range(src.count("\n") + 1)}
    outside = [line for n, line in enumerate(lines, 1) if n not in inside and
               not _FENCE.match(line) and line.strip() and not line.strip().startswith(
                   ("```", "~~~"))]
    if outside:
        return None  # text outside the fences: judge the whole field (it will not parse)
    return [(first, src) for _, first, src in found]


def _dedent(source: str) -> str:
    """``source`` without the indentation common to all its lines (a pasted method body)."""
    for line in source.split("\n"):
        if line.strip():
            return textwrap.dedent(source) if line[:1] in (" ", "\t") else source
    return source


# ---------------------------------------------------------------------------------------------
# Analysis


@dataclass(slots=True)
class Hit:
    """One dangerous construct in a code block (line/column 1-based within the block)."""

    line: int
    col: int
    category: str
    text: str
    name: str | None = None
    soft: bool = False


class _TooDeep(Exception):
    """Folding or resolving went past its depth budget."""


class _Analyzer:
    """Walks one parsed module and collects every ``Hit``."""

    def __init__(self, tree: ast.Module, lines: Sequence[str]) -> None:
        self.tree = tree
        self.lines = lines
        self.hits: list[Hit] = []
        self.parents: dict[ast.AST, ast.AST] = {}
        self.aliases: dict[str, str] = {}
        self.local: set[str] = set()
        self.module_bound: set[str] = set()
        self.assigned: Counter[str] = Counter()
        self.assign_expr: dict[str, ast.expr] = {}
        self.env: dict[str, Any] = {}
        self.prose: set[int] = set()  # ids of docstring/bare-string Constant nodes
        self.memo: dict[int, Any] = {}
        self.star_roots: set[str] = set()
        self.unknown_write: ast.AST | None = None
        self.protected_mentions: list[tuple[ast.Constant, str]] = []
        self.names_environ = False
        self.dynamic_env_read: ast.AST | None = None
        self.secret_names: set[str] = set()
        self.work = _FOLD_WORK
        self.path_memo: dict[int, str] = {}

    # -- collection ---------------------------------------------------------------------------

    def collect(self) -> list[ast.AST]:
        nodes: list[ast.AST] = []
        simple: list[tuple[int, int, str, ast.expr]] = []
        parents = self.parents
        stack: list[ast.AST] = [self.tree]
        constant, name_kind, load = ast.Constant, ast.Name, ast.Load
        while stack:  # ast.walk + iter_child_nodes in one pass, skipping Load/Store leaves
            node = stack.pop()
            nodes.append(node)
            kind = type(node)
            if kind is constant:  # no children; the commonest node
                value = node.value  # type: ignore[attr-defined]
                if type(value) is str and "environ" in value:
                    self.names_environ = True
                continue
            if kind is name_kind:
                if type(node.ctx) is not load:  # type: ignore[attr-defined]
                    self.local.add(node.id)  # type: ignore[attr-defined]
                    self.assigned[node.id] += 1  # type: ignore[attr-defined]
                continue
            for field_name in node._fields:
                value = getattr(node, field_name, None)
                if type(value) is list:
                    for item in value:
                        if isinstance(item, ast.AST):
                            parents[item] = node
                            stack.append(item)
                elif isinstance(value, ast.AST) and not isinstance(value, ast.expr_context):
                    parents[value] = node
                    stack.append(value)
            if kind in _LEAF_KINDS:
                continue
            if isinstance(node, ast.arg):
                self.local.add(node.arg)
                self.assigned[node.arg] += 2  # a parameter is never a constant
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        self.aliases[alias.asname] = alias.name
                    else:
                        root = alias.name.split(".")[0]
                        self.aliases[root] = root
            elif isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    bound = alias.asname or alias.name
                    if node.level or not node.module:
                        self.local.add(bound)
                    elif alias.name == "*":
                        self.star_roots.add(node.module)
                    else:
                        self.aliases[bound] = f"{node.module}.{alias.name}"
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                self.local.add(node.name)
                self.assigned[node.name] += 2
            elif isinstance(node, ast.ExceptHandler) and node.name:
                self.local.add(node.name)
            elif isinstance(node, ast.Assign):
                if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                    simple.append((node.lineno, node.col_offset, node.targets[0].id, node.value))
            elif isinstance(node, ast.AnnAssign):
                if node.value is not None and isinstance(node.target, ast.Name):
                    simple.append((node.lineno, node.col_offset, node.target.id, node.value))
            elif isinstance(node, ast.Expr):
                if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
                    self.prose.add(id(node.value))
            elif isinstance(node, ast.MatchAs | ast.MatchStar) and node.name:
                self.local.add(node.name)
        for stmt in self.tree.body:
            for target in _bound_names(stmt):
                self.module_bound.add(target)
        simple.sort(key=lambda item: (item[0], item[1]))
        for _line, _col, name, value in simple:
            if self.assigned[name] != 1:
                continue
            self.assign_expr.setdefault(name, value)
            known = self.resolve(value) if isinstance(
                value, ast.Name | ast.Attribute | ast.Subscript | ast.Call) else None
            if known:
                self.aliases.setdefault(name, known)
                continue
            folded = self.fold(value)
            if folded is not None:
                self.env[name] = folded
        return nodes

    # -- name resolution ----------------------------------------------------------------------

    def resolve(self, node: ast.AST, depth: int = 0) -> str | None:
        """The dotted name an expression refers to (``subprocess.run``), if it can be known."""
        if depth > 40:
            raise _TooDeep
        if isinstance(node, ast.Name):
            name = node.id
            if name in self.aliases:
                return self.aliases[name]
            if name in self.module_bound:
                return None
            if name in _BUILTIN_NAMES:
                return name
            if name in self.local or name in _AMBIGUOUS_NAMES:
                return None  # a variable (or, unimported, more likely one than a module)
            for module in self.star_roots:  # ``from os import *`` then ``system(...)``
                if classify(f"{module}.{name}") is not None:
                    return f"{module}.{name}"
            return name
        if isinstance(node, ast.Attribute):
            base = self.resolve(node.value, depth + 1)
            return f"{base}.{node.attr}" if base else None
        if isinstance(node, ast.Subscript):
            base = self.resolve(node.value, depth + 1)
            if base is None:
                return None
            base = _canon(base) if base.startswith("__builtins__") else base
            key = self.fold(node.slice, depth + 1)
            if base == "sys.modules" and isinstance(key, str):
                return key
            if base in ("globals()", "builtins.__dict__", "__builtins__") and isinstance(
                    key, str):
                return key
            return None
        if isinstance(node, ast.Call):
            func = self.resolve(node.func, depth + 1)
            if func is None:
                return None
            func = _canon(func)
            args = node.args
            if func == "getattr" and len(args) >= 2:
                base = self.resolve(args[0], depth + 1)
                attr = self.fold(args[1], depth + 1)
                if base and isinstance(attr, str):
                    return f"{_canon(base)}.{attr}"
            elif func in ("__import__", "importlib.import_module", "importlib.__import__") \
                    and args:
                module = self.fold(args[0], depth + 1)
                if isinstance(module, str):
                    return module
            elif func in ("globals", "locals") or (func == "vars" and not args):
                return "globals()"
            elif func == "vars" and args:
                base = self.resolve(args[0], depth + 1)
                if base in ("builtins", "__builtins__", "__builtin__"):
                    return "builtins.__dict__"
        return None

    # -- constant folding ---------------------------------------------------------------------

    def fold(self, node: ast.AST, depth: int = 0,
             bind: dict[str, Any] | None = None) -> Any:
        """The constant value of ``node`` if it is built only from constants, else None."""
        if depth > 60:
            raise _TooDeep
        self.work -= 1
        if self.work < 0:
            return None  # folding budget spent (nested comprehensions): stop folding
        if bind is None:
            key = id(node)
            if key in self.memo:
                return self.memo[key]
            self.memo[key] = None  # guards against cycles
        try:
            value = self._fold(node, depth, bind)
        except (ValueError, TypeError, ArithmeticError, LookupError, AttributeError,
                IndexError, UnicodeError):
            value = None
        if value is not None and not _small(value):
            value = None
        if bind is None:
            self.memo[id(node)] = value
        return value

    def _fold(self, node: ast.AST, depth: int, bind: dict[str, Any] | None) -> Any:
        d = depth + 1
        if isinstance(node, ast.Constant):
            value = node.value
            return value if isinstance(value, str | bytes | int) else None
        if isinstance(node, ast.Name):
            if bind is not None and node.id in bind:
                return bind[node.id]
            return self.env.get(node.id)
        if isinstance(node, ast.List | ast.Tuple):
            items = [self.fold(e, d, bind) for e in node.elts]
            return None if any(i is None for i in items) else items
        if isinstance(node, ast.BinOp):
            return _binop(node.op, self.fold(node.left, d, bind), self.fold(node.right, d, bind))
        if isinstance(node, ast.UnaryOp):
            operand = self.fold(node.operand, d, bind)
            if isinstance(operand, int):
                if isinstance(node.op, ast.USub):
                    return -operand
                if isinstance(node.op, ast.UAdd):
                    return operand
                if isinstance(node.op, ast.Invert):
                    return ~operand
            return None
        if isinstance(node, ast.JoinedStr):
            parts: list[str] = []
            for piece in node.values:
                if isinstance(piece, ast.Constant) and isinstance(piece.value, str):
                    parts.append(piece.value)
                elif isinstance(piece, ast.FormattedValue):
                    inner = self.fold(piece.value, d, bind)
                    if inner is None:
                        return None
                    spec = "" if piece.format_spec is None else self.fold(
                        piece.format_spec, d, bind)
                    if not isinstance(spec, str) or _WIDE.search(spec):
                        return None
                    if piece.conversion == ord("r"):
                        inner = repr(inner)
                    elif piece.conversion == ord("a"):
                        inner = ascii(inner)
                    parts.append(format(inner, spec))
                else:
                    return None
            return "".join(parts)
        if isinstance(node, ast.Subscript):
            seq = self.fold(node.value, d, bind)
            if not isinstance(seq, str | bytes | list):
                return None
            if isinstance(node.slice, ast.Slice):
                bounds = []
                for part in (node.slice.lower, node.slice.upper, node.slice.step):
                    value = None if part is None else self.fold(part, d, bind)
                    if part is not None and not isinstance(value, int):
                        return None
                    bounds.append(value)
                return seq[slice(*bounds)]
            index = self.fold(node.slice, d, bind)
            return seq[index] if isinstance(index, int) else None
        if isinstance(node, ast.ListComp | ast.GeneratorExp):
            return self._fold_comprehension(node, d, bind)
        if isinstance(node, ast.Call):
            return self._fold_call(node, d, bind)
        return None

    def _fold_comprehension(self, node: ast.ListComp | ast.GeneratorExp, depth: int,
                            bind: dict[str, Any] | None) -> Any:
        if len(node.generators) != 1:
            return None
        gen = node.generators[0]
        if gen.ifs or gen.is_async or not isinstance(gen.target, ast.Name):
            return None
        source = self.fold(gen.iter, depth, bind)
        if not isinstance(source, str | bytes | list):
            return None
        out = []
        for item in list(source)[:_FOLD_LIMIT]:
            value = self.fold(node.elt, depth, {**(bind or {}), gen.target.id: item})
            if value is None:
                return None
            out.append(value)
        return out

    def _fold_call(self, node: ast.Call, depth: int, bind: dict[str, Any] | None) -> Any:
        if node.keywords and any(k.arg is None for k in node.keywords):
            return None
        func = node.func
        if isinstance(func, ast.Name) and len(node.args) == 2 and \
                self.resolve(func) == "map" and self.resolve(node.args[0]) == "chr":
            seq = self.fold(node.args[1], depth, bind)
            return [chr(c) for c in seq] if isinstance(seq, list | bytes) else None
        args = [self.fold(a, depth, bind) for a in node.args]
        if any(a is None for a in args):
            return None
        kwargs: dict[str | None, Any] = {
            k.arg: self.fold(k.value, depth, bind) for k in node.keywords if k.arg}
        if any(v is None for v in kwargs.values()):
            return None
        if isinstance(func, ast.Attribute):
            receiver = self.fold(func.value, depth, bind)
            if isinstance(receiver, str | bytes):
                return _string_method(receiver, func.attr, args, kwargs)
        name = self.resolve(func) if isinstance(func, ast.Name | ast.Attribute) else None
        if name is None:
            return None
        return _call_builtin(_canon(name), args, kwargs)

    # -- the checks ---------------------------------------------------------------------------

    def hit(self, node: ast.AST, category: str, text: str, name: str | None = None,
            soft: bool = False) -> None:
        line = getattr(node, "lineno", 1)
        col = getattr(node, "col_offset", 0)
        self.hits.append(Hit(line, self._char_col(line, col), category, text, name, soft))

    def _char_col(self, line: int, byte_col: int) -> int:
        if 0 < line <= len(self.lines):
            text = self.lines[line - 1]
            if not text.isascii():
                return len(text.encode("utf-8")[:byte_col].decode("utf-8", "ignore")) + 1
        return byte_col + 1

    def run(self) -> list[Hit]:
        nodes = self.collect()
        for node in nodes:
            kind = type(node)
            if kind is ast.Name or kind is ast.Attribute:
                self._check_reference(node)  # type: ignore[arg-type]
            elif kind is ast.Call:
                self._check_call(node)  # type: ignore[arg-type]
                self._check_built_string(node)
            elif kind is ast.Constant:
                self._check_constant(node)  # type: ignore[arg-type]
            elif kind is ast.Subscript:
                self._check_subscript(node)  # type: ignore[arg-type]
                self._check_built_string(node)
            elif kind is ast.BinOp or kind is ast.JoinedStr:
                self._check_built_string(node)
            elif kind is ast.Import or kind is ast.ImportFrom:
                self._check_import(node)  # type: ignore[arg-type]
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                if node.name.startswith("pytest_"):
                    self.hit(node, "monkeypatch", f"defines the pytest hook {node.name}(), which "
                             "can rewrite test outcomes when loaded as a plugin or conftest")
            elif isinstance(node, ast.ClassDef):
                self._check_class(node)
            elif isinstance(node, ast.Raise):
                exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
                raised = self.resolve(exc) if exc is not None else None
                if raised == "SystemExit" and self._runs_on_import(node):
                    self.hit(node, "exit", "raise SystemExit at import time ends the test run")
                elif raised in _SKIP_EXCEPTIONS and self._runs_on_import(node):
                    self.hit(node, "skip", f"raise {raised} at import time skips the tests "
                             "that import this code", name=raised)
        if self.unknown_write is not None:
            for const, value in self.protected_mentions:
                self.hit(const, "write", f"writes files to computed paths while naming "
                         f"{value!r}, {_protected_kind(value)}")
        if self.dynamic_env_read is not None and self.secret_names:
            names = ", ".join(sorted(self.secret_names)[:3])
            self.hit(self.dynamic_env_read, "environ", f"reads environment variables by "
                     f"computed name while listing secret names ({names})")
        return self.hits

    def _check_reference(self, node: ast.Name | ast.Attribute) -> None:
        parent = self.parents.get(node)
        if isinstance(node, ast.Attribute):
            self._check_attribute_name(node, parent)
        # environment access is judged on the ``os.environ`` node itself
        if (isinstance(node, ast.Attribute) and node.attr in ("environ", "environb")) or (
                isinstance(node, ast.Name) and self.aliases.get(node.id) in _ENVIRON_NAMES):
            resolved = self.resolve(node)
            if resolved in _ENVIRON_NAMES:
                self._check_environ(node, resolved, parent)
        if isinstance(parent, ast.Attribute) and parent.value is node:
            return  # only the longest chain is judged
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            return  # binding a name does nothing by itself
        resolved = self.resolve(node)
        if resolved is None:
            return
        store = not isinstance(node.ctx, ast.Load)
        if store and isinstance(node, ast.Attribute):
            self._check_store(node, resolved)
        danger = classify(resolved)
        if danger is None:
            if resolved == "sys.modules" and not isinstance(parent, ast.Subscript | ast.Compare):
                self.hit(node, "import", "sys.modules is handed around; module table access "
                         "can replace modules under other code", name=resolved, soft=True)
            return
        if danger.call_only and not (isinstance(parent, ast.Call) and parent.func is node):
            return
        shown = resolved if resolved == _canon(resolved) else f"{resolved} ({_canon(resolved)})"
        self.hit(node, danger.category, f"{shown} {danger.what}", name=_canon(resolved),
                 soft=danger.soft)

    def _check_attribute_name(self, node: ast.Attribute, parent: ast.AST | None) -> None:
        attr = node.attr
        if attr in _FRAME_ATTRS:
            self.hit(node, "introspection", f".{attr} reads another frame's state")
        elif attr in _HIDDEN_ATTRS:
            self.hit(node, "import", f".{attr} reaches a function's or module's hidden globals")
        elif attr == "__code__":
            store = not isinstance(node.ctx, ast.Load)
            self.hit(node, "import" if store else "introspection",
                     ".__code__ is replaced, swapping a function's body" if store
                     else ".__code__ reads a function's raw code object", soft=not store)
        elif attr == "__self__":
            base = self.resolve(node.value)
            builtin = base is not None and base in _BUILTIN_NAMES | {"print", "len", "id",
                                                                      "repr", "hash", "abs"}
            self.hit(node, "import", f"{base or ''}.__self__ reaches the builtins module behind "
                     "a builtin function" if builtin else ".__self__ reaches the object behind "
                     "a bound method", soft=not builtin)
        elif attr == "__closure__":
            self.hit(node, "introspection", ".__closure__ reads a function's captured cells",
                     soft=True)
        elif attr == "__subclasses__":
            receiver = node.value
            walking = (isinstance(receiver, ast.Name) and receiver.id in ("object", "type")) or \
                any(isinstance(n, ast.Constant | ast.Tuple | ast.List | ast.Dict) or (
                    isinstance(n, ast.Attribute) and n.attr in _WALK_ATTRS)
                    for n in ast.walk(receiver))
            self.hit(node, "import", "__subclasses__() walks every loaded class to reach "
                     "dangerous ones without importing them" if walking else
                     "__subclasses__() enumerates classes at run time", soft=not walking)
        elif attr == "__dict__":
            base = self.resolve(node.value)
            if base and base.split(".")[0] in ("builtins", "__builtins__", "__builtin__", "sys",
                                               "os"):
                self.hit(node, "import", f"{base}.__dict__ exposes a module's namespace "
                         "for lookups and rewrites by computed name", name=base)
        elif attr == "__class__" and not isinstance(node.ctx, ast.Load):
            self.hit(node, "monkeypatch", "assigning .__class__ changes what an object "
                     "claims to be", soft=True)

    def _check_environ(self, node: ast.AST, resolved: str, parent: ast.AST | None) -> None:
        if resolved.endswith("environb"):
            self.hit(node, "environ", f"{resolved} reads the whole environment as bytes")
            return
        if isinstance(parent, ast.Subscript) and parent.value is node:
            key = self.fold(parent.slice)
            if not isinstance(parent.ctx, ast.Load) and isinstance(key, str) and \
                    key.upper() in _RISKY_ENV_KEYS:
                self.hit(parent, "monkeypatch", f"sets {key} in the environment, which changes "
                         "what Python, the loader or pytest run")
            elif isinstance(parent.ctx, ast.Load) and isinstance(key, str) and \
                    _SECRETISH_ENV.search(key):
                self.hit(parent, "secret-env", f"reads the secret-looking variable {key}",
                         soft=True)
            elif isinstance(parent.ctx, ast.Load) and key is None:
                self.dynamic_env_read = parent
            return
        if isinstance(parent, ast.Attribute) and parent.value is node and \
                parent.attr in _ENVIRON_OK_METHODS:
            return
        if isinstance(parent, ast.Compare) and node in parent.comparators and all(
                isinstance(op, ast.In | ast.NotIn) for op in parent.ops):
            return
        if isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(
                parent.targets[0], ast.Name) and self.aliases.get(parent.targets[0].id) == \
                resolved:
            return  # ``env = os.environ``: the alias's own uses are judged
        how = f".{parent.attr}" if isinstance(parent, ast.Attribute) else ""
        self.hit(node, "environ", f"{resolved}{how} reads the whole environment (bulk access)",
                 name=resolved)

    def _check_store(self, node: ast.Attribute, resolved: str) -> None:
        root = resolved.split(".", 1)[0]
        base = node.value
        while isinstance(base, ast.Attribute):
            base = base.value
        imported = isinstance(base, ast.Name) and (
            base.id in self.aliases or (base.id not in self.local and root in _KNOWN_MODULES))
        if root in _PATCH_BLOCK_ROOTS:
            self.hit(node, "monkeypatch", f"assigns {resolved}, replacing part of builtins or "
                     "the test framework", name=resolved)
        elif imported:
            self.hit(node, "monkeypatch", f"assigns {resolved}, patching a module other code "
                     "relies on", name=resolved, soft=True)

    def _check_import(self, node: ast.Import | ast.ImportFrom) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                danger = classify(alias.name)
                if danger is not None:
                    self.hit(node, danger.category, f"import {alias.name}: {alias.name} "
                             f"{danger.what}", name=alias.name, soft=danger.soft)
            return
        if node.level or not node.module:
            return
        module = node.module
        for alias in node.names:
            if alias.name == "*":
                root = module.split(".")[0]
                if classify(module) is not None or root in _ROOTS_WITH_DANGERS:
                    self.hit(node, "import", f"from {module} import * brings names into scope "
                             "unseen", name=module, soft=classify(module) is None)
                continue
            full = f"{module}.{alias.name}"
            danger = classify(full)
            if danger is not None and not danger.call_only:
                self.hit(node, danger.category, f"from {module} import {alias.name}: {full} "
                         f"{danger.what}", name=_canon(full), soft=danger.soft)

    def _check_subscript(self, node: ast.Subscript) -> None:
        base = self.resolve(node.value)
        if base is None:
            return
        base = _canon(base) if base.startswith("__builtins__") else base
        store = not isinstance(node.ctx, ast.Load)
        if base == "globals()":
            self.hit(node, "dynamic", "globals()[...] reads or writes a name chosen at run time")
        elif base in ("builtins.__dict__", "__builtins__"):
            self.hit(node, "import", "indexes the builtins namespace by name")
        elif base == "sys.modules":
            key = self.fold(node.slice)
            if store:
                self.hit(node, "import", f"writes sys.modules[{key!r}], replacing a module for "
                         "every later import" if key else
                         "writes sys.modules, replacing modules for every later import")
            elif isinstance(key, str):
                danger = classify(key)
                if danger is not None:
                    self.hit(node, danger.category, f"sys.modules[{key!r}] reaches {key}, which "
                             f"{danger.what}", name=key)

    def _check_class(self, node: ast.ClassDef) -> None:
        for stmt in node.body:
            if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef) and \
                    stmt.name in ("__eq__", "__ne__"):
                returns = [r.value for r in ast.walk(stmt) if isinstance(r, ast.Return)]
                constant = _always(returns)
            elif isinstance(stmt, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id in ("__eq__", "__ne__")
                    for t in stmt.targets) and isinstance(stmt.value, ast.Lambda):
                constant = _always([stmt.value.body])
            else:
                continue
            name = stmt.name if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef) else \
                next(t.id for t in stmt.targets if isinstance(t, ast.Name))
            if (name == "__eq__" and constant is True) or (name == "__ne__" and
                                                           constant is False):
                self.hit(stmt, "forgery", f"class {node.name} defines {name} that always returns "
                         f"{constant}, so its objects compare equal to anything")

    def _check_call(self, node: ast.Call) -> None:
        func = self.resolve(node.func)
        receiver_method = node.func.attr if isinstance(node.func, ast.Attribute) else None
        if func is None:
            if receiver_method in _PATH_WRITE_METHODS or (
                    receiver_method in _PATH_ONLY_METHODS and isinstance(node.func, ast.Attribute)
                    and self._is_path(node.func.value)):
                assert isinstance(node.func, ast.Attribute)
                self._check_path_method(node, node.func)
            return
        name = _canon(func)
        args = node.args
        if name in ("getattr", "setattr", "delattr", "hasattr") and len(args) >= 2:
            self._check_attr_call(node, name)
        elif name in ("operator.attrgetter", "operator.methodcaller") and args:
            attr = self.fold(args[0])
            if isinstance(attr, str) and _looks_dangerous(attr.split(".")[-1]):
                self.hit(node, "dynamic", f"{name}({attr!r}) fetches a dangerous attribute "
                         "by name")
        elif name in _OPEN_FUNCS or name == "os.open":
            self._check_open(node, name)
        elif name in _WRITE_FUNCS and name not in ("os.symlink", "os.link", "os.chmod"):
            for index in _WRITE_FUNCS[name]:
                if index < len(args):
                    self._check_target(node, args[index], name, write=True)
        elif name in ("sys.exit", "exit", "quit"):
            if self._runs_on_import(node):
                self.hit(node, "exit", f"{name}() at import time ends the test run before "
                         "the tests do")
        elif name == "signal.signal" and args:
            signum = self.resolve(args[0]) or ""
            handler = self.resolve(args[1]) if len(args) > 1 else None
            soft = signum.endswith(("SIGALRM", "SIGINT")) and not (handler or "").endswith(
                ("SIG_IGN", "SIG_DFL"))
            self.hit(node, "exit", f"signal.signal({signum or '...'}) replaces a signal handler, "
                     "which can ignore the runner's timeouts and termination", name=name,
                     soft=soft)
        elif name in _MOCK_PATCHES and args and self._runs_on_import(node):
            target = self.fold(args[0]) if name.endswith(("patch", "patch.dict")) else \
                self.resolve(args[0])
            root = target.split(".", 1)[0] if isinstance(target, str) else ""
            if root in _PATCH_BLOCK_ROOTS or root in ("sys", "os", "subprocess", "time"):
                self.hit(node, "monkeypatch", f"{name}({target!r}) at import time patches "
                         "builtins, the test framework or the interpreter for everything "
                         "that imports this code", name=name)
        elif name in _SKIPS:
            soft = not self._runs_on_import(node)
            self.hit(node, "skip", f"{name}() skips the tests that import this code"
                     + ("" if not soft else " (inside a function)"), name=name, soft=soft)
        elif name in ("os.symlink", "os.link") and args:
            self._check_link(node, args[0], name)
        elif name in ("os.chmod", "os.lchmod", "os.fchmod") and len(args) > 1:
            self._check_mode(node, args[1], name)
            self._check_target(node, args[0], name, write=True)
        elif name == "yaml.load":
            loader = args[1] if len(args) > 1 else next(
                (k.value for k in node.keywords if k.arg == "Loader"), None)
            loader_name = self.resolve(loader) if loader is not None else None
            if not (loader_name or "").endswith(("SafeLoader", "CSafeLoader", "BaseLoader")):
                self.hit(node, "deserialise", "yaml.load without SafeLoader constructs "
                         "arbitrary Python objects", name=name)
        elif name in ("os.getenv", "os.environ.get") and args:
            key = self.fold(args[0])
            if isinstance(key, str) and _SECRETISH_ENV.search(key):
                self.hit(node, "secret-env", f"reads the secret-looking variable {key}", soft=True)
            elif key is None:
                self.dynamic_env_read = node
        elif name in ("os.putenv", "os.environ.setdefault") and args:
            key = self.fold(args[0])
            if isinstance(key, str) and key.upper() in _RISKY_ENV_KEYS:
                self.hit(node, "monkeypatch", f"sets {key} in the environment, which changes "
                         "what Python, the loader or pytest run")
        elif receiver_method in _PATH_WRITE_METHODS or (
                receiver_method in _PATH_ONLY_METHODS and isinstance(node.func, ast.Attribute)
                and self._is_path(node.func.value)):
            assert isinstance(node.func, ast.Attribute)
            self._check_path_method(node, node.func)

    def _check_attr_call(self, node: ast.Call, name: str) -> None:
        target, attr_node = node.args[0], node.args[1]
        base = self.resolve(target)
        canon_base = _canon(base) if base else None
        attr = self.fold(attr_node)
        root = (base or "").split(".")[0]
        if name == "hasattr":
            return
        if not isinstance(attr, str):
            if root in _DYN_SENSITIVE or base == "globals()":
                self.hit(node, "dynamic", f"{name}({base}, <computed name>) reaches an "
                         "attribute chosen at run time", name=name)
            elif name != "getattr" and root in _PATCH_BLOCK_ROOTS:
                self.hit(node, "monkeypatch", f"{name}({base}, ...) patches builtins or the "
                         "test framework", name=name)
            return
        if attr in _HIDDEN_ATTRS or attr in _FRAME_ATTRS or attr in ("__subclasses__",
                                                                    "__code__"):
            self.hit(node, "import", f"{name}(..., {attr!r}) reaches interpreter internals")
        full = f"{canon_base}.{attr}" if canon_base else attr
        if name == "getattr":
            danger = classify(full) if canon_base else None
            if danger is not None and (not danger.call_only or isinstance(
                    self.parents.get(node), ast.Call)):
                self.hit(node, danger.category, f"getattr({base}, {attr!r}) is {full}, which "
                         f"{danger.what}", name=full, soft=danger.soft)
            return
        if root in _PATCH_BLOCK_ROOTS:
            self.hit(node, "monkeypatch", f"{name}({base}, {attr!r}) patches builtins or the "
                     "test framework", name=full)
        elif base and (root in _KNOWN_MODULES or root in self.aliases.values()) and \
                isinstance(target, ast.Name | ast.Attribute) and \
                (not isinstance(target, ast.Name) or target.id not in self.local or
                 target.id in self.aliases):
            self.hit(node, "monkeypatch", f"{name}({base}, {attr!r}) patches a module other "
                     "code relies on", name=full, soft=True)

    # -- files ----------------------------------------------------------------------------

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
        secret = _SECRET_PATH.search(pattern) or _protected_kind(pattern)
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
        protected = _protected_kind(pattern) if write is not False else None
        if protected is not None:
            verb = "writes" if write else "opens (mode unknown)"
            self.hit(node, "write", f"{how} {verb} {pattern!r}, {protected}")
        elif write is False and _SECRET_PATH.search(pattern):
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

    def _check_constant(self, node: ast.Constant) -> None:
        value = node.value
        if not isinstance(value, str) or id(node) in self.prose or len(value) > 500:
            return
        if _SECRET_ENV_NAME.fullmatch(value):
            self.secret_names.add(value)
        if _PROC_ENVIRON.search(value):
            self.hit(node, "environ", f"names {value!r}, another process's environment")
        elif _PATHISH.search(value) and _protected_kind(value) in _MENTION_KINDS:
            self.protected_mentions.append((node, value))

    def _check_built_string(self, node: ast.AST) -> None:
        parent = self.parents.get(node)
        value = self.fold(node)
        if value is None:
            if self.names_environ and isinstance(node, ast.JoinedStr | ast.BinOp | ast.Call) \
                    and not isinstance(parent, ast.JoinedStr | ast.BinOp):
                pattern = self.path_pattern(node)
                if "*" in pattern and _PROC_ENVIRON.search(pattern):
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
            _canon(self.resolve(node.func) or "") in _DECODERS
            or (isinstance(node.func, ast.Attribute) and node.func.attr in ("decode", "fromhex")))
        if _looks_dangerous(text):
            if parent is not None and isinstance(
                    parent, ast.BinOp | ast.JoinedStr | ast.Call | ast.Subscript) and \
                    isinstance(self.memo.get(id(parent)), str) and \
                    _looks_dangerous(self.memo[id(parent)]):
                return  # the enclosing expression reports it
            self.hit(node, "obfuscation", f"a string assembled from pieces evaluates to "
                     f"{text.strip()!r}, the name of something dangerous")
        elif decoded and _CODEY.search(text):
            self.hit(node, "obfuscation", f"decodes to Python code ({_short(text)!r})")

    def _runs_on_import(self, node: ast.AST) -> bool:
        """True when ``node`` executes as the module is imported (not in a def, not __main__)."""
        child = node
        parent = self.parents.get(node)
        while parent is not None:
            if isinstance(parent, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                return False
            if isinstance(parent, ast.If) and child in parent.body and _is_main_guard(
                    parent.test):
                return False
            child, parent = parent, self.parents.get(parent)
        return True


_LEAF_KINDS = (ast.Constant, ast.Attribute, ast.Call, ast.BinOp, ast.Compare, ast.Subscript,
               ast.keyword, ast.BoolOp, ast.UnaryOp)
_ROOTS_WITH_DANGERS = frozenset(
    {name.split(".")[0] for name in _DANGERS} | {g.split(".")[0] for g, _ in _GLOB_DANGERS}
    | {"os", "sys", "builtins", "shutil", "importlib", "inspect", "gc"})
_WIDE = re.compile(r"\d{4,}")


def _bound_names(stmt: ast.stmt) -> Iterator[str]:
    """Names a module-level statement binds (def, class, assignment; not imports)."""
    if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        yield stmt.name
    elif isinstance(stmt, ast.Assign | ast.AugAssign | ast.AnnAssign):
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        pending = list(targets)
        while pending:  # names only: ``a.b = ...`` and ``a[0] = ...`` do not bind ``a``
            target = pending.pop()
            if isinstance(target, ast.Name):
                yield target.id
            elif isinstance(target, ast.Tuple | ast.List):
                pending.extend(target.elts)
            elif isinstance(target, ast.Starred):
                pending.append(target.value)


def _is_main_guard(test: ast.expr) -> bool:
    return isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(
        test.ops[0], ast.Eq) and {
        getattr(test.left, "id", None), getattr(test.comparators[0], "value", None),
        getattr(test.left, "value", None), getattr(test.comparators[0], "id", None),
    } >= {"__name__", "__main__"}


def _always(values: Sequence[ast.expr | None]) -> bool | None:
    """The constant truth value every one of ``values`` has, or None when they differ."""
    seen: set[bool] = set()
    for value in values:
        if isinstance(value, ast.Constant) and isinstance(value.value, bool | int):
            seen.add(bool(value.value))
        elif isinstance(value, ast.UnaryOp) and isinstance(value.op, ast.Not) and isinstance(
                value.operand, ast.Constant):
            seen.add(not value.operand.value)
        else:
            return None
    return seen.pop() if len(seen) == 1 else None


def _small(value: Any) -> bool:
    if isinstance(value, str | bytes | list):
        return len(value) <= _FOLD_LIMIT
    if isinstance(value, int):
        return value.bit_length() <= 64
    return False


def _binop(op: ast.operator, left: Any, right: Any) -> Any:
    if left is None or right is None:
        return None
    if isinstance(op, ast.Add):
        if type(left) is type(right) or (isinstance(left, int) and isinstance(right, int)):
            if isinstance(left, str | bytes | list) and len(left) + len(right) > _FOLD_LIMIT:
                return None
            return left + right
        return None
    if isinstance(op, ast.Mult):
        seq, count = (left, right) if isinstance(right, int) else (right, left)
        if isinstance(seq, str | bytes | list) and isinstance(count, int):
            return seq * count if len(seq) * max(count, 0) <= _FOLD_LIMIT else None
        if isinstance(seq, int) and isinstance(count, int):
            return seq * count
        return None
    if isinstance(op, ast.Mod) and isinstance(left, str | bytes):
        if _WIDE.search(left if isinstance(left, str) else left.decode("latin-1")):
            return None
        return left % (tuple(right) if isinstance(right, list) else right)
    if isinstance(left, int) and isinstance(right, int):
        if isinstance(op, ast.Sub):
            return left - right
        if isinstance(op, ast.FloorDiv):
            return left // right
        if isinstance(op, ast.Mod):
            return left % right
        if isinstance(op, ast.BitXor):
            return left ^ right
        if isinstance(op, ast.BitAnd):
            return left & right
        if isinstance(op, ast.BitOr):
            return left | right
        if isinstance(op, ast.LShift) and 0 <= right <= 64:
            return left << right
        if isinstance(op, ast.RShift) and right >= 0:
            return left >> right
    return None


def _string_method(receiver: str | bytes, method: str, args: list[Any],
                   kwargs: dict[str | None, Any]) -> Any:
    if method == "join" and len(args) == 1 and isinstance(args[0], list | str | bytes):
        return receiver.join(args[0])  # type: ignore[arg-type]  # TypeError is caught
    if method == "format" and isinstance(receiver, str):
        if _WIDE.search(receiver) or "." in "".join(re.findall(r"\{[^}]*\}", receiver)):
            return None
        return receiver.format(*args, **{k: v for k, v in kwargs.items() if k})
    if method in ("decode", "encode"):
        encoding = args[0] if args else kwargs.get("encoding", "utf-8")
        if not isinstance(encoding, str) or encoding.lower() not in _TEXT_ENCODINGS:
            return None
        if method == "decode" and isinstance(receiver, bytes):
            return receiver.decode(encoding, "replace")
        if method == "encode" and isinstance(receiver, str):
            return receiver.encode(encoding, "replace")
        return None
    if method in ("lower", "upper", "strip", "lstrip", "rstrip", "swapcase", "title",
                  "capitalize", "casefold") and len(args) <= 1:
        return getattr(receiver, method)(*args)
    if method in ("removeprefix", "removesuffix") and len(args) == 1:
        return getattr(receiver, method)(args[0])
    if method == "replace" and len(args) in (2, 3):
        old, new = args[0], args[1]
        if not isinstance(old, type(receiver)) or not isinstance(new, type(receiver)) or not old:
            return None
        if receiver.count(old) * len(new) > _FOLD_LIMIT:  # type: ignore[arg-type]
            return None
        return receiver.replace(*args)
    if method == "fromhex" and isinstance(receiver, str):
        return None
    return None


def _call_builtin(name: str, args: list[Any], kwargs: dict[str | None, Any]) -> Any:
    if kwargs and name not in ("str", "bytes", "codecs.decode", "codecs.encode"):
        return None
    if name == "chr" and len(args) == 1 and isinstance(args[0], int):
        return chr(args[0])
    if name == "ord" and len(args) == 1 and isinstance(args[0], str):
        return ord(args[0])
    if name == "int" and 1 <= len(args) <= 2 and isinstance(args[0], str) and len(args[0]) < 40:
        return int(*args)
    if name == "str":
        if len(args) == 1 and isinstance(args[0], str | int):
            return str(args[0])
        if len(args) >= 2 and isinstance(args[0], bytes) and isinstance(args[1], str) and \
                args[1].lower() in _TEXT_ENCODINGS:
            return args[0].decode(args[1], "replace")
        return None
    if name in ("bytes", "bytearray") and args:
        if isinstance(args[0], list) and all(isinstance(i, int) for i in args[0]):
            return bytes(args[0])
        if isinstance(args[0], str) and len(args) >= 2 and isinstance(args[1], str) and \
                args[1].lower() in _TEXT_ENCODINGS:
            return args[0].encode(args[1], "replace")
        if isinstance(args[0], bytes):
            return bytes(args[0])
        return None
    if name in ("list", "tuple") and len(args) == 1 and isinstance(args[0], list | str | bytes):
        return list(args[0])
    if name == "reversed" and len(args) == 1 and isinstance(args[0], list | str | bytes):
        return list(reversed(args[0]))
    if name == "range" and 1 <= len(args) <= 3 and all(isinstance(a, int) for a in args):
        span = range(*args)
        return list(span) if len(span) <= _FOLD_LIMIT else None
    if name == "bytes.fromhex" and len(args) == 1 and isinstance(args[0], str):
        return bytes.fromhex(args[0])
    if name.startswith(("base64.", "binascii.")) and name in _DECODERS and len(args) == 1:
        data = args[0]
        if not isinstance(data, str | bytes):
            return None
        module = base64 if name.startswith("base64.") else binascii
        function = getattr(module, name.split(".", 1)[1])
        if name in ("binascii.a2b_base64", "binascii.unhexlify", "binascii.a2b_hex",
                    "base64.decodebytes") and isinstance(data, str):
            data = data.encode("ascii")
        result: bytes = function(data)
        return result
    if name in ("codecs.decode", "codecs.encode") and args:
        encoding = args[1] if len(args) > 1 else kwargs.get("encoding", "utf-8")
        if not isinstance(encoding, str):
            return None
        lowered = encoding.lower()
        if lowered not in _CODEC_TRANSFORMS and lowered not in _TEXT_ENCODINGS:
            return None
        coder = codecs.decode if name == "codecs.decode" else codecs.encode
        return coder(args[0], encoding)
    return None


def _clean_path(pattern: str) -> str | None:
    """A comparable form of a path pattern; None when nothing of it is known."""
    path = pattern.replace("\\", "/")
    path = re.sub(r"/{2,}", "/", path)
    if not path.strip("*/."):
        return None
    return path


def _short(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3] + "..."


# ---------------------------------------------------------------------------------------------
# Parsing with located errors, and a token scan for code that does not parse


_UNREADABLE = re.compile("[\x00\ud800-\udfff]")


def _nul_or_surrogate(source: str) -> tuple[int, int, str] | None:
    """Line, column and code point of the first NUL or lone surrogate in ``source``."""
    found = _UNREADABLE.search(source)
    if found is None:
        return None
    index = found.start()
    line = source.count("\n", 0, index) + 1
    col = index - (source.rfind("\n", 0, index) + 1) + 1
    return line, col, f"U+{ord(source[index]):04X}"


def parse(source: str) -> tuple[ast.Module | None, Hit | None]:
    """Parse ``source``; on failure a ``syntax`` Hit that says where and what the parser said."""
    bad = _nul_or_surrogate(source) if ("\x00" in source or not source.isascii()) else None
    if bad is not None:
        line, col, char = bad
        what = "a NUL character" if char == "U+0000" else f"an unpaired surrogate ({char})"
        return None, Hit(line, col, "syntax", f"contains {what}, which Python source cannot hold")
    try:
        with warnings.catch_warnings():  # "invalid escape sequence" and the like: not ours
            warnings.simplefilter("ignore")
            return ast.parse(source), None
    except SyntaxError as exc:
        line = exc.lineno or 1
        col = exc.offset or 1
        return None, Hit(line, col, "syntax", f"does not parse as Python: {exc.msg}")
    except (ValueError, UnicodeError) as exc:
        return None, Hit(1, 1, "syntax", f"cannot be read as Python source: {exc}")
    except (RecursionError, MemoryError):
        return None, Hit(1, 1, "syntax", "is nested too deeply for the parser to analyse")


def analyse(source: str) -> list[Hit]:
    """Every dangerous construct in parsed ``source`` (which must parse; see ``parse``)."""
    tree, error = parse(source)
    if tree is None:
        assert error is not None
        return [error]
    lines = _LINE_BREAK.split(source)
    analyzer = _Analyzer(tree, lines)
    try:
        return analyzer.run()
    except (_TooDeep, RecursionError):
        return [*analyzer.hits, Hit(1, 1, "syntax", "is nested too deeply to analyse safely")]


def token_scan(source: str) -> list[Hit]:
    """Dangerous dotted names and calls in code that does not parse, found token by token.

    A fallback so that a deliberately broken block cannot hide ``os.system(...)``: strings and
    comments are tokens of their own and are skipped; names are NFKC-normalised as Python does.
    """
    tokens: list[tokenize.TokenInfo] = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            tokens.append(tok)
    except (tokenize.TokenError, SyntaxError, ValueError):
        pass
    hits: list[Hit] = []
    in_import = False
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type in (tokenize.NEWLINE, tokenize.NL) or tok.string == ";":
            in_import = False
        if tok.type != tokenize.NAME or (i and tokens[i - 1].string == "."):
            i += 1
            continue
        parts = [unicodedata.normalize("NFKC", tok.string)]
        j = i + 1
        while j + 1 < len(tokens) and tokens[j].string == "." and \
                tokens[j + 1].type == tokenize.NAME:
            parts.append(unicodedata.normalize("NFKC", tokens[j + 1].string))
            j += 2
        name = ".".join(parts)
        if name in ("import", "from"):
            in_import = True
        else:
            danger = classify(name)
            called = j < len(tokens) and tokens[j].string == "("
            line, col = tok.start
            if danger is not None and (in_import or called or "." in name) and (
                    not danger.call_only or called):
                hits.append(Hit(line, col + 1, danger.category, f"{name} {danger.what}",
                                name=name, soft=danger.soft))
            elif parts[-1] in _FRAME_ATTRS or parts[-1] in _HIDDEN_ATTRS or \
                    parts[-1] == "__subclasses__":
                hits.append(Hit(line, col + 1, "import", f"{name} reaches interpreter internals"))
        i = j
    return hits


# ---------------------------------------------------------------------------------------------
# The rule


def _redact(text: str) -> str:
    return re.sub(r"([A-Za-z0-9+/_\-]{6})[A-Za-z0-9+/_\-=]{26,}", r"\1…", text)


class CodePayloadRule(BaseRule):
    """Blocks code that spawns processes, connects, evaluates strings, hides names, or writes
    tests and configuration; unparsable ``code`` blocks too."""

    name: ClassVar[str] = "code-payload"
    defaults: ClassVar[dict[str, Any]] = {"allow_imports": [], "allow_calls": []}

    def configure(self) -> None:
        for option in ("allow_imports", "allow_calls"):
            value = self.options[option]
            if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
                raise ValueError(f"option {option} must be a list of dotted names, got "
                                 f"{value!r}")
        self._allow_imports = tuple(self.options["allow_imports"])
        self._allow_calls = tuple(self.options["allow_calls"])

    def _allowed(self, hit: Hit) -> bool:
        if hit.name is None:
            return False
        name = hit.name
        if any(name == m or name.startswith(m + ".") for m in self._allow_imports):
            return True
        return any(fnmatchcase(name, pattern) for pattern in self._allow_calls)

    def check(self, lesson: Lesson, ctx: CheckContext) -> Iterator[Finding]:
        """Findings for every dangerous construct in the lesson's code and Python blocks."""
        for block in code_blocks(lesson):
            yield from self._check_block(block)

    def _check_block(self, block: CodeBlock) -> Iterator[Finding]:
        tree, error = parse(block.source)
        lines = _LINE_BREAK.split(block.source)
        if tree is None:
            assert error is not None
            if block.tagged:
                error.soft = not block.strict
                hits = [error, *token_scan(block.source)]
            else:  # an untagged fence that is not Python (shell, output): only dotted
                hits = token_scan(block.source)  # names, calls and imports of Python count
        else:
            analyzer = _Analyzer(tree, lines)
            try:
                hits = analyzer.run()
            except (_TooDeep, RecursionError):
                hits = [*analyzer.hits,
                        Hit(1, 1, "syntax", "is nested too deeply to analyse safely")]
        seen: set[tuple[int, str, str]] = set()
        kept: list[Hit] = []
        for hit in sorted(hits, key=lambda h: (h.line, h.col)):
            key = (hit.line, hit.category, hit.text)
            if key in seen or self._allowed(hit):
                continue
            seen.add(key)
            kept.append(hit)
        for hit in kept[:_MAX_HITS]:
            yield self._finding(block, hit, lines)
        if len(kept) > _MAX_HITS:
            worst: Severity = "block" if any(self._severity(block, h) == "block"
                                   for h in kept[_MAX_HITS:]) else "warn"
            yield self.finding(block.field, f"{block.where(1, 1).split(' line')[0]}: "
                               f"{len(kept) - _MAX_HITS} more dangerous construct(s) not listed",
                               severity=worst)

    def _severity(self, block: CodeBlock, hit: Hit) -> Severity:
        if hit.soft:
            return "warn"
        if block.example and not _CATEGORIES[hit.category][2]:
            return "warn"
        return "block"

    def _finding(self, block: CodeBlock, hit: Hit, lines: Sequence[str]) -> Finding:
        why, fix, _grave = _CATEGORIES[hit.category]
        message = f"{block.where(hit.line, hit.col)}: {hit.text} — {why}. Fix: {fix}."
        snippet = None
        if 0 < hit.line <= len(lines):
            text = lines[hit.line - 1]
            snippet = _redact(_excerpt(text, max(hit.col - 1, 0), hit.col, width=80).strip())
        return self.finding(block.field, message, excerpt=snippet,
                            severity=self._severity(block, hit))
