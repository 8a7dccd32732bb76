"""4a. Unbounded recursion within the default recursion limit: RecursionError."""


def f(x):
    return f(x) + 1
