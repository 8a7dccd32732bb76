"""``guardian sandbox check|setup``: what isolation applies here, and installing what it needs."""

from __future__ import annotations

import argparse
import json
import os
from typing import Any, TextIO


def register(sub: Any) -> None:
    """Add ``sandbox`` to the CLI (argparse only: no heavy imports here)."""
    parser = sub.add_parser(
        "sandbox", help="show or set up the sandbox that agent-written code runs in",
        description="Agent-written code runs only in child processes, isolated as strongly as "
                    "the machine allows: bubblewrap namespaces (no network, no host files, no "
                    "host processes) entered after dropping to a throw-away uid when guardian "
                    "runs as root; rlimits on CPU, memory, processes and file size; a scrubbed "
                    "environment. `check` prints the level that applies; `setup` installs "
                    "bubblewrap when it is missing (Debian/Ubuntu, as root).",
        epilog="Exit codes: check: 0, or 1 when weaker than --require; setup: 0 installed, "
               "present, or not installable here (a warning says so), 2 the install failed.")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    check = actions.add_parser("check", help="print the isolation level that applies here")
    check.add_argument("--format", choices=["text", "json"], default="text")
    check.add_argument("--require", choices=["namespaces+uid", "namespaces", "uid", "process"],
                       help="exit 1 when the level is weaker than this")
    check.set_defaults(func=run_check)
    setup = actions.add_parser("setup", help="install bubblewrap if missing (apt-get, as root)")
    setup.set_defaults(func=run_setup)


def run_check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from guardian.sandbox.isolation import detect

    iso = detect()
    if args.format == "json":
        json.dump(iso.to_json(), out, indent=2)
        out.write("\n")
    else:
        out.write(f"isolation: {iso.level}\nnetwork: {iso.network}\n"
                  f"pid namespace: {'yes' if iso.pid_namespace else 'no'}\n"
                  f"separate uid: {'yes' if iso.separate_uid else 'no'}\n"
                  f"python: {iso.python}\nbubblewrap: {iso.bwrap or 'not used'}\n")
        for note in iso.notes:
            out.write(f"note: {note}\n")
    if args.require and not iso.at_least(args.require):
        err.write(f"guardian: the sandbox is {iso.level!r}, weaker than {args.require!r}\n")
        return 1
    return 0


def run_setup(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    import shutil
    import subprocess

    if shutil.which("bwrap"):
        out.write(f"bubblewrap present: {shutil.which('bwrap')}\n")
        return 0
    apt = shutil.which("apt-get")
    if apt is None or os.getuid() != 0:
        err.write("guardian: warning: bubblewrap is missing and cannot be installed from here; "
                  "install it with your package manager (Debian/Ubuntu: `sudo apt-get install "
                  "bubblewrap`). Until then agent code runs with weaker isolation, recorded in "
                  "every result (see `guardian sandbox check`).\n")
        return 0
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    out.write("installing bubblewrap with apt-get…\n")
    out.flush()
    cmd = [apt, "install", "-y", "-q", "--no-install-recommends", "bubblewrap"]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        subprocess.run([apt, "update", "-q"], env=env, capture_output=True, check=False)
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0 or not shutil.which("bwrap"):
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        err.write(f"guardian: installing bubblewrap failed: {' | '.join(tail)}\n")
        return 2
    out.write(f"bubblewrap installed: {shutil.which('bwrap')}\n")
    return 0
