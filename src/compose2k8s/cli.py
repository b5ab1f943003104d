"""The command line: flags → library calls → files and messages. No logic of its own.

Every library error becomes one message on stderr and exit code 2; nothing prints a
traceback to the user.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
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


@app.command()
def validate(directory: Annotated[Path, typer.Argument(help="A generated tree or one kustomization folder.")]) -> None:
    """Render each kustomization (kubectl kustomize) and check every object against strict schemas."""
    from .validate import validate_tree
    if not directory.is_dir():
        _fail(FileNotFoundError(f"{directory}: not a folder"))
    report = validate_tree(directory)
    for label, objects in report.rendered.items():
        typer.echo(f"{label}: {len(objects)} objects rendered")
    for problem in report.problems:
        typer.echo(f"invalid: {problem}", err=True)
    typer.echo("valid" if report.ok else f"{len(report.problems)} problem(s)")
    raise typer.Exit(0 if report.ok else 1)


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
