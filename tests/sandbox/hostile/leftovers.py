"""11. Leave things behind: a double-forked setsid daemon and a non-daemon thread, each
sleeping then writing a marker file (in /tmp and on the host), then answer wrongly."""

import os
import threading
import time

PARAMS = {}


def _later(paths, delay):
    time.sleep(delay)
    for path in paths:
        try:
            with open(path, "w") as fh:
                fh.write("left behind\n")
        except OSError:
            pass


def f(x):
    token = PARAMS["token"]
    pid = os.fork()
    if pid == 0:
        os.setsid()
        if os.fork() == 0:
            _later([f"/tmp/daemon-{token}", f"/daemon-{token}", PARAMS["host_marker"]], 1.0)
            time.sleep(600)
        os._exit(0)
    os.waitpid(pid, 0)
    threading.Thread(target=_later, daemon=False, args=(
        [f"/tmp/thread-{token}", f"/thread-{token}", PARAMS["host_marker"] + ".thread"],
        1.0)).start()
    return "LEFTOVERS spawned a daemon and a thread"
