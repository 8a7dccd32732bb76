"""10g. os._exit(0) while the module loads (pytest exits 0 with no report if this happens
during its collection)."""

import os

os._exit(0)


def f(x):
    return x + 1
