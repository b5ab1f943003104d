"""One overlay's part of the tree README: prerequisites and how to check them, the deploy
commands in order, the files to copy from this machine, how to reach what Compose
published, how to check that it works and how to remove it. Renders Plan records only.
"""
from __future__ import annotations

import json
import shlex

from ..ir.model import Claim, Plan, PortSpec, Workload
from ..ir.overlays import OverlayPlan
from ..names import dns_label
from ..tables.images import helper_images
from ..tables.overlays import overlay_rules
from .overlays import external_name, kind_host_folder

TIMEOUT = "10m"
SCALABLE = ("Deployment", "StatefulSet")
SEED_LABEL = "seed=compose2k8s"  # the short-lived pods that copy folders into claims


def sh_block(commands: list[str]) -> list[str]:
    return ["```sh", *commands, "```", ""]


def _port(port: PortSpec, host: bool = True) -> str:
    """A published port as Compose wrote it: 8080, 53/UDP, 127.0.0.1:9000 (`host`: with its address)."""
    return (f"{port.host_ip}:" if port.host_ip and host else "") + f"{port.published}" \
        + (f"/{port.protocol}" if port.protocol != "TCP" else "")


def workload_ref(w: Workload) -> str:
    """kubectl's TYPE/NAME for a workload: deployment/web."""
    return f"{w.kind.lower()}/{w.name}"


def secrets_path(files: dict[str, str]) -> str:
    """The Secrets file a user edits: secrets/secrets.sops.yaml, secrets/secrets.yaml…"""
    found = ordered_secret_files(files) or sorted(p for p in files if p.startswith("base/secrets/"))
    return found[0] if found else "secrets/"


def ordered_secret_files(files: dict[str, str]) -> list[str]:
    """The Secret files applied by hand before the overlay (sops and placeholder modes)."""
    return sorted(p for p in files if p.startswith("secrets/"))


def _folder_claims(plan: Plan) -> list[tuple[str, Claim, str]]:
    """(bound claim name, claim, folder) for the claims that should start with the files of a
    project folder Compose bind-mounted: they start empty."""
    return [(bound, c, c.seed_from) for bound, c in plan.bound_claims() if c.seed_from and not c.external]


# ---- prerequisites -------------------------------------------------------------------------

def _storage(plan: Plan, overlay: OverlayPlan) -> tuple[list[str], list[str]]:
    """(bullets, check commands) for the storage classes and NFS shares the overlay's claims need."""
    classes = {c.claim: c.storage_class for c in overlay.claim_classes if c.claim}
    templates = {c.templates_of: c.storage_class for c in overlay.claim_classes if c.templates_of}
    nfs_bound = {v.claim for v in overlay.static_volumes if v.nfs}
    needs: dict[tuple[str | None, str], list[str]] = {}  # (class or None: default, access mode) → what
    for claim in plan.claims:
        if not (claim.external or claim.template or claim.name in nfs_bound):
            needs.setdefault((classes.get(claim.name), claim.access_mode), []).append(f"claim {claim.name}")
    for owner in sorted({c.owner for c in plan.claims if c.template and c.owner}):
        needs.setdefault((templates.get(owner), "ReadWriteOnce"), []).append(
            f"the claims of StatefulSet {plan.workloads[owner].name}")
    bullets = []
    for (cls, mode), what in sorted(needs.items(), key=lambda item: (item[0][0] is None, item[0][0] or "",
                                                                     item[0][1])):
        name = f"StorageClass `{cls}`" if cls else "the cluster's default StorageClass (marked `(default)`)"
        bullets.append(f"- {name}" + (", which must support ReadWriteMany (shared by several services)"
                                      if mode == "ReadWriteMany" else "") + f": {', '.join(what)}.")
    named = sorted({cls for cls, _ in needs if cls})
    checks = [f"kubectl get storageclass {' '.join(named)}"] if named else []
    if any(cls is None for cls, _ in needs):
        checks.append("kubectl get storageclass")
    for volume in (v for v in overlay.static_volumes if v.nfs):
        bullets.append(f"- the NFS server `{volume.nfs.server}` exporting `{volume.nfs.path}` to the nodes (claim "
                       f"{volume.claim}, bound by `overlays/{overlay.name}/nfs-volumes.yaml`); the nodes need an NFS "
                       "client (nfs-common or nfs-utils).")
        checks.append(f"showmount -e {volume.nfs.server}   # from a node, or a machine on the nodes' network")
    for claim in (c for c in plan.claims if c.external):
        bullets.append(f"- PersistentVolumeClaim `{claim.name}` ({claim.source}, external in compose) in namespace "
                       f"`{overlay.namespace}`.")
        checks.append(f"kubectl -n {overlay.namespace} get pvc {claim.name}")
    return bullets, checks


def _cluster_prerequisites(plan: Plan, overlay: OverlayPlan) -> tuple[list[str], list[str]]:
    bullets = ["- a cluster your kubectl context points at."]
    checks = ["kubectl config current-context"]
    if overlay.exposed and plan.exposure.routes:
        classes = sorted({i.ingress_class for i in plan.exposure.ingresses if i.ingress_class})
        if any(not i.ingress_class for i in plan.exposure.ingresses):
            bullets.append("- an ingress controller whose IngressClass is the cluster's default (annotation "
                           "`ingressclass.kubernetes.io/is-default-class: \"true\"`), or set ingress_class.")
            checks.append("kubectl get ingressclass")
        if classes:
            bullets.append(f"- an ingress controller serving IngressClass {', '.join(f'`{c}`' for c in classes)}.")
            checks.append(f"kubectl get ingressclass {' '.join(classes)}")
    if overlay.exposed and any(e.type == "LoadBalancer" for e in plan.exposure.external):
        bullets.append("- LoadBalancer Services get an address: a cloud provider's load balancers, or MetalLB "
                       "on bare metal.")
    for tls in overlay.tls:
        if tls.issuer:
            bullets.append(f"- cert-manager (https://cert-manager.io/docs/installation/) and its ClusterIssuer "
                           f"`{tls.issuer}`, which issues Secret `{tls.secret}` for the hosts of Ingress `{tls.ingress}`.")
            checks.append(f"kubectl get clusterissuer {tls.issuer}   # READY True")
        else:
            bullets.append(f"- a TLS certificate for {', '.join(tls.hosts)} (no tls_issuer is set, so "
                           f"you create Secret `{tls.secret}` yourself, below).")
    for ingress in (i for i in plan.exposure.ingresses if i.tls_secret and overlay.exposed):
        bullets.append(f"- a TLS certificate for {', '.join(r.host for r in ingress.routes(plan.exposure))} in "
                       f"Secret `{ingress.tls_secret}` (kompose.service.expose.tls-secret), created below.")
    if plan.autoscalers:
        scaled = ", ".join(sorted(plan.workloads[name].name for name in plan.autoscalers))
        bullets.append(f"- the metrics server, which the HorizontalPodAutoscalers of {scaled} read (without it they "
                       "keep their minimum).")
        checks.append("kubectl top nodes   # answers when the metrics server runs")
    several = sorted(plan.workloads[r.workload].name for r in overlay.replicas if r.count > 1)
    zone = overlay_rules().overlays[overlay.name].zone_spread if overlay.zone_spreads else None
    if several:
        bullets.append(f"- several nodes: {', '.join(several)} run several replicas here"
                       + (", with PodDisruptionBudgets for node drains" if overlay.budgets else "")
                       + (f", spread over the zones of the node label `{zone}` when there are several" if zone else "")
                       + ".")
        checks.append(f"kubectl get nodes -L {zone}" if zone else "kubectl get nodes")
    return bullets, checks


def _by_port(overlay: OverlayPlan) -> list:
    """The overlay's NodePorts in published-port order."""
    return sorted(overlay.node_ports, key=lambda e: (int(e.port.published or 0), e.port.protocol))


def _kind_prerequisites(overlay: OverlayPlan) -> tuple[list[str], list[str]]:
    ports = ", ".join(_port(e.port) for e in _by_port(overlay))
    bullets = ["- Docker running, and `kind` (see Tools); no other Kind cluster named `kind`."]
    if ports:
        bullets.append(f"- free ports on this machine, which Kind maps into the cluster as Compose published them: "
                       f"{ports}.")
    return bullets, ["docker info", "kind version", "kind get clusters   # `kind` must not be listed yet"]


def _prerequisites(plan: Plan, overlay: OverlayPlan, files: dict[str, str]) -> list[str]:
    kind = f"overlays/{overlay.name}/kind-cluster.yaml" in files
    bullets, checks = _kind_prerequisites(overlay) if kind else _cluster_prerequisites(plan, overlay)
    if not kind:
        more, more_checks = _storage(plan, overlay)
        bullets, checks = bullets + more, checks + more_checks
    if any(obj.get("kind") == "NetworkPolicy" for _, obj in plan.objects):
        bullets.append("- a network plugin that enforces NetworkPolicies (Calico, Cilium; Kind's own from 0.24), "
                       "or the compose networks' isolation is not kept.")
    return ["### Prerequisites", "", *bullets, "", "Check them:", "", *sh_block(checks)]


# ---- deploy --------------------------------------------------------------------------------

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


def _deploy(plan: Plan, overlay: OverlayPlan, files: dict[str, str], secret_files: list[str]) -> list[str]:
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
        step(f"Create the Kind cluster (it maps the published ports{mounts}):",
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


# ---- reach it, check it, remove it -----------------------------------------------------------

_WHERE = {"LoadBalancer": "on the EXTERNAL-IP they show", "NodePort": "on every node's address, at the NodePort "
          "they show"}


def _external_intro(types: list[str]) -> str:
    if len(types) == 1:
        return f"{types[0]} Services carry the other published ports, {_WHERE[types[0]]}:"
    return "LoadBalancer and NodePort Services carry the other published ports (" + ", ".join(
        f"a {t} {_WHERE[t].replace('they show', 'it shows')}" for t in types) + "):"


def _reach(plan: Plan, overlay: OverlayPlan) -> list[str]:
    ns, out = overlay.namespace, []

    def group(intro: str, bullets: list[str], commands: list[str]) -> None:
        out.extend([intro, "", *bullets, *([""] if bullets else []), *(sh_block(commands) if commands else [])])

    if overlay.node_ports:
        group("On this machine, as Compose published them:", [
            f"- `{_port(e.port) if e.port.host_ip else 'localhost:' + _port(e.port)}` → "
            f"{plan.workloads[e.workload].name} port {e.port.port} (NodePort {e.node_port})"
            for e in _by_port(overlay)], [])
    secure = {t.ingress for t in overlay.tls} | {i.name for i in plan.exposure.ingresses if i.tls_secret}
    for ingress in (plan.exposure.ingresses if overlay.exposed else []):
        scheme = "https" if ingress.name in secure else "http"
        group(f"Ingress `{ingress.name}` serves these hosts: point their DNS names at the ADDRESS it shows.",
              [f"- `{scheme}://{r.host}{r.path if r.path != '/' else ''}` → Service {r.service} port {r.port}"
               for r in ingress.routes(plan.exposure)],
              [f"kubectl -n {ns} get ingress {ingress.name}"])
    if overlay.exposed and plan.exposure.external:
        names = [external_name(plan, e) for e in plan.exposure.external]
        group(_external_intro(sorted({e.type for e in plan.exposure.external})), [
                  f"- `{name}`: port{'s' if len(e.ports) > 1 else ''} "
                  f"{', '.join(_port(p, host=False) for p in e.ports)} of {plan.workloads[e.workload].name}"
                  for name, e in zip(names, plan.exposure.external, strict=True)],
              [f"kubectl -n {ns} get svc {name}" for name in names])
    forwards = [f for f in overlay.port_forwards if f.port.protocol == "TCP"]
    if forwards:
        group("Published in compose but kept inside the cluster here: `kubectl port-forward` reaches them on "
              "`localhost:<port>` while it runs (one terminal each, Ctrl-C ends it).", [],
              [f"kubectl -n {ns} port-forward svc/{f.service} {f.local}:{f.port.port}" for f in forwards])
    udp = [f for f in overlay.port_forwards if f.port.protocol != "TCP"]
    if udp:
        group("Not reachable from outside here (kubectl port-forward carries TCP only):",
              [f"- port {_port(f.port, host=False)} of {f.workload}" for f in udp], [])
    return ["### Reach it", "", *out] if out else []


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
            *_prerequisites(plan, overlay, files), *_deploy(plan, overlay, files, secret_files),
            *_reach(plan, overlay), *_check(plan, overlay), *_remove(plan, overlay, files)]

