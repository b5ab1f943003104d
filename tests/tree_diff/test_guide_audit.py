"""The migration audit the README shows: the CPTM8 guide's hand-written manifests
(fixtures/diff/cptm8-guide) against our CPTM8 tree's dev overlay give a short report a
reviewer can read."""
from __future__ import annotations

from ..conftest import FIXTURES, ROOT
from .conftest import CPTM8, INDEX_PATH

GUIDE = FIXTURES / "diff" / "cptm8-guide"
COMMAND = ("diff", GUIDE, CPTM8, "--overlay", "dev", "--ignore", "*:metadata.labels.environment")


def test_the_guide_audit_is_short_and_readable(cli):
    code, stdout, _ = cli(*COMMAND)
    lines = stdout.splitlines()
    assert code == 1
    assert len(lines) < 120 and max(map(len, lines)) < 220
    assert lines[0].split() == ["kind", "both", "differ", "only", "OLD", "only", "NEW"]
    assert sum(line.startswith("note: labels: app → app.kubernetes.io/") for line in lines) == 1
    paths = changed_paths(lines)
    assert len(paths) > 30 and not [p for p in paths if INDEX_PATH.search(p)]
    assert not [p for p in paths if "labels" in p or "selector" in p]  # the scheme note says it once
    for line in (
        "    spec.template.spec.containers[asmm8].image: …/cptm8/asmm8:latest → …/cptm8/asmm8:1.4.2",
        "    spec.template.spec.containers[postgresql].name: postgresql → postgresqlm8",
        "    spec.volumeClaimTemplates[data].metadata.name: data → postgresql-data",
        "    spec.template.spec.containers[postgresql].volumeMounts[/var/lib/postgresql/data].name: data → postgresql-data",
        "  + rules[secrets/ecr-registry-secret].verbs[update]",
        "    spec.ports[5432/TCP].targetPort: 5432 (default) → postgresql",
    ):
        assert line in lines


def changed_paths(lines: list[str]) -> list[str]:
    """The paths of the change lines (those under a `~ Kind/name` heading)."""
    paths, in_object = [], False
    for line in lines:
        in_object = line.startswith("~ ") or (in_object and line.startswith("  "))
        if in_object and line.startswith("  "):
            paths.append(line[4:].split(": ")[0])
    return paths


def test_the_readme_shows_this_audit(cli):
    readme = (ROOT / "README.md").read_text()
    _, stdout, _ = cli(*COMMAND)
    assert "compose2k8s diff fixtures/diff/cptm8-guide fixtures/expected/cptm8 --overlay dev \\" in readme
    shown = [line for line in stdout.splitlines() if line.startswith(("~ ", "note: "))]
    assert shown and all(line in readme for line in shown)
