"""One overlay plan per requested overlay, in its namespace."""
from ..golden import convert_text


def test_namespaces_follow_the_option(tmp_path):
    plan = convert_text(tmp_path, "services: {a: {image: x}}", namespace="shop", overlays=["dev", "prod"]).plan
    assert {name: o.namespace for name, o in plan.overlays.items()} == {"dev": "shop-dev", "prod": "shop-prod"}
