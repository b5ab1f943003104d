"""The whole output tree: base, overlays, secrets, README."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from ..ir.model import Plan
from .kustomize import base_tree
from .lower import lower
from .overlays import overlay_tree
from .readme import tree_readme
from .secrets import base_resources, secret_files


def build_tree(plan: Plan) -> tuple[dict[str, str], list[dict[str, Any]]]:
    objects = lower(plan)
    source = ", ".join(p.name for p in plan.project.files)
    with ThreadPoolExecutor(max_workers=1) as background:  # sops runs while the rest is written
        pending_secrets = background.submit(secret_files, plan)
        files = base_tree(objects, source, plan.name, base_resources(plan),
                          generators=["secret-generator.yaml"] if plan.options.secrets == "ksops" else [])
        files.update(overlay_tree(plan))
        secret_tree, secret_objects = pending_secrets.result()
    files.update(secret_tree)
    files["README.md"] = tree_readme(plan, files)
    return dict(sorted(files.items())), [o for _, o in objects] + secret_objects
