"""README's generated tables match the mappings and the options model."""
from tools.docs import render

from .conftest import ROOT


def test_readme_tables_are_current():
    readme = (ROOT / "README.md").read_text()
    assert render(readme) == readme, "run: .venv/bin/python -m tools.docs README.md"
