"""Shared test helpers: paths, the CLI runner, throwaway compose projects."""
from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
EXPECTED = FIXTURES / "expected"  # golden trees, one folder per fixture case
DEMO_KEY = FIXTURES / "compose" / "cptm8" / "DEMO-ONLY-age-key.txt"
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"

needs_shared = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is absent")


@pytest.fixture
def project(tmp_path: Path):
    """Write files into a temporary project folder: project({"compose.yaml": "..."})."""
    def write(files: dict[str, str | bytes]) -> Path:
        for name, content in files.items():
            path = tmp_path / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(textwrap.dedent(content))
        return tmp_path
    return write


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch):
    """Run the CLI in-process; returns (exit_code, stdout, stderr)."""
    from typer.testing import CliRunner

    from compose2k8s.cli import app

    def run(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None):
        if cwd:
            monkeypatch.chdir(cwd)
        runner = CliRunner()
        result = runner.invoke(app, [str(a) for a in args], env=env, catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr
    return run


@pytest.fixture
def golden_tree(snapshot):
    """A fixture case's tree as syrupy snapshots in fixtures/expected/<case>/ (snapshot_tree.py):
    `golden_tree.assert_match(case, files)`; `pytest --snapshot-update` rewrites them."""
    from .snapshot_tree import GoldenTree  # imports this module
    return GoldenTree(snapshot)


@pytest.fixture(autouse=True)
def _clean_compose_env(monkeypatch: pytest.MonkeyPatch):
    for name in list(os.environ):
        if name.startswith("COMPOSE_"):
            monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def realworld():
    """Every entry of tools/realworld.yaml converted once per session: {name: Outcome}."""
    if not (CORPUS / "realworld").is_dir():
        pytest.skip("../shared/corpus/realworld is absent")
    from tools.realworld import convert_all
    return convert_all()


@pytest.fixture(scope="session")
def realworld_trees(realworld):
    """{name: validate.Report}: every converted entry's kustomizations, rendered and checked once."""
    from tools.realworld import render_all
    return render_all(realworld)


@pytest.fixture(scope="session")
def fixture_trees():
    """{case: (ConvertResult, validate.Report)}: every fixture case converted (Secrets as
    placeholders) and every kustomization of its tree rendered and checked, once."""
    from concurrent.futures import ThreadPoolExecutor

    from tools.realworld import render_tree

    from .golden import cases, convert_case
    results = {case: convert_case(case) for case in cases()}
    with ThreadPoolExecutor(3) as pool:
        reports = dict(zip(results, pool.map(render_tree, results.values()), strict=True))
    return {case: (results[case], reports[case]) for case in results}
