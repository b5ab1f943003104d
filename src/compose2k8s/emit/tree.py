"""The whole output tree: base, overlays, secrets, README."""
from __future__ import annotations

from typing import Any

from ..ir.model import Plan
from .kustomize import base_tree
from .lower import lower


def build_tree(plan: Plan) -> tuple[dict[str, str], list[dict[str, Any]]]:
    objects = lower(plan)
    source = ", ".join(p.name for p in plan.project.files)
    files = base_tree(objects, source, plan.name)
    return dict(sorted(files.items())), [o for _, o in objects]
