"""Score the default policy on held-out corpora: each ROOT holds poisoned/ and benign/.

    .venv/bin/python bench/score_corpus.py ROOT [ROOT ...]

A file counts as blocked when any lesson read from it is blocked (a memory file yields one
lesson per section). Prints blocked/total for both folders and names every miss and every
false alarm. Held-out corpora are kept outside the repository so they stay measurements.
"""

from __future__ import annotations

import collections
import json
import os
import subprocess
import sys
from pathlib import Path


def blocked_by_file(folder: Path) -> dict[str, bool]:
    """``{top-level entry of folder: blocked?}`` from ``guardian check --format json``."""
    out = subprocess.run(
        [sys.executable, "-m", "guardian", "check", "--no-kb", "--format", "json", str(folder)],
        capture_output=True, text=True, check=False)
    if out.returncode not in (0, 1):
        raise SystemExit(f"guardian check failed on {folder} ({out.returncode}): "
                         f"{out.stderr[-500:]}")
    verdicts: dict[str, bool] = collections.defaultdict(bool)
    for result in json.loads(out.stdout)["results"]:
        top = os.path.relpath(result["path"], folder).split(os.sep)[0]
        verdicts[top] |= result["verdict"] == "block"
    return verdicts


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    for root in map(Path, argv):
        poisoned = blocked_by_file(root / "poisoned")
        benign = blocked_by_file(root / "benign")
        print(f"{root}: poisoned blocked {sum(poisoned.values())}/{len(poisoned)}, "
              f"benign blocked {sum(benign.values())}/{len(benign)}")
        for name, hit in sorted(poisoned.items()):
            if not hit:
                print(f"  missed      {name}")
        for name, hit in sorted(benign.items()):
            if hit:
                print(f"  false alarm {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
