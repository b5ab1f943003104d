"""Published ports an overlay keeps internal: reached with kubectl port-forward (tree README)."""
from ..golden import convert_text

STACK = """
services:
  web: {image: nginx, ports: ["8080:80", "9000:9000"]}
  smtp: {image: example/mail, ports: ["2525:25"]}
  db: {image: postgres:16, ports: ["5432:5432"], volumes: [data:/var/lib/postgresql/data]}
  proxy: {image: caddy, ports: ["80:80"], volumes: [certs:/data]}
  internal: {image: example/api, expose: ["8000"]}
volumes: {data: {}, certs: {}}
"""


def _forwards(plan, overlay):
    return [(f.workload, f.service, f.port.port, f.local) for f in plan.overlays[overlay].port_forwards]


def test_dev_reaches_every_published_port_through_node_ports(tmp_path):
    plan = convert_text(tmp_path, STACK).plan
    assert _forwards(plan, "dev") == []


def test_staging_and_prod_forward_what_neither_the_ingress_nor_a_load_balancer_serves(tmp_path):
    plan = convert_text(tmp_path, STACK).plan
    # db is a database (internal outside dev); caddy and web's second HTTP port are exposed
    expected = [("db", "db", 5432, 5432)]
    assert _forwards(plan, "staging") == expected
    assert _forwards(plan, "prod") == expected


def test_loopback_ports_are_forwarded_in_every_overlay(tmp_path):
    plan = convert_text(tmp_path, "services:\n  admin: {image: adminer, ports: ['127.0.0.1:8081:8080']}\n").plan
    for overlay in ("dev", "staging", "prod"):
        assert _forwards(plan, overlay) == [("admin", "admin", 8080, 8081)]
    assert plan.overlays["dev"].node_ports == [] and not plan.exposure


def test_unpublished_ports_are_not_forwarded(tmp_path):
    plan = convert_text(tmp_path, STACK).plan
    assert all(f.workload != "internal" for o in plan.overlays.values() for f in o.port_forwards)
