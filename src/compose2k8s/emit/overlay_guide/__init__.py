"""One overlay's part of the tree README: prerequisites and how to check them, the deploy
commands in order, the files to copy from this machine, how to reach what Compose
published, how to check that it works and how to remove it. Renders Plan records only.
"""
from __future__ import annotations

from ...ir.model import Plan
from ...ir.overlays import OverlayPlan
from ...names import dns_label
from ...tables.overlays import overlay_rules
from .deploy import deploy
from .formats import sh_block, workload_ref
from .prerequisites import prerequisites
from .reach import reach

TIMEOUT = "10m"


def _check(plan: Plan, overlay: OverlayPlan) -> list[str]:
    ns = overlay.namespace
    ordered = sorted(plan.workloads.values(), key=lambda w: w.name)
    commands = [f"kubectl -n {ns} get pods"]
    if any(w.kind == "Deployment" for w in ordered):
        commands.append(f"kubectl -n {ns} wait --for=condition=available deployment --all --timeout={TIMEOUT}")
    commands += [f"kubectl -n {ns} rollout status {workload_ref(w)} --timeout={TIMEOUT}" for w in ordered
                 if w.kind in ("StatefulSet", "DaemonSet")]
    commands += [f"kubectl -n {ns} wait --for=condition=complete {workload_ref(w)} --timeout={TIMEOUT}" for w in ordered
                 if w.kind == "Job"]
    commands += [f"kubectl -n {ns} wait --for=condition=Ready certificate/{tls.secret} --timeout={TIMEOUT}"
                 for tls in overlay.tls if tls.issuer]
    commands += [f"kubectl -n {ns} create job --from={workload_ref(w)} {dns_label(w.name + '-now')}   # run it now"
                 for w in ordered if w.kind == "CronJob"]
    return ["### Check it works", "", *sh_block(commands)]


def _remove(plan: Plan, overlay: OverlayPlan, files: dict[str, str]) -> list[str]:
    if f"overlays/{overlay.name}/kind-cluster.yaml" in files:
        folder = overlay_rules().overlays[overlay.name].kind_host_folder
        note = f" (the claims' files stay in `{folder}/{overlay.namespace}/` on this machine)" \
            if overlay.static_volumes and folder else ""
        return ["### Remove it", "", f"`kind delete cluster` deletes the cluster{note}.", ""]
    note = "; its claims' data goes with them unless their StorageClass retains volumes" if plan.claims else ""
    return ["### Remove it", "", f"This deletes what the overlay created{note}:", "",
            *sh_block([f"kubectl delete -k overlays/{overlay.name}"])]


def overlay_section(plan: Plan, overlay: OverlayPlan, files: dict[str, str], secret_files: list[str]) -> list[str]:
    title = "Kind on this machine" if f"overlays/{overlay.name}/kind-cluster.yaml" in files else "a cluster"
    return [f"## {overlay.name}: {title}, namespace `{overlay.namespace}`", "",
            *prerequisites(plan, overlay, files), *deploy(plan, overlay, files, secret_files),
            *reach(plan, overlay), *_check(plan, overlay), *_remove(plan, overlay, files)]

