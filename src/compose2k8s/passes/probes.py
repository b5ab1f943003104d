"""healthcheck → liveness, readiness and (for start_period) startup probes.

CMD runs as argv, CMD-SHELL through `sh -c` (Kompose passes it as one argv element and
it never works); curl/wget on localhost become httpGet and `nc -z` tcpSocket.
Options can replace probes with HTTP ones (the guide's /health and /ready). Kompose's
kompose.service.healthcheck.{liveness,readiness}.* labels set a probe's check (http_get_path
and _port, tcp_port, test) and timing; a label probe is timed like the healthcheck's probes
(probe_timing), by the healthcheck's interval, timeout and retries when no label sets them.
"""
from __future__ import annotations

import math
from typing import Any

from ..analysis.healthcheck import classify, localize
from pydantic import ValidationError

from ..compose.model import Healthcheck
from ..errors import ComposeError
from ..ir.model import Plan, Workload, one_shot
from ..kube_text import escape_expansion, seconds
from ..options import HttpProbe
from ..tables.probes import probe_rules

KOMPOSE = "kompose.service.healthcheck."
LIVENESS, READINESS = KOMPOSE + "liveness.", KOMPOSE + "readiness."


def _own_names(plan: Plan, w: Workload) -> set[str]:
    """The names Compose resolves to this service (and its Service's), for `localize`."""
    return {w.service.name, *plan.facts.aliases.get(w.service.name, {}), *(n for n in (w.client_service,) if n)}


def _localized(plan: Plan, service: str, check: Healthcheck | None, own: set[str]) -> Healthcheck | None:
    """`check` with the service's own names pointed at localhost (see `localize`), noted."""
    if check is None or not check.test:
        return check
    local = localize(check.test, own)
    if local == check.test:
        return check
    plan.note(service, "healthcheck", "healthcheck-localhost", "its healthcheck names the service itself: the "
              "probes check localhost (through its Service they could never pass: it has no endpoint until the "
              "pod is ready)", severity="info")
    return check.model_copy(update={"test": local})


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


def _seconds(check: Healthcheck) -> dict[str, float]:
    """The healthcheck's timing in seconds, Docker's defaults where it sets none."""
    defaults = probe_rules().defaults
    return {"interval": check.interval if check.interval is not None else defaults.interval,
            "timeout": check.timeout if check.timeout is not None else defaults.timeout,
            "retries": max(1, check.retries if check.retries is not None else defaults.retries),
            "start_period": check.start_period or 0,
            "start_interval": check.start_interval or defaults.start_interval}


def probe_timing(probe: str, check: Healthcheck, startup: bool = False) -> dict[str, int]:
    """periodSeconds, timeoutSeconds, failureThreshold (and initialDelaySeconds) of a probe made
    from `check`, by mappings/probe-rules.yaml `budgets`: never less patient than Docker.

    >>> probe_timing("startup", Healthcheck(test=["CMD", "true"], interval=2, retries=5, start_period=3))
    {'periodSeconds': 5, 'timeoutSeconds': 30, 'failureThreshold': 3}
    >>> probe_timing("liveness", Healthcheck(test=["CMD", "true"], interval=10, retries=3))
    {'periodSeconds': 10, 'timeoutSeconds': 30, 'failureThreshold': 3, 'initialDelaySeconds': 10}
    """
    rule = probe_rules().budgets[probe]  # type: ignore[index]
    values = _seconds(check)
    terms = {"start_period": values["start_period"], "interval": values["interval"],
             "interval*retries": values["interval"] * values["retries"]}
    period = seconds(values[rule.period])
    budget = sum(terms[term] for term in rule.budget)
    out = {"periodSeconds": period, "timeoutSeconds": seconds(values["timeout"]),
           "failureThreshold": max(1, math.ceil(budget / period))}
    if rule.initial_delay and not startup:
        out["initialDelaySeconds"] = seconds(terms[rule.initial_delay], 0)
    return out


def _label_error(service: str, label: str, problem: str) -> ComposeError:
    return ComposeError(f"label {label}: {problem}", key=f"services.{service}.labels",
                        hint="fix the label's value (see Kompose's healthcheck labels)")


TIMING_LABELS = ("interval", "timeout", "retries", "start_period")


def _kompose_check(service: str, labels: dict[str, str], prefix: str, base: Healthcheck | None) -> Healthcheck | None:
    """`base` with what the labels under `prefix` set: a test (run with sh -c) and timing."""
    given: dict[str, object] = {k: labels[prefix + k] for k in TIMING_LABELS if labels.get(prefix + k)}
    if labels.get(prefix + "test"):
        given["test"] = ["CMD-SHELL", labels[prefix + "test"]]
    if not given:
        return base
    try:
        return Healthcheck.model_validate({**(base.model_dump(exclude_unset=True) if base else {}), **given})
    except ValidationError as exc:
        first = exc.errors()[0]
        label = prefix + ".".join(str(p) for p in first["loc"])
        raise _label_error(service, label, first["msg"].removeprefix("Value error, ")) from None


def _label_port(service: str, labels: dict[str, str], label: str, default: int) -> int:
    value = str(labels.get(label, default))
    if not value.isdigit() or not 0 < int(value) <= 65535:
        raise _label_error(service, label, f"'{value}' is not a port (1-65535)")
    return int(value)


def _label_handler(w: Workload, prefix: str) -> dict[str, Any] | None:
    """httpGet from <prefix>http_get_path (and _port, default the first port), or tcpSocket from
    <prefix>tcp_port."""
    labels, name = w.service.labels, w.service.name
    if labels.get(prefix + "http_get_path"):
        port = _label_port(name, labels, prefix + "http_get_port", w.ports[0].port if w.ports else 80)
        return {"httpGet": {"path": labels[prefix + "http_get_path"], "port": port}}
    if labels.get(prefix + "tcp_port"):
        return {"tcpSocket": {"port": _label_port(name, labels, prefix + "tcp_port", 0)}}
    return None


def _probe(probe: str, handler: dict[str, Any] | None, check: Healthcheck | None,
           startup: bool = False) -> dict[str, Any] | None:
    """A probe: the handler, timed by the check (never less patient than Docker), else by the
    table's timing for label probes without a healthcheck."""
    if handler is None:
        return None
    if check is None:
        return {**handler, "periodSeconds": probe_rules().timings["kompose_label"].period}
    return {**handler, **probe_timing(probe, check, startup)}


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
    """Probes from the healthcheck (its own, else its image's) and Kompose's
    kompose.service.healthcheck.* labels: a label's httpGet / tcpSocket / test replaces the
    healthcheck's for that probe, its timing labels replace the healthcheck's timing."""
    svc = w.service
    labels = svc.labels
    if any(k.startswith(KOMPOSE) for k in labels):
        plan.trace_field(w, "labels", "probes (kompose.service.healthcheck.* labels)")
    if labels.get(KOMPOSE + "liveness.disable", "").lower() == "true" or svc.name in plan.facts.healthcheck_disabled:
        plan.trace_field(w, "healthcheck", "disabled, no probes")
        return
    check = plan.facts.healthchecks.get(svc.name)
    timed = check or (svc.healthcheck if svc.healthcheck and not svc.healthcheck.disable else None)
    own = _own_names(plan, w)
    liveness = _localized(plan, svc.name, _kompose_check(svc.name, labels, LIVENESS, check or timed), own)
    readiness = _localized(plan, svc.name, _kompose_check(svc.name, labels, READINESS, liveness), own)
    live_handler = _label_handler(w, LIVENESS) or (_handler(liveness.test) if liveness and liveness.test else None)
    startup = _probe("startup", live_handler, liveness) if liveness and liveness.start_period else None
    live = _probe("liveness", live_handler, liveness, bool(startup))
    if live:
        w.container["livenessProbe"] = live
        if startup:
            w.container["startupProbe"] = startup
        plan.trace_field(w, "healthcheck", "containers[0].livenessProbe, readinessProbe"
                         + (", startupProbe" if startup else ""))
    if labels.get(KOMPOSE + "readiness.disable", "").lower() == "true":
        return
    ready_handler = _label_handler(w, READINESS) or (_handler(readiness.test) if readiness and readiness.test
                                                    else None)
    ready = _probe("readiness", ready_handler, readiness)
    if ready:
        w.container["readinessProbe"] = ready


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
