"""PodDisruptionBudgets per overlay, by workload kind (mappings/overlays.yaml)."""
from ..golden import convert_text


def test_prod_budgets_by_kind(tmp_path):
    plan = convert_text(tmp_path, """
services:
  api: {image: example/api}
  db: {image: postgres:16, volumes: [data:/var/lib/postgresql/data]}
  once: {image: example/job, restart: "no"}
volumes: {data: {}}
""").plan
    budgets = {b.workload: (b.min_available, b.max_unavailable) for b in plan.overlays["prod"].budgets}
    assert budgets == {"api": (1, None), "db": (None, 1)}
    assert plan.overlays["dev"].budgets == [] and plan.overlays["staging"].budgets == []
