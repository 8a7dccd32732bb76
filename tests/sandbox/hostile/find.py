"""12b. Look for whatever earlier tasks planted or left behind."""

import glob
import json
import os

PARAMS = {}


def _zygote():
    with open(f"/proc/{os.getppid()}/stat") as fh:
        return fh.read().rsplit(")", 1)[1].split()[19]


def f(x):
    token = PARAMS["token"]
    candidates = [*PARAMS["plant_paths"], *glob.glob(f"/tmp/*{token}*"),
                  *glob.glob(f"/*{token}*"), *glob.glob(f"/*/*{token}*")]
    found = sorted({p for p in candidates if os.path.exists(p)})
    return "FIND " + json.dumps({"zygote": _zygote(), "found": found})
