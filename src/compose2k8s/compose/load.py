"""From compose files to a `ComposeProject`, the way Docker Compose reads them.

Per file (load_file.py): YAML → interpolation → canonical long form → `extends` →
`include`; then the files are merged in order, profiles applied, references checked, env
files read and the result typed.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp()); _ = (d / "compose.yaml").write_text("services: {web: {image: nginx}}")
>>> load_project([d / "compose.yaml"]).services["web"].image
'nginx'
"""
from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from .. import limits
from ..errors import ComposeError
from ..project_files import ProjectFiles
from .checks import check_files, check_services, check_sources
from .context import LoadContext, locate_error
from .environment import environment, resolve_environment, resolve_labels
from .load_file import load_file
from .merge import merge, strip_tags
from .model import ComposeProject
from .normalise import apply_profiles, default_targets, implicit_dependencies, project_name

DEFAULT_FILES = ("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml")


@dataclass
class LoadOptions:
    """What the caller adds to the files: profiles, env files, environment, and whether files
    outside the project folder may be read (`env_files` given by the caller are read wherever
    they are, unless `trusted_env_files` is False: then they came from a project file)."""

    profiles: Sequence[str] = ()
    env_files: Sequence[Path] | None = None
    environ: Mapping[str, str] | None = None
    project_name: str | None = None
    allow_outside_project: bool = False
    trusted_env_files: bool = True


def _typed(data: dict, name: str, working_dir: Path, files: list[Path], env: dict[str, str]) -> ComposeProject:
    services = {n: {**s, "name": n} for n, s in data["services"].items()}
    return ComposeProject(
        name=name, working_dir=working_dir, files=files, services=services,
        volumes={k: v or {} for k, v in (data.get("volumes") or {}).items()},
        networks={k: v or {} for k, v in (data.get("networks") or {}).items()},
        secrets={k: v or {} for k, v in (data.get("secrets") or {}).items()},
        configs={k: v or {} for k, v in (data.get("configs") or {}).items()},
        extensions={k: v for k, v in data.items() if isinstance(k, str) and k.startswith("x-")},
        environment=env,
    )


def _validation_error(exc: ValidationError, ctx: LoadContext, files: list[str]) -> ComposeError:
    first = exc.errors()[0]
    key = ".".join(str(p) for p in first["loc"])
    value = first.get("input")
    message = first["msg"].removeprefix("Value error, ")
    if isinstance(value, (str, int, float)) and len(str(value)) < 60 and str(value) not in message:
        message = f"invalid value '{value}': {message}"
    error = ComposeError(message, key=key,
                         hint="see the Compose specification for this key's type")
    return locate_error(error, ctx, files)


def load_project(files: Sequence[str | Path], options: LoadOptions | None = None) -> ComposeProject:
    """Load and normalise a compose project from one or more files (merged in order)."""
    options = options or LoadOptions()
    paths = [Path(f) for f in files]
    if not paths:
        found = next((Path(n) for n in DEFAULT_FILES if Path(n).exists()), None)
        if not found:
            raise ComposeError("no compose file given and none found here",
                               hint=f"pass a file, or run where one of {', '.join(DEFAULT_FILES)} exists")
        paths = [found]
    paths = [Path(os.path.abspath(p)) for p in paths]
    working_dir = paths[0].parent
    environ = dict(os.environ if options.environ is None else options.environ)
    env_paths = [Path(p) for p in options.env_files] if options.env_files else [working_dir / ".env"]
    trusted = paths + (env_paths if options.env_files and options.trusted_env_files else [])
    files = ProjectFiles.of_compose_files(paths, options.allow_outside_project, trusted)
    env = environment(environ, env_paths, files, explicit=bool(options.env_files))
    ctx = LoadContext(env=env, files=files, loading=tuple(str(p) for p in paths))
    names = [str(p) for p in paths]
    data: dict = {}
    for path in paths:
        loaded = load_file(path, working_dir, ctx)
        data = merge(data, loaded) if data else loaded
    if any("!reset" in text or "!override" in text for text in ctx.texts.values()):
        data = strip_tags(data)  # a walk over everything, only when a file has the tags
    data.setdefault("services", {})
    if len(data["services"] or {}) > limits.SERVICES:
        raise ComposeError(f"more than {limits.SERVICES:,} services", file=names[0], key="services",
                           hint="split the project; each part converts on its own")
    try:
        profiles = set(options.profiles) or {p for p in env.get("COMPOSE_PROFILES", "").split(",") if p}
        defined = set(data["services"] or {})
        data["services"] = apply_profiles(data["services"] or {}, profiles)
        implicit_dependencies(data["services"])
        check_services(data["services"], data, defined)
        check_sources(data)
        check_files(data)
        resolve_environment(data["services"], env, files)
        resolve_labels(data["services"], env, files)
        default_targets(data["services"])
        name = project_name(data, env, working_dir, options.project_name)
        project = _typed(data, name, working_dir, paths, env)
        project._reader = files  # the passes read through the same reader: one budget per run
        return project
    except ComposeError as exc:
        raise locate_error(exc, ctx, names) from None
    except ValidationError as exc:
        raise _validation_error(exc, ctx, names) from None
