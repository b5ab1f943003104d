"""Find the standalone compose files in a corpus folder.

A file counts when it parses as YAML into a mapping with a `services:` key (or looks
like the old v1 format) and is not an expected output or a format template.
"""
from __future__ import annotations

from pathlib import Path

import yaml

_SKIP_PARTS = {"_harness", "schema", "node_modules"}


def _looks_like_compose(path: Path) -> bool:
    try:
        text = path.read_text("utf-8")
    except (UnicodeDecodeError, OSError):
        return False
    if "%s" in text or "%d" in text:
        return False
    try:
        doc = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return "services:" in text
    except Exception:  # noqa: BLE001 - any odd document just does not count
        return False
    return isinstance(doc, dict) and ("services" in doc or (
        bool(doc) and all(isinstance(v, dict) and ({"image", "build"} & set(v)) for v in doc.values())))


def compose_files(root: Path) -> list[Path]:
    """Every standalone compose file under `root`, sorted."""
    found = []
    for path in sorted(root.rglob("*")):
        if path.suffix not in (".yml", ".yaml") or not path.is_file():
            continue
        if _SKIP_PARTS & set(path.parts) or path.name.startswith("output"):
            continue
        if _looks_like_compose(path):
            found.append(path)
    return found
