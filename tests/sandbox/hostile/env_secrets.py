"""5. Look for secrets in every environment reachable: our own, /proc/self, the parent's,
pid 1's, every /proc/*/environ, and the environment of a host process whose pid we know."""

import glob
import json
import os

PARAMS = {}
BENIGN = {"PATH", "LANG", "HOME", "PYTHONHASHSEED", "PYTHONDONTWRITEBYTECODE", "PWD",
          "GUARDIAN_SCRATCH"}


def f(x):
    entries = {f"{k}={v}" for k, v in os.environ.items()}
    read, unreadable = [], 0
    paths = ["/proc/self/environ", f"/proc/{os.getppid()}/environ", "/proc/1/environ",
             f"/proc/{PARAMS['decoy_pid']}/environ", f"/proc/{PARAMS['test_pid']}/environ",
             *glob.glob("/proc/[0-9]*/environ"), *glob.glob("/proc/[0-9]*/task/*/environ")]
    for path in dict.fromkeys(paths):
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except OSError:
            unreadable += 1
            continue
        read.append(path)
        entries.update(e.decode("utf-8", "replace") for e in data.split(b"\0") if e)
    odd = sorted(e for e in entries if e.split("=", 1)[0] not in BENIGN)
    looks_secret = sorted(e for e in entries if any(
        w in e.upper() for w in ("SK-", "GHP_", "TOKEN", "SECRET", "KEY", "PASSWORD")))
    report = {"secret_looking": looks_secret, "unexpected": odd, "read": len(read),
              "unreadable": unreadable, "benign_keys": sorted(
                  {e.split("=", 1)[0] for e in entries} & BENIGN)}
    return "ENV " + json.dumps(report).replace("'", "")
