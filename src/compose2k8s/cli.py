"""The command line: flags → library calls → files and messages. No logic of its own.

One error boundary (`_Boundary`): a `Compose2K8sError` becomes one message on stderr and
exit code 2; anything else is our bug: exit 3 with "please report", never a traceback
(unless COMPOSE2K8S_DEBUG is set).
"""
from __future__ import annotations

import gc
import os
import signal
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from typer.core import TyperGroup


class _Boundary(TyperGroup):
    """Every command runs inside this: the only place errors become messages and exit codes."""

    def invoke(self, ctx: Any) -> Any:
        from .errors import Compose2K8sError
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise
        except Compose2K8sError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            typer.echo("interrupted", err=True)
            raise typer.Exit(130) from None
        except Exception as exc:  # noqa: BLE001 - a bug: reported without a traceback
            if os.environ.get("COMPOSE2K8S_DEBUG"):
                raise
            typer.echo(f"internal error: {type(exc).__name__}: {exc}\n  hint: this is a compose2k8s bug; please "
                       "report it (rerun with COMPOSE2K8S_DEBUG=1 for the details)", err=True)
            raise typer.Exit(3) from None


app = typer.Typer(cls=_Boundary, add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  rich_markup_mode=None, help="Turn a Docker Compose project into a production-grade Kustomize tree.")

FilesArg = Annotated[Optional[list[Path]], typer.Argument(help="Compose files, merged in order.", show_default=False)]
FileOpt = Annotated[Optional[list[Path]], typer.Option("--file", "-f", help="Compose file (repeatable).",
                                                        show_default=False)]
ProfileOpt = Annotated[Optional[list[str]], typer.Option("--profile", help="Enable a profile (repeatable).",
                                                          show_default=False)]
EnvFileOpt = Annotated[Optional[list[Path]], typer.Option("--env-file", help="Use this env file instead of .env.",
                                                           show_default=False)]
OutsideOpt = Annotated[bool, typer.Option("--allow-outside-project",
                                          help="Read files outside the project folder (symlinks included).")]


@app.callback()
def _root() -> None:
    """compose2k8s: convert, inspect and compare Compose → Kubernetes migrations."""


def _choice(flag: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        from .errors import OptionsError
        raise OptionsError(f"{flag} must be {' or '.join(allowed)}, not '{value}'", hint=f"e.g. {flag} {allowed[0]}")


def _files(files: list[Path] | None, file_opts: list[Path] | None) -> list[Path]:
    return [*(file_opts or []), *(files or [])]


@app.command()
def config(files: FilesArg = None, file: FileOpt = None, profile: ProfileOpt = None, env_file: EnvFileOpt = None,
           allow_outside_project: OutsideOpt = False,
           fmt: Annotated[str, typer.Option("--format", help="yaml or json")] = "yaml") -> None:
    """Print the normalised compose project, like `docker compose config`."""
    from .compose.load import LoadOptions, load_project
    from .compose.render import render_config
    _choice("--format", fmt, ("yaml", "json"))
    project = load_project(_files(files, file), LoadOptions(profiles=tuple(profile or ()), env_files=env_file or None,
                                                            allow_outside_project=allow_outside_project))
    data = render_config(project)
    if fmt == "json":
        import json
        typer.echo(json.dumps(data, indent=2, default=str))
    else:
        import yaml
        typer.echo(yaml.safe_dump(data, sort_keys=False, default_flow_style=False, allow_unicode=True), nl=False)


def _print_warnings(diagnostics) -> None:  # noqa: ANN001
    """The warnings, repeats folded into one line each (diagnostics.fold)."""
    from .diagnostics import fold
    for line in fold([d for d in diagnostics if d.severity == "warning"]):
        typer.echo(str(line), err=True)


def _print_summary(diagnostics, audit: str) -> None:  # noqa: ANN001
    """One line: how many warnings (by code) and notes, and the command that shows them all."""
    from collections import Counter
    warnings = [d for d in diagnostics if d.severity == "warning"]
    codes = Counter(d.code for d in warnings)
    infos = len(diagnostics) - len(warnings)
    if not diagnostics:
        return
    counted = f"{len(warnings)} warning{'s' if len(warnings) != 1 else ''}" + (
        f" ({', '.join(f'{n} {code}' for code, n in sorted(codes.items(), key=lambda c: (-c[1], c[0])))})"
        if warnings else "")
    typer.echo(f"{counted}, {infos} note{'s' if infos != 1 else ''}: `{audit}` shows them all", err=True)


def _audit_command(files: list[Path], profiles: list[str] | None, env_files: list[Path] | None) -> str:
    """The audit command for the same project, as the user would type it."""
    import shlex
    words = ["compose2k8s", "audit", *(str(f) for f in files)]
    words += [w for p in profiles or [] for w in ("--profile", p)]
    words += [w for e in env_files or [] for w in ("--env-file", str(e))]
    return " ".join(shlex.quote(w) for w in words)


@app.command()
def convert(
    files: FilesArg = None, file: FileOpt = None, profile: ProfileOpt = None, env_file: EnvFileOpt = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Output folder.")] = None,
    namespace: Annotated[Optional[str], typer.Option(help="Namespace prefix (overlays add -dev, …).")] = None,
    overlays: Annotated[Optional[str], typer.Option(help="Comma-separated overlays: dev,staging,prod.")] = None,
    secrets: Annotated[Optional[str], typer.Option(help="sops | ksops | flux | placeholder")] = None,
    age: Annotated[Optional[list[str]], typer.Option("--age", help="age recipient (repeatable).")] = None,
    allow_outside_project: OutsideOpt = False,
    allow_host_path: Annotated[bool, typer.Option("--allow-host-path",
                                                  help="Map host system paths to hostPath volumes.")] = False,
    dev_live_code: Annotated[bool, typer.Option("--dev-live-code", help="dev: mount each service's own source "
                                                "from this checkout (Kind) instead of the image's copy.")] = False,
    stdout: Annotated[bool, typer.Option("--stdout", help="Print the files instead of writing them.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Convert and report; write nothing.")] = False,
    force: Annotated[bool, typer.Option(help="Also write into a non-empty folder we did not create "
                                             "(your files there are never replaced).")] = False,
) -> None:
    """Convert compose files into base/ + overlays/{dev,staging,prod}/ (+ secrets/)."""
    from .api import convert as run_convert
    from .errors import OptionsError
    from .options import options_from_mapping
    if output is None and not (stdout or dry_run):
        raise OptionsError("give -o DIR, --stdout or --dry-run", hint="e.g. -o k8s")
    given: dict = {"profiles": profile, "env_files": env_file, "namespace": namespace, "secrets": secrets,
                   "age_recipients": age, "allow_outside_project": allow_outside_project or None,
                   "allow_host_path": allow_host_path or None, "dev_live_code": dev_live_code or None,
                   "overlays": [o.strip() for o in overlays.split(",") if o.strip()] if overlays else None}
    options = options_from_mapping({k: v for k, v in given.items() if v not in (None, [])}, None)
    result = run_convert(_files(files, file), options, output=output)
    if stdout:
        for path, text in result.files.items():
            typer.echo(f"# --- {path}\n{text}", nl=False)
    elif not dry_run:
        result.write(force=force)
    _print_warnings(result.diagnostics)
    if result.recipients is not None:
        chosen = result.recipients
        typer.echo(f"Secrets encrypted to {len(chosen.found)} age recipient(s) from {chosen.source}: "
                   + ", ".join(chosen.found), err=True)
    kinds = ", ".join(f"{n} {k}" for k, n in result.summary().items())
    where = "printed" if stdout else ("not written (dry run)" if dry_run else f"written to {output}")
    typer.echo(f"{len(result.files)} files {where}: {kinds}", err=stdout)
    _print_summary(result.diagnostics, _audit_command(_files(files, file), profile, env_file))


@app.command()
def audit(files: FilesArg = None, file: FileOpt = None, profile: ProfileOpt = None, env_file: EnvFileOpt = None,
          allow_outside_project: OutsideOpt = False,
          fmt: Annotated[str, typer.Option("--format", help="md or json")] = "md") -> None:
    """What became of every compose key (object and field, or why not), with a Mermaid diagram.

    Exit 0: everything mapped; 1: some keys were not fully mapped (see the warnings); 2: error.
    """
    from .migration_audit import audit as run_audit
    from .options import ConvertOptions
    _choice("--format", fmt, ("md", "json"))
    given = {"profiles": profile, "env_files": env_file, "allow_outside_project": allow_outside_project or None}
    report = run_audit(_files(files, file), ConvertOptions(**{k: v for k, v in given.items() if v}))
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
    _choice("--format", fmt, ("text", "json"))
    report = run_diff(old, new, overlay, ignore=ignore or (), ignore_labels=ignore_labels,
                      ignore_annotations=ignore_annotations)
    typer.echo(report.to_json() if fmt == "json" else report.to_text())
    raise typer.Exit(0 if report.same else 1)


@app.command()
def validate(directory: Annotated[Path, typer.Argument(help="A generated tree or one kustomization folder.")]) -> None:
    """Render each kustomization (kubectl kustomize) and check every object against strict schemas."""
    from .errors import OptionsError
    from .validate import validate_tree
    if not directory.is_dir():
        raise OptionsError("not a folder", file=str(directory), hint="give the folder convert wrote (-o)")
    report = validate_tree(directory)
    for label, objects in report.rendered.items():
        typer.echo(f"{label}: {len(objects)} objects rendered")
    for note in report.notes:
        typer.echo(f"note: {note}")
    for problem in report.problems:
        typer.echo(f"invalid: {problem}", err=True)
    typer.echo("valid" if report.ok else f"{len(report.problems)} problem(s)")
    raise typer.Exit(0 if report.ok else 1)


def _terminated(signum: int, _frame: Any) -> None:
    """SIGTERM (CI cancellation, `timeout`) unwinds like Ctrl-C, so clean-ups run."""
    raise SystemExit(128 + signum)


def main() -> None:
    """Console-script entry point."""
    # A short-lived process allocating millions of small objects, nearly none in cycles:
    # collecting costs 10-20% of a large conversion and frees almost nothing (5000 services:
    # peak RSS 180 MiB with collection, 190 MiB without).
    gc.disable()
    # pydantic scans every installed package's entry points for plugins on first use (~30 ms);
    # this command line has none to offer. A library caller keeps pydantic's default.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    signal.signal(signal.SIGTERM, _terminated)
    app()
