"""The AST checks: walk a parsed module and report every dangerous construct in it."""

from __future__ import annotations

import ast
from collections.abc import Sequence

from guardian.rules._code_extract import split_lines
from guardian.rules._code_fold import TooDeep
from guardian.rules._code_parse import Hit, parse
from guardian.rules._code_paths import (
    OPEN_FUNCS,
    PATH_ONLY_METHODS,
    PATH_WRITE_METHODS,
    WRITE_FUNCS,
    protected_kind,
)
from guardian.rules._code_strings import StringChecks
from guardian.rules._code_tables import (
    BUILTIN_NAMES,
    DYN_SENSITIVE,
    ENVIRON_NAMES,
    ENVIRON_OK_METHODS,
    FRAME_ATTRS,
    HIDDEN_ATTRS,
    KNOWN_MODULES,
    MOCK_PATCHES,
    PATCH_BLOCK_ROOTS,
    PATCH_FUNCTION_ROOTS,
    PATCH_SECURITY_ROOTS,
    RISKY_ENV_KEYS,
    ROOTS_WITH_DANGERS,
    SKIP_EXCEPTIONS,
    SKIPS,
    WALK_ATTRS,
    canon,
    classify,
    looks_dangerous,
    secretish_env,
)


class Analyzer(StringChecks):
    """Walks one parsed module and collects every ``Hit``."""

    def __init__(self, tree: ast.Module, lines: Sequence[str]) -> None:
        super().__init__(tree, lines)
        self.dynamic_env_read: ast.AST | None = None  # an environment read by computed name

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
                elif raised in SKIP_EXCEPTIONS and self._runs_on_import(node):
                    self.hit(node, "skip", f"raise {raised} at import time skips the tests "
                             "that import this code", name=raised)
        if self.unknown_write is not None:
            for const, value in self.protected_mentions:
                self.hit(const, "write", f"writes files to computed paths while naming "
                         f"{value!r}, {protected_kind(value)}")
        if self.dynamic_env_read is not None and self.secret_names:
            names = ", ".join(sorted(self.secret_names)[:3])
            self.hit(self.dynamic_env_read, "environ", f"reads environment variables by "
                     f"computed name while listing secret names ({names})")
        if not any(h.category in _SENDS for h in self.hits):  # os.environ.get("API_KEY") is
            self.hits = [h for h in self.hits if h.category != "secret-env"]  # the advice
        return self.hits

    def _check_reference(self, node: ast.Name | ast.Attribute) -> None:
        parent = self.parents.get(node)
        if isinstance(node, ast.Attribute):
            self._check_attribute_name(node, parent)
        # environment access is judged on the ``os.environ`` node itself
        if (isinstance(node, ast.Attribute) and node.attr in ("environ", "environb")) or (
                isinstance(node, ast.Name) and self.aliases.get(node.id) in ENVIRON_NAMES):
            resolved = self.resolve(node)
            if resolved in ENVIRON_NAMES:
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
        shown = resolved if resolved == canon(resolved) else f"{resolved} ({canon(resolved)})"
        self.hit(node, danger.category, f"{shown} {danger.what}", name=canon(resolved),
                 soft=danger.soft)

    def _check_attribute_name(self, node: ast.Attribute, parent: ast.AST | None) -> None:
        attr = node.attr
        if attr in FRAME_ATTRS:
            self.hit(node, "introspection", f".{attr} reads another frame's state")
        elif attr in HIDDEN_ATTRS:
            self.hit(node, "import", f".{attr} reaches a function's or module's hidden globals")
        elif attr == "__code__":
            store = not isinstance(node.ctx, ast.Load)
            self.hit(node, "import" if store else "introspection",
                     ".__code__ is replaced, swapping a function's body" if store
                     else ".__code__ reads a function's raw code object", soft=not store)
        elif attr == "__self__":
            base = self.resolve(node.value)
            builtin = base is not None and base in BUILTIN_NAMES | {"print", "len", "id",
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
                    isinstance(n, ast.Attribute) and n.attr in WALK_ATTRS)
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
                    key.upper() in RISKY_ENV_KEYS:
                self.hit(parent, "monkeypatch", f"sets {key} in the environment, which changes "
                         "what Python, the loader or pytest run")
            elif isinstance(parent.ctx, ast.Load) and isinstance(key, str) and \
                    secretish_env().search(key):
                self.hit(parent, "secret-env", f"reads the secret-looking variable {key}",
                         soft=True)
            elif isinstance(parent.ctx, ast.Load) and key is None:
                self.dynamic_env_read = parent
            return
        if isinstance(parent, ast.Attribute) and parent.value is node and \
                parent.attr in ENVIRON_OK_METHODS:
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
            base.id in self.aliases or (base.id not in self.local and root in KNOWN_MODULES))
        if root in PATCH_BLOCK_ROOTS:
            self.hit(node, "monkeypatch", f"assigns {resolved}, replacing part of builtins or "
                     "the test framework", name=resolved)
        elif imported and (root in PATCH_SECURITY_ROOTS or (
                root in PATCH_FUNCTION_ROOTS and self._replaces_function(node))):
            self.hit(node, "monkeypatch", f"assigns {resolved}, replacing a standard-library or "
                     "security function every other caller relies on", name=resolved)
        elif imported:
            self.hit(node, "monkeypatch", f"assigns {resolved}, patching a module other code "
                     "relies on", name=resolved, soft=True)

    def _replaces_function(self, node: ast.Attribute) -> bool:
        """``os.path.exists = lambda p: True``: the stored value is a function, not data."""
        parent = self.parents.get(node)
        value = getattr(parent, "value", None)
        return isinstance(value, ast.Lambda | ast.Name | ast.Attribute)

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
                if classify(module) is not None or root in ROOTS_WITH_DANGERS:
                    self.hit(node, "import", f"from {module} import * brings names into scope "
                             "unseen", name=module, soft=classify(module) is None)
                continue
            full = f"{module}.{alias.name}"
            danger = classify(full)
            if danger is not None and not danger.call_only:
                self.hit(node, danger.category, f"from {module} import {alias.name}: {full} "
                         f"{danger.what}", name=canon(full), soft=danger.soft)

    def _check_subscript(self, node: ast.Subscript) -> None:
        base = self.resolve(node.value)
        if base is None:
            return
        base = canon(base) if base.startswith("__builtins__") else base
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
            if receiver_method in PATH_WRITE_METHODS or (
                    receiver_method in PATH_ONLY_METHODS and isinstance(node.func, ast.Attribute)
                    and self._is_path(node.func.value)):
                assert isinstance(node.func, ast.Attribute)
                self._check_path_method(node, node.func)
            return
        name = canon(func)
        args = node.args
        if name in ("getattr", "setattr", "delattr", "hasattr") and len(args) >= 2:
            self._check_attr_call(node, name)
        elif name in ("operator.attrgetter", "operator.methodcaller") and args:
            attr = self.fold(args[0])
            if isinstance(attr, str) and looks_dangerous(attr.split(".")[-1]):
                self.hit(node, "dynamic", f"{name}({attr!r}) fetches a dangerous attribute "
                         "by name")
        elif name in OPEN_FUNCS or name == "os.open":
            self._check_open(node, name)
        elif name in WRITE_FUNCS and name not in ("os.symlink", "os.link", "os.chmod"):
            for index in WRITE_FUNCS[name]:
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
        elif name in MOCK_PATCHES and args and self._runs_on_import(node):
            target = self.fold(args[0]) if name.endswith(("patch", "patch.dict")) else \
                self.resolve(args[0])
            root = target.split(".", 1)[0] if isinstance(target, str) else ""
            if root in PATCH_BLOCK_ROOTS or root in ("sys", "os", "subprocess", "time"):
                self.hit(node, "monkeypatch", f"{name}({target!r}) at import time patches "
                         "builtins, the test framework or the interpreter for everything "
                         "that imports this code", name=name)
        elif name in SKIPS:
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
            if isinstance(key, str) and secretish_env().search(key):
                self.hit(node, "secret-env", f"reads the secret-looking variable {key}", soft=True)
            elif key is None:
                self.dynamic_env_read = node
        elif name in ("os.putenv", "os.environ.setdefault") and args:
            key = self.fold(args[0])
            if isinstance(key, str) and key.upper() in RISKY_ENV_KEYS:
                self.hit(node, "monkeypatch", f"sets {key} in the environment, which changes "
                         "what Python, the loader or pytest run")
        elif receiver_method in PATH_WRITE_METHODS or (
                receiver_method in PATH_ONLY_METHODS and isinstance(node.func, ast.Attribute)
                and self._is_path(node.func.value)):
            assert isinstance(node.func, ast.Attribute)
            self._check_path_method(node, node.func)

    def _check_attr_call(self, node: ast.Call, name: str) -> None:
        target, attr_node = node.args[0], node.args[1]
        base = self.resolve(target)
        canon_base = canon(base) if base else None
        attr = self.fold(attr_node)
        root = (base or "").split(".")[0]
        if name == "hasattr":
            return
        if not isinstance(attr, str):
            if root in DYN_SENSITIVE or base == "globals()":
                self.hit(node, "dynamic", f"{name}({base}, <computed name>) reaches an "
                         "attribute chosen at run time", name=name)
            elif name != "getattr" and root in PATCH_BLOCK_ROOTS:
                self.hit(node, "monkeypatch", f"{name}({base}, ...) patches builtins or the "
                         "test framework", name=name)
            return
        if attr in HIDDEN_ATTRS or attr in FRAME_ATTRS or attr in ("__subclasses__",
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
        if root in PATCH_BLOCK_ROOTS:
            self.hit(node, "monkeypatch", f"{name}({base}, {attr!r}) patches builtins or the "
                     "test framework", name=full)
        elif base and (root in KNOWN_MODULES or root in self.aliases.values()) and \
                isinstance(target, ast.Name | ast.Attribute) and \
                (not isinstance(target, ast.Name) or target.id not in self.local or
                 target.id in self.aliases):
            self.hit(node, "monkeypatch", f"{name}({base}, {attr!r}) patches a module other "
                     "code relies on", name=full, soft=True)


#: What makes reading a secret-looking variable worth reporting: code that could send it on.
_SENDS = frozenset(("network", "process", "dynamic", "environ"))


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


def analyse(source: str) -> list[Hit]:
    """Every dangerous construct in parsed ``source`` (which must parse; see ``parse``)."""
    tree, error = parse(source)
    if tree is None:
        assert error is not None
        return [error]
    lines = split_lines(source)
    analyzer = Analyzer(tree, lines)
    try:
        return analyzer.run()
    except (TooDeep, RecursionError):
        return [*analyzer.hits, Hit(1, 1, "syntax", "is nested too deeply to analyse safely")]
