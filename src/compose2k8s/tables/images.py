"""What is known of well-known images: the node settings they need (image-needs), the state
they keep (stateful-images), whether they run once per cluster (singletons), their usual
ports (well-known-ports); and the pinned helper images we run (helper-images).

>>> helper_images().busybox
'busybox:1.36.1'
"""
from __future__ import annotations

from .loader import CaseInsensitivePattern, Frozen, read_table


class NodeNeeds(Frozen):
    sysctls: dict[str, str]


class ImageNeeds(Frozen):
    images: dict[str, NodeNeeds]


class StatefulImage(Frozen):
    data: str | None  # where the image keeps its state (None: in memory or where its command says)
    internal: bool = True  # a database or broker: kept inside the cluster outside dev


class StatefulImages(Frozen):
    images: dict[str, StatefulImage]


class Singletons(Frozen):
    images: frozenset[str]
    commands: tuple[CaseInsensitivePattern, ...]


class KnownPort(Frozen):
    port: int
    name: str


class WellKnownPorts(Frozen):
    images: dict[str, tuple[KnownPort, ...]]


class HelperImages(Frozen):
    busybox: str
    curl: str
    kubectl: str
    ecr_refresher: str


def image_needs() -> ImageNeeds:
    return read_table("image-needs", ImageNeeds)


def stateful_images() -> dict[str, StatefulImage]:
    return read_table("stateful-images", StatefulImages).images


def singletons() -> Singletons:
    return read_table("singletons", Singletons)


def well_known_ports() -> dict[str, tuple[KnownPort, ...]]:
    return read_table("well-known-ports", WellKnownPorts).images


def helper_images() -> HelperImages:
    return read_table("helper-images", HelperImages)
