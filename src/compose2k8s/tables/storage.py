"""How mounts are classified (mount-rules) and which host paths are refused or sized by label
(host-paths)."""
from __future__ import annotations

from .loader import Frozen, read_table


class ConfigFolderLimits(Frozen):
    max_files: int
    max_bytes: int


class MountRules(Frozen):
    config_folder: ConfigFolderLimits
    data_names: frozenset[str]
    data_folder_names: frozenset[str]
    data_suffixes: tuple[str, ...]
    data_targets: tuple[str, ...]
    placeholder_files: frozenset[str]
    shell_less_images: tuple[str, ...]


class HostPaths(Frozen):
    host_system_paths: tuple[str, ...]
    size_labels: tuple[str, ...]


def mount_rules() -> MountRules:
    return read_table("mount-rules", MountRules)


def host_paths() -> HostPaths:
    return read_table("host-paths", HostPaths)
