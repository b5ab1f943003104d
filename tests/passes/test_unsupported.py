"""Nothing silent: unsupported keys are reported with a hint."""
from compose2k8s.tables.keys import compose_keys

from ..golden import convert_case


def test_unsupported_keys_are_reported():  # a Kompose complaint
    result = convert_case("unsupported-keys")
    warned = {d.key for d in result.diagnostics if d.service == "app" and d.severity == "warning"}
    noted = {d.key for d in result.diagnostics if d.service == "app" and d.severity == "info"}
    assert {"devices", "ulimits", "cpu_shares", "stop_signal"} <= warned
    # json-file logging loses nothing (kubectl logs); a build with an image: is pulled, not built
    assert {"logging", "build"} <= noted - warned
    assert any(d.key == "network_mode" and d.service == "app" for d in result.diagnostics)  # host: an info note


def test_every_compose_service_key_has_a_status():
    table = compose_keys()
    assert {"image", "ports", "volumes", "depends_on", "healthcheck", "secrets", "deploy"} <= set(table.service)
    for key, status in table.service.items():
        assert status.status == "mapped" or status.reason, f"{key} needs a reason"
