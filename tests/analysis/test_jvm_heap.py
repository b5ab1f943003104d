"""The JVM heap a service fixes, and the memory it needs."""
import pytest

from compose2k8s.analysis.jvm_heap import heap_bytes, memory_for, service_heap
from compose2k8s.compose.model import Service


@pytest.mark.parametrize("text, heap", [
    ("-Xms1g -Xmx1g", 2 ** 30), ("-Xmx2G", 2 * 2 ** 30), ("-Xmx768m -Xmx1536m", 1536 * 2 ** 20),
    ("-XX:MaxHeapSize=512m", 512 * 2 ** 20), ("-Xmx4096k", 4 * 2 ** 20),
    ("-XX:MaxRAMPercentage=75", None), ("-Xms1g", None), ("-Xmx1.5g", None), ("--Xmx-docs", None),
])
def test_the_largest_fixed_heap_counts(text, heap):
    assert heap_bytes([text]) == heap


def test_environment_command_and_entrypoint_are_read():
    svc = Service(name="es", image="elasticsearch:9", environment={"ES_JAVA_OPTS": "-Xmx1g", "UNSET": None},
                  command=["-Xmx3g"], entrypoint=["java", "-Xmx2g"])
    assert service_heap(svc) == 3 * 2 ** 30


def test_memory_is_twice_the_heap_in_whole_mebibytes():
    assert memory_for(2 ** 30) == 2 ** 31 and memory_for(300 * 2 ** 20 + 1) == 601 * 2 ** 20
