"""``python -m guardian``: the same as the ``guardian`` console script."""

import sys

from guardian.cli import main

if __name__ == "__main__":
    sys.exit(main())
