"""Every fixture case converts to its golden tree (syrupy snapshots, see snapshot_tree.py),
and every golden tree renders with `kubectl kustomize` and passes strict Kubernetes 1.30
schema validation."""
from __future__ import annotations

import pytest

from compose2k8s.validate import validate_tree

from .conftest import EXPECTED
from .golden import cases, convert_case


@pytest.mark.parametrize("case", cases())
def test_output_matches_golden_tree(case, golden_tree):
    golden_tree.assert_match(case, convert_case(case).files)


@pytest.mark.parametrize("case", cases())
def test_golden_tree_renders_and_validates(case):
    root = EXPECTED / case
    assert (root / "base" / "kustomization.yaml").is_file(), f"no golden tree for {case}"
    report = validate_tree(root)
    assert report.ok, "\n".join(report.problems)
    assert set(report.rendered) == {"base", "overlays/dev", "overlays/staging", "overlays/prod"}


@pytest.mark.parametrize("case", ["workloads-kinds", "depends_on-conditions", "cptm8"])
def test_same_input_same_bytes(case):
    assert convert_case(case).files == convert_case(case).files
