"""12a. Plant files for the next task to find: in /tmp, and in every other writable place."""

import json
import os

PARAMS = {}


def _zygote():
    with open(f"/proc/{os.getppid()}/stat") as fh:
        return fh.read().rsplit(")", 1)[1].split()[19]  # start time of our parent


def f(x):
    wrote = []
    for path in PARAMS["plant_paths"]:
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as fh:
                fh.write("planted by an earlier task\n")
            wrote.append(path)
        except OSError:
            pass
    return "PLANT " + json.dumps({"zygote": _zygote(), "wrote": wrote})
