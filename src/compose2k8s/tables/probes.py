"""How healthchecks become probes (probe-rules) and how a dependency is waited for
(wait-rules)."""
from __future__ import annotations

from typing import Literal

from .loader import Frozen, read_table


class HealthDefaults(Frozen):
    interval: int
    timeout: int
    retries: int
    start_interval: int


class Timing(Frozen):
    period: int
    timeout: int | None = None
    failure_threshold: int | None = None


BudgetTerm = Literal["start_period", "interval", "interval*retries"]


class ProbeBudget(Frozen):
    period: Literal["interval", "start_interval"]
    budget: tuple[BudgetTerm, ...]
    initial_delay: Literal["interval"] | None = None


class ProbeRules(Frozen):
    local_hosts: tuple[str, ...]
    http_clients: tuple[str, ...]
    tcp_clients: tuple[str, ...]
    defaults: HealthDefaults
    timings: dict[Literal["http_override", "kompose_label", "dependency_readiness"], Timing]
    budgets: dict[Literal["startup", "liveness", "readiness"], ProbeBudget]


class WaitClient(Frozen):
    host: tuple[str, ...] = ()  # flags naming the server's host, e.g. -h, --host
    port: tuple[str, ...] = ()  # flags naming its port
    positional: bool = False  # host and port are the first arguments


class WaitRules(Frozen):
    attempts: int
    sleep_seconds: int
    clients: dict[str, WaitClient]


def probe_rules() -> ProbeRules:
    return read_table("probe-rules", ProbeRules)


def wait_rules() -> WaitRules:
    return read_table("wait-rules", WaitRules)
