"""The fixture cases (fixtures/compose/<case>/) and how tests convert them. Their golden
trees (fixtures/expected/<case>/) are syrupy snapshots: see snapshot_tree.py.
"""
from __future__ import annotations

import os
from pathlib import Path

from compose2k8s import convert
from compose2k8s.options import ConvertOptions

from .conftest import DEMO_KEY, EXPECTED, FIXTURES

CASE_ENV = {"API_TOKEN": "fake-api-token-6"}
SOPS_CASES = {"cptm8"}


def cases() -> list[str]:
    return sorted(p.name for p in (FIXTURES / "compose").iterdir() if (p / "docker-compose.yml").is_file())


def convert_text(folder: Path, text: str, **options):
    """Convert one compose file written into `folder` (Secrets as placeholders)."""
    (folder / "compose.yaml").write_text(text)
    return convert([folder / "compose.yaml"], ConvertOptions(secrets="placeholder", **options))


def convert_case(case: str):
    options = ConvertOptions(previous_tree=EXPECTED / case) if case in SOPS_CASES \
        else ConvertOptions(secrets="placeholder")
    env = {**CASE_ENV, "SOPS_AGE_KEY_FILE": str(DEMO_KEY)}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        return convert([FIXTURES / "compose" / case / "docker-compose.yml"], options)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
