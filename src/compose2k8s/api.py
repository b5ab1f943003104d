"""The library API: `convert`, and `ConvertResult.write`. Pure: no printing, no exit.

>>> from compose2k8s import convert  # doctest: +SKIP
>>> result = convert("docker-compose.yml", output="k8s")  # doctest: +SKIP
>>> result.write()  # doctest: +SKIP
"""
from __future__ import annotations

import os
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .diagnostics import Diagnostic, Trace
from .errors import ComposeError, OptionsError
from .options import ConvertOptions

Files = str | os.PathLike | Sequence[str | os.PathLike]


@dataclass
class ConvertResult:
    """The tree as {relative path: text}, with what was decided along the way.

    `recipients` says which age recipients the Secrets were encrypted to and where they
    came from (None when nothing was encrypted); `output` is the folder `write()` uses by
    default (the `output` given to `convert`).
    """

    files: dict[str, str]
    diagnostics: list[Diagnostic]
    traces: list[Trace] = field(default_factory=list)
    objects: list[dict[str, Any]] = field(default_factory=list)
    project: Any = None
    plan: Any = None  # the Plan every file was rendered from (workloads, Services, claims, overlays)
    recipients: Any = None
    output: Path | None = None

    def summary(self) -> dict[str, int]:
        """Objects per kind, e.g. {'Deployment': 8, 'Service': 12}."""
        return dict(sorted(Counter(o["kind"] for o in self.objects).items()))

    def write(self, directory: str | os.PathLike | None = None, force: bool = False) -> Path:
        """Write the tree safely (see `output.write_tree`) to `directory`, by default the
        `output` given to `convert`."""
        from .output import write_tree
        target = directory if directory is not None else self.output
        if target is None:
            raise OptionsError("no folder to write to", hint="give write() a folder, or convert(..., output=DIR)")
        return write_tree(_path(target, "directory"), self.files, force=force)


def _path(value: Any, what: str) -> Path:
    if isinstance(value, (str, os.PathLike)) and str(os.fspath(value)):
        return Path(value)
    raise OptionsError(f"{what} must be a path (str or pathlib.Path), not {type(value).__name__} {value!r:.40}",
                       hint="e.g. convert(['docker-compose.yml'])")


def _compose_paths(files: Files) -> list[Path]:
    """The compose files of a library call: one path, or a list of paths (a string is one file,
    never a sequence of characters)."""
    if isinstance(files, (str, os.PathLike)):
        return [_path(files, "a compose file")]
    if not isinstance(files, Sequence):
        raise OptionsError(f"files must be a path or a list of paths, not {type(files).__name__}",
                           hint="e.g. convert(['docker-compose.yml'])")
    return [_path(f, "each compose file") for f in files]


def _checked_options(options: Any) -> ConvertOptions | None:
    if options is None or isinstance(options, ConvertOptions):
        return options
    raise OptionsError(f"options must be a ConvertOptions, not {type(options).__name__}",
                       hint="from compose2k8s.options import ConvertOptions")


def _previous_tree(opts: ConvertOptions, options: ConvertOptions | None, output: Path | None) -> ConvertOptions:
    """An earlier tree of ours in `output` keeps its encrypted Secrets where values did not
    change, so converting twice gives the same bytes (unless the caller named one)."""
    from .output.marker import is_ours
    if output is None or (options is not None and "previous_tree" in options.model_fields_set):
        return opts
    return opts.model_copy(update={"previous_tree": output}) if is_ours(output) else opts


def convert(files: Files, options: ConvertOptions | None = None, *,
            output: str | os.PathLike | None = None, environ: Mapping[str, str] | None = None) -> ConvertResult:
    """Convert compose files into a Kustomize tree held in memory.

    `output` names the folder the tree is meant for: an earlier tree there keeps its
    encrypted Secrets where values did not change, and `result.write()` writes there.
    `environ` is the shell environment interpolation sees (default: this process's, as
    `docker compose`).
    """
    from .compose.load import LoadOptions, load_project
    from .emit.tree import build_tree
    from .ir.lift import lift
    from .passes import run_all
    from .project_options import ProjectOptions

    paths = _compose_paths(files)
    options = _checked_options(options)
    target = _path(output, "output") if output is not None else None
    found = ProjectOptions.discover(paths, options)
    opts = found.options()
    trusted_env = options is not None and "env_files" in options.model_fields_set
    project = load_project(paths, LoadOptions(profiles=opts.profiles, env_files=opts.env_files or None,
                                              project_name=opts.project_name, trusted_env_files=trusted_env,
                                              environ=environ, allow_outside_project=opts.allow_outside_project))
    found.embed(project.extensions.get("x-compose2k8s"), str(project.files[0]))
    opts = _previous_tree(found.options(), options, target)
    plan = run_all(lift(project, opts))
    _check_sizes(plan)
    chosen = _recipients(plan, found) if plan.secrets else None
    files_out, objects = build_tree(plan)
    return ConvertResult(files=files_out, diagnostics=sorted(set(plan.diagnostics)),
                         traces=sorted(set(plan.traces)), objects=objects, project=project, plan=plan,
                         recipients=chosen, output=target)


def _recipients(plan: Any, found: Any) -> Any:
    """Choose the age recipients (see `sops.recipients`), fix them in the plan's options and
    warn about project files that named others."""
    from .sops import recipients
    if plan.options.secrets == "placeholder":
        return None
    chosen = recipients(found.caller_recipients(), found.project_recipients(), found.recipients_source,
                        Path(plan.project.working_dir))
    plan.options = plan.options.model_copy(update={"age_recipients": chosen.found})
    for source in chosen.overridden:
        plan.note("", "secrets", "recipients-overridden",
                  f"{source} names other age recipients; Secrets are encrypted to the ones from {chosen.source}",
                  "make them agree, or remove the recipients from the project file")
    return chosen


def _check_sizes(plan: Any) -> None:
    """Kubernetes stores at most 1 MiB of data in a ConfigMap or Secret: refuse more, and more
    than TREE_DATA_BYTES in all."""
    from .limits import OBJECT_DATA_BYTES, TREE_DATA_BYTES
    sizes = [(obj["kind"], obj["metadata"]["name"], {k: len(v) for k, v in {**obj.get("data", {}),
                                                                          **obj.get("binaryData", {})}.items()})
             for _, obj in plan.objects if obj.get("kind") == "ConfigMap"]
    sizes += [("Secret", s.name, {k: len(v) for k, v in s.data.items()}) for s in plan.secrets]
    total = sum(sum(keys.values()) for _, _, keys in sizes)
    if total > TREE_DATA_BYTES:
        raise ComposeError(f"the ConfigMaps and Secrets would hold {total:,} bytes in all, more than "
                           f"{TREE_DATA_BYTES:,}", hint="mount shared or big files from a volume, not once per service")
    for kind, name, keys in sizes:
        if sum(keys.values()) > OBJECT_DATA_BYTES:
            biggest = max(keys, key=keys.get)
            raise ComposeError(f"{kind} {name} would hold {sum(keys.values()):,} bytes (its largest key {biggest}: "
                               f"{keys[biggest]:,}); Kubernetes stores at most 1 MiB ({OBJECT_DATA_BYTES:,} bytes)",
                               hint="keep big values out of environment variables and config files: mount them "
                               "from a volume")
