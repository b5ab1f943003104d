"""Placement per overlay: dev drops node affinity, prod spreads Deployments over zones."""
from ..golden import convert_text


def test_dev_drops_affinity_and_prod_spreads_over_zones_once(tmp_path):
    plan = convert_text(tmp_path, """
services:
  pinned: {image: x, deploy: {placement: {constraints: ["node.labels.disk == ssd"]}}}
  zoned: {image: x, deploy: {placement: {preferences: [{spread: node.labels.topology.kubernetes.io/zone}]}}}
  plain: {image: x}
  db: {image: postgres:16, volumes: [data:/var/lib/postgresql/data]}
volumes: {data: {}}
""").plan
    assert plan.overlays["dev"].dropped_affinity == ["pinned"]
    assert plan.overlays["prod"].zone_spreads == ["pinned", "plain"]  # zoned spreads already; db is stateful
    assert plan.overlays["staging"].dropped_affinity == [] == plan.overlays["staging"].zone_spreads
