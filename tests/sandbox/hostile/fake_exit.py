"""10f. os._exit(0) mid-call: a clean exit status with no answer."""

import os


def f(x):
    os._exit(0)
