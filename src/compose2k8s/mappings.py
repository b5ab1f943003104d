"""The decision tables in `mappings/*.yaml`, each loaded once into a frozen model.

>>> compose_keys().service["image"].status
'mapped'
>>> helper_images().busybox
'busybox:1.36.1'
"""
from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field

from .ir.overlays import OverlayName


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


YamlType = Literal["string", "number", "integer", "boolean", "list", "mapping"]


class ComposeKeyTypes(_Frozen):
    service: dict[str, tuple[YamlType, ...]]


class KeyStatus(_Frozen):
    status: Literal["mapped", "partial", "not_mapped"]
    to: str | None = None
    reason: str | None = None
    owner: str = Field(alias="pass")  # the module that maps or reports the key


class ComposeKeys(_Frozen):
    top_level: dict[str, KeyStatus]
    service: dict[str, KeyStatus]


class KomposeLabel(KeyStatus):
    read_from: tuple[Literal["service", "deploy", "volume"], ...] = ("service",)  # where the label is read


class KomposeLabels(_Frozen):
    labels: dict[str, KomposeLabel]


class NodeNeeds(_Frozen):
    sysctls: dict[str, str]


class ImageNeeds(_Frozen):
    images: dict[str, NodeNeeds]


class RestartRule(_Frozen):
    kind: Literal["Job", "Deployment"]
    restart_policy: Literal["Never", "OnFailure", "Always"]
    backoff_limit: int | None = None


class Kinds(_Frozen):
    order: dict[str, int]
    restart_kinds: dict[str, RestartRule]
    override_labels: tuple[str, ...]
    kind_labels: dict[str, Literal["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"]]
    schedule_labels: tuple[str, ...]


class NetworkSetting(_Frozen):
    severity: Literal["warning", "info"]
    no_op: frozenset[str] = frozenset()  # values (lower case) the cluster network has anyway


class NetworkKeys(_Frozen):
    attachment: frozenset[str]
    network: dict[str, NetworkSetting]


class Placement(_Frozen):
    node_attributes: dict[str, str]
    arch_values: dict[str, str]


class HealthDefaults(_Frozen):
    interval: int
    timeout: int
    retries: int
    start_interval: int


class Timing(_Frozen):
    period: int
    timeout: int | None = None
    failure_threshold: int | None = None


BudgetTerm = Literal["start_period", "interval", "interval*retries"]


class ProbeBudget(_Frozen):
    period: Literal["interval", "start_interval"]
    budget: tuple[BudgetTerm, ...]
    initial_delay: Literal["interval"] | None = None


class ProbeRules(_Frozen):
    local_hosts: tuple[str, ...]
    http_clients: tuple[str, ...]
    tcp_clients: tuple[str, ...]
    defaults: HealthDefaults
    timings: dict[Literal["http_override", "kompose_label", "dependency_readiness"], Timing]
    budgets: dict[Literal["startup", "liveness", "readiness"], ProbeBudget]


class SecretEnvNames(_Frozen):
    words: frozenset[str]
    substrings: tuple[str, ...]
    pairs: tuple[tuple[str, str], ...]
    last_words: frozenset[str]
    public_before_last: frozenset[str]
    exact: frozenset[str]
    not_secret_suffixes: tuple[str, ...]


class SecretFiles(_Frozen):
    names: frozenset[str]
    suffixes: tuple[str, ...]
    content_markers: tuple[str, ...]


class StatefulImage(_Frozen):
    data: str | None  # where the image keeps its state (None: in memory or where its command says)
    internal: bool = True  # a database or broker: kept inside the cluster outside dev


class StatefulImages(_Frozen):
    images: dict[str, StatefulImage]


class Singletons(_Frozen):
    images: frozenset[str]
    commands: tuple[str, ...]


class WaitClient(_Frozen):
    host: tuple[str, ...] = ()  # flags naming the server's host, e.g. -h, --host
    port: tuple[str, ...] = ()  # flags naming its port
    positional: bool = False  # host and port are the first arguments


class WaitRules(_Frozen):
    attempts: int
    sleep_seconds: int
    clients: dict[str, WaitClient]


class KnownPort(_Frozen):
    port: int
    name: str


class WellKnownPorts(_Frozen):
    images: dict[str, tuple[KnownPort, ...]]


class HelperImages(_Frozen):
    busybox: str
    curl: str
    kubectl: str
    ecr_refresher: str


class PodSecurity(_Frozen):
    safe_sysctls: frozenset[str]
    pull_policies: dict[str, Literal["Always", "Never", "IfNotPresent"]]


class ConfigFolderLimits(_Frozen):
    max_files: int
    max_bytes: int


class MountRules(_Frozen):
    config_folder: ConfigFolderLimits
    data_names: frozenset[str]
    data_folder_names: frozenset[str]
    data_suffixes: tuple[str, ...]
    data_targets: tuple[str, ...]
    placeholder_files: frozenset[str]
    shell_less_images: tuple[str, ...]


class HostPaths(_Frozen):
    host_system_paths: tuple[str, ...]
    size_labels: tuple[str, ...]


class ExposureRules(_Frozen):
    http_ports: frozenset[int]
    ingress_host: str
    tls_secret: str
    node_port_first: int
    port_forward_shift: int


class Budget(_Frozen):
    min_available: int | None = None
    max_unavailable: int | None = None


class LimitRangeRule(_Frozen):
    default: dict[str, str]
    default_request: dict[str, str]


class OverlayRules(_Frozen):
    exposure: Literal["node_ports", "component"]
    local_volumes: str | None = None
    kind_host_folder: str | None = None
    drop_cpu_limits: bool = False
    drop_affinity: bool = False
    nfs_volumes: bool = False
    tls: bool = False
    replica_floor: int | None = None
    budgets: dict[str, Budget] = Field(default_factory=dict)
    zone_spread: str | None = None
    limit_range: LimitRangeRule | None = None


class Overlays(_Frozen):
    exposure: ExposureRules
    overlays: dict[OverlayName, OverlayRules]


class ConfigFileLimits(_Frozen):
    max_bytes: int
    max_files_per_folder: int


class ReferencesTable(_Frozen):
    scheme_ports: dict[str, int]
    host_suffixes: tuple[str, ...]
    port_suffixes: tuple[str, ...]
    config_files: ConfigFileLimits


class ListIdentity(_Frozen):
    """How `diff` pairs a list's items (mappings/diff-identity.yaml)."""

    key: tuple[str, ...] = ()
    key_defaults: dict[str, Any] = {}
    order: Literal["any", "kept"] = "any"
    fallback: tuple[str, ...] = ()
    sole: bool = False


class DiffIdentity(_Frozen):
    lists: dict[str, ListIdentity]


class DiffNoise(_Frozen):
    """What `diff` sets aside before comparing (mappings/diff-defaults.yaml)."""

    server_set: tuple[str, ...]
    server_annotations: frozenset[str]
    server_labels: frozenset[str]
    server_finalizers: frozenset[str]
    assigned: tuple[str, ...]
    defaults: dict[str, Any]
    computed: dict[str, Literal["image-tag", "port", "policy-types"]]
    quantities: tuple[str, ...]


TABLES: dict[str, type[_Frozen]] = {
    "compose-keys": ComposeKeys, "kompose-labels": KomposeLabels, "compose-key-types": ComposeKeyTypes, "image-needs": ImageNeeds, "kinds": Kinds, "network-keys": NetworkKeys,
    "placement": Placement, "probe-rules": ProbeRules, "secret-env-names": SecretEnvNames,
    "stateful-images": StatefulImages, "wait-rules": WaitRules, "well-known-ports": WellKnownPorts,
    "helper-images": HelperImages, "pod-security": PodSecurity, "host-paths": HostPaths, "mount-rules": MountRules, "overlays": Overlays,
    "references": ReferencesTable, "singletons": Singletons, "secret-files": SecretFiles, "diff-identity": DiffIdentity, "diff-defaults": DiffNoise}
T = TypeVar("T", bound=_Frozen)


def _read(name: str) -> Any:
    text = resources.files("compose2k8s").joinpath("mappings", f"{name}.yaml").read_text("utf-8")
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@cache
def table(name: str) -> Any:
    """`mappings/<name>.yaml` validated against its model in TABLES (read once)."""
    return TABLES[name].model_validate(_read(name))


def _typed(name: str, model: type[T]) -> T:
    loaded = table(name)
    assert isinstance(loaded, model)
    return loaded


def compose_keys() -> ComposeKeys:
    return _typed("compose-keys", ComposeKeys)


def kompose_labels() -> dict[str, KomposeLabel]:
    return _typed("kompose-labels", KomposeLabels).labels


def compose_key_types() -> ComposeKeyTypes:
    return _typed("compose-key-types", ComposeKeyTypes)


def image_needs() -> ImageNeeds:
    return _typed("image-needs", ImageNeeds)


def kinds() -> Kinds:
    return _typed("kinds", Kinds)


def network_keys() -> NetworkKeys:
    return _typed("network-keys", NetworkKeys)


def placement() -> Placement:
    return _typed("placement", Placement)


def probe_rules() -> ProbeRules:
    return _typed("probe-rules", ProbeRules)


def secret_env_names() -> SecretEnvNames:
    return _typed("secret-env-names", SecretEnvNames)


def secret_files() -> SecretFiles:
    return _typed("secret-files", SecretFiles)


def stateful_images() -> dict[str, StatefulImage]:
    return _typed("stateful-images", StatefulImages).images


def singletons() -> Singletons:
    return _typed("singletons", Singletons)


def wait_rules() -> WaitRules:
    return _typed("wait-rules", WaitRules)


def well_known_ports() -> dict[str, tuple[KnownPort, ...]]:
    return _typed("well-known-ports", WellKnownPorts).images


def helper_images() -> HelperImages:
    return _typed("helper-images", HelperImages)


def pod_security() -> PodSecurity:
    return _typed("pod-security", PodSecurity)


def host_paths() -> HostPaths:
    return _typed("host-paths", HostPaths)


def mount_rules() -> MountRules:
    return _typed("mount-rules", MountRules)


def overlay_rules() -> Overlays:
    return _typed("overlays", Overlays)


def references_table() -> ReferencesTable:
    return _typed("references", ReferencesTable)


def diff_identity() -> DiffIdentity:
    return _typed("diff-identity", DiffIdentity)


def diff_noise() -> DiffNoise:
    return _typed("diff-defaults", DiffNoise)
