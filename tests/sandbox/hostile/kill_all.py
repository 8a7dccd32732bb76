"""8c. SIGKILL every process we may signal, and host processes whose pids we know."""

import os
import time

PARAMS = {}


def f(x):
    os.kill(-1, 9)
    outcomes = []
    for pid in (PARAMS["decoy_pid"], PARAMS["test_pid"]):
        try:
            os.kill(pid, 9)
            outcomes.append("sent")
        except OSError as exc:
            outcomes.append(type(exc).__name__)
    time.sleep(0.5)
    return "KILL alive after kill(-1); host pids: " + ",".join(outcomes)
