"""What Docker gave every compose container and Kubernetes does not give a pod by default,
so pods run as confined as the containers did:

- the container runtime's default seccomp profile: Docker applies its own to every
  Linux container (unless `security_opt: seccomp=…` or `privileged`), the kubelet runs
  pods Unconfined unless told otherwise. Set on the pod; a service's own seccomp setting
  is on its container and wins; privileged containers run unconfined in both; Windows has
  no seccomp, so Windows pods get none.
- no Kubernetes API credentials: a Docker container has none, while Kubernetes mounts the
  namespace's default ServiceAccount token into every pod. Pods that use an account this
  tool made (to wait for Jobs) keep its token.

Option `runtime_defaults: false` leaves both to the cluster.
"""
from __future__ import annotations

from ..ir.model import Plan


def run(plan: Plan) -> Plan:
    if not plan.options.runtime_defaults or not plan.workloads:
        return plan
    for name, w in sorted(plan.pod_owners().items()):
        if (w.pod.get("nodeSelector") or {}).get("kubernetes.io/os") != "windows":  # no seccomp there
            w.pod.setdefault("securityContext", {}).setdefault("seccompProfile", {"type": "RuntimeDefault"})
        if "serviceAccountName" not in w.pod:
            w.pod["automountServiceAccountToken"] = False
    plan.note("", "services", "runtime-defaults",
              "pods run with the container runtime's default seccomp profile and without a Kubernetes API "
              "token, as Docker ran the compose containers",
              "set runtime_defaults: false to leave both to the cluster; a service that calls the Kubernetes "
              "API needs its own ServiceAccount (add it in an overlay)", severity="info")
    return plan
