"""The keys table is a checked contract: every compose key present whose status is mapped or
partial produced a trace (what it became) or a diagnostic (why not, or what is lost), over
every fixture and every real-world compose file that converts on its own."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from compose2k8s import convert
from compose2k8s.errors import Compose2K8sError
from compose2k8s.mappings import compose_keys
from compose2k8s.options import ConvertOptions

from .conftest import CORPUS, needs_shared
from .golden import cases, convert_case


def unaccounted(result) -> list[str]:
    """'service.key (status)' for each mapped or partial key nothing recorded."""
    table = compose_keys().service
    recorded = {(t.service, t.key) for t in result.traces} | {(d.service, d.key) for d in result.diagnostics}
    missing = []
    for name, svc in result.project.services.items():
        for key in sorted((svc.model_fields_set | set(svc.model_extra or {})) - {"name"}):
            status = table.get(key)
            if status and status.status != "not_mapped" and (name, key) not in recorded:
                missing.append(f"{name}.{key} ({status.status}, pass {status.owner})")
    return missing


@pytest.mark.parametrize("case", cases())
def test_every_claimed_key_of_a_fixture_is_recorded(case):
    assert unaccounted(convert_case(case)) == []


def _realworld_files() -> list[Path]:
    root = CORPUS / "realworld"
    return sorted(p for p in root.rglob("*") if p.suffix in (".yml", ".yaml") and "services:" in p.read_text())\
        if root.is_dir() else []


@needs_shared
@pytest.mark.parametrize("path", _realworld_files(), ids=lambda p: str(p.relative_to(CORPUS / "realworld")))
def test_every_claimed_key_of_a_real_world_file_is_recorded(path, monkeypatch):
    for name in list(os.environ):
        if name not in ("PATH", "HOME"):
            monkeypatch.delenv(name)
    try:
        result = convert([path], ConvertOptions(secrets="placeholder"))
    except Compose2K8sError:
        pytest.skip("refused on its own (needs another file or a variable)")
    assert unaccounted(result) == []


def test_an_unrecorded_key_is_found(tmp_path):
    """The check itself: a result whose traces lost a key is caught."""
    result = convert_case("services-ports")
    result.traces = [t for t in result.traces if t.key != "ports"]
    result.diagnostics = [d for d in result.diagnostics if d.key != "ports"]
    assert any(".ports (mapped" in item for item in unaccounted(result))
