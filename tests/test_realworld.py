"""The real-world corpus: every documented way of running each project converts to trees
whose overlays render and pass strict validation, or is refused as documented."""
from __future__ import annotations

import csv
import os

from tools.realworld import ROOT, convert_project, entries

from .conftest import needs_shared

OVERLAYS = {"base", "overlays/dev", "overlays/staging", "overlays/prod"}


def _sources() -> list[dict[str, str]]:
    with (ROOT / "SOURCES.tsv").open(newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


@needs_shared
def test_the_table_covers_every_project_as_sources_lists_it():
    table = entries()
    for row in _sources():
        listed = tuple(row["compose"].split(" + "))
        assert any(e.folder == row["project"] and e.files == listed for e in table.values()), row["project"]
    projects = {row["project"] for row in _sources()}
    for entry in table.values():
        assert entry.folder in projects, entry.name
        assert all((entry.root / f).is_file() for f in entry.files), entry.name


@needs_shared
def test_every_entry_converts_or_is_refused_as_documented(realworld):
    assert set(realworld) == set(entries())
    for name, outcome in realworld.items():
        if outcome.entry.refused:
            assert outcome.result is None, f"{name} converted, but is documented as refused"
            assert outcome.entry.refused in outcome.error and "hint:" in outcome.error, outcome.error
        else:
            assert outcome.result is not None, f"{name}: {outcome.error}"
            if outcome.entry.services is not None:
                assert len(outcome.result.project.services) == outcome.entry.services, name


@needs_shared
def test_every_overlay_renders_and_passes_strict_validation(realworld, realworld_trees):
    assert set(realworld_trees) == {n for n, o in realworld.items() if o.result is not None}
    for name, report in realworld_trees.items():
        assert report.problems == [], name
        assert set(report.rendered) == OVERLAYS, name
        assert all(report.rendered[label] for label in OVERLAYS), name


@needs_shared
def test_the_documented_environment_reaches_the_conversion(realworld):
    kong = realworld["kong-postgres"].result.project.services
    assert {"db", "kong-migrations"} <= set(kong) and kong["kong"].environment["KONG_DATABASE"] == "postgres"
    assert realworld["kong"].result.project.services["kong"].environment["KONG_DATABASE"] == "off"
    graylog = realworld["graylog-configured"].result.project.services["graylog"].environment
    assert graylog["GRAYLOG_ROOT_PASSWORD_SHA2"] == entries()["graylog-configured"].environment[
        "GRAYLOG_ROOT_PASSWORD_SHA2"]
    redash = realworld["redash-installed"].result.project
    assert redash.name == "redash" and redash.services["server"].environment["REDASH_REDIS_URL"] == \
        "redis://redis:6379/0"


@needs_shared
def test_converting_leaves_the_corpus_and_the_process_environment_as_they_were():
    def snapshot():
        return {p: (s.st_size, s.st_mtime_ns) for p in ROOT.rglob("*") if (s := p.stat())}
    before, environ = snapshot(), dict(os.environ)
    convert_project(entries()["redash-installed"])  # writes its installer's files somewhere
    assert snapshot() == before and dict(os.environ) == environ
