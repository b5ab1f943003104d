"""README's generated tables match the mappings and the options model; every table validates."""
from compose2k8s.mappings import compose_keys, read_table
from tools.docs import render

from .conftest import ROOT


def test_readme_tables_are_current():
    readme = (ROOT / "README.md").read_text()
    assert render(readme) == readme, "run: .venv/bin/python -m tools.docs README.md"


def test_mapping_tables_load_and_are_consistent():
    keys = compose_keys()
    assert keys.service and keys.top_level
    stateful = set(read_table("stateful-images")["images"])
    ports = read_table("well-known-ports")["images"]
    assert {"postgres", "mysql", "mongo", "redis", "rabbitmq", "opensearch"} <= stateful
    assert all(isinstance(p["port"], int) and len(p["name"]) <= 15 for entries in ports.values() for p in entries)
    kinds = read_table("kinds")
    assert set(kinds["order"]) >= {"Deployment", "StatefulSet", "Service", "Secret", "PersistentVolumeClaim"}
    waits = read_table("wait-rules")
    assert all(":" in image and not image.endswith(":latest") for image in waits["images"].values())
    assert read_table("secret-env-names")["words"] and read_table("probe-rules")["defaults"]["interval"] == 30
    network_keys = read_table("network-keys")
    assert set(network_keys) == {"attachment", "network"} and "ipv4_address" in network_keys["attachment"]


def test_mappings_ship_inside_the_package():
    from importlib import resources
    assert resources.files("compose2k8s").joinpath("mappings", "compose-keys.yaml").is_file()
