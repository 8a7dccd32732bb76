"""8a. SIGKILL our parent, then carry on."""

import os
import time


def f(x):
    os.kill(os.getppid(), 9)
    time.sleep(0.5)
    return "KILL alive after kill(getppid())"
