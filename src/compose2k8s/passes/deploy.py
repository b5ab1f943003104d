"""The rest of `deploy`: placement, update_config, restart_policy details, labels; reported
where Kubernetes has no equivalent (rollback_config, endpoint_mode, …), never dropped silently.

- placement.constraints `node.<attribute> ==|!= value` → required node affinity
  (mappings/placement.yaml names the attributes that have a node label);
- placement.preferences `spread: node.labels.<key>` → a topology spread over node label <key>;
- placement.max_replicas_per_node 1 → pod anti-affinity on the node's hostname;
- update_config → the rolling update (parallelism, order, delay as minReadySeconds);
- restart_policy.max_attempts → a Job's backoffLimit;
- labels → workload annotations (Swarm puts them on the service, not its containers).

>>> parse_constraint("node.labels.zone == east")
('node.labels.zone', '==', 'east')
"""
from __future__ import annotations

import re
from typing import Any

from ..compose.units import parse_duration
from ..ir.model import Plan, Workload, one_shot
from ..tables.workloads import placement

_CONSTRAINT = re.compile(r"^\s*([\w.\-/]+)\s*(==|!=)\s*(\S.*?)\s*$")
_LABEL_PREFIX = "node.labels."


def parse_constraint(text: str) -> tuple[str, str, str] | None:
    match = _CONSTRAINT.match(str(text))
    return (match.group(1), match.group(2), match.group(3)) if match else None


def _node_expression(plan: Plan, w: Workload, text: str) -> dict[str, Any] | None:
    parsed = parse_constraint(text)
    attribute, op, value = parsed or ("", "", "")
    if attribute.startswith(_LABEL_PREFIX):
        key = attribute.removeprefix(_LABEL_PREFIX)
    elif attribute in placement().node_attributes:
        key = placement().node_attributes[attribute]
        if key == "kubernetes.io/arch":
            value = placement().arch_values.get(value, value)
    else:
        plan.note(w.service.name, "deploy", "placement-constraint", f"placement constraint '{text}' has no "
                  "node label to match", "express it as node labels (node.labels.<key> == value)")
        return None
    return {"key": key, "operator": "In" if op == "==" else "NotIn", "values": [value]}


def _placement(plan: Plan, w: Workload, rules: dict[str, Any]) -> None:
    name = w.service.name
    expressions = [e for e in (_node_expression(plan, w, c) for c in rules.get("constraints") or []) if e]
    if expressions:
        w.pod.setdefault("affinity", {})["nodeAffinity"] = {"requiredDuringSchedulingIgnoredDuringExecution": {
            "nodeSelectorTerms": [{"matchExpressions": expressions}]}}
        plan.trace_field(w, "deploy", "nodeAffinity (placement.constraints)")
        labels = sorted({e["key"] for e in expressions if "/" not in e["key"]})
        if labels:
            plan.note(name, "deploy", "node-labels", f"placement needs node label(s) {', '.join(labels)}",
                      f"label the nodes as in Swarm: kubectl label node <node> {labels[0]}=<value>", severity="info")
    spreads = []
    for preference in rules.get("preferences") or []:
        spread = str(preference.get("spread", "")) if isinstance(preference, dict) else ""
        if spread.startswith(_LABEL_PREFIX):
            spreads.append({"maxSkew": 1, "topologyKey": spread.removeprefix(_LABEL_PREFIX),
                            "whenUnsatisfiable": "ScheduleAnyway", "labelSelector": {"matchLabels": plan.selector(w)}})
        else:
            plan.note(name, "deploy", "placement-preference", f"placement preference {preference} not mapped",
                      "spread over a node label: spread: node.labels.<key>")
    if spreads:
        w.pod["topologySpreadConstraints"] = spreads
        plan.trace_field(w, "deploy", "topologySpreadConstraints (placement.preferences)")
    most = rules.get("max_replicas_per_node")
    if most is not None and str(most) == "1":
        w.pod.setdefault("affinity", {})["podAntiAffinity"] = {"requiredDuringSchedulingIgnoredDuringExecution": [
            {"labelSelector": {"matchLabels": plan.selector(w)}, "topologyKey": "kubernetes.io/hostname"}]}
        plan.trace_field(w, "deploy", "podAntiAffinity (max_replicas_per_node 1)")
    elif most is not None:
        plan.note(name, "deploy", "max-replicas-per-node", f"max_replicas_per_node {most} has no exact "
                  "equivalent (only 1 does: one pod per node)", "spread pods with topologySpreadConstraints")


def _update(plan: Plan, w: Workload, update: dict[str, Any]) -> None:
    name = w.service.name
    if w.kind not in ("Deployment", "DaemonSet"):
        plan.note(name, "deploy", "update-config", f"update_config not mapped for a {w.kind}",
                  "a StatefulSet updates one pod at a time; Jobs are not updated")
        return
    try:
        batch = int(update.get("parallelism", 1) or 0)
        delay = parse_duration(update["delay"]) if update.get("delay") else None
    except (TypeError, ValueError, OverflowError):
        plan.note(name, "deploy", "update-config", f"update_config {update} has a value that is not a number "
                  "or duration; not mapped", "parallelism is a count, delay a duration like 10s")
        return
    step: int | str = batch if batch > 0 else "100%"  # parallelism 0: all at once
    start_first = update.get("order") == "start-first"
    rolling = {"maxSurge": step, "maxUnavailable": 0} if start_first else {"maxSurge": 0, "maxUnavailable": step}
    field = "strategy" if w.kind == "Deployment" else "updateStrategy"
    w.rollout[field] = {"type": "RollingUpdate", "rollingUpdate": rolling}
    if delay:
        w.rollout["minReadySeconds"] = max(0, round(delay))
    plan.trace_field(w, "deploy", f"{field} (update_config)")
    lost = sorted(set(update) - {"parallelism", "order", "delay"})
    if lost:
        plan.note(name, "deploy", "update-config", f"update_config {', '.join(lost)} not mapped: a stuck rollout "
                  "stops at progressDeadlineSeconds and is rolled back by hand", "kubectl rollout undo")


def _restart_policy(plan: Plan, w: Workload, policy: dict[str, Any]) -> None:
    name = w.service.name
    attempts = policy.get("max_attempts")
    if str(attempts).isdigit() and one_shot(w.kind):
        w.job["backoffLimit"] = int(attempts)
        plan.trace_field(w, "deploy", "backoffLimit (restart_policy.max_attempts)")
    kept = {"condition", "max_attempts"} if "backoffLimit" in w.job and str(attempts).isdigit() else {"condition"}
    lost = sorted(set(policy) - kept)
    if lost:
        plan.note(name, "deploy", "restart-policy", f"restart_policy {', '.join(lost)} not mapped: the kubelet "
                  "restarts with its own back-off", "rely on the kubelet's exponential back-off")


def _deploy(plan: Plan, w: Workload) -> None:
    deploy = w.service.deploy
    extra = deploy.model_extra or {}
    if isinstance(extra.get("placement"), dict):
        _placement(plan, w, extra["placement"])
    if isinstance(extra.get("update_config"), dict):
        _update(plan, w, extra["update_config"])
    if deploy.restart_policy:
        _restart_policy(plan, w, deploy.restart_policy)
    own = {k: v for k, v in (deploy.labels or {}).items() if not k.startswith(("compose2k8s.", "kompose."))}
    if own:
        w.annotations.update(own)
        plan.trace_field(w, "deploy", "metadata.annotations (deploy.labels)")
    kompose = sorted(k for k in deploy.labels or {} if k.startswith("kompose."))
    if kompose:
        plan.trace_field(w, "deploy", f"deploy.labels {', '.join(kompose)} read as Kompose labels")
    if "rollback_config" in extra:
        plan.note(w.service.name, "deploy", "rollback-config", "rollback_config not mapped: Kubernetes rolls "
                  "back on request, not automatically", "kubectl rollout undo")
    if extra.get("endpoint_mode") == "vip":
        plan.trace_field(w, "deploy", "endpoint_mode vip: the Service's cluster IP, as Swarm's virtual IP")
    if extra.get("endpoint_mode") == "dnsrr":
        plan.note(w.service.name, "deploy", "endpoint-mode", "endpoint_mode dnsrr: the Service load-balances "
                  "through a virtual IP instead of DNS round robin", "for DNS round robin make the Service "
                  "headless (clusterIP: None) in an overlay", severity="info")


def _unset(value: Any) -> bool:
    """Nothing set: None, empty, or a mapping or list of nothing set (mode replicated is the default)."""
    if isinstance(value, dict):
        return all(_unset(v) for k, v in value.items() if not (k == "mode" and v == "replicated"))
    if isinstance(value, list):
        return all(_unset(v) for v in value)
    return value in (None, "")


def run(plan: Plan) -> Plan:
    for _, w in sorted(plan.workloads.items()):
        if w.service.deploy is None:
            continue
        if _unset(w.service.deploy.model_dump()):
            plan.trace_field(w, "deploy", "nothing set")
            continue
        _deploy(plan, w)
    return plan
