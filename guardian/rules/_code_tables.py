"""What is dangerous in lesson code, and why: the category and name tables, and ``classify``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import cache, lru_cache


@dataclass(frozen=True, slots=True)
class Danger:
    """One dangerous name: its category, what it does, and when it counts."""

    category: str
    what: str
    call_only: bool = False  # only a call is dangerous (e.g. ``types.FunctionType(...)``)
    soft: bool = False  # a warning, not a block


#: category -> (why it is dangerous, how to fix it, grave: blocks even in guidance examples)
CATEGORIES: dict[str, tuple[str, str, bool]] = {
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

_DANGERS: dict[str, Danger] = {}
_GLOB_DANGERS: list[tuple[str, Danger]] = []


def _add(category: str, what: str, *names: str, call_only: bool = False,
         soft: bool = False) -> None:
    danger = Danger(category, what, call_only, soft)
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
PATCH_BLOCK_ROOTS = frozenset({"builtins", "__builtins__", "__builtin__", "pytest", "_pytest",
                               "unittest", "hypothesis", "pluggy", "doctest"})
#: Security modules: replacing any of their attributes defeats integrity or crypto checks.
PATCH_SECURITY_ROOTS = frozenset({"hashlib", "hmac", "ssl", "secrets", "crypt", "cryptography",
                                  "jwt", "certifi", "zlib", "binascii"})
#: Standard modules whose functions must not be swapped for a lambda or another function.
PATCH_FUNCTION_ROOTS = frozenset({"os", "sys", "json", "subprocess", "socket", "shutil",
                                  "pathlib", "inspect", "importlib"})
#: Well-known modules: an attribute store on one of them is at least worth a warning.
KNOWN_MODULES = frozenset({
    "os", "sys", "io", "time", "random", "json", "math", "inspect", "gc", "socket", "subprocess",
    "shutil", "pathlib", "re", "importlib", "logging", "datetime", "functools", "itertools",
    "signal", "threading", "tempfile", "operator", "types", "typing", "collections", "warnings",
    "traceback", "platform", "getpass", "secrets", "hashlib", "uuid",
})
#: Modules whose attributes must never be fetched under a computed name.
DYN_SENSITIVE = frozenset({"builtins", "__builtins__", "__builtin__", "os", "sys", "subprocess",
                           "importlib", "posix", "nt", "socket", "ctypes", "pty", "shutil",
                           "io", "pickle", "marshal", "runpy", "code"})
BUILTIN_NAMES = frozenset({
    "eval", "exec", "compile", "execfile", "__import__", "open", "getattr", "setattr", "delattr",
    "globals", "locals", "vars", "breakpoint", "exit", "quit", "chr", "ord", "str", "bytes",
    "bytearray", "map", "list", "tuple", "reversed", "range", "int", "__builtins__",
})
#: Module names that are also common variable names: without an import they are variables.
AMBIGUOUS_NAMES = frozenset({"requests", "commands", "sh", "nt", "code", "mmap", "imp", "git",
                             "fabric", "dns", "grpc", "zmq", "scapy", "dill", "mechanize"})
ENVIRON_NAMES = frozenset({"os.environ", "os.environb", "posix.environ", "nt.environ"})
ENVIRON_OK_METHODS = frozenset({"get", "setdefault", "pop", "__contains__", "__getitem__"})
RISKY_ENV_KEYS = frozenset({
    "LD_PRELOAD", "LD_LIBRARY_PATH", "LD_AUDIT", "PYTHONPATH", "PYTHONSTARTUP", "PYTHONHOME",
    "PYTHONBREAKPOINT", "PYTHONINSPECT", "PYTHONUSERBASE", "PYTEST_ADDOPTS", "PYTEST_PLUGINS",
    "BASH_ENV", "ENV", "PROMPT_COMMAND", "GIT_SSH_COMMAND", "GIT_CONFIG_GLOBAL", "PATH",
})
#: Frame and function internals: reading any of these is introspection or an import trick.
FRAME_ATTRS = frozenset({"f_back", "f_locals", "f_globals", "f_builtins", "tb_frame",
                         "gi_frame", "cr_frame", "ag_frame", "f_trace"})
HIDDEN_ATTRS = frozenset({"__globals__", "__builtins__", "func_globals", "func_code"})
WALK_ATTRS = frozenset({"__class__", "__base__", "__bases__", "__mro__"})
#: Names that, when assembled from pieces, betray obfuscation.
_OBFUSCATED_NAMES = frozenset({
    "eval", "exec", "execfile", "compile", "__import__", "import_module", "subprocess", "system",
    "popen", "Popen", "check_output", "check_call", "getoutput", "spawn", "fork", "socket",
    "builtins", "__builtins__", "getattr", "setattr", "globals", "ctypes", "pickle", "marshal",
    "environ", "_getframe", "f_back", "f_locals", "f_globals", "_exit", "urlopen", "requests",
    "httpx", "runpy", "pty", "os", "sys", "modules", "rmtree", "unlink", "write_text",
})
_OBFUSCATED_GLOBS = ("exec[lv]*", "spawn[lv]*", "posix_spawn*", "__*__")

MOCK_PATCHES = frozenset({
    "unittest.mock.patch", "unittest.mock.patch.object", "unittest.mock.patch.dict",
    "mock.patch", "mock.patch.object", "mock.patch.dict"})
SKIPS = frozenset({"pytest.skip", "pytest.xfail", "pytest.importorskip", "pytest.exit"})
SKIP_EXCEPTIONS = frozenset({"unittest.SkipTest", "SkipTest", "unittest.case.SkipTest",
                             "pytest.skip.Exception"})


@cache
def secretish_env() -> re.Pattern[str]:
    """An environment variable name that looks like it holds a secret."""
    return re.compile(r"(?i)(KEY|TOKEN|SECRET|PASSW(OR)?D|CREDENTIAL|AUTH)")


@cache
def codey() -> re.Pattern[str]:
    """Text that reads like Python code (what a decoded payload looks like)."""
    return re.compile(r"\b(import\s+\w|exec\s*\(|eval\s*\(|__import__|os\.system|subprocess|"
                      r"socket\.|popen|getattr\s*\(|builtins)")


def canon(name: str) -> str:
    """``builtins.eval`` and ``__builtins__.eval`` are just ``eval``."""
    for prefix in ("builtins.", "__builtins__.", "__builtin__."):
        if name.startswith(prefix) and name != "builtins.__dict__":
            return name[len(prefix):]
    return name


@lru_cache(maxsize=8192)
def classify(name: str) -> Danger | None:
    """The danger of a dotted name (``subprocess.run``), matching it or any parent module."""
    name = canon(name)
    if name in _INERT:
        return None
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


#: Names inside a network module that open nothing: settings objects and exception classes.
_INERT = frozenset(
    f"{module}.{name}" for module in ("httpx", "requests", "aiohttp", "urllib3")
    for name in ("Timeout", "Limits", "URL", "Headers", "ClientTimeout", "HTTPError",
                 "RequestError", "TimeoutException", "ConnectError", "HTTPStatusError",
                 "RequestException", "ConnectionError", "codes", "Retry",
                 "exceptions.RequestException", "exceptions.HTTPError",
                 "exceptions.Timeout", "exceptions.ConnectionError", "util.Retry"))
_REACHABLE_ROOTS = frozenset({"os", "sys", "subprocess", "builtins", "socket", "posix", "nt",
                              "pty", "importlib", "ctypes", "pickle", "marshal", "shutil"})


def looks_dangerous(value: str) -> bool:
    """True when ``value`` is an identifier or dotted name that names something dangerous."""
    value = value.strip()
    if not value or len(value) > 100 or not _dotted().fullmatch(value):
        return False
    if "." in value and classify(value) is not None:
        return True
    leaf = value.rsplit(".", 1)[-1]
    if leaf in _OBFUSCATED_NAMES or value in _OBFUSCATED_NAMES:
        return True
    return any(fnmatchcase(leaf, g) for g in _OBFUSCATED_GLOBS) and (
        not leaf.startswith("__") or leaf in _DUNDER_SUSPECTS)


@cache
def _dotted() -> re.Pattern[str]:
    return re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")


_DUNDER_SUSPECTS = frozenset({
    "__import__", "__builtins__", "__globals__", "__subclasses__", "__code__", "__class__",
    "__bases__", "__base__", "__mro__", "__dict__", "__getattribute__", "__closure__",
    "__loader__", "__reduce__", "__setattr__", "__delattr__",
})

#: Top-level modules with at least one dangerous name below them.
ROOTS_WITH_DANGERS = frozenset(
    {name.split(".")[0] for name in _DANGERS} | {g.split(".")[0] for g, _ in _GLOB_DANGERS}
    | {"os", "sys", "builtins", "shutil", "importlib", "inspect", "gc"})
