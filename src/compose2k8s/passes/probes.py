"""healthcheck → liveness, readiness and (for start_period) startup probes.

CMD runs as argv, CMD-SHELL through `sh -c` (Kompose passes it as one argv element and
it never works); curl/wget on localhost become httpGet and `nc -z` tcpSocket.
Options can replace probes with HTTP ones (the guide's /health and /ready).
"""
from __future__ import annotations

import math
from typing import Any

from pydantic import ValidationError

from ..compose.model import Healthcheck
from ..errors import ComposeError
from ..ir.model import Plan, Workload
from ..options import HttpProbe
from .healthcheck import classify, rules
from .kube_text import escape_expansion, seconds

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
    defaults = rules()["defaults"]
    return {"periodSeconds": seconds(check.interval if check.interval is not None else defaults["interval"]),
            "timeoutSeconds": seconds(check.timeout if check.timeout is not None else defaults["timeout"]),
            "failureThreshold": max(1, check.retries if check.retries is not None else defaults["retries"])}


def _startup(handler: dict[str, Any], check: Healthcheck) -> dict[str, Any] | None:
    if not check.start_period:
        return None
    period = seconds(check.start_interval or rules()["defaults"]["start_interval"])
    return {**handler, "periodSeconds": period, "timeoutSeconds": _timing(check)["timeoutSeconds"],
            "failureThreshold": max(1, math.ceil(check.start_period / period))}


def _label_error(service: str, label: str, problem: str) -> ComposeError:
    return ComposeError(f"label {label}: {problem}", key=f"services.{service}.labels",
                        hint="fix the label's value (see Kompose's healthcheck labels)")


def _kompose_check(service: str, labels: dict[str, str], prefix: str) -> Healthcheck | None:
    test = labels.get(prefix + "test")
    if not test:
        return None
    try:
        return Healthcheck(test=["CMD-SHELL", test], interval=labels.get(prefix + "interval"),
                           timeout=labels.get(prefix + "timeout"), retries=labels.get(prefix + "retries"),
                           start_period=labels.get(prefix + "start_period"))
    except ValidationError as exc:
        first = exc.errors()[0]
        label = prefix + ".".join(str(p) for p in first["loc"])
        raise _label_error(service, label, first["msg"].removeprefix("Value error, ")) from None


def _label_port(service: str, labels: dict[str, str], label: str, default: int) -> int:
    value = str(labels.get(label, default))
    if not value.isdigit() or not 0 < int(value) <= 65535:
        raise _label_error(service, label, f"'{value}' is not a port (1-65535)")
    return int(value)


def _http_override(probe: HttpProbe, w: Workload, base: dict[str, Any] | None) -> dict[str, Any]:
    port = probe.port or (w.ports[0].port if w.ports else 80)
    out: dict[str, Any] = {"httpGet": {"path": probe.path, "port": port}}
    timing = {k: v for k, v in (base or {}).items() if k in ("periodSeconds", "timeoutSeconds", "failureThreshold")}
    out.update(timing or {"periodSeconds": 10, "timeoutSeconds": 5, "failureThreshold": 3})
    if probe.initial_delay_seconds is not None:
        out["initialDelaySeconds"] = probe.initial_delay_seconds
    if probe.period_seconds is not None:
        out["periodSeconds"] = probe.period_seconds
    return out


def _from_healthcheck(plan: Plan, w: Workload) -> None:
    svc = w.service
    check = svc.healthcheck
    labels = svc.labels
    if labels.get(KOMPOSE + "liveness.disable", "").lower() == "true" or (check and (
            check.disable or (check.test and check.test[0] == "NONE"))):
        plan.trace(svc.name, "healthcheck", f"{w.kind} {w.name}: disabled, no probes")
        return
    liveness_check = _kompose_check(svc.name, labels, KOMPOSE + "liveness.") or (
        check if check and check.test else None)
    readiness_check = _kompose_check(svc.name, labels, KOMPOSE + "readiness.") or liveness_check
    if liveness_check:
        handler = _handler(liveness_check.test)
        w.container["livenessProbe"] = {**handler, **_timing(liveness_check)}
        startup = _startup(handler, liveness_check)
        if startup:
            w.container["startupProbe"] = startup
        plan.trace(svc.name, "healthcheck", f"{w.kind} {w.name} containers[0].livenessProbe, readinessProbe"
                   + (", startupProbe" if startup else ""))
    if readiness_check:
        w.container["readinessProbe"] = {**_handler(readiness_check.test), **_timing(readiness_check)}
    http_path = labels.get(KOMPOSE + "liveness.http_get_path")
    if http_path:
        port = _label_port(svc.name, labels, KOMPOSE + "liveness.http_get_port", w.ports[0].port if w.ports else 80)
        w.container["livenessProbe"] = {"httpGet": {"path": http_path, "port": port}, "periodSeconds": 10}
    tcp_port = labels.get(KOMPOSE + "liveness.tcp_port")
    if tcp_port:
        w.container["livenessProbe"] = {"tcpSocket": {"port": _label_port(svc.name, labels, KOMPOSE + "liveness.tcp_port",
                                                                          0)}, "periodSeconds": 10}


def run(plan: Plan) -> Plan:
    for name, workload in plan.workloads.items():
        if workload.kind in ("Job", "CronJob"):
            if workload.service.healthcheck and workload.service.healthcheck.test:
                plan.warn(name, "healthcheck", "job-probe", "healthcheck of a one-shot Job is not mapped",
                          "Jobs report completion instead of health", severity="info")
            continue
        _from_healthcheck(plan, workload)
        override = plan.options.probes.get(name)
        if override and override.liveness:
            workload.container["livenessProbe"] = _http_override(override.liveness, workload,
                                                                 workload.container.get("livenessProbe"))
            plan.trace(name, "healthcheck", f"{workload.kind} {workload.name} livenessProbe GET "
                       f"{override.liveness.path} (options)")
        if override and override.readiness:
            workload.container["readinessProbe"] = _http_override(override.readiness, workload,
                                                                  workload.container.get("readinessProbe"))
            plan.trace(name, "healthcheck", f"{workload.kind} {workload.name} readinessProbe GET "
                       f"{override.readiness.path} (options)")
    return plan
