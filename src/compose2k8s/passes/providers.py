"""`provider:` services are not containers: a Docker Compose plugin runs them (a model runner,
a cloud database) and hands their users variables. Nothing here can run them: each is one
warning naming what the provider would have provided, and its users' dependencies on it a note.
"""
from __future__ import annotations

from ..ir.model import Plan


def run(plan: Plan) -> Plan:
    for name, svc in sorted(plan.project.services.items()):
        provider = svc.extra("provider")
        if not provider:
            continue
        kind = provider.get("type", "?") if isinstance(provider, dict) else str(provider)
        users = sorted(n for n, other in plan.project.services.items() if name in other.depends_on)
        plan.note(name, "provider", "provider-service", f"a '{kind}' provider service: a Docker Compose plugin "
                  "runs it, so nothing is converted" + (f"; {', '.join(users)} lose{'s' if len(users) == 1 else ''} what it provided (the "
                  f"{name.upper()}_* variables)" if users else ""),
                  "run that service in the cluster another way and give its users the variables by hand")
    return plan
