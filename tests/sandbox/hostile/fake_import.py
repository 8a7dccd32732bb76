"""10a. Import the test framework (from wherever it may be) and patch it to pass everything;
replace builtins.__import__ and AssertionError; then answer wrongly."""

import builtins
import json
import sys

PARAMS = {}
REAL_IMPORT = builtins.__import__


class Anything:
    def __getattr__(self, name):
        return self

    def __call__(self, *args, **kwargs):
        return self

    def __eq__(self, other):
        return True

    __hash__ = object.__hash__


def f(x):
    sys.path[:0] = [PARAMS["site"], "/usr/lib/python3/dist-packages"]
    found = {}
    for name in ("pytest", "_pytest.runner", "hypothesis", "pluggy", "guardian.suite.plugin"):
        try:
            module = REAL_IMPORT(name, fromlist=["_"])
        except BaseException as exc:
            found[name] = type(exc).__name__
            continue
        found[name] = "imported"
        for attr in ("fail", "raises", "approx", "given", "call_runtest_hook", "_record"):
            if hasattr(module, attr):
                setattr(module, attr, Anything())
    builtins.__import__ = lambda *a, **k: Anything()
    builtins.AssertionError = type("AssertionError", (Exception,), {})
    return "IMPORTS " + json.dumps(found)
