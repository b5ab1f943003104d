"""The keys table is a checked contract: every compose key present whose status is mapped or
partial produced a trace (what it became) or a diagnostic (why not, or what is lost), over
every fixture and every real-world project as its users run it."""
from __future__ import annotations

import pytest

from compose2k8s.tables.keys import compose_keys

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


def test_every_claimed_key_of_a_real_world_project_is_recorded(realworld):
    """Each documented way of running each real-world project (tools/realworld.yaml)."""
    missing = {name: unaccounted(outcome.result) for name, outcome in realworld.items() if outcome.result}
    assert {name: keys for name, keys in missing.items() if keys} == {}
    assert len(missing) > 20


def test_an_unrecorded_key_is_found(tmp_path):
    """The check itself: a result whose traces lost a key is caught."""
    result = convert_case("services-ports")
    result.traces = [t for t in result.traces if t.key != "ports"]
    result.diagnostics = [d for d in result.diagnostics if d.key != "ports"]
    assert any(".ports (mapped" in item for item in unaccounted(result))
