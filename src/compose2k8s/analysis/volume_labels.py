"""Kompose's volume labels (mappings/kompose-labels.yaml): on a service, the size and storage
class of the claims it mounts, a subPath on each of its claim mounts, and the kind of volume its
named volumes and folders become; on a top-level volume, its claim's size and storage class.

>>> from compose2k8s.compose.model import Service
>>> svc = Service(name="db", image="postgres", labels={"kompose.volume.type": "emptydir",
...                                                     "kompose.volume.subpath": "pgdata"})
>>> volume_type(svc), sub_path(svc)
('emptyDir', 'pgdata')
"""
from __future__ import annotations

import re

from ..compose.model import Service
from .kompose_labels import checked_quantity, choice, label, label_error, malformed, quantity

TYPE = "kompose.volume.type"
SIZE = "kompose.volume.size"
STORAGE_CLASS = "kompose.volume.storage-class-name"
SUB_PATHS = ("kompose.volume.sub-path", "kompose.volume.subpath")  # the user guide's spelling, then Kompose's
VOLUME_TYPES = {t.lower(): t for t in ("persistentVolumeClaim", "emptyDir", "hostPath", "configMap")}
_CLASS_NAME = re.compile(r"^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")  # a DNS subdomain


def volume_type(svc: Service) -> str | None:
    """kompose.volume.type in Kubernetes' spelling, None when unset."""
    return choice(svc, TYPE, VOLUME_TYPES)


def sub_path(svc: Service) -> str | None:
    """kompose.volume.sub-path (or Kompose's own spelling, subpath): a path inside the volume."""
    for name in SUB_PATHS:
        value = label(svc, name)
        if value is None:
            continue
        if value.startswith("/") or ".." in value.split("/"):
            raise label_error(svc, name, f"'{value}' leaves the volume", f"give a relative path, e.g. {name}: data")
        return value
    return None


def claim_size(svc: Service) -> str | None:
    """kompose.volume.size: the size of every claim the service mounts."""
    return quantity(svc, SIZE)


def _class_name(value: str, key: str) -> str:
    if not _CLASS_NAME.match(value):
        raise malformed(key, STORAGE_CLASS, f"'{value}' is not a storage class name",
                        f"e.g. {STORAGE_CLASS}: fast-ssd")
    return value


def storage_class(svc: Service) -> str | None:
    """kompose.volume.storage-class-name: the storage class of every claim the service mounts."""
    value = label(svc, STORAGE_CLASS)
    return None if value is None else _class_name(value, f"services.{svc.name}.labels")


def check(svc: Service) -> None:
    """Refuse a malformed volume label even where no volume reads it."""
    volume_type(svc), sub_path(svc), claim_size(svc), storage_class(svc)


def volume_label(labels: object, names: tuple[str, ...], volume: str) -> tuple[str, str] | None:
    """(label, value) of the first of `names` set on top-level volume `volume`, checked: a size
    must be a quantity, a class a storage class name."""
    if not isinstance(labels, dict):
        return None
    key = f"volumes.{volume}.labels"
    for name in names:
        value = str(labels.get(name) or "").strip()
        if value:
            return name, _class_name(value, key) if name == STORAGE_CLASS else checked_quantity(value, key, name)
    return None
