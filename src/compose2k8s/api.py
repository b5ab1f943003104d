"""The library API: `convert`, and `ConvertResult.write`. Pure: no printing, no exit.

>>> from compose2k8s import convert  # doctest: +SKIP
>>> result = convert(["docker-compose.yml"])  # doctest: +SKIP
>>> result.write("k8s")  # doctest: +SKIP
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .diagnostics import Diagnostic, Trace
from .options import ConvertOptions


@dataclass
class ConvertResult:
    """The tree as {relative path: text}, with what was decided along the way."""

    files: dict[str, str]
    diagnostics: list[Diagnostic]
    traces: list[Trace] = field(default_factory=list)
    objects: list[dict[str, Any]] = field(default_factory=list)
    project: Any = None
    plan: Any = None  # the Plan every file was rendered from (workloads, Services, claims, overlays)

    def summary(self) -> dict[str, int]:
        """Objects per kind, e.g. {'Deployment': 8, 'Service': 12}."""
        return dict(sorted(Counter(o["kind"] for o in self.objects).items()))

    def write(self, directory: str | Path, force: bool = False) -> Path:
        """Write the tree atomically (see `output.write_tree`)."""
        from .output import write_tree
        return write_tree(Path(directory), self.files, force=force)


def load_options(files: Sequence[str | Path], options: ConvertOptions | None) -> ConvertOptions:
    from .project_options import discover
    return discover([Path(f) for f in files], options)


def convert(files: Sequence[str | Path], options: ConvertOptions | None = None,
            environ: Mapping[str, str] | None = None) -> ConvertResult:
    """Convert compose files into a Kustomize tree held in memory. `environ` is the shell
    environment that interpolation sees (default: this process's, as `docker compose`)."""
    from .compose.load import LoadOptions, load_project
    from .emit.tree import build_tree
    from .ir.lift import lift
    from .passes import run_all
    from .project_options import with_embedded

    opts = load_options(files, options)
    project = load_project(files, LoadOptions(profiles=opts.profiles, env_files=opts.env_files or None,
                                              environ=environ, project_name=opts.project_name))
    opts = with_embedded(opts, options, project.extensions.get("x-compose2k8s"), str(project.files[0]))
    plan = run_all(lift(project, opts))
    files_out, objects = build_tree(plan)
    return ConvertResult(files=files_out, diagnostics=sorted(set(plan.diagnostics)),
                         traces=sorted(set(plan.traces)), objects=objects, project=project, plan=plan)
