"""10e. Raise SystemExit(0) mid-call, as if the run had ended successfully."""


def f(x):
    raise SystemExit(0)
