"""The normalised Compose project: pydantic models mirroring the Compose specification.

Only the fields compose2k8s reads are typed; other known keys are kept as they are
(`extra="allow"`) so nothing is lost on the way to the audit.
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from .units import parse_bytes, parse_duration


def _optional(convert: Any) -> BeforeValidator:
    return BeforeValidator(lambda value: None if value is None else convert(value))


def _cpus(value: Any) -> Any:
    """CPUs: a finite number from 0 (no limit) up; what a cluster accepts."""
    number = float(value) if isinstance(value, (int, float, str)) and not isinstance(value, bool) else value
    if isinstance(number, float) and not (math.isfinite(number) and 0 <= number <= MAX_CPUS):
        raise ValueError(f"invalid cpus: '{value}' (give a number of CPUs from 0 (no limit) to {MAX_CPUS:,}, e.g. 0.5)")
    return number


def _restart(value: Any) -> Any:
    """Docker's restart policies (the daemon's wording for others)."""
    policy, _, count = str(value).partition(":")
    if policy not in RESTART_POLICIES or (count and (policy != "on-failure" or not count.isdigit())):
        raise ValueError(f"invalid restart policy: unknown policy '{value}'; use one of 'no', 'always', "
                         "'on-failure', or 'unless-stopped'")
    return value


def _extra_hosts(value: Any) -> Any:
    """`HOST:IP` / `HOST=IP` entries (the reference's wording for others)."""
    for entry in value if isinstance(value, list) else []:
        if not isinstance(entry, str) or not any(sep in entry for sep in ":="):
            raise ValueError(f"invalid additional host, missing IP: {entry}")
    return value


def _restart_policy(value: Any) -> Any:
    """deploy.restart_policy: a mapping whose condition is none, on-failure or any."""
    if value is None:
        return value
    if not isinstance(value, dict):
        raise ValueError("restart_policy must be a mapping")
    condition = value.get("condition")
    if condition is not None and condition not in ("none", "on-failure", "any"):
        raise ValueError(f"invalid restart_policy condition '{condition}': use none, on-failure or any")
    return value


MAX_CPUS = 100_000
INT32 = 2**31 - 1  # replicas, retries: Kubernetes counts in int32
RESTART_POLICIES = ("no", "always", "on-failure", "unless-stopped")
Duration = Annotated[float | None, _optional(parse_duration)]  # seconds, from "1m30s"
Cpus = Annotated[float | None, _optional(_cpus)]
RestartPolicy = Annotated[str | None, _optional(_restart)]
ByteSize = Annotated[int | None, _optional(parse_bytes)]  # bytes, from "512M" (MiB, as Docker)
Text = Annotated[str | None, _optional(str)]  # numbers written where Compose wants a string


class _Model(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=False)


class Port(_Model):
    target: int = Field(ge=1, le=65535)
    published: str | None = None
    protocol: str = "tcp"
    host_ip: str | None = None
    mode: str = "ingress"
    name: str | None = None
    app_protocol: str | None = None


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TmpfsOptions(_Strict):
    size: int | None = Field(default=None, ge=0)
    mode: int | None = None

    @field_validator("size", mode="before")
    @classmethod
    def _size(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip().lstrip("-").isdigit():
            return parse_bytes(value)
        return value


class Mount(_Strict):
    type: Literal["bind", "volume", "tmpfs", "npipe", "cluster", "image"]
    consistency: str | None = None
    image: dict[str, Any] | None = None
    source: str | None = None
    target: str
    read_only: bool = False
    bind: dict[str, Any] | None = None
    volume: dict[str, Any] | None = None
    tmpfs: TmpfsOptions | None = None

    @model_validator(mode="after")
    def _bind_source(self) -> "Mount":
        if self.type == "bind" and not self.source:
            raise ValueError("a bind mount needs a source")
        return self


class Dependency(_Model):
    condition: Literal["service_started", "service_healthy", "service_completed_successfully"] = "service_started"
    required: bool = True
    restart: bool = False


class Healthcheck(_Model):
    test: list[str] | None = None
    interval: Duration = None
    timeout: Duration = None
    start_period: Duration = None
    start_interval: Duration = None
    retries: int | None = Field(default=None, ge=0, le=INT32)
    disable: bool = False


class EnvFile(_Model):
    path: str
    required: bool = True
    format: str | None = None


class FileMount(_Model):
    source: str
    target: str | None = None
    uid: Text = None
    gid: Text = None
    mode: int | None = None

    @field_validator("mode", mode="before")
    @classmethod
    def _octal(cls, value: Any) -> Any:
        if isinstance(value, str):
            return int(value, 8)
        return value


class ResourceSpec(_Strict):
    cpus: Cpus = None
    memory: ByteSize = None
    pids: int | None = None
    devices: list[dict[str, Any]] | None = None
    generic_resources: list[dict[str, Any]] | None = None

    @field_validator("devices")
    @classmethod
    def _devices(cls, value: Any) -> Any:
        for device in value or []:
            if "count" in device and "device_ids" in device:
                raise ValueError('"count" and "device_ids" are exclusive')
            if not device.get("capabilities"):
                raise ValueError("a device request needs capabilities")
            count = device.get("count")
            if isinstance(count, str) and count != "all" and not count.isdigit():
                raise ValueError(f"count must be a number or 'all', not '{count}'")
        return value


class Resources(_Strict):
    limits: ResourceSpec | None = None
    reservations: ResourceSpec | None = None


class Deploy(_Model):
    mode: str = "replicated"
    replicas: int | None = Field(default=None, ge=0, le=INT32)
    resources: Resources | None = None
    restart_policy: Annotated[dict[str, Any] | None, BeforeValidator(_restart_policy)] = None
    labels: dict[str, str] | None = None

    @field_validator("labels", mode="before")
    @classmethod
    def _labels(cls, value: Any) -> Any:
        from .canonical import key_values
        return key_values(value, "deploy.labels", "")

    @model_validator(mode="before")
    @classmethod
    def _shapes(cls, data: Any) -> Any:
        """The untyped parts the passes read: placement's lists, update_config a mapping."""
        if isinstance(data, dict):
            placement = data.get("placement")
            if placement is not None and not isinstance(placement, dict):
                raise ValueError("placement must be a mapping")
            for key in ("constraints", "preferences"):
                if (placement or {}).get(key) is not None and not isinstance(placement[key], list):
                    raise ValueError(f"placement.{key} must be a list")
            if data.get("update_config") is not None and not isinstance(data["update_config"], dict):
                raise ValueError("update_config must be a mapping")
        return data


class ServiceHook(_Strict):
    """One `post_start` / `pre_stop` command."""

    command: list[str]
    user: Text = None
    privileged: bool = False
    working_dir: str | None = None
    environment: dict[str, str | None] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _extensions(cls, value: Any) -> Any:
        """`x-` keys are allowed in a hook, as everywhere in the specification, and ignored."""
        if isinstance(value, dict):
            return {k: v for k, v in value.items() if not str(k).startswith("x-")}
        return value

    @field_validator("command", mode="before")
    @classmethod
    def _command(cls, value: Any) -> Any:
        from .canonical import command_list
        return command_list(value)

    @field_validator("environment", mode="before")
    @classmethod
    def _environment(cls, value: Any) -> Any:
        from .canonical import key_values
        return key_values(value, "environment")


class PreStartHook(ServiceHook):
    """One `pre_start` step: a container run to completion before the service's starts."""

    command: list[str] | None = None  # optional: the image's own command may be the step
    image: str | None = None  # the service's image when omitted (filled in by Service)
    per_replica: bool = False


class Service(_Model):
    name: str
    image: str | None = None
    build: dict[str, Any] | None = None
    command: list[str] | None = None
    entrypoint: list[str] | None = None
    environment: dict[str, str | None] = Field(default_factory=dict)
    env_file: list[EnvFile] = Field(default_factory=list)
    labels: dict[str, str] = Field(default_factory=dict)
    ports: list[Port] = Field(default_factory=list)
    expose: list[str] = Field(default_factory=list)
    volumes: list[Mount] = Field(default_factory=list)
    volumes_from: list[str] = Field(default_factory=list)
    depends_on: dict[str, Dependency] = Field(default_factory=dict)
    healthcheck: Healthcheck | None = None
    deploy: Deploy | None = None
    restart: RestartPolicy = None
    secrets: list[FileMount] = Field(default_factory=list)
    configs: list[FileMount] = Field(default_factory=list)
    profiles: list[str] = Field(default_factory=list)
    networks: dict[str, Any] | None = None
    hostname: str | None = None
    container_name: str | None = None
    links: list[str] = Field(default_factory=list)
    user: Text = None
    working_dir: str | None = None
    read_only: bool = False
    privileged: bool = False
    cap_add: list[str] = Field(default_factory=list)
    cap_drop: list[str] = Field(default_factory=list)
    security_opt: list[str] = Field(default_factory=list)
    tmpfs: list[str] = Field(default_factory=list)
    extra_hosts: Annotated[list[str] | dict[str, Any], BeforeValidator(_extra_hosts)] = Field(default_factory=list)
    stop_grace_period: Duration = None
    init: bool | None = None
    tty: bool = False
    stdin_open: bool = False
    shm_size: ByteSize = None
    sysctls: dict[str, str] = Field(default_factory=dict)
    mem_limit: ByteSize = None
    mem_reservation: ByteSize = None
    cpus: Cpus = None
    scale: int | None = Field(default=None, ge=0, le=INT32)
    pull_policy: str | None = None
    post_start: list[ServiceHook] = Field(default_factory=list)
    pre_stop: list[ServiceHook] = Field(default_factory=list)
    pre_start: list[PreStartHook] = Field(default_factory=list)

    @model_validator(mode="after")
    def _pre_start_image(self) -> Service:
        """A pre_start step without an image runs in the service's image (as Compose normalises it)."""
        for hook in self.pre_start:
            if hook.image is None and self.image:
                hook.image = self.image
        return self

    def extra(self, key: str) -> Any:
        """A Compose key we keep untyped (`network_mode`, `ulimits`, …), or None when absent.

        >>> Service(name="web", network_mode="host").extra("network_mode")
        'host'
        """
        return (self.__pydantic_extra__ or {}).get(key)

    @property
    def replicas(self) -> int:
        if self.deploy and self.deploy.replicas is not None:
            return self.deploy.replicas
        return self.scale if self.scale is not None else 1


class TopLevelResource(_Model):
    name: str | None = None
    external: bool | dict[str, Any] | None = None
    file: str | None = None
    environment: str | None = None
    content: str | None = None
    driver: str | None = None
    driver_opts: dict[str, Any] | None = None
    labels: dict[str, str] | list[str] | None = None


class ComposeProject(_Model):
    name: str
    working_dir: Path
    files: list[Path]
    services: dict[str, Service]
    volumes: dict[str, TopLevelResource] = Field(default_factory=dict)
    networks: dict[str, TopLevelResource] = Field(default_factory=dict)
    secrets: dict[str, TopLevelResource] = Field(default_factory=dict)
    configs: dict[str, TopLevelResource] = Field(default_factory=dict)
    extensions: dict[str, Any] = Field(default_factory=dict)
    environment: dict[str, str] = Field(default_factory=dict, exclude=True)
    warnings: list[str] = Field(default_factory=list, exclude=True)
    _reader: Any = PrivateAttr(default=None)

    def reader(self, allow_outside: bool = False) -> Any:
        """The run's file reader (`project_files.ProjectFiles`, made by the loader, so every
        read of one conversion is counted together); a new one for a project built by hand."""
        from ..project_files import ProjectFiles
        if self._reader is None or self._reader.allow_outside != allow_outside:
            self._reader = ProjectFiles.of_compose_files(self.files, allow_outside)
        return self._reader
