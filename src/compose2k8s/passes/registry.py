"""Private registries: ECR images get `imagePullSecrets: [ecr-registry-secret]` and the
guide's token refresher (ServiceAccount, Role limited to that Secret, RoleBinding, and a
CronJob every 8 hours on a pinned image with the AWS CLI and kubectl, reading AWS
credentials from a SOPS-encrypted Secret). Other private registries get a pull secret
name and the command that creates it; so does a secret named by Kompose's
kompose.image-pull-secret label.
"""
from __future__ import annotations

import re
from typing import Any

from ..ir.model import Plan, PullSecret, SecretData, TokenRefresher, Workload
from ..names import dns_label
from ..analysis.images import registry_host
from ..analysis.kompose_labels import label

PULL_SECRET_LABEL = "kompose.image-pull-secret"

ECR = re.compile(r"^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com$")
REFRESHER = "ecr-token-refresher"
CREDENTIALS = "aws-ecr-credentials"

SCRIPT = """set -eu
TOKEN=$(aws ecr get-login-password --region "$AWS_DEFAULT_REGION")
kubectl create secret docker-registry "$PULL_SECRET" \\
  --docker-server="$ECR_REGISTRY" --docker-username=AWS --docker-password="$TOKEN" \\
  --namespace="$POD_NAMESPACE" --dry-run=client -o yaml | kubectl apply -f -
echo "ECR token for $ECR_REGISTRY refreshed at $(date -u +%Y-%m-%dT%H:%M:%SZ)"
"""


def _images(w: Workload) -> list[str]:
    return [c["image"] for c in [w.container, *w.init_containers] if c.get("image")]


def _refresher(plan: Plan, registry: str, region: str) -> None:
    reg = plan.options.registry
    meta = plan.meta
    plan.add("", {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta(REFRESHER)})
    plan.add("", {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": meta("ecr-secret-manager"),
                  "rules": [
                      # create cannot be limited by name (the object does not exist yet)
                      {"apiGroups": [""], "resources": ["secrets"], "verbs": ["create"]},
                      {"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "patch", "update", "delete"],
                       "resourceNames": [reg.ecr_pull_secret]}]})
    plan.add("", {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
                  "metadata": meta("ecr-token-refresher-binding"),
                  "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "ecr-secret-manager"},
                  "subjects": [{"kind": "ServiceAccount", "name": REFRESHER}]})

    def secret_env(name: str, key: str) -> dict[str, Any]:
        return {"name": name, "valueFrom": {"secretKeyRef": {"name": CREDENTIALS, "key": key}}}
    container = {
        "name": "refresh-token", "image": reg.refresher_image, "command": ["/bin/sh", "-c", SCRIPT.replace("$(", "$$(")],
        "env": [secret_env("AWS_ACCESS_KEY_ID", "aws-access-key-id"),
                secret_env("AWS_SECRET_ACCESS_KEY", "aws-secret-access-key"),
                {"name": "AWS_DEFAULT_REGION", "value": region},
                {"name": "ECR_REGISTRY", "value": registry},
                {"name": "PULL_SECRET", "value": reg.ecr_pull_secret},
                {"name": "POD_NAMESPACE", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}}],
        "resources": {"requests": {"cpu": "50m", "memory": "64Mi"}, "limits": {"cpu": "200m", "memory": "256Mi"}},
        "securityContext": {"allowPrivilegeEscalation": False}}
    plan.add("", {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": meta(REFRESHER),
                  "spec": {"schedule": reg.refresher_schedule, "concurrencyPolicy": "Forbid",
                           "successfulJobsHistoryLimit": 3, "failedJobsHistoryLimit": 3,
                           "jobTemplate": {"spec": {"backoffLimit": 3, "template": {
                               "metadata": {"labels": {"app.kubernetes.io/name": REFRESHER}},
                               "spec": {"serviceAccountName": REFRESHER, "restartPolicy": "OnFailure",
                                        "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
                                        "containers": [container]}}}}}})
    plan.secrets.append(SecretData(name=CREDENTIALS, service="", placeholder=True,
                                   data={"aws-access-key-id": b"REPLACE_ME", "aws-secret-access-key": b"REPLACE_ME"}))
    plan.note("", "image", "ecr-refresher",
              f"images on {registry}: pull secret {reg.ecr_pull_secret} is refreshed every 8 hours by CronJob "
              f"{REFRESHER}; fill in Secret {CREDENTIALS} (sops edit) and run the first refresh by hand",
              f"kubectl create job --from=cronjob/{REFRESHER} ecr-token-initial", severity="info")
    plan.token_refresher = TokenRefresher(REFRESHER, "ecr-token-initial")


def run(plan: Plan) -> Plan:
    reg = plan.options.registry
    ecr: dict[str, str] = {}
    others: dict[str, str] = {}
    labelled: dict[str, tuple[str, str]] = {}  # pull secret named by a label → (service, its image's registry)
    for compose_name, w in sorted(plan.workloads.items()):
        secrets: list[str] = []
        for image in _images(w):
            host = registry_host(image)
            match = ECR.match(host)
            if match:
                ecr.setdefault(host, match.group(2))
                secrets.append(reg.ecr_pull_secret)
            elif host not in reg.public_hosts and ("." in host or ":" in host):
                name = dns_label(f"{host.split(':')[0]}-pull")
                others.setdefault(host, name)
                secrets.append(name)
        named = label(w.service, PULL_SECRET_LABEL)
        if named:
            secrets.append(dns_label(named))
            labelled.setdefault(dns_label(named), (compose_name, registry_host(w.container.get("image") or "")))
            plan.trace_field(w, "labels", f"imagePullSecrets {dns_label(named)} ({PULL_SECRET_LABEL})")
        if secrets:
            w.pod["imagePullSecrets"] = [{"name": s} for s in sorted(set(secrets))]
            plan.trace(compose_name, "image", f"imagePullSecrets {', '.join(sorted(set(secrets)))}")
    if ecr:
        first = sorted(ecr)[0]
        _refresher(plan, first, ecr[first])
        for extra in sorted(ecr)[1:]:
            plan.note("", "image", "several-ecr", f"images also on {extra}: the refresher serves only {first}",
                      "add a second refresher for it by hand")
    for host, name in sorted(others.items()):
        plan.pull_secrets.append(PullSecret(name, host))
        plan.note("", "image", "private-registry", f"images on {host} need pull secret {name}",
                  f"kubectl create secret docker-registry {name} --docker-server={host} "
                  "--docker-username=<user> --docker-password=<token> -n <namespace>")
    made = {p.name for p in plan.pull_secrets} | {reg.ecr_pull_secret}
    for name, (service, host) in sorted(labelled.items()):
        if name not in made:
            plan.pull_secrets.append(PullSecret(name, host))
            plan.note(service, "labels", "private-registry", f"pull secret {name} ({PULL_SECRET_LABEL}) must exist in "
                      "each namespace", f"kubectl create secret docker-registry {name} --docker-server={host} "
                      "--docker-username=<user> --docker-password=<token> -n <namespace>")
    return plan
