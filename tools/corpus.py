"""Robustness run over a folder of compose files written by others.

Every standalone compose file must either convert to a tree whose base and overlays render
with `kubectl kustomize` and pass strict schema validation, or be refused with a clear
message. Prints the figures; exits 1 on any crash or invalid tree.

    python -m tools.corpus ../shared/corpus [--only kompose-fixtures]
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import traceback
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from .corpus_files import compose_files

FIXED_ENV = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": "/nonexistent"}


def check(path: Path) -> tuple[str, str, str]:
    """(path, outcome, detail) with outcome valid | refused | crash | invalid."""
    from compose2k8s.api import convert
    from compose2k8s.errors import Compose2K8sError
    from compose2k8s.options import ConvertOptions
    from compose2k8s.validate import validate_tree
    try:
        result = convert([path], ConvertOptions(secrets="placeholder"), environ=FIXED_ENV)
    except Compose2K8sError as exc:
        message = str(exc)
        ok = bool(message.strip()) and "Traceback" not in message
        return str(path), "refused" if ok else "crash", message.splitlines()[0][:200]
    except Exception:  # noqa: BLE001 - a crash is what this tool looks for
        return str(path), "crash", traceback.format_exc(limit=3).strip().splitlines()[-1][:300]
    with tempfile.TemporaryDirectory() as tmp:
        result.write(Path(tmp) / "out")
        report = validate_tree(Path(tmp) / "out")
    if not report.ok:
        return str(path), "invalid", report.problems[0][:300]
    return str(path), "valid", f"{len(report.rendered)} kustomizations"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--only", help="a sub-folder of root")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args(argv)
    root = args.root / args.only if args.only else args.root
    if not root.is_dir():
        print(f"corpus: {root} is absent, skipped")
        return 0
    files = compose_files(root)
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        outcomes = list(pool.map(check, files, chunksize=4))
    counts: dict[str, int] = {}
    for path, outcome, detail in outcomes:
        counts[outcome] = counts.get(outcome, 0) + 1
        if outcome in ("crash", "invalid"):
            print(f"{outcome.upper()}: {path}: {detail}")
    print(f"corpus {root}: {len(files)} compose files: {counts.get('valid', 0)} converted to valid trees, "
          f"{counts.get('refused', 0)} refused with a message, {counts.get('crash', 0)} crashes, "
          f"{counts.get('invalid', 0)} invalid trees")
    return 1 if counts.get("crash") or counts.get("invalid") else 0


if __name__ == "__main__":
    sys.exit(main())
