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
    assert [(r.host, r.service, r.port) for r in plan.exposure.routes] == [("web.shop.example.com", "web", 80)]
    assert [(b.workload, [p.port for p in b.ports]) for b in plan.exposure.load_balancers] == [("smtp", [25])]
    assert plan.overlays["staging"].exposed and plan.overlays["prod"].exposed and not plan.overlays["dev"].exposed


def test_a_stateful_service_stays_internal_outside_dev_and_says_so(tmp_path):
    result = convert_text(tmp_path, STACK)
    assert all(r.service != "db" for r in result.plan.exposure.routes)
    assert all(b.workload != "db" for b in result.plan.exposure.load_balancers)
    assert any(d.code == "stateful-not-exposed" and d.service == "db" for d in result.diagnostics)


def test_tls_only_in_prod_with_the_issuer(tmp_path):
    plan = convert_text(tmp_path, STACK, tls_issuer="letsencrypt", project_name="shop").plan
    assert plan.overlays["staging"].tls is None
    tls = plan.overlays["prod"].tls
    assert (tls.hosts, tls.secret, tls.issuer) == (["web.shop.example.com"], "shop-tls", "letsencrypt")


def test_ingress_hosts_option_wins_and_decisions_are_traced(tmp_path):
    result = convert_text(tmp_path, STACK, ingress_hosts={"web": "shop.example.org"})
    assert result.plan.exposure.hosts == ["shop.example.org"]
    assert any(t.service == "web" and "Ingress host shop.example.org" in t.target for t in result.traces)


def test_without_staging_and_prod_there_is_no_component(tmp_path):
    result = convert_text(tmp_path, STACK, overlays=["dev"])
    assert not result.plan.exposure and not any(p.startswith("components/") for p in result.files)
