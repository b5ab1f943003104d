"""healthcheck → probes."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ..golden import convert_case
from ..trees import find, objects, pod


def container(files, name):
    kinds = {o["metadata"]["name"]: o["kind"] for o in objects(files) if o["kind"] in ("Deployment", "StatefulSet")}
    return pod(find(files, kinds[name], name))["containers"][0]


def test_cmd_shell_runs_through_sh_c():  # a Kompose complaint
    c = container(convert_case("probes-healthchecks").files, "db-shell")
    assert c["livenessProbe"]["exec"]["command"] == ["sh", "-c", "pg_isready -U postgres && psql -U postgres -c 'select 1'"]


def test_http_and_tcp_checks_become_native_probes():
    files = convert_case("probes-healthchecks").files
    http = container(files, "http-cmd")
    assert http["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": 8000}
    assert (http["livenessProbe"]["periodSeconds"], http["livenessProbe"]["timeoutSeconds"],
            http["livenessProbe"]["failureThreshold"]) == (15, 3, 4)
    assert http["startupProbe"]["failureThreshold"] * http["startupProbe"]["periodSeconds"] >= 40
    assert container(files, "wget-shell")["readinessProbe"]["httpGet"] == {"path": "/ping", "port": 3000}
    assert container(files, "tcp-check")["livenessProbe"]["tcpSocket"] == {"port": 7000}


def test_disabled_checks_give_no_probe_and_kompose_labels_are_honoured():
    files = convert_case("probes-healthchecks").files
    for name in ("disabled", "none"):
        assert "livenessProbe" not in container(files, name)
    labelled = container(files, "kompose-labels")
    assert labelled["readinessProbe"]["httpGet"]["path"] == "/ready"
    assert labelled["livenessProbe"]["httpGet"]["path"] == "/live"


def test_option_overrides_give_the_guides_health_and_ready():
    c = container(convert_case("cptm8").files, "asmm8")
    assert c["livenessProbe"]["httpGet"] == {"path": "/health", "port": 8000}
    assert c["readinessProbe"]["httpGet"] == {"path": "/ready", "port": 8000}


def _check(**timing):
    from compose2k8s.compose.model import Healthcheck
    return Healthcheck(test=["CMD", "true"], **timing)


@pytest.mark.parametrize("timing,startup,liveness", [
    ({"interval": 5, "retries": 10, "start_period": 1}, (5, 11), (5, 10)),  # the clickhouse: 1 s start
    ({"interval": 30, "retries": 3}, None, (30, 3)),  # no start_period: liveness alone, after one interval
    ({"interval": 10, "retries": 1, "start_period": 0}, None, (10, 1)),
    ({"interval": 2, "retries": 5, "start_period": 3, "start_interval": 1}, (1, 13), (2, 5)),
    ({"interval": 300, "retries": 10, "start_period": 3600}, (5, 1320), (300, 10)),
    ({}, None, (30, 3)),  # Docker's defaults
])
def test_probe_budgets_are_never_shorter_than_dockers(timing, startup, liveness):
    from compose2k8s.passes.probes import probe_timing
    check = _check(**timing)
    interval, retries = timing.get("interval", 30), timing.get("retries", 3)
    live = probe_timing("liveness", check, startup is not None)
    assert (live["periodSeconds"], live["failureThreshold"]) == liveness
    assert live["periodSeconds"] * live["failureThreshold"] >= interval * retries
    assert ("initialDelaySeconds" in live) == (startup is None)  # first check after one interval, as Docker
    if startup:
        start = probe_timing("startup", check)
        assert (start["periodSeconds"], start["failureThreshold"]) == startup
        assert start["periodSeconds"] * start["failureThreshold"] >= timing.get("start_period", 0) + interval * retries


@settings(max_examples=200, deadline=None)
@given(interval=st.integers(1, 600), retries=st.integers(1, 50), start=st.integers(0, 3600),
       start_interval=st.integers(1, 60))
def test_probe_budgets_property(interval, retries, start, start_interval):
    from compose2k8s.passes.probes import probe_timing
    check = _check(interval=interval, retries=retries, start_period=start, start_interval=start_interval)
    live = probe_timing("liveness", check, bool(start))
    assert live["periodSeconds"] == interval and live["periodSeconds"] * live["failureThreshold"] >= interval * retries
    if start:
        begin = probe_timing("startup", check)
        assert begin["periodSeconds"] * begin["failureThreshold"] >= start + interval * retries


def test_a_healthcheck_naming_the_service_itself_checks_localhost(tmp_path):
    from ..golden import convert_text
    c = container(convert_text(tmp_path, """
services:
  rocketchat:
    image: x
    ports: ["3000:3000"]
    healthcheck: {test: ["CMD", "nc", "-z", "rocketchat", "3000"], interval: 30s, retries: 10, start_period: 30s}
  web:
    image: y
    healthcheck: {test: "curl -f http://web:8080/health || exit 1"}
""").files, "rocketchat")
    assert c["livenessProbe"]["tcpSocket"] == {"port": 3000} and c["readinessProbe"]["tcpSocket"] == {"port": 3000}
