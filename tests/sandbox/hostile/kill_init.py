"""8b. SIGKILL pid 1, then carry on."""

import os
import time


def f(x):
    try:
        os.kill(1, 9)
        what = "sent"
    except OSError as exc:
        what = type(exc).__name__
    time.sleep(0.5)
    return f"KILL alive after kill(1): {what}"
