"""Mapping passes, each Plan → Plan. The order lives here and nowhere else: the base
passes first, then the overlay planning passes (what dev, staging and prod change).
"""
from __future__ import annotations

from collections.abc import Callable

from ..ir.model import Plan
from . import (autoscaling, containers, depends_on, deploy, environment, lifecycle, networks, overlay_access, overlay_budgets,
               overlay_exposure, overlay_limits, overlay_placement, overlay_scaling, overlay_storage, overlays, pod,
               pre_start, probes, providers, reachability, registry, runtime_defaults, secret_refs, secret_storage, secrets,
               services, sidecars, unsupported, volumes, workloads)

PASSES: tuple[Callable[[Plan], Plan], ...] = (
    providers.run,
    workloads.run,
    services.run,
    reachability.run,
    containers.run,
    pod.run,
    deploy.run,
    lifecycle.run,
    probes.run,
    volumes.run,
    secrets.run,
    environment.run,
    pre_start.run,
    depends_on.run,
    secret_refs.run,
    networks.run,
    registry.run,
    runtime_defaults.run,
    secret_storage.run,
    sidecars.run,
    autoscaling.run,
    unsupported.run,
    overlays.run,
    overlay_exposure.run,
    overlay_access.run,
    overlay_scaling.run,
    overlay_budgets.run,
    overlay_storage.run,
    overlay_placement.run,
    overlay_limits.run,
)


def run_all(plan: Plan) -> Plan:
    for step in PASSES:
        plan = step(plan)
    return plan
