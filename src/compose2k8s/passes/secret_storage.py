"""How the Secrets the passes collected are written: placeholders are reported here, so
emitting them decides nothing (SOPS encryption itself happens when the tree is written)."""
from __future__ import annotations

from ..ir.model import Plan


def run(plan: Plan) -> Plan:
    if plan.secrets and plan.options.secrets == "placeholder":
        plan.note("", "secrets", "placeholder-secrets",
                  f"{len(plan.secrets)} Secret(s) written with REPLACE_ME values in secrets/secrets.yaml",
                  "fill them in or create the Secrets with your own tooling before deploying")
    return plan
