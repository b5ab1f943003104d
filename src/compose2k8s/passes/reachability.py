"""Every reference a service makes to a peer (analysis/references.py) is answered by a Service
on that port, as Compose's DNS answered it; what is not is a warning that says why.
The records (plan.reachability) are the audit's reachability section.
"""
from __future__ import annotations

from ..analysis.references import Reference
from ..ir.model import Plan, Reach, ServiceRecord


def _answer(plan: Plan, ref: Reference, services: dict[str, ServiceRecord]) -> Reach:
    target = plan.workloads.get(ref.target)
    if target is None:
        return Reach(ref, None, "it is a provider service, run by a Docker Compose plugin"
                     if ref.target in plan.project.services else "its profiles disable it")
    if target.sidecar_of and not target.group:
        return Reach(ref, None, f"it shares {target.sidecar_of}'s network namespace, which Compose does not name "
                     f"after it: reach it as {target.sidecar_of}")
    name = plan.facts.renames.get(ref.name, ref.name)
    record = services.get(name)
    if record is None or record.workload != ref.target:
        why = f"it is a {target.kind} without a Service" if not target.client_service else \
            f"no Service is named {name}" + (f" (taken by {record.workload})" if record else "")
        return Reach(ref, None, why)
    if ref.port is None or not record.ports or any(p.port == ref.port for p in record.ports):
        return Reach(ref, name, "")
    return Reach(ref, None, f"Service {name} does not serve port {ref.port}")


def _unseen_renames(plan: Plan) -> None:
    """Names Compose resolves that Kubernetes cannot carry (underscores, capitals, dots): every
    use we convert is rewritten, but a use we cannot see (inside an image) will not resolve."""
    used = {ref.name for ref in plan.facts.references}
    chosen = {name for name, names in plan.options.service_names.items() if names.client}
    for name, answer in sorted(plan.facts.renames.items()):
        target = plan.facts.resolvable.get(name.lower())
        if name in chosen or name in used or target is None or target not in plan.workloads \
                or name == plan.workloads[target].service.hostname:  # see the hostname-fqdn note
            continue
        plan.note(target, "services", "renamed-name", f"'{name}' resolves to {target} in Compose; here it is "
                  f"'{answer}' (a Service name must be a DNS label): a use of '{name}' we do not convert (inside "
                  "an image, in a file that is not mounted) will not resolve",
                  f"rename it in the compose file to '{answer}' if anything uses it")


def run(plan: Plan) -> Plan:
    _unseen_renames(plan)
    services = {record.name: record for record in plan.services}
    for ref in plan.facts.references:
        reach = _answer(plan, ref, services)
        plan.reachability.append(reach)
        port = f":{ref.port}" if ref.port else ""
        if reach.service:
            plan.trace(ref.service, "reachability", f"{ref.name}{port} ({ref.where}) → Service {reach.service}")
        else:
            plan.note(ref.service, "reachability", "unanswered-reference",
                      f"{ref.where} uses {ref.name}{port}, which nothing answers: {reach.reason}",
                      "declare the port on the peer (expose:), or point the reference at a Service of the tree")
    return plan
