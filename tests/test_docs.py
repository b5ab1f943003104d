"""README's generated tables match the mappings and the options model, and README stands
alone: nothing in it points outside a clone of this repository."""
import re

from tools.docs import render

from .conftest import ROOT

README = ROOT / "README.md"
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
REPO_PATH = re.compile(r"`((?:fixtures|tests|src|tools|mappings|benchmarks)/[^`<>…*\s]*)`")


def test_readme_tables_are_current():
    readme = README.read_text()
    assert render(readme) == readme, "run: .venv/bin/python -m tools.docs README.md"


def test_readme_sends_no_one_outside_the_repository():
    readme = README.read_text()
    assert "../shared" not in readme and "..\\shared" not in readme


def test_readme_links_and_paths_name_files_of_the_repository():
    readme = README.read_text()
    links = [t for t in LINK.findall(readme) if not re.match(r"[a-z]+:|#", t)]
    paths = REPO_PATH.findall(readme)
    assert links and paths
    for target in links + paths:
        path = (ROOT / target.split("#")[0]).resolve()
        assert path.is_relative_to(ROOT) and path.exists(), target
