"""ComposeProject → Plan: one workload per service and the project's facts, nothing decided yet."""
from __future__ import annotations

from ..analysis.facts import analyse
from ..compose.model import ComposeProject
from ..errors import ComposeError
from ..names import dns_label
from ..options import ConvertOptions
from .model import Plan, Workload


def lift(project: ComposeProject, options: ConvertOptions) -> Plan:
    plan = Plan(project=project, options=options, name=dns_label(options.project_name or project.name),
                facts=analyse(project, options.service_names, options.allow_outside_project))
    taken: dict[str, str] = {}
    for compose_name in sorted(project.services):
        service = project.services[compose_name]
        if service.extra("provider"):  # run by a Docker Compose plugin, not a container: see passes/providers.py
            continue
        name = dns_label(compose_name)
        if not any(c.isalnum() for c in compose_name):  # '.', '..', '_', '--': no Kubernetes name, no folder
            raise ComposeError(f"service name '{compose_name}' has no letter or digit", key=f"services.{compose_name}",
                               hint="Kubernetes names (and the tree's folders) need one: rename the service")
        if name in taken:
            raise ComposeError(f"services '{taken[name]}' and '{compose_name}' both become '{name}' in Kubernetes",
                               key=f"services.{compose_name}", hint="rename one of them")
        taken[name] = compose_name
        plan.workloads[compose_name] = Workload(service=service, name=name,
                                                container={"name": name, "image": service.image})
    return plan
