"""The CPTM8 golden tree, rendered once, and helpers to write manifests for `diff`."""
from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from ..conftest import FIXTURES

CPTM8 = FIXTURES / "expected" / "cptm8"
INDEX_PATH = re.compile(r"(^|\.)\d+($|[.\[])|\[\d+\]")  # `containers.0.ports` or `containers[0]`


@pytest.fixture(scope="session")
def _rendered_dev() -> list[dict[str, Any]]:
    from compose2k8s.validate import render
    return render(CPTM8 / "overlays" / "dev")


@pytest.fixture
def cptm8_dev(_rendered_dev) -> list[dict[str, Any]]:
    """The objects of the CPTM8 tree's dev overlay (a fresh copy per test)."""
    return copy.deepcopy(_rendered_dev)


def write_manifests(path: Path, docs: list[dict[str, Any]] | dict[str, Any]) -> Path:
    """Write `docs` as one YAML stream (or one document) and return the path."""
    text = yaml.safe_dump(docs, sort_keys=False) if isinstance(docs, dict) else \
        yaml.safe_dump_all(docs, sort_keys=False)
    path.write_text(text)
    return path


def index_paths(report) -> list[str]:
    """Paths of a report that use list positions instead of identities."""
    return [c.path for changes in report.changed.values() for c in changes if INDEX_PATH.search(c.path)]
