"""Every decision table in mappings/ loads into its frozen model and is consistent."""
from __future__ import annotations

import importlib
from importlib import resources

import pytest
from pydantic import ValidationError

from compose2k8s.ir.model import KINDS
from compose2k8s.options import OVERLAYS
from compose2k8s.tables import diff, images, keys, networking, overlays, probes, secrets, storage, workloads
from compose2k8s.tables.loader import Frozen, read_table

from .conftest import ROOT

TABLES: dict[str, type[Frozen]] = {
    "compose-keys": keys.ComposeKeys, "kompose-labels": keys.KomposeLabels,
    "compose-key-types": keys.ComposeKeyTypes, "image-needs": images.ImageNeeds,
    "stateful-images": images.StatefulImages, "singletons": images.Singletons,
    "well-known-ports": images.WellKnownPorts, "helper-images": images.HelperImages,
    "kinds": workloads.Kinds, "placement": workloads.Placement, "pod-security": workloads.PodSecurity,
    "probe-rules": probes.ProbeRules, "wait-rules": probes.WaitRules,
    "secret-env-names": secrets.SecretEnvNames, "secret-files": secrets.SecretFiles,
    "mount-rules": storage.MountRules, "host-paths": storage.HostPaths,
    "network-keys": networking.NetworkKeys, "references": networking.ReferencesTable,
    "overlays": overlays.Overlays, "diff-identity": diff.DiffIdentity, "diff-defaults": diff.DiffNoise}


def test_every_table_file_has_a_model_and_validates():
    files = {p.stem for p in (ROOT / "mappings").glob("*.yaml")}
    assert files == set(TABLES)
    for name in files:
        assert isinstance(read_table(name, TABLES[name]), TABLES[name])


def test_a_table_is_read_once():
    assert images.helper_images() is read_table("helper-images", images.HelperImages)


def test_tables_are_frozen():
    with pytest.raises(ValidationError):
        images.helper_images().busybox = "busybox:latest"  # type: ignore[misc]


def test_a_mistyped_row_is_refused():
    with pytest.raises(ValidationError):
        probes.WaitRules.model_validate({"attempts": "many", "sleep_seconds": 5, "clients": {}})


def test_mappings_ship_inside_the_package():
    assert resources.files("compose2k8s").joinpath("mappings", "compose-keys.yaml").is_file()


def test_helper_images_are_pinned():
    for image in images.helper_images().model_dump().values():
        assert ":" in image and not image.endswith(":latest"), image


def test_ports_and_images_tables_agree():
    ports = images.well_known_ports()
    assert all(len(p.name) <= 15 for entries in ports.values() for p in entries)
    stateful = images.stateful_images()
    assert {"postgres", "mysql", "mongo", "redis", "rabbitmq", "opensearch"} <= set(stateful)
    missing = {name for name in stateful if name not in ports}
    assert missing == set(), f"stateful images without a usual port: {sorted(missing)}"
    assert all(entry.data is None or entry.data.startswith("/") for entry in stateful.values())


def test_kinds_table_covers_every_kind_and_restart_value():
    table = workloads.kinds()
    assert set(KINDS) | {"Service", "Secret", "PersistentVolumeClaim"} <= set(table.order)
    assert set(table.kind_labels.values()) == set(KINDS)
    assert {"no", "on-failure", "always", "unless-stopped"} == set(table.restart_kinds)


def test_every_overlay_has_rules():
    assert set(overlays.overlay_rules().overlays) == set(OVERLAYS)


def test_each_key_names_a_module_that_exists():
    table = keys.compose_keys()
    for key, status in {**table.top_level, **table.service}.items():
        if status.owner in ("load", "lift"):
            continue
        module = importlib.import_module(f"compose2k8s.passes.{status.owner}")
        assert hasattr(module, "run"), f"{key}: pass {status.owner} has no run()"
        if status.status != "mapped":
            assert status.reason, f"{key} needs a reason"


def test_command_patterns_match_any_case_and_a_bad_one_fails_on_load():
    assert any(p.search("PNPM EXEC PRISMA MIGRATE DEPLOY") for p in workloads.kinds().one_shot_commands)
    assert images.Singletons.model_validate({"images": [], "commands": ["beat"]}).commands[0].search("Celery BEAT")
    with pytest.raises(ValidationError, match="not a regular expression"):
        images.Singletons.model_validate({"images": [], "commands": ["(beat"]})
