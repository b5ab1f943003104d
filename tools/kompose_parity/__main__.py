"""`python -m tools.kompose_parity`: print the figures and every miss."""
from __future__ import annotations

import sys

from .cases import FIXTURES
from .compare import measure
from .report import report


def main() -> int:
    if not FIXTURES.is_dir():
        print(f"kompose parity: {FIXTURES} is absent, skipped")
        return 0
    print(report(measure()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
