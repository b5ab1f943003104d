"""Conversion options: flags, `compose2k8s.yaml` beside the compose file, or an
`x-compose2k8s` block in it. Every field is documented; errors name the field.

>>> ConvertOptions(overlays=["dev"]).overlays
['dev']
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import OptionsError
from .tables.images import helper_images

OVERLAYS = ("dev", "staging", "prod")


class _Options(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ServiceNames(_Options):
    """Kubernetes Service names for one compose service (default: the compose name)."""

    client: str | None = Field(None, description="ClusterIP Service clients use (e.g. postgresql-service).")
    headless: str | None = Field(None, description="Headless Service of a StatefulSet (e.g. postgresql-headless).")


class HttpProbe(_Options):
    """An HTTP probe that replaces the one derived from the healthcheck."""

    path: str = Field(description="Request path, e.g. /health.")
    port: int | None = Field(None, description="Container port; default: the service's first port.")
    initial_delay_seconds: int | None = Field(None, description="initialDelaySeconds.")
    period_seconds: int | None = Field(None, description="periodSeconds.")


class ProbeOverrides(_Options):
    """Probe overrides for one service (the guide's /health liveness and /ready readiness)."""

    liveness: HttpProbe | None = Field(None, description="livenessProbe (restart when failing).")
    readiness: HttpProbe | None = Field(None, description="readinessProbe (route traffic only when passing).")


class Storage(_Options):
    """Storage classes per overlay and claim sizes."""

    class_by_overlay: dict[str, str] = Field(
        default_factory=lambda: {"dev": "local-storage"},
        description="storageClassName per overlay; dev defaults to Kind's local-storage.")
    rwx_class_by_overlay: dict[str, str] = Field(
        default_factory=dict, description="storageClassName for ReadWriteMany claims per overlay (e.g. efs-sc).")
    sizes: dict[str, str] = Field(default_factory=dict, description="Claim size per compose volume name.")
    default_size: str = Field("1Gi", description="Size of claims with no label or entry in sizes.")
    folders: dict[str, Literal["config", "claim"]] = Field(
        default_factory=dict, description="How a bind-mounted project folder (./path as in the compose file) is "
        "carried: config (a ConfigMap) or claim; default: mappings/mount-rules.yaml decides.")
    copy_up: dict[str, bool] = Field(
        default_factory=dict, description="Copy the image's files into an empty named volume at first start, as "
        "Docker does, per compose volume name; default: on for volumes several services share.")


class Registry(_Options):
    """Private registry settings."""

    ecr_pull_secret: str = Field("ecr-registry-secret", description="imagePullSecret name for AWS ECR images.")
    refresher_schedule: str = Field("0 */8 * * *", description="ECR token refresher schedule (tokens live 12 h).")
    refresher_image: str = Field(default_factory=lambda: helper_images().ecr_refresher,
                                 description="Pinned image with the AWS CLI and kubectl.")
    public_hosts: list[str] = Field(
        default_factory=lambda: ["docker.io", "registry-1.docker.io", "ghcr.io", "quay.io", "registry.k8s.io",
                                 "gcr.io", "mcr.microsoft.com", "public.ecr.aws", "docker.elastic.co", "lscr.io"],
        description="Registry hosts that need no pull secret.")


class ConvertOptions(_Options):
    """Everything that steers a conversion besides the compose files."""

    project_name: str | None = Field(None, description="Project name (default: the compose project's name).")
    namespace: str | None = Field(None, description="Namespace prefix; overlays use <namespace>-<overlay>.")
    overlays: list[Literal["dev", "staging", "prod"]] = Field(
        default_factory=lambda: list(OVERLAYS), description="Which overlays to write.")
    profiles: list[str] = Field(default_factory=list, description="Compose profiles to enable.")
    env_files: list[Path] = Field(default_factory=list, description="Env files used instead of .env.")
    service_names: dict[str, ServiceNames] = Field(
        default_factory=dict, description="Service renames per compose service; clients' env values follow.")
    probes: dict[str, ProbeOverrides] = Field(default_factory=dict, description="Probe overrides per service.")
    storage: Storage = Field(default_factory=Storage, description="Storage classes and sizes.")
    ingress_hosts: dict[str, str] = Field(
        default_factory=dict, description="Ingress host per service for staging and prod (default "
        "<svc>.<project>.example.com); '<service>:<published port>' names the host of a further HTTP port.")
    expose_internal: list[str] = Field(
        default_factory=list, description="Databases and brokers whose published ports staging and prod expose "
        "anyway (they stay inside the cluster by default; label compose2k8s.expose: \"true\" does the same).")
    ingress_class: str | None = Field(None, description="ingressClassName for staging and prod.")
    tls_issuer: str | None = Field(None, description="cert-manager ClusterIssuer for prod TLS (annotation).")
    prod_replicas: dict[str, int] = Field(default_factory=dict, description="Replicas in prod per service "
                                          "(stateless default 2).")
    node_ports: dict[str, int] = Field(default_factory=dict, description="Fixed dev nodePort per published port "
                                       "(key '<service>:<published>').")
    registry: Registry = Field(default_factory=Registry, description="Private registry settings.")
    secrets: Literal["sops", "ksops", "flux", "placeholder"] = Field(
        "sops", description="How Secrets are written: SOPS files beside the tree (default), a KSOPS "
                            "generator, Flux-decrypted resources, or REPLACE_ME placeholders.")
    age_recipients: list[str] = Field(default_factory=list, description="age recipients for SOPS; from a project "
                                      "file only when the user gave none (--age, SOPS_AGE_RECIPIENTS, .sops.yaml).")
    network_policies: bool = Field(True, description="NetworkPolicies that keep compose networks' isolation "
                                   "(written only when services use more than one network).")
    runtime_defaults: bool = Field(True, description="Pods get what Docker gave the containers: the runtime's "
                                   "default seccomp profile and no Kubernetes API token.")
    allow_outside_project: bool = Field(False, description="Read files outside the project folder (caller only: "
                                        "--allow-outside-project; refused in project files).")
    allow_host_path: bool = Field(False, description="Map host system paths to hostPath volumes (caller only: "
                                  "--allow-host-path; refused in project files).")
    dev_live_code: bool = Field(False, description="dev overlay: mount each service's own source (a bind mount of "
                                "its build context, dropped elsewhere) from this checkout into Kind, so edits show "
                                "without a rebuild; ties overlays/dev to this checkout's folder.")
    previous_tree: Path | None = Field(None, description="An earlier output tree: its encrypted Secrets are kept "
                                       "when their values did not change (needs your age key), so output is stable "
                                       "(caller only: the -o folder, or convert(..., output=DIR); refused in "
                                       "project files).")

    @field_validator("namespace", "project_name")
    @classmethod
    def _dns(cls, value: str | None) -> str | None:
        import re
        if value is not None and not re.fullmatch(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", value):
            raise ValueError(f"'{value}' is not a DNS label (lowercase letters, digits and '-')")
        return value


def options_from_mapping(data: dict[str, Any], source: str | None) -> ConvertOptions:
    """Validate an options mapping; errors name the field and the source file (None: the
    command line or the library call)."""
    try:
        return ConvertOptions.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first["loc"])
        raise OptionsError(f"invalid option: {first['msg']}", file=source, key=key,
                           hint="see the options table in README.md") from None
