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


def test_prod_replicas_option_sets_stateless_services_and_never_a_database(tmp_path):
    result = convert_text(tmp_path, STACK, prod_replicas={"api": 5, "db": 3})
    assert counts(result.plan, "prod") == {"api": 5, "batch": 4, "db": 1}
    assert any(d.code == "replicas-refused" and d.service == "db" for d in result.diagnostics)


def test_what_must_stay_single_keeps_composes_count(tmp_path):
    result = convert_text(tmp_path, """
services:
  uploads: {image: x, volumes: ["./uploads:/srv/uploads"]}
  beat: {image: x, command: celery -A app worker -B}
  clock: {image: x, command: ./scripts/start.clock.sh}
  mail: {image: axllent/mailpit}
  agent: {image: x, network_mode: host}
  web: {image: nginx}
""")
    assert counts(result.plan, "prod") == {"uploads": 1, "beat": 1, "clock": 1, "mail": 1, "agent": 1, "web": 2}
    assert result.plan.workloads["uploads"].rollout["strategy"] == {"type": "Recreate"}  # RWO: replace, not roll
    budgets = {b.workload: (b.min_available, b.max_unavailable) for b in result.plan.overlays["prod"].budgets}
    assert budgets["uploads"] == (None, 1) and budgets["web"] == (1, None)  # never a budget that blocks drains
