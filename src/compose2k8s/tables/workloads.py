"""How a service becomes a workload: kinds and their order (kinds), node placement (placement),
and the pod's security settings (pod-security)."""
from __future__ import annotations

from typing import Literal

from .loader import CaseInsensitivePattern, Frozen, read_table


class RestartRule(Frozen):
    kind: Literal["Job", "Deployment"]
    restart_policy: Literal["Never", "OnFailure", "Always"]
    backoff_limit: int | None = None


class Kinds(Frozen):
    order: dict[str, int]
    restart_kinds: dict[str, RestartRule]
    one_shot_commands: tuple[CaseInsensitivePattern, ...]
    override_labels: tuple[str, ...]
    kind_labels: dict[str, Literal["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"]]
    schedule_labels: tuple[str, ...]


class Placement(Frozen):
    node_attributes: dict[str, str]
    arch_values: dict[str, str]


class PodSecurity(Frozen):
    safe_sysctls: frozenset[str]
    pull_policies: dict[str, Literal["Always", "Never", "IfNotPresent"]]


def kinds() -> Kinds:
    return read_table("kinds", Kinds)


def placement() -> Placement:
    return read_table("placement", Placement)


def pod_security() -> PodSecurity:
    return read_table("pod-security", PodSecurity)
