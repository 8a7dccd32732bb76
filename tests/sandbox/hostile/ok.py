"""A correct answer, for the tasks that run beside (and after) the attacks."""


def f(x):
    return x + 1
