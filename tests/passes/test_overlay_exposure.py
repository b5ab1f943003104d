"""Exposure per overlay: dev NodePorts, the staging/prod component (Ingress, LoadBalancers), TLS in prod."""
from ..golden import convert_text

STACK = """
services:
  web: {image: nginx, ports: ["8080:80", "9443:443"]}
  smtp: {image: example/mail, ports: ["2525:25"]}
  db: {image: postgres:16, ports: ["5432:5432"], volumes: [data:/var/lib/postgresql/data]}
  internal: {image: example/api, expose: ["8000"]}
volumes: {data: {}}
"""


def test_dev_node_ports_are_numbered_from_the_table_and_skip_fixed_ones(tmp_path):
    plan = convert_text(tmp_path, STACK, node_ports={"smtp:2525": 30080}).plan
    ports = {(p.workload, p.port.port): p.node_port for p in plan.overlays["dev"].node_ports}
    assert ports == {("db", 5432): 30081, ("smtp", 25): 30080, ("web", 80): 30082, ("web", 443): 30083}


def test_http_ports_go_through_the_ingress_others_through_a_load_balancer(tmp_path):
    plan = convert_text(tmp_path, STACK, project_name="shop").plan
    assert [(r.host, r.service, r.port) for r in plan.exposure.routes] == [
        ("web.shop.example.com", "web", 80), ("web-9443.shop.example.com", "web", 443)]  # each HTTP port a host
    assert [(b.workload, [p.port for p in b.ports]) for b in plan.exposure.external] == [("smtp", [25])]
    assert plan.overlays["staging"].exposed and plan.overlays["prod"].exposed and not plan.overlays["dev"].exposed


def test_a_loopback_port_is_exposed_nowhere(tmp_path):
    plan = convert_text(tmp_path, """
services:
  admin: {image: adminer, ports: ["127.0.0.1:8081:8080"]}
  web: {image: nginx, ports: ["[::1]:8082:80"]}
""").plan
    assert plan.overlays["dev"].node_ports == [] and not plan.exposure.routes and not plan.exposure.external


def test_a_stateful_web_app_is_exposed_and_a_database_only_when_asked(tmp_path):
    stack = """
services:
  app: {image: nginx, ports: ["8000:80"], volumes: [appdata:/data]}
  db: {image: postgres:16, ports: ["5432:5432"]}
  cache: {image: redis:7, ports: ["6379:6379"], labels: {compose2k8s.expose: "true"}}
volumes: {appdata: {}}
"""
    plan = convert_text(tmp_path, stack).plan
    assert plan.workloads["app"].kind == "StatefulSet" and [r.service for r in plan.exposure.routes] == ["app"]
    assert [b.workload for b in plan.exposure.external] == ["cache"]
    plan = convert_text(tmp_path, stack, expose_internal=["db"]).plan
    assert [b.workload for b in plan.exposure.external] == ["cache", "db"]


def test_app_protocol_and_http_probes_decide_the_ingress_port(tmp_path):
    plan = convert_text(tmp_path, """
services:
  web:
    image: example/web
    ports: [{target: 9000, published: "9000", app_protocol: http}, "9001:9001", "8080:8080"]
    healthcheck: {test: ["CMD", "curl", "-f", "http://localhost:9001/health"]}
""", project_name="shop").plan
    assert [(r.host, r.port) for r in plan.exposure.routes] == [
        ("web.shop.example.com", 8080), ("web-9000.shop.example.com", 9000), ("web-9001.shop.example.com", 9001)]


def test_a_stateful_service_stays_internal_outside_dev_and_says_so(tmp_path):
    result = convert_text(tmp_path, STACK)
    assert all(r.service != "db" for r in result.plan.exposure.routes)
    assert all(b.workload != "db" for b in result.plan.exposure.external)
    assert any(d.code == "kept-internal" and d.service == "db" for d in result.diagnostics)


def test_tls_only_in_prod_with_the_issuer(tmp_path):
    plan = convert_text(tmp_path, STACK, tls_issuer="letsencrypt", project_name="shop").plan
    assert plan.overlays["staging"].tls == []
    [tls] = plan.overlays["prod"].tls
    assert (tls.ingress, tls.hosts, tls.secret, tls.issuer) == (
        "shop", ["web.shop.example.com", "web-9443.shop.example.com"], "shop-tls", "letsencrypt")


def test_ingress_hosts_option_wins_and_decisions_are_traced(tmp_path):
    result = convert_text(tmp_path, STACK, ingress_hosts={"web": "shop.example.org", "web:9443": "tls.example.org"})
    assert result.plan.exposure.hosts == ["shop.example.org", "tls.example.org"]
    assert any(t.service == "web" and "Ingress host shop.example.org" in t.target for t in result.traces)


def test_without_staging_and_prod_there_is_no_component(tmp_path):
    result = convert_text(tmp_path, STACK, overlays=["dev"])
    assert not result.plan.exposure and not any(p.startswith("components/") for p in result.files)
