"""ComposeProject → Plan: one workload per service, nothing decided yet."""
from __future__ import annotations

from ..compose.model import ComposeProject
from ..errors import ComposeError
from ..names import dns_label
from ..options import ConvertOptions
from .model import Plan, Workload


def lift(project: ComposeProject, options: ConvertOptions) -> Plan:
    plan = Plan(project=project, options=options, name=dns_label(options.project_name or project.name))
    taken: dict[str, str] = {}
    for compose_name in sorted(project.services):
        service = project.services[compose_name]
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
