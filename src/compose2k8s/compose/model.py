"""The normalised Compose project: pydantic models mirroring the Compose specification.

Only the fields compose2k8s reads are typed; other known keys are kept as they are
(`extra="allow"`) so nothing is lost on the way to the audit. Field types are in fields.py,
the `deploy:` section in deploy.py.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field, PrivateAttr, field_validator, model_validator

from .deploy import Deploy
from .fields import INT32, ByteSize, Cpus, Duration, ExtraHosts, OpenModel, RestartPolicy, StrictModel, Text
from .units import parse_bytes


class Port(OpenModel):
    target: int = Field(ge=1, le=65535)
    published: str | None = None
    protocol: str = "tcp"
    host_ip: str | None = None
    mode: str = "ingress"
    name: str | None = None
    app_protocol: str | None = None


class TmpfsOptions(StrictModel):
    size: int | None = Field(default=None, ge=0)
    mode: int | None = None

    @field_validator("size", mode="before")
    @classmethod
    def _size(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip().lstrip("-").isdigit():
            return parse_bytes(value)
        return value


class Mount(StrictModel):
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


class Dependency(OpenModel):
    condition: Literal["service_started", "service_healthy", "service_completed_successfully"] = "service_started"
    required: bool = True
    restart: bool = False


class Healthcheck(OpenModel):
    test: list[str] | None = None
    interval: Duration = None
    timeout: Duration = None
    start_period: Duration = None
    start_interval: Duration = None
    retries: int | None = Field(default=None, ge=0, le=INT32)
    disable: bool = False


class EnvFile(OpenModel):
    path: str
    required: bool = True
    format: str | None = None


class FileMount(OpenModel):
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


class ServiceHook(StrictModel):
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


class Service(OpenModel):
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
    extra_hosts: ExtraHosts = Field(default_factory=list)
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


class TopLevelResource(OpenModel):
    name: str | None = None
    external: bool | dict[str, Any] | None = None
    file: str | None = None
    environment: str | None = None
    content: str | None = None
    driver: str | None = None
    driver_opts: dict[str, Any] | None = None
    labels: dict[str, str] | list[str] | None = None


class ComposeProject(OpenModel):
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
