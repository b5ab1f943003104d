"""The whole output tree: base, overlays, secrets, README."""
from __future__ import annotations

from typing import Any

from ..ir.model import Plan
from .kustomize import base_tree
from .lower import lower
from .overlays import overlay_tree
from .readme import tree_readme
from .secrets import secret_files


def build_tree(plan: Plan) -> tuple[dict[str, str], list[dict[str, Any]]]:
    objects = lower(plan)
    source = ", ".join(p.name for p in plan.project.files)
    secret_tree, secret_objects, base_extra = secret_files(plan)
    files = base_tree(objects, source, plan.name, base_extra,
                      generators=["secret-generator.yaml"] if plan.options.secrets == "ksops" else [])
    files.update(secret_tree)
    files.update(overlay_tree(plan, [o for _, o in objects]))
    files["README.md"] = tree_readme(plan, files)
    return dict(sorted(files.items())), [o for _, o in objects] + secret_objects
