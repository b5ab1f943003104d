"""Every service that listens is reachable under the name its peers use."""
from ..golden import convert_case
from ..trees import find, names


def test_database_without_ports_is_reachable():  # a Kompose complaint
    files = convert_case("services-ports").files
    svc = find(files, "Service", "database")
    assert [p["port"] for p in svc["spec"]["ports"]] == [3306]


def test_ports_udp_ranges_and_names():
    files = convert_case("services-ports").files
    ports = {(p["port"], p.get("protocol", "TCP")): p["name"] for p in find(files, "Service", "gateway")["spec"]["ports"]}
    assert set(ports) == {(8080, "TCP"), (9000, "TCP"), (9001, "TCP"), (53, "UDP")}
    assert all(len(n) <= 15 for n in ports.values()) and len(set(ports.values())) == 4


def test_aliases_hostname_and_links_resolve():
    files = convert_case("services-ports").files
    assert {"gateway", "edge", "gateway-alias", "gw"} <= names(files, "Service")
    assert "api-internal" not in names(files, "Service")  # api.internal is an FQDN: peers are rewritten
    for alias in ("edge", "gw", "gateway-alias"):
        assert find(files, "Service", alias)["spec"]["selector"] == find(files, "Service", "gateway")["spec"]["selector"]


def test_invalid_service_name_is_sanitised_and_peers_follow():
    result = convert_case("services-ports")
    assert "metrics-exporter" in names(result.files, "Service")
    env = find(result.files, "ConfigMap", "worker-env")["data"]
    assert env["UPSTREAM"] == "http://metrics-exporter:9100/metrics"
    assert any(d.code == "renamed-service" for d in result.diagnostics)


def test_statefulsets_get_headless_and_client_services():
    files = convert_case("cptm8").files
    headless = find(files, "Service", "postgresql-headless")["spec"]
    client = find(files, "Service", "postgresql-service")["spec"]
    assert headless["clusterIP"] == "None" and "type" not in headless
    assert client["type"] == "ClusterIP" and "clusterIP" not in client
