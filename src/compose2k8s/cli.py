"""The command line: flags → library calls → files and messages. No logic of its own.

Every library error becomes one message on stderr and exit code 2; nothing prints a
traceback to the user.
"""
from __future__ import annotations

import gc
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False, rich_markup_mode=None,
                  help="Turn a Docker Compose project into a production-grade Kustomize tree.")

FilesArg = Annotated[Optional[list[Path]], typer.Argument(help="Compose files, merged in order.", show_default=False)]
FileOpt = Annotated[Optional[list[Path]], typer.Option("--file", "-f", help="Compose file (repeatable).",
                                                        show_default=False)]
ProfileOpt = Annotated[Optional[list[str]], typer.Option("--profile", help="Enable a profile (repeatable).",
                                                          show_default=False)]
EnvFileOpt = Annotated[Optional[list[Path]], typer.Option("--env-file", help="Use this env file instead of .env.",
                                                           show_default=False)]


@app.callback()
def _root() -> None:
    """compose2k8s: convert, inspect and compare Compose → Kubernetes migrations."""


def _fail(exc: BaseException) -> None:
    typer.echo(f"error: {exc}", err=True)
    raise typer.Exit(getattr(exc, "exit_code", 2))


def _files(files: list[Path] | None, file_opts: list[Path] | None) -> list[Path]:
    return [*(file_opts or []), *(files or [])]


def _load_options(profile: list[str] | None, env_file: list[Path] | None):  # noqa: ANN202
    from .compose.load import LoadOptions
    return LoadOptions(profiles=tuple(profile or ()), env_files=env_file or None)


@app.command()
def config(files: FilesArg = None, file: FileOpt = None, profile: ProfileOpt = None, env_file: EnvFileOpt = None,
           fmt: Annotated[str, typer.Option("--format", help="yaml or json")] = "yaml") -> None:
    """Print the normalised compose project, like `docker compose config`."""
    from .compose.load import load_project
    from .compose.render import render_config
    from .errors import Compose2K8sError
    if fmt not in ("yaml", "json"):
        _fail(ValueError(f"--format must be yaml or json, not '{fmt}'"))
    try:
        project = load_project(_files(files, file), _load_options(profile, env_file))
    except Compose2K8sError as exc:
        _fail(exc)
    data = render_config(project)
    if fmt == "json":
        import json
        typer.echo(json.dumps(data, indent=2, default=str))
    else:
        import yaml
        typer.echo(yaml.safe_dump(data, sort_keys=False, default_flow_style=False, allow_unicode=True), nl=False)


def _print_diagnostics(diagnostics) -> None:  # noqa: ANN001
    for diagnostic in diagnostics:
        if diagnostic.severity == "warning":
            typer.echo(str(diagnostic), err=True)
    infos = sum(1 for d in diagnostics if d.severity == "info")
    if infos:
        typer.echo(f"({infos} informational notes: see `compose2k8s audit`)", err=True)


@app.command()
def convert(
    files: FilesArg = None, file: FileOpt = None, profile: ProfileOpt = None, env_file: EnvFileOpt = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Output folder.")] = None,
    namespace: Annotated[Optional[str], typer.Option(help="Namespace prefix (overlays add -dev, …).")] = None,
    overlays: Annotated[Optional[str], typer.Option(help="Comma-separated overlays: dev,staging,prod.")] = None,
    secrets: Annotated[Optional[str], typer.Option(help="sops | ksops | flux | placeholder")] = None,
    age: Annotated[Optional[list[str]], typer.Option("--age", help="age recipient (repeatable).")] = None,
    allow_outside_project: Annotated[bool, typer.Option(help="Read files outside the project folder.")] = False,
    stdout: Annotated[bool, typer.Option("--stdout", help="Print the files instead of writing them.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Convert and report; write nothing.")] = False,
    force: Annotated[bool, typer.Option(help="Write into a non-empty folder we did not create.")] = False,
) -> None:
    """Convert compose files into base/ + overlays/{dev,staging,prod}/ (+ secrets/)."""
    from .api import convert as run_convert
    from .errors import Compose2K8sError
    from .options import ConvertOptions
    if output is None and not (stdout or dry_run):
        _fail(ValueError("give -o DIR, --stdout or --dry-run"))
    given: dict = {"profiles": profile, "env_files": env_file, "namespace": namespace, "secrets": secrets,
                   "age_recipients": age,
                   "overlays": [o.strip() for o in overlays.split(",") if o.strip()] if overlays else None}
    if allow_outside_project:
        given["allow_outside_project"] = True
    if output is not None and output.is_dir():
        given["previous_tree"] = output
    try:
        options = ConvertOptions.model_validate({k: v for k, v in given.items() if v not in (None, [])})
    except Exception as exc:  # noqa: BLE001 - pydantic's error, shown as one line
        _fail(ValueError(f"invalid option: {str(exc).splitlines()[-2].strip() if chr(10) in str(exc) else exc}"))
    try:
        result = run_convert(_files(files, file), options)
        if stdout:
            for path, text in result.files.items():
                typer.echo(f"# --- {path}\n{text}", nl=False)
        elif not dry_run:
            result.write(output, force=force)
    except Compose2K8sError as exc:
        _fail(exc)
    _print_diagnostics(result.diagnostics)
    kinds = ", ".join(f"{n} {k}" for k, n in result.summary().items())
    where = "printed" if stdout else ("not written (dry run)" if dry_run else f"written to {output}")
    typer.echo(f"{len(result.files)} files {where}: {kinds}", err=stdout)


@app.command()
def audit(files: FilesArg = None, file: FileOpt = None, profile: ProfileOpt = None, env_file: EnvFileOpt = None,
          fmt: Annotated[str, typer.Option("--format", help="md or json")] = "md") -> None:
    """What became of every compose key (object and field, or why not), with a Mermaid diagram.

    Exit 0: everything mapped; 1: some keys were not fully mapped (see the warnings); 2: error.
    """
    from .migration_audit import audit as run_audit
    from .errors import Compose2K8sError
    from .options import ConvertOptions
    if fmt not in ("md", "json"):
        _fail(ValueError(f"--format must be md or json, not '{fmt}'"))
    try:
        report = run_audit(_files(files, file), ConvertOptions(profiles=profile or [], env_files=env_file or []))
    except Compose2K8sError as exc:
        _fail(exc)
    typer.echo(report.to_json() if fmt == "json" else report.to_markdown())
    raise typer.Exit(1 if report.lossy else 0)


@app.command()
def diff(old: Annotated[Path, typer.Argument(help="Old tree, kustomization, manifest file or folder, or cluster export.")],
         new: Annotated[Path, typer.Argument(help="New tree, kustomization, manifest file or folder, or cluster export.")],
         overlay: Annotated[Optional[str], typer.Option(help="Render this overlay of each side that is a tree.")] = None,
         ignore: Annotated[Optional[list[str]], typer.Option(
             metavar="OBJECTS[:FIELD]", help="Leave out objects, or fields of objects (globs), e.g. 'Deployment/*:spec.replicas', "
                  "'*:metadata.labels.environment', 'Secret/*' (repeatable).")] = None,
         ignore_labels: Annotated[bool, typer.Option("--ignore-labels", help="Do not compare metadata labels.")] = False,
         ignore_annotations: Annotated[bool, typer.Option("--ignore-annotations",
                                                          help="Do not compare metadata annotations.")] = False,
         fmt: Annotated[str, typer.Option("--format", help="text or json")] = "text") -> None:
    """Semantic diff: list items matched by identity, server fields and API defaults set aside.

    Exit 0: same; 1: different; 2: error.
    """
    from .tree_diff import diff as run_diff
    from .errors import Compose2K8sError
    if fmt not in ("text", "json"):
        _fail(ValueError(f"--format must be text or json, not '{fmt}'"))
    try:
        report = run_diff(old, new, overlay, ignore=ignore or (), ignore_labels=ignore_labels,
                          ignore_annotations=ignore_annotations)
    except Compose2K8sError as exc:
        _fail(exc)
    typer.echo(report.to_json() if fmt == "json" else report.to_text())
    raise typer.Exit(0 if report.same else 1)


@app.command()
def validate(directory: Annotated[Path, typer.Argument(help="A generated tree or one kustomization folder.")]) -> None:
    """Render each kustomization (kubectl kustomize) and check every object against strict schemas."""
    from .validate import validate_tree
    if not directory.is_dir():
        _fail(FileNotFoundError(f"{directory}: not a folder"))
    report = validate_tree(directory)
    for label, objects in report.rendered.items():
        typer.echo(f"{label}: {len(objects)} objects rendered")
    for note in report.notes:
        typer.echo(f"note: {note}")
    for problem in report.problems:
        typer.echo(f"invalid: {problem}", err=True)
    typer.echo("valid" if report.ok else f"{len(report.problems)} problem(s)")
    raise typer.Exit(0 if report.ok else 1)


def main() -> None:
    """Console-script entry point."""
    # A short-lived process allocating millions of small objects, nearly none in cycles:
    # collecting costs 10-20% of a large conversion and frees almost nothing (5000 services:
    # peak RSS 180 MiB with collection, 190 MiB without).
    gc.disable()
    # pydantic scans every installed package's entry points for plugins on first use (~30 ms);
    # this command line has none to offer. A library caller keeps pydantic's default.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the last guard: a bug, reported without a traceback
        if os.environ.get("COMPOSE2K8S_DEBUG"):
            raise
        typer.echo(f"internal error: {type(exc).__name__}: {exc}\n  hint: this is a compose2k8s bug; "
                   "rerun with COMPOSE2K8S_DEBUG=1 for details and report it", err=True)
        sys.exit(3)
