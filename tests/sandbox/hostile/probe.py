"""What the sandbox looks like from inside: uid, visible processes, network interfaces."""

import json
import os

PARAMS = {}


def f(x):
    with open("/proc/net/dev") as fh:
        ifaces = sorted(line.split(":")[0].strip() for line in fh.readlines()[2:])
    pids = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
    return "PROBE " + json.dumps({
        "uid": os.getuid(), "euid": os.geteuid(), "ifaces": ifaces, "pids": pids,
        "sees_decoy": os.path.exists(f"/proc/{PARAMS['decoy_pid']}"),
        "sees_test": os.path.exists(f"/proc/{PARAMS['test_pid']}")})
