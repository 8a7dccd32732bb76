"""Write the JSON twin of every shipped policy pack (policies/compiled/<name>.json).

The twin lets `guardian check` start without importing PyYAML. Run after editing a pack:

    .venv/bin/python tools/compile_packs.py

tests/test_engine.py fails when a twin is missing or stale.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from guardian.policy.engine import compiled_twin, parse_pack_yaml  # noqa: E402


def main() -> int:
    for path in sorted((ROOT / "policies").glob("*.yaml")):
        raw = path.read_bytes()
        twin = compiled_twin(path)
        twin.parent.mkdir(exist_ok=True)
        payload = {
            "comment": f"generated from {path.name} by tools/compile_packs.py; do not edit",
            "yaml_sha256": hashlib.sha256(raw).hexdigest(),
            "data": parse_pack_yaml(str(path), raw),
        }
        twin.write_text(json.dumps(payload, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"wrote {twin.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
