"""The overlay guide's deploy steps, in order: the Kind cluster, the namespace and Secrets,
the project folders copied into their claims, the overlay, the first registry token."""
from __future__ import annotations

import json
import shlex

from ...ir.model import Claim, Plan
from ...ir.overlays import OverlayPlan
from ...names import dns_label
from ...tables.images import helper_images
from ...tables.overlays import overlay_rules
from ..overlays import kind_host_folder
from .formats import sh_block, workload_ref

SCALABLE = ("Deployment", "StatefulSet")
SEED_LABEL = "seed=compose2k8s"  # the short-lived pods that copy folders into claims


def _folder_claims(plan: Plan) -> list[tuple[str, Claim, str]]:
    """(bound claim name, claim, folder) for the claims that should start with the files of a
    project folder Compose bind-mounted: they start empty."""
    return [(bound, c, c.seed_from) for bound, c in plan.bound_claims() if c.seed_from and not c.external]


def _secret_commands(plan: Plan, overlay: OverlayPlan, secret_files: list[str]) -> list[str]:
    ns = overlay.namespace
    pulls = [f"kubectl -n {ns} create secret docker-registry {p.name} --docker-server={p.server} "
             "--docker-username=USER --docker-password=TOKEN   # your registry login" for p in plan.pull_secrets]
    if plan.options.secrets == "sops":
        return [f"sops -d {path} | kubectl apply -n {ns} -f -" for path in secret_files] + pulls
    if plan.options.secrets == "placeholder":
        return [f"kubectl apply -n {ns} -f {path}   # after filling in its REPLACE_ME values"
                for path in secret_files] + pulls
    return pulls


def _apply(plan: Plan, overlay: OverlayPlan) -> str:
    if plan.options.secrets == "ksops" and plan.secrets:
        return f"kustomize build --enable-alpha-plugins --enable-exec overlays/{overlay.name} | kubectl apply -f -"
    return f"kubectl apply -k overlays/{overlay.name}"


def _kind_copies(plan: Plan, overlay: OverlayPlan) -> list[str]:
    """dev: copy each bind-mounted folder into the node folder its claim's PersistentVolume uses."""
    volumes = {v.claim: v for v in overlay.static_volumes}
    out = []
    for bound, _, folder in _folder_claims(plan):
        target = kind_host_folder(overlay, volumes[bound]) if bound in volumes else None
        if target:
            out.append(f"mkdir -p {target} && cp -a {shlex.quote(folder + '/.')} {target}/")
    return out


def _seeds(plan: Plan, overlay: OverlayPlan) -> list[str]:
    """Copy each bind-mounted folder into its claim through a short-lived pod per claim (so each
    mounts where its claim is), the services using them stopped meanwhile; the Jobs among them
    are deleted, so that applying the overlay again runs them on the copied files."""
    ns, image = overlay.namespace, helper_images().busybox
    claims = _folder_claims(plan)
    users = sorted({u for _, claim, _ in claims for u in claim.users}, key=lambda u: plan.workloads[u].name)
    stop = [workload_ref(plan.workloads[u]) for u in users if plan.workloads[u].kind in SCALABLE]
    lines = [f"kubectl -n {ns} scale {' '.join(stop)} --replicas=0"] if stop else []
    for bound, _, _ in claims:
        spec = {"spec": {"containers": [{"name": "seed", "image": image, "command": ["sleep", "3600"],
                                         "volumeMounts": [{"name": "claim", "mountPath": "/claim"}]}],
                         "volumes": [{"name": "claim", "persistentVolumeClaim": {"claimName": bound}}]}}
        lines.append(f"kubectl -n {ns} run {dns_label('seed-' + bound)} --labels={SEED_LABEL} --image={image} "
                     f"--restart=Never --overrides='{json.dumps(spec, separators=(',', ':'))}'")
    lines.append(f"kubectl -n {ns} wait --for=condition=Ready pod -l {SEED_LABEL} --timeout=5m")
    lines += [f"tar -C {shlex.quote(folder)} -cf - . | kubectl -n {ns} exec -i {dns_label('seed-' + bound)} -- "
              "tar -xf - -C /claim" for bound, _, folder in claims]
    lines.append(f"kubectl -n {ns} delete pod -l {SEED_LABEL}")
    return lines + [f"kubectl -n {ns} delete {workload_ref(plan.workloads[u])}" for u in users
                    if plan.workloads[u].kind == "Job"]


def deploy(plan: Plan, overlay: OverlayPlan, files: dict[str, str], secret_files: list[str]) -> list[str]:
    """The "Deploy" part: numbered steps, each with its commands."""
    ns, name = overlay.namespace, overlay.name
    steps: list[list[str]] = []
    out = ["### Deploy", ""]

    def step(text: str, commands: list[str]) -> None:
        steps.append(commands)
        out.extend([f"{len(steps)}. {text}", "", *sh_block(commands)])

    kind_config = f"overlays/{name}/kind-cluster.yaml"
    if kind_config in files:
        rules = overlay_rules().overlays[name]
        mounts = f" and the claims' node folder `{rules.local_volumes}` to `{rules.kind_host_folder}` on this " \
            "machine" if overlay.static_volumes and rules.kind_host_folder else ""
        live = ", and the services' own source from this checkout (live code)" if overlay.live_mounts else ""
        step(f"Create the Kind cluster (it maps the published ports{mounts}{live}):",
             [f"kind create cluster --config {kind_config}"])
    secrets = _secret_commands(plan, overlay, secret_files)
    mine = [t.secret for t in overlay.tls if not t.issuer]
    mine += [i.tls_secret for i in plan.exposure.ingresses if i.tls_secret and overlay.exposed]
    secrets += [f"kubectl -n {ns} create secret tls {secret} --cert=tls.crt --key=tls.key" for secret in mine]
    decrypts = " (sops decrypts with your age key)" if plan.options.secrets == "sops" and plan.secrets else ""
    step(f"The namespace, then the Secrets{decrypts}:" if secrets else "The namespace:",
         [f"kubectl apply -f overlays/{name}/namespace.yaml", *secrets])
    copies = _kind_copies(plan, overlay)
    if copies:
        step("Compose mounted these folders of the project; their claims start empty. To start from the same "
             f"files, copy them now, from the folder of {plan.project.files[0].name}:", copies)
    if plan.options.secrets == "flux" and plan.secrets:
        out += [f"Flux applies the overlay: a Flux Kustomization with `path: ./overlays/{name}` and "
                "`spec.decryption.provider: sops`, whose `secretRef` names a `sops-age` Secret in flux-system "
                "holding your age key (`--from-file=age.agekey=...`).", ""]
        return out
    step("The overlay:", [_apply(plan, overlay)])
    if _folder_claims(plan) and not copies:
        step("Compose mounted these folders of the project; their claims start empty. To start from the same "
             f"files, copy them into the claims from the folder of {plan.project.files[0].name}; the services "
             "using them stop meanwhile (leave out a folder the services fill themselves):", _seeds(plan, overlay))
        step("Back in this folder, apply the overlay again: it starts the stopped services.", [_apply(plan, overlay)])
    refresher = plan.token_refresher
    if refresher:
        step("The first registry token (the CronJob refreshes it every few hours; pods pulling from the registry "
             "start once it completed):",
             [f"kubectl -n {ns} create job --from=cronjob/{refresher.cronjob} {refresher.first_job}",
              f"kubectl -n {ns} wait --for=condition=complete job/{refresher.first_job} --timeout=5m"])
    return out
