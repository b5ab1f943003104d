"""From compose files to a `ComposeProject`, the way Docker Compose reads them.

Per file: YAML → interpolation → canonical long form → `extends` → `include`; then the
files are merged in order, profiles applied, references checked, env files read and the
result typed.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp()); _ = (d / "compose.yaml").write_text("services: {web: {image: nginx}}")
>>> load_project([d / "compose.yaml"]).services["web"].image
'nginx'
"""
from __future__ import annotations

import difflib
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .. import limits
from ..errors import ComposeError
from ..mappings import compose_keys
from ..project_files import ProjectFiles
from . import canonical
from .dotenv import parse_dotenv, parse_raw
from .interpolate import Substituted, interpolate, scrub
from .merge import merge, strip_tags
from .model import ComposeProject
from .paths import absolute
from .yamlio import load_documents, locate

DEFAULT_FILES = ("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml")
_RESOURCES = ("volumes", "networks", "secrets", "configs")
_SERVICE_NAME = re.compile(r"^[a-zA-Z0-9._-]+$")


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


@dataclass
class _Shared:
    """What one load keeps across its files: files `extends` read (each parsed once), files
    included (each once), and the entries services got through `extends` (bounded)."""

    extends_files: dict[str, dict] = field(default_factory=dict)
    included: set[str] = field(default_factory=set)
    extended_entries: int = 0


@dataclass
class _Context:
    env: dict[str, str]
    files: ProjectFiles
    texts: dict[str, str] = field(default_factory=dict)
    loading: tuple[str, ...] = ()
    substituted: Substituted = field(default_factory=Substituted)
    shared: _Shared = field(default_factory=_Shared)

    def read(self, path: Path, key: str | None = None) -> Any:
        """Read, parse and merge the documents of one file (cached text for error lines)."""
        name = str(path)
        kind = self.files.kind(path, key)
        if kind == "missing":
            raise ComposeError("file not found", file=name, hint="check the path, or run from the project folder")
        if kind == "folder":
            raise ComposeError("is a folder, not a compose file", file=name, hint="name the compose file inside it")
        raw = self.files.read_bytes(path, key, limits.COMPOSE_FILE_BYTES, "compose file")
        docs = load_documents(raw, name)
        self.texts[name] = raw.decode("utf-8-sig", errors="replace")
        docs = [d for d in docs if d is not None]
        if not docs:
            raise ComposeError("the file is empty", file=name,
                               hint="add a services: section, e.g. services: {web: {image: nginx}}")
        data: Any = None
        for doc in docs:
            if not isinstance(doc, dict):
                raise ComposeError(f"top level must be a mapping, not a {_kind(doc)}", file=name, line=1,
                                   hint="start the file with services:")
            data = doc if data is None else merge(data, doc)
        return data


def _kind(value: Any) -> str:
    return {list: "list", str: "string", int: "number", float: "number", bool: "boolean"}.get(type(value), "value")


def _suggest(word: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else "remove it or check the Compose specification"


def _locate_error(exc: ComposeError, ctx: _Context, files: Sequence[str]) -> ComposeError:
    """Name the file and line of the error's key; values interpolation put there are not shown."""
    exc.message = scrub(exc.message, exc.key, ctx.substituted)
    exc.hint = exc.hint and scrub(exc.hint, exc.key, ctx.substituted)
    if exc.file is None and exc.key:
        path = tuple(p for p in exc.key.split("."))
        for name in reversed(files):
            line = locate(ctx.texts.get(name, ""), path)
            if line:
                exc.file, exc.line = name, line
                break
        else:
            exc.file = files[0] if files else None
    return exc


def _check_v1(data: dict, file: str) -> None:
    if "services" in data:
        return
    looks_v1 = data and all(isinstance(v, dict) and ({"image", "build"} & set(v)) for k, v in data.items()
                            if not str(k).startswith("x-") and k != "version")
    if looks_v1:
        raise ComposeError("this is the old Compose v1 format (services at the top level, no services: key)",
                           file=file, line=1,
                           hint="move the services under a top-level services: key (Compose v2+ format)")


def _check_top_level(data: dict, file: str) -> None:
    allowed = compose_keys().top_level
    for key in data:
        if not isinstance(key, str):
            raise ComposeError(f"top-level key {key!r} is not a string", file=file, hint="quote it")
        if key not in allowed and not key.startswith("x-"):
            raise ComposeError(f"unknown top-level key '{key}'", key=key,
                               hint=_suggest(key, list(allowed)))


def _canonical_file(data: dict, base: Path, file: str) -> dict:
    """Canonicalise one file's parsed, interpolated content."""
    out = dict(data)
    services = out.get("services")
    if services is None:
        services = {}
    if not isinstance(services, dict):
        raise ComposeError(f"services must be a mapping, not a {_kind(services)}", key="services",
                           hint="list each service as name: {image: ...}")
    out["services"] = {str(n): canonical.service(s, str(n), base) for n, s in services.items()}
    for section in _RESOURCES:
        entries = out.get(section)
        if entries is None:
            continue
        if not isinstance(entries, dict):
            raise ComposeError(f"{section} must be a mapping", key=section, hint=f"write {section}: {{name: {{}}}}")
        try:
            out[section] = {str(n): canonical.top_level_resource(e, base) for n, e in entries.items()}
        except ValueError as exc:
            raise ComposeError(f"{section} entries must be mappings ({exc})", key=section,
                               hint=f"write {section}: {{name: {{}}}}") from None
    return out


def _load_file(path: Path, base: Path, ctx: _Context, key: str | None = None) -> dict:
    """One file, interpolated and canonical, with its extends and includes resolved."""
    name = str(path)
    data = ctx.read(path, key)
    _check_v1(data, name)
    try:
        _check_top_level(data, name)
        data = interpolate(data, ctx.env, substituted=ctx.substituted)
        data = _canonical_file(data, base, name)
        _resolve_extends(data["services"], path, base, ctx)
    except ComposeError as exc:
        raise _locate_error(exc, ctx, [name]) from None
    for included in _includes(data.pop("include", None), base, name):
        _add_included(data, included, ctx, name)
    return data


def _includes(raw: Any, base: Path, file: str) -> list[dict]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ComposeError("include must be a list", file=file, key="include", hint="write include: [path.yaml]")
    out = []
    for item in raw:
        if not isinstance(item, (str, dict)) or isinstance(item, dict) and not item.get("path"):
            raise ComposeError(f"include entry {item!r} is neither a path nor a mapping with path:", file=file,
                               key="include", hint="write include: [other/compose.yaml]")
        entry = {"path": item} if isinstance(item, str) else dict(item)
        paths = entry["path"] if isinstance(entry.get("path"), list) else [entry.get("path")]
        entry["path"] = [Path(absolute(str(p), base)) for p in paths]
        if entry.get("project_directory"):
            entry["project_directory"] = Path(absolute(str(entry["project_directory"]), base))
        env_file = entry.get("env_file")
        if env_file:
            entry["env_file"] = [Path(absolute(str(p), base))
                                 for p in (env_file if isinstance(env_file, list) else [env_file])]
        out.append(entry)
    return out


def _add_included(data: dict, entry: dict, ctx: _Context, file: str) -> None:
    first = entry["path"][0]
    if str(first) in ctx.loading:
        raise ComposeError(f"include cycle through {first}", file=file, key="include",
                           hint="remove the include that points back")
    if len(ctx.loading) > limits.INCLUDE_DEPTH:
        raise ComposeError(f"includes nest deeper than {limits.INCLUDE_DEPTH} files", file=file, key="include",
                           hint="flatten the includes")
    if str(first) in ctx.shared.included:
        return  # the same file again: merging it twice changes nothing
    ctx.shared.included.add(str(first))
    base = entry.get("project_directory") or first.parent
    env_paths = entry.get("env_file") or [base / ".env"]
    env = _environment(ctx.env, env_paths, ctx.files, explicit=bool(entry.get("env_file")))
    sub = _Context(env=env, files=ctx.files, texts=ctx.texts, loading=ctx.loading + (str(first),),
                   substituted=ctx.substituted, shared=ctx.shared)
    merged: dict = {}
    for path in entry["path"]:
        loaded = _load_file(path, base, sub, key="include")
        merged = merge(merged, loaded) if merged else loaded
    for section in ("services",) + _RESOURCES:
        for name, value in (merged.get(section) or {}).items():
            mine = data[section] = data.get(section) or {}
            if name in mine and mine[name] != value:
                raise ComposeError(f"{section}.{name} is defined both here and in included {first}",
                                   file=file, key=f"{section}.{name}", hint="rename one of them")
            mine[name] = value


def _resolve_extends(services: dict, path: Path, base: Path, ctx: _Context) -> None:
    cache: dict[tuple[str, str], dict] = {}
    for name in list(services):
        services[name] = _extended(name, services, path, ctx, (), cache)


def _extended(name: str, services: dict, path: Path, ctx: _Context,
              chain: tuple[tuple[str, str], ...], cache: dict) -> dict:
    ident = (str(path), name)
    if ident in cache:
        return cache[ident]
    if name not in services:
        raise ComposeError(f"extends names unknown service '{name}'", file=str(path),
                           key=f"services.{chain[-1][1]}.extends" if chain else None,
                           hint=_suggest(name, list(services)))
    svc = services[name]
    spec = svc.get("extends")
    if not spec:
        return svc
    if ident in chain:
        raise ComposeError(f"extends cycle: {' -> '.join(n for _, n in chain + (ident,))}",
                           key=f"services.{name}.extends", hint="break the loop of extends")
    if len(chain) >= limits.EXTENDS_DEPTH:
        raise ComposeError(f"extends chain longer than {limits.EXTENDS_DEPTH} services",
                           key=f"services.{name}.extends", hint="shorten the chain of extends")
    other = spec.get("file")
    if other:
        other_path = Path(other)
        other_services = _extends_file(other_path, ctx, f"services.{name}.extends.file")
        base_service = _extended(spec["service"], other_services, other_path, ctx, chain + (ident,), cache)
    else:
        base_service = _extended(spec["service"], services, path, ctx, chain + (ident,), cache)
    own = {k: v for k, v in svc.items() if k != "extends"}
    result = merge({k: v for k, v in base_service.items() if k != "extends"}, own, ("services", name))
    ctx.shared.extended_entries += sum(len(v) for v in result.values() if isinstance(v, (dict, list)))
    if ctx.shared.extended_entries > limits.EXTENDED_ENTRIES:
        raise ComposeError(f"services get more than {limits.EXTENDED_ENTRIES:,} entries through extends",
                           key=f"services.{name}.extends", hint="extend smaller services, or fewer times")
    cache[ident] = result
    return result


def _extends_file(path: Path, ctx: _Context, key: str) -> dict:
    """The canonical services of a file `extends` names, read and parsed once per load."""
    known = ctx.shared.extends_files.get(str(path))
    if known is None:
        raw = ctx.read(path, key)
        try:
            raw = interpolate(raw, ctx.env, substituted=ctx.substituted)
            known = _canonical_file(raw, path.parent, str(path))["services"]
        except ComposeError as exc:
            raise _locate_error(exc, ctx, [str(path)]) from None
        ctx.shared.extends_files[str(path)] = known
    return known


def _environment(environ: Mapping[str, str], env_paths: Sequence[Path], files: ProjectFiles,
                 explicit: bool) -> dict[str, str]:
    """Shell environment over the .env values (which may use the shell's)."""
    values: dict[str, str] = {}
    for path in env_paths:
        kind = files.kind(path)
        if kind == "missing":
            if explicit:
                raise ComposeError("env file not found", file=str(path), hint="check the --env-file path")
            continue
        if kind == "folder":
            continue
        text = files.read_text(path, cap=limits.ENV_FILE_BYTES, what="env file")
        parsed = parse_dotenv(text, str(path), {**values, **environ})
        values.update({k: v for k, v in parsed.items() if v is not None})
    return {**values, **environ}


def _project_name(data: dict, env: Mapping[str, str], working_dir: Path, override: str | None) -> str:
    raw = override or data.get("name") or env.get("COMPOSE_PROJECT_NAME") or working_dir.resolve().name
    name = re.sub(r"[^a-z0-9_-]", "", str(raw).lower())
    if not name or not name[0].isalnum():
        name = "project" + name
    return name


def _apply_profiles(services: dict, profiles: set[str]) -> dict:
    """The services the profiles enable. An optional dependency (`required: false`) on a
    disabled service stays listed, as Compose prints it; a required one is an error."""
    enabled = {n: s for n, s in services.items()
               if not s.get("profiles") or "*" in profiles or profiles & set(s["profiles"])}
    for name, svc in enabled.items():
        for dep, spec in (svc.get("depends_on") or {}).items():
            if dep in services and dep not in enabled and spec.get("required", True):
                wanted = ", ".join(services[dep].get("profiles") or [])
                raise ComposeError(f"depends on '{dep}', which is disabled by its profiles ({wanted})",
                                   key=f"services.{name}.depends_on.{dep}",
                                   hint=f"add --profile {wanted.split(',')[0]} or mark the dependency required: false")
    return enabled


def _check_services(services: dict, data: dict, defined: set[str]) -> None:
    """Keys, names, references; `defined` also holds the services the profiles disabled."""
    allowed = compose_keys().service
    for name, svc in services.items():
        if not _SERVICE_NAME.match(name):
            raise ComposeError(f"service name '{name}' has characters Compose does not allow",
                               key=f"services.{name}", hint="use letters, digits, '.', '_' and '-'")
        for key in svc:
            if key not in allowed and not str(key).startswith("x-"):
                raise ComposeError(f"unknown key '{key}' in service '{name}'", key=f"services.{name}.{key}",
                                   hint=_suggest(str(key), list(allowed)))
        if not svc.get("image") and "build" not in svc and "provider" not in svc:
            raise ComposeError(f"service '{name}' has neither image nor build", key=f"services.{name}",
                               hint="add image: <name:tag>")
        _check_networks(name, svc, data)
        _check_develop(name, svc)
        for dep, spec in (svc.get("depends_on") or {}).items():
            if dep not in defined:
                raise ComposeError(f"depends on unknown service '{dep}'", key=f"services.{name}.depends_on",
                                   hint=_suggest(dep, list(services)))
            if dep not in services and spec.get("required", True):
                raise ComposeError(f"needs '{dep}' (links, volumes_from or a service: mode), which its profiles "
                                   "disable", key=f"services.{name}", hint=f"enable a profile of '{dep}'")
        for mount in svc.get("volumes") or []:
            source = mount.get("source") if isinstance(mount, dict) else None
            if mount.get("type") == "volume" and source and source not in (data.get("volumes") or {}):
                raise ComposeError(f"uses volume '{source}', which is not declared under the top-level volumes:",
                                   key=f"services.{name}.volumes",
                                   hint=f"add volumes: {{{source}: {{}}}} at the top level, or use ./{source} for a folder")
        for section in ("secrets", "configs"):
            for ref in svc.get(section) or []:
                if ref.get("source") not in (data.get(section) or {}):
                    raise ComposeError(f"uses {section[:-1]} '{ref.get('source')}', which is not declared "
                                       f"under the top-level {section}:", key=f"services.{name}.{section}",
                                       hint=f"declare it: {section}: {{{ref.get('source')}: {{file: ./path}}}}")
    _check_cycles(services)


def _check_networks(name: str, svc: dict, data: dict) -> None:
    declared = set(data.get("networks") or {}) | {"default"}
    networks = svc.get("networks") or {}
    if networks and svc.get("network_mode"):
        raise ComposeError("network_mode and networks are mutually exclusive", key=f"services.{name}",
                           hint="keep one of them")
    for network in networks:
        if network not in declared:
            raise ComposeError(f"uses network '{network}', which is not declared under the top-level networks:",
                               key=f"services.{name}.networks",
                               hint=f"add networks: {{{network}: {{}}}} at the top level")


def _check_develop(name: str, svc: dict) -> None:
    for index, watch in enumerate((svc.get("develop") or {}).get("watch") or []):
        missing = [k for k in ("path", "action") if k not in (watch or {})]
        if missing:
            raise ComposeError(f"develop.watch entry {index} misses '{missing[0]}'",
                               key=f"services.{name}.develop.watch", hint="give path: and action:")


def _check_sources(data: dict) -> None:
    wanted = {"secrets": ("file", "environment"), "configs": ("file", "environment", "content")}
    for section, sources in wanted.items():
        for name, entry in (data.get(section) or {}).items():
            if not entry.get("external") and not any(entry.get(k) is not None for k in sources):
                raise ComposeError(f"{section[:-1]} '{name}' must declare one of {', '.join(sources)} or external",
                                   key=f"{section}.{name}", hint="e.g. file: ./secret.txt")


def _implicit_dependencies(services: dict) -> None:
    """links, volumes_from and `service:` namespace modes imply depends_on, as in Compose."""
    for svc in services.values():
        implied = [str(link).split(":")[0] for link in svc.get("links") or []]
        implied += [str(v).split(":")[0] for v in svc.get("volumes_from") or [] if not str(v).startswith("container:")]
        for key in ("network_mode", "ipc", "pid"):
            value = str(svc.get(key) or "")
            if value.startswith("service:"):
                implied.append(value.split(":", 1)[1])
        for dep in implied:
            deps = svc.setdefault("depends_on", {})
            if dep not in deps:
                deps[dep] = {"condition": "service_started", "required": True}


def _check_cycles(services: dict) -> None:
    state: dict[str, int] = {}

    def visit(name: str, trail: list[str]) -> None:
        state[name] = 1
        for dep in services[name].get("depends_on") or {}:
            if dep not in services:
                continue  # an optional dependency on a disabled service
            if state.get(dep) == 1:
                cycle = trail[trail.index(dep):] + [dep] if dep in trail else [name, dep]
                raise ComposeError(f"dependency cycle: {' -> '.join(cycle)}", key=f"services.{name}.depends_on",
                                   hint="remove one depends_on entry of the cycle")
            if state.get(dep) is None:
                visit(dep, trail + [dep])
        state[name] = 2

    for name in sorted(services):
        if state.get(name) is None:
            visit(name, [name])


_ENV_FILE_FORMATS = {"": parse_dotenv, "raw": parse_raw}


def _resolve_environment(services: dict, env: Mapping[str, str], files: ProjectFiles) -> None:
    """env_file contents under `environment`; bare keys filled from the environment. A file
    several services use is parsed once (and counted at each use by the reader)."""
    parsed: dict[tuple[Path, str], dict[str, str | None]] = {}
    for name, svc in services.items():
        merged: dict[str, Any] = {}
        for entry in svc.get("env_file") or []:
            path, key = Path(entry["path"]), f"services.{name}.env_file"
            form = entry.get("format") or ""
            if form not in _ENV_FILE_FORMATS:
                raise ComposeError(f"unsupported env_file format '{entry['format']}'", key=key,
                                   hint="use format: raw, or leave format out")
            files.resolve(path, key, "env_file")
            if files.kind(path, key) == "missing":
                if entry.get("required", True):
                    raise ComposeError(f"env_file {path} not found", key=key,
                                       hint="create it, fix the path, or set required: false")
                continue
            text = files.read_text(path, key, limits.ENV_FILE_BYTES, "env file")
            values = parsed.get((path, form))
            if values is None:
                values = parsed[(path, form)] = _ENV_FILE_FORMATS[form](text, str(path), env)
            merged.update({k: v for k, v in values.items() if v is not None})  # a bare unset KEY is left out
        for key, value in (svc.get("environment") or {}).items():
            merged[key] = env.get(key) if value is None else value
        if merged or "environment" in svc:
            svc["environment"] = merged


def _resolve_labels(services: dict, env: Mapping[str, str], files: ProjectFiles) -> None:
    """label_file contents under `labels` (entries of `labels` win; keys without a value are
    dropped), as Compose merges them; the files stay listed for the audit."""
    for name, svc in services.items():
        merged: dict[str, Any] = {}
        for file in svc.get("label_file") or []:
            path, key = Path(file), f"services.{name}.label_file"
            files.resolve(path, key, "label_file")
            if files.kind(path, key) == "missing":
                raise ComposeError(f"label_file {path} not found", key=key, hint="create it or fix the path")
            values = parse_dotenv(files.read_text(path, key, limits.ENV_FILE_BYTES, "label file"), str(path), env)
            merged.update({k: v for k, v in values.items() if v is not None})
        if merged:
            svc["labels"] = {**merged, **(svc.get("labels") or {})}


def _check_files(data: dict) -> None:
    for section in ("secrets", "configs"):
        for name, entry in (data.get(section) or {}).items():
            file = entry.get("file")
            if file is not None and not isinstance(file, str):
                raise ComposeError("must be a string", key=f"{section}.{name}.file",
                                   hint="write file: ./path/to/the/file")
            if file and not entry.get("external") and not os.path.exists(file):
                raise ComposeError(f"{section[:-1]} '{name}' points to {file}, which does not exist",
                                   key=f"{section}.{name}.file", hint="create the file or fix the path")


def _defaults(services: dict) -> None:
    for svc in services.values():
        for ref in svc.get("secrets") or []:
            target = ref.get("target")
            if not target:
                ref["target"] = f"/run/secrets/{ref['source']}"
            elif not str(target).startswith("/"):
                ref["target"] = f"/run/secrets/{target}"
        for ref in svc.get("configs") or []:
            ref.setdefault("target", f"/{ref['source']}")


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


def _validation_error(exc: ValidationError, ctx: _Context, files: list[str]) -> ComposeError:
    first = exc.errors()[0]
    key = ".".join(str(p) for p in first["loc"])
    value = first.get("input")
    message = first["msg"].removeprefix("Value error, ")
    if isinstance(value, (str, int, float)) and len(str(value)) < 60 and str(value) not in message:
        message = f"invalid value '{value}': {message}"
    error = ComposeError(message, key=key,
                         hint="see the Compose specification for this key's type")
    return _locate_error(error, ctx, files)


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
    env = _environment(environ, env_paths, files, explicit=bool(options.env_files))
    ctx = _Context(env=env, files=files, loading=tuple(str(p) for p in paths))
    names = [str(p) for p in paths]
    data: dict = {}
    for path in paths:
        loaded = _load_file(path, working_dir, ctx)
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
        data["services"] = _apply_profiles(data["services"] or {}, profiles)
        _implicit_dependencies(data["services"])
        _check_services(data["services"], data, defined)
        _check_sources(data)
        _check_files(data)
        _resolve_environment(data["services"], env, files)
        _resolve_labels(data["services"], env, files)
        _defaults(data["services"])
        name = _project_name(data, env, working_dir, options.project_name)
        project = _typed(data, name, working_dir, paths, env)
        project._reader = files  # the passes read through the same reader: one budget per run
        return project
    except ComposeError as exc:
        raise _locate_error(exc, ctx, names) from None
    except ValidationError as exc:
        raise _validation_error(exc, ctx, names) from None
