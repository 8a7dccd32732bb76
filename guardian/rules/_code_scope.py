"""Name resolution: what the names of a parsed module refer to (imports, aliases, assignments)."""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Iterator, Sequence

from guardian.rules._code_fold import Folder, TooDeep
from guardian.rules._code_parse import Hit
from guardian.rules._code_tables import AMBIGUOUS_NAMES, BUILTIN_NAMES, canon, classify


class Scope(Folder):
    """One parsed module: what its names refer to, where its nodes run, and the hits found."""

    def __init__(self, tree: ast.Module, lines: Sequence[str]) -> None:
        super().__init__()
        self.tree = tree
        self.lines = lines
        self.hits: list[Hit] = []
        self.parents: dict[ast.AST, ast.AST] = {}
        self.aliases: dict[str, str] = {}
        self.local: set[str] = set()
        self.module_bound: set[str] = set()
        self.assigned: Counter[str] = Counter()
        self.assign_expr: dict[str, ast.expr] = {}
        self.prose: set[int] = set()  # ids of docstring/bare-string Constant nodes
        self.star_roots: set[str] = set()
        self.names_environ = False  # a string constant mentions environ

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
            raise TooDeep
        if isinstance(node, ast.Name):
            name = node.id
            if name in self.aliases:
                return self.aliases[name]
            if name in self.module_bound:
                return None
            if name in BUILTIN_NAMES:
                return name
            if name in self.local or name in AMBIGUOUS_NAMES:
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
            base = canon(base) if base.startswith("__builtins__") else base
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
            func = canon(func)
            args = node.args
            if func == "getattr" and len(args) >= 2:
                base = self.resolve(args[0], depth + 1)
                attr = self.fold(args[1], depth + 1)
                if base and isinstance(attr, str):
                    return f"{canon(base)}.{attr}"
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

    # -- hits ---------------------------------------------------------------------------------

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

    # -- where a node runs --------------------------------------------------------------------

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
