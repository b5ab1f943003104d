"""Replicas per overlay: prod's floor for stateless Deployments, options.prod_replicas for any."""
from ..golden import convert_text

STACK = """
services:
  api: {image: example/api}
  batch: {image: example/api, deploy: {replicas: 4}}
  db: {image: postgres:16, volumes: [data:/var/lib/postgresql/data]}
volumes: {data: {}}
"""


def counts(plan, overlay):
    return {r.workload: r.count for r in plan.overlays[overlay].replicas}


def test_prod_raises_deployments_to_the_floor_and_keeps_more(tmp_path):
    plan = convert_text(tmp_path, STACK).plan
    assert counts(plan, "prod") == {"api": 2, "batch": 4}
    assert counts(plan, "dev") == {} and counts(plan, "staging") == {}


def test_prod_replicas_option_sets_any_service(tmp_path):
    plan = convert_text(tmp_path, STACK, prod_replicas={"api": 5, "db": 3}).plan
    assert counts(plan, "prod") == {"api": 5, "batch": 4, "db": 3}
