"""The real-world corpus as data: each documented way of running each project
(tools/realworld.yaml), converted with a fixed environment and rendered per overlay.

Nothing is written into the corpus: files an installer would write, and the trees to
render, go to temporary folders. Secrets are placeholders.

    >>> entry = entries()["kong-postgres"]  # doctest: +SKIP
    >>> result = convert_project(entry)  # doctest: +SKIP
    >>> render_overlays(result)["overlays/dev"][0]["kind"]  # doctest: +SKIP

    python -m tools.realworld [NAME ...]   prints what each entry becomes
"""
from __future__ import annotations

import sys
import tempfile
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from .reference import fixed_environment

ROOT = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "realworld"
TABLE = Path(__file__).with_name("realworld.yaml")
_FIELDS = {"folder", "files", "profiles", "environment", "options", "written", "override", "refused", "note",
           "services"}


@dataclass(frozen=True)
class Entry:
    """One documented way of running one project."""

    name: str
    folder: str
    files: tuple[str, ...]
    note: str
    profiles: tuple[str, ...] = ()
    environment: Mapping[str, str] = field(default_factory=dict)
    options: Mapping[str, Any] = field(default_factory=dict)
    written: Mapping[str, str] = field(default_factory=dict)
    override: str | None = None
    refused: str | None = None
    services: int | None = None  # as documented, where the sources give the number

    @property
    def root(self) -> Path:
        return ROOT / self.folder

    def environ(self) -> dict[str, str]:
        """The shell environment of the run: the fixed one plus the entry's variables."""
        return {**fixed_environment(), **self.environment}

    def compose_files(self, scratch: Path) -> list[Path]:
        """The -f files in order; `written` files and the override go to `scratch`."""
        files = [self.root / f for f in self.files]
        for name, text in self.written.items():
            (scratch / name).write_text(text.replace("{written}", str(scratch)))
        if self.override:
            override = scratch / "override.yaml"
            override.write_text(self.override.replace("{written}", str(scratch)))
            files.append(override)
        return files


@cache
def entries() -> dict[str, Entry]:
    """Every entry of tools/realworld.yaml by name (checked: unknown fields are refused)."""
    table = yaml.safe_load(TABLE.read_text())
    out = {}
    for name, raw in table.items():
        unknown = set(raw) - _FIELDS
        if unknown:
            raise ValueError(f"{TABLE}: {name}: unknown field(s) {sorted(unknown)}")
        out[name] = Entry(name=name, folder=raw["folder"], files=tuple(raw["files"]), note=raw["note"],
                          profiles=tuple(raw.get("profiles") or ()), environment=dict(raw.get("environment") or {}),
                          options=dict(raw.get("options") or {}), written=dict(raw.get("written") or {}),
                          override=raw.get("override"), refused=raw.get("refused"), services=raw.get("services"))
    return out


def convert_project(entry: Entry, **options: Any):
    """The entry converted (a `ConvertResult`), with Secrets as placeholders and the entry's
    fixed environment; raises `Compose2K8sError` when the project is refused."""
    from compose2k8s.api import convert
    from compose2k8s.options import ConvertOptions
    settings = {"secrets": "placeholder", "profiles": list(entry.profiles), **entry.options, **options}
    with tempfile.TemporaryDirectory(prefix="realworld-") as scratch:
        return convert(entry.compose_files(Path(scratch)), ConvertOptions(**settings), environ=entry.environ())


def render_tree(result):
    """The tree written to a temporary folder, every kustomization rendered with
    `kubectl kustomize` and checked strictly (a `validate.Report`: rendered + problems)."""
    from compose2k8s.validate import validate_tree
    with tempfile.TemporaryDirectory(prefix="realworld-tree-") as scratch:
        tree = result.write(Path(scratch) / "tree")
        return validate_tree(tree)


def render_overlays(result) -> dict[str, list[dict[str, Any]]]:
    """{"base" / "overlays/dev" / …: the objects `kubectl kustomize` renders for it}."""
    return render_tree(result).rendered


@dataclass
class Outcome:
    """What one entry became: a result, or the refusal's message."""

    entry: Entry
    result: Any = None
    error: str = ""


def convert_all(names: list[str] | None = None) -> dict[str, Outcome]:
    """Every entry (or the named ones) converted; refusals are kept as messages."""
    from compose2k8s.errors import Compose2K8sError
    out = {}
    for name, entry in entries().items():
        if names and name not in names:
            continue
        try:
            out[name] = Outcome(entry, convert_project(entry))
        except Compose2K8sError as exc:
            out[name] = Outcome(entry, error=str(exc))
    return out


def render_all(outcomes: Mapping[str, Outcome], workers: int = 3) -> dict[str, Any]:
    """{entry name: validate.Report} for every converted entry, rendered in parallel
    (kubectl runs as a subprocess, so threads overlap it)."""
    converted = [name for name, outcome in outcomes.items() if outcome.result is not None]
    with ThreadPoolExecutor(workers) as pool:
        reports = list(pool.map(lambda n: render_tree(outcomes[n].result), converted))
    return dict(zip(converted, reports, strict=True))


def main(argv: list[str] | None = None) -> int:
    """Print one line per entry: converted (objects per kind, overlays valid) or refused."""
    outcomes = convert_all(list(argv or sys.argv[1:]) or None)
    reports = render_all(outcomes)
    bad = 0
    for name, outcome in outcomes.items():
        if outcome.result is None:
            expected = outcome.entry.refused and outcome.entry.refused in outcome.error
            bad += not expected
            print(f"{name}: refused{'' if expected else ' (UNEXPECTED)'}: {outcome.error.splitlines()[0]}")
            continue
        report = reports[name]
        bad += bool(outcome.entry.refused) or not report.ok
        counts = ", ".join(f"{n} {k}" for k, n in outcome.result.summary().items())
        state = "valid" if report.ok else f"INVALID: {report.problems[0]}"
        print(f"{name}: {len(outcome.result.project.services)} services, {len(outcome.result.objects)} objects "
              f"({counts}); {len(report.rendered)} kustomizations {state}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
