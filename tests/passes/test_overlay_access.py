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
    # db and proxy are stateful (internal outside dev); web's second HTTP port has no Ingress host
    expected = [("db", "db", 5432, 5432), ("proxy", "proxy", 80, 8080), ("web", "web", 9000, 9000)]
    assert _forwards(plan, "staging") == expected
    assert _forwards(plan, "prod") == expected


def test_unpublished_ports_are_not_forwarded(tmp_path):
    plan = convert_text(tmp_path, STACK).plan
    assert all(f.workload != "internal" for o in plan.overlays.values() for f in o.port_forwards)
