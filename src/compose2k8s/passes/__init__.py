"""Mapping passes, each Plan → Plan. The order lives here and nowhere else."""
from __future__ import annotations

from collections.abc import Callable

from ..ir.model import Plan
from . import (containers, depends_on, deploy, environment, lifecycle, networks, pre_start, probes, registry,
               runtime_defaults, secrets, services, unsupported, volumes, workloads)

PASSES: tuple[Callable[[Plan], Plan], ...] = (
    workloads.run,
    services.run,
    containers.run,
    deploy.run,
    lifecycle.run,
    probes.run,
    volumes.run,
    secrets.run,
    environment.run,
    pre_start.run,
    depends_on.run,
    networks.run,
    registry.run,
    runtime_defaults.run,
    unsupported.run,
)


def run_all(plan: Plan) -> Plan:
    for step in PASSES:
        plan = step(plan)
    return plan
