"""What compose network keys mean in a cluster (network-keys) and how values and files name
other services' hosts and ports (references)."""
from __future__ import annotations

from typing import Literal

from .loader import Frozen, read_table


class NetworkSetting(Frozen):
    severity: Literal["warning", "info"]
    no_op: frozenset[str] = frozenset()  # values (lower case) the cluster network has anyway


class NetworkKeys(Frozen):
    attachment: frozenset[str]
    network: dict[str, NetworkSetting]


class ConfigFileLimits(Frozen):
    max_bytes: int
    max_files_per_folder: int


class ReferencesTable(Frozen):
    scheme_ports: dict[str, int]
    host_suffixes: tuple[str, ...]
    port_suffixes: tuple[str, ...]
    config_files: ConfigFileLimits


def network_keys() -> NetworkKeys:
    return read_table("network-keys", NetworkKeys)


def references_table() -> ReferencesTable:
    return read_table("references", ReferencesTable)
