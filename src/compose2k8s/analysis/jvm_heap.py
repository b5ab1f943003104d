"""The JVM heap a service fixes (`-Xmx` or `-XX:MaxHeapSize=` in its environment, command or
entrypoint), so that a container declaring no memory gets a request for what it needs rather
than an overlay's default request (prod's LimitRange asks 128Mi: a node that fits that may not
fit a 1g heap).

>>> heap_bytes(["-Xms1g -Xmx1g", "-Xmx512m"]), heap_bytes(["-XX:MaxRAMPercentage=75"])
(1073741824, None)
>>> memory_for(2 ** 30)
2147483648
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from ..compose.model import Service

_XMX = re.compile(r"(?:-Xmx|-XX:MaxHeapSize=)(\d+)([kKmMgGtT]?)(?![\w.])")
_UNITS = {"": 1, "k": 2 ** 10, "m": 2 ** 20, "g": 2 ** 30, "t": 2 ** 40}
HEADROOM = 2  # the heap is at most half of a JVM's memory (Elasticsearch's guidance; others need less)


def heap_bytes(texts: Iterable[str]) -> int | None:
    """The largest -Xmx in `texts`, in bytes; None when none fixes a heap."""
    found = [int(number) * _UNITS[unit.lower()] for text in texts for number, unit in _XMX.findall(text)]
    return max(found) if found else None


def service_heap(svc: Service) -> int | None:
    """The heap the service's environment, command or entrypoint fixes."""
    return heap_bytes([*(v for v in svc.environment.values() if v), *(svc.command or []), *(svc.entrypoint or [])])


def memory_for(heap: int) -> int:
    """The memory a JVM with this heap needs, rounded up to a whole MiB."""
    return -(-heap * HEADROOM // 2 ** 20) * 2 ** 20
