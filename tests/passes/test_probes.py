"""healthcheck → probes."""
from ..golden import convert_case
from ..trees import find, pod


def container(files, name):
    return pod(find(files, "Deployment", name))["containers"][0]


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
