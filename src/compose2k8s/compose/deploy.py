"""A service's `deploy:` section, typed: replicas, resources (with device requests), the restart
policy, labels, and the shapes of the untyped parts the passes read."""
from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator, model_validator

from .fields import INT32, ByteSize, Cpus, DeployRestartPolicy, OpenModel, StrictModel


class ResourceSpec(StrictModel):
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


class Resources(StrictModel):
    limits: ResourceSpec | None = None
    reservations: ResourceSpec | None = None


class Deploy(OpenModel):
    mode: str = "replicated"
    replicas: int | None = Field(default=None, ge=0, le=INT32)
    resources: Resources | None = None
    restart_policy: DeployRestartPolicy = None
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
