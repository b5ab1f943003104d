"""Limits per overlay: dev drops CPU limits of long-running workloads, prod adds a LimitRange."""
from compose2k8s.tables.overlays import overlay_rules

from ..golden import convert_text


def test_dev_drops_cpu_limits_and_prod_sets_defaults(tmp_path):
    plan = convert_text(tmp_path, """
services:
  api: {image: x, cpus: 0.5}
  small: {image: x, mem_limit: 64m}
  once: {image: x, cpus: 1, restart: "no"}
""").plan
    assert plan.overlays["dev"].dropped_cpu_limits == [("api", 0)]
    rule = overlay_rules().overlays["prod"].limit_range
    assert plan.overlays["prod"].limit_range.default_request == rule.default_request == {"cpu": "100m",
                                                                                         "memory": "128Mi"}
    assert plan.overlays["prod"].limit_range.default == {}  # Compose bounded nothing: no guessed limit kills
    assert plan.overlays["staging"].limit_range is None


def test_the_prod_limit_range_requests_and_never_limits(tmp_path):
    import yaml
    files = convert_text(tmp_path, "services:\n  web: {image: nginx}\n").files
    [limits] = yaml.safe_load(files["overlays/prod/limitrange.yaml"])["spec"]["limits"]
    assert limits == {"type": "Container", "defaultRequest": {"cpu": "100m", "memory": "128Mi"}}
