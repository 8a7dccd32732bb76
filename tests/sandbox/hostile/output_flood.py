"""9. Write 2 GiB to stdout and stderr, then print more."""

import os
import sys


def f(x):
    block = b"x" * (1 << 20)
    for _ in range(1024):
        os.write(1, block)
        os.write(2, block)
    print("y" * 100_000)
    print("z" * 100_000, file=sys.stderr)
    return "FLOOD wrote 2 GiB"
