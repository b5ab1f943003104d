"""healthcheck → liveness, readiness and (for start_period) startup probes.

CMD runs as argv, CMD-SHELL through `sh -c` (Kompose passes it as one argv element and
it never works); curl/wget on localhost become httpGet and `nc -z` tcpSocket.
Options can replace probes with HTTP ones (the guide's /health and /ready).
"""
from __future__ import annotations

import math
from typing import Any

from ..analysis.healthcheck import classify
from ..compose.model import Healthcheck
from ..ir.model import Plan, Workload, one_shot
from ..kube_text import escape_expansion, seconds
from ..mappings import probe_rules
from ..options import HttpProbe

KOMPOSE = "kompose.service.healthcheck."


def _handler(test: list[str]) -> dict[str, Any]:
    kind, info = classify(test)
    if kind == "http":
        handler = {"path": info["path"], "port": info["port"]}
        if info["scheme"] != "HTTP":
            handler["scheme"] = info["scheme"]
        return {"httpGet": handler}
    if kind == "tcp":
        return {"tcpSocket": {"port": info["port"]}}
    return {"exec": {"command": escape_expansion(info["command"])}}


def _timing(check: Healthcheck) -> dict[str, int]:
    defaults = probe_rules().defaults
    return {"periodSeconds": seconds(check.interval if check.interval is not None else defaults.interval),
            "timeoutSeconds": seconds(check.timeout if check.timeout is not None else defaults.timeout),
            "failureThreshold": max(1, check.retries if check.retries is not None else defaults.retries)}


def _startup(handler: dict[str, Any], check: Healthcheck) -> dict[str, Any] | None:
    if not check.start_period:
        return None
    period = seconds(check.start_interval or probe_rules().defaults.start_interval)
    return {**handler, "periodSeconds": period, "timeoutSeconds": _timing(check)["timeoutSeconds"],
            "failureThreshold": max(1, math.ceil(check.start_period / period))}


def _kompose_check(labels: dict[str, str], prefix: str) -> Healthcheck | None:
    test = labels.get(prefix + "test")
    if not test:
        return None
    return Healthcheck(test=["CMD-SHELL", test], interval=labels.get(prefix + "interval"),
                       timeout=labels.get(prefix + "timeout"), retries=labels.get(prefix + "retries"),
                       start_period=labels.get(prefix + "start_period"))


def _http_override(probe: HttpProbe, w: Workload, base: dict[str, Any] | None) -> dict[str, Any]:
    port = probe.port or (w.ports[0].port if w.ports else 80)
    out: dict[str, Any] = {"httpGet": {"path": probe.path, "port": port}}
    timing = {k: v for k, v in (base or {}).items() if k in ("periodSeconds", "timeoutSeconds", "failureThreshold")}
    default = probe_rules().timings["http_override"]
    out.update(timing or {"periodSeconds": default.period, "timeoutSeconds": default.timeout,
                          "failureThreshold": default.failure_threshold})
    if probe.initial_delay_seconds is not None:
        out["initialDelaySeconds"] = probe.initial_delay_seconds
    if probe.period_seconds is not None:
        out["periodSeconds"] = probe.period_seconds
    return out


def _from_healthcheck(plan: Plan, w: Workload) -> None:
    svc = w.service
    check = plan.facts.healthchecks.get(svc.name)
    labels = svc.labels
    if any(k.startswith(KOMPOSE) for k in labels):
        plan.trace_field(w, "labels", "probes (kompose.service.healthcheck.* labels)")
    if labels.get(KOMPOSE + "liveness.disable", "").lower() == "true" or svc.name in plan.facts.healthcheck_disabled:
        plan.trace_field(w, "healthcheck", "disabled, no probes")
        return
    liveness_check = _kompose_check(labels, KOMPOSE + "liveness.") or check
    readiness_check = _kompose_check(labels, KOMPOSE + "readiness.") or liveness_check
    if liveness_check:
        handler = _handler(liveness_check.test)
        w.container["livenessProbe"] = {**handler, **_timing(liveness_check)}
        startup = _startup(handler, liveness_check)
        if startup:
            w.container["startupProbe"] = startup
        plan.trace_field(w, "healthcheck", "containers[0].livenessProbe, readinessProbe"
                         + (", startupProbe" if startup else ""))
    if readiness_check:
        w.container["readinessProbe"] = {**_handler(readiness_check.test), **_timing(readiness_check)}
    period = probe_rules().timings["kompose_liveness"].period
    http_path = labels.get(KOMPOSE + "liveness.http_get_path")
    if http_path:
        port = int(labels.get(KOMPOSE + "liveness.http_get_port", w.ports[0].port if w.ports else 80))
        w.container["livenessProbe"] = {"httpGet": {"path": http_path, "port": port}, "periodSeconds": period}
    tcp_port = labels.get(KOMPOSE + "liveness.tcp_port")
    if tcp_port:
        w.container["livenessProbe"] = {"tcpSocket": {"port": int(tcp_port)}, "periodSeconds": period}


def run(plan: Plan) -> Plan:
    for name, workload in plan.workloads.items():
        if one_shot(workload.kind):
            if workload.service.healthcheck and workload.service.healthcheck.test:
                plan.note(name, "healthcheck", "job-probe", "healthcheck of a one-shot Job is not mapped",
                          "Jobs report completion instead of health", severity="info")
            continue
        _from_healthcheck(plan, workload)
        override = plan.options.probes.get(name)
        if override and override.liveness:
            workload.container["livenessProbe"] = _http_override(override.liveness, workload,
                                                                 workload.container.get("livenessProbe"))
            plan.trace_field(workload, "healthcheck", f"livenessProbe GET {override.liveness.path} (options)")
        if override and override.readiness:
            workload.container["readinessProbe"] = _http_override(override.readiness, workload,
                                                                  workload.container.get("readinessProbe"))
            plan.trace_field(workload, "healthcheck", f"readinessProbe GET {override.readiness.path} (options)")
    return plan
