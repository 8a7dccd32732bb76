"""4b. Lift the recursion limit, then recurse through C calls until the C stack overflows."""

import sys


def g(n):
    return max(map(g, [n + 1]))


def f(x):
    sys.setrecursionlimit(10**6)
    return g(0)
