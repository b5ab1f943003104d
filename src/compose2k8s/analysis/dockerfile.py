"""What a locally built image declares: the `EXPOSE` ports, `HEALTHCHECK` and `COPY` sources of the Dockerfile
of a service's `build:` context, in the stage that is built (`build.target`, else the last),
with the stages it is built `FROM`, and `ARG`/`ENV` defaults and `build.args` substituted.

>>> read_image('''ARG PORT=8000
... FROM python:3.12 AS base
... EXPOSE 9000/udp
... FROM base
... ARG PORT
... EXPOSE ${PORT} 8001-8002
... HEALTHCHECK --interval=5s --start-period=1m CMD curl -f http://localhost:${PORT}/ || exit 1''', {}, None)
Image(ports=[(8000, 'TCP'), (8001, 'TCP'), (8002, 'TCP'), (9000, 'UDP')], healthcheck={'test': ['CMD-SHELL', 'curl -f http://localhost:8000/ || exit 1'], 'interval': '5s', 'start_period': '1m'}, copies=[], base='python:3.12')
"""
from __future__ import annotations

import json
import os
import posixpath
import re
from dataclasses import dataclass, field
from typing import Any

_VARIABLE = re.compile(r"\$\{(\w+)(?::?[-+]([^}]*))?\}|\$(\w+)")
MAX_DOCKERFILE_BYTES = 1024 * 1024
MAX_PORT_RANGE = 1000


def _lines(text: str) -> list[str]:
    """Instructions with continuation lines joined and comments dropped."""
    out, current = [], ""
    for raw in text.splitlines():
        line = raw.strip()
        if not current and (not line or line.startswith("#")):
            continue
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        out.append(current + line)
        current = ""
    if current:
        out.append(current)
    return out


def _substitute(text: str, values: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(3)
        return values.get(name) or (match.group(2) or "")
    return _VARIABLE.sub(value, text)


def _ports(word: str) -> list[tuple[int, str]]:
    number, _, protocol = word.partition("/")
    first, _, last = number.partition("-")
    if not first.isdigit() or (last and not last.isdigit()):
        return []
    low, high = int(first), int(last or first)
    if not 0 < low <= high < 65536 or high - low > MAX_PORT_RANGE:
        return []
    return [(p, (protocol or "tcp").upper()) for p in range(low, high + 1)]


def _assignments(rest: str) -> dict[str, str]:
    """ARG a=1 b / ENV a=1 b=2 / ENV a 1 (old form)."""
    if "=" not in rest.split(" ", 1)[0]:
        name, _, value = rest.partition(" ")
        return {name: value.strip().strip('"')} if " " in rest else {name: ""}
    return {k: v.strip('"') for k, _, v in (w.partition("=") for w in rest.split())}


@dataclass(frozen=True)
class Copy:
    """One build-context source of a `COPY`/`ADD` and where it lands in the image."""

    source: str  # relative to the context, normalised ('.' the whole context)
    dest: str  # absolute path in the image
    into: bool  # dest is a folder the source is copied into (dest ends with '/' or several sources)


@dataclass
class Image:
    """What the built stage declares: its ports, its healthcheck in compose's terms
    ({"test": [...], "interval": "5s", …}; {"test": ["NONE"]} for HEALTHCHECK NONE), the
    build-context files it copies, and the image it is built `FROM` at the root of its stages."""

    ports: list[tuple[int, str]] = field(default_factory=list)
    healthcheck: dict[str, Any] | None = None
    copies: list[Copy] = field(default_factory=list)
    base: str = ""

    def lands_at(self, relative: str, is_folder: bool) -> set[str]:
        """Where build-context path `relative` is in the image.

        >>> sorted(Image(copies=[Copy(".", "/app", False), Copy("src", "/code/src", False)]).lands_at("src", True))
        ['/app/src', '/code/src']
        """
        path = os.path.normpath(relative).strip("/")
        found = set()
        for copy in self.copies:
            if copy.source == ".":
                found.add(posixpath.join(copy.dest, path))
            elif path == copy.source:
                found.add(posixpath.join(copy.dest, posixpath.basename(path))
                          if copy.into and not is_folder else copy.dest)
            elif path.startswith(copy.source + "/"):
                found.add(posixpath.join(copy.dest, path[len(copy.source) + 1:]))
        return {posixpath.normpath(p) for p in found}


_HEALTH_OPTIONS = {"--interval": "interval", "--timeout": "timeout", "--start-period": "start_period",
                   "--start-interval": "start_interval", "--retries": "retries"}


def _healthcheck(rest: str) -> dict[str, Any]:
    """HEALTHCHECK [--option=value …] CMD command | NONE, as a compose healthcheck mapping."""
    words = rest.split(" ")
    options: dict[str, Any] = {}
    while words and words[0].startswith("--"):
        name, _, value = words.pop(0).partition("=")
        if name in _HEALTH_OPTIONS and value:
            options[_HEALTH_OPTIONS[name]] = int(value) if name == "--retries" and value.isdigit() else value
    command = " ".join(words).strip()
    if command.upper() == "NONE":
        return {"test": ["NONE"]}
    command = command[3:].strip() if command.upper().startswith("CMD") else command
    try:
        argv = json.loads(command) if command.startswith("[") else None
    except ValueError:
        argv = None
    test = ["CMD", *argv] if isinstance(argv, list) else ["CMD-SHELL", command]
    return {"test": test, **options}


def read_image(text: str, build_args: dict[str, Any], target: str | None) -> Image:
    """The built stage's ports (sorted) and healthcheck."""
    global_args: dict[str, str] = {}
    stages: dict[str, Image] = {}
    current: Image | None = None
    values: dict[str, str] = {}
    given = {str(k): str(v) for k, v in build_args.items() if v is not None}
    last = None
    for line in _lines(text):
        instruction, _, rest = line.partition(" ")
        instruction = instruction.upper()
        if instruction == "FROM":
            words = _substitute(rest, global_args).split()
            words = [w for w in words if not w.startswith("--")]
            parent = stages.get(words[0].lower(), Image(base=words[0].lower())) if words else Image()
            last = words[2].lower() if len(words) >= 3 and words[1].upper() == "AS" else f"#{len(stages)}"
            current = stages.setdefault(last, Image(list(parent.ports), parent.healthcheck, list(parent.copies),
                                                    parent.base))
            values, workdir = {}, "/"
        elif instruction == "ARG":
            for name, default in _assignments(rest).items():
                value = given.get(name, default or global_args.get(name, ""))
                (values if current is not None else global_args)[name] = value
        elif instruction == "ENV" and current is not None:
            values.update({k: _substitute(v, values) for k, v in _assignments(rest).items()})
        elif instruction == "EXPOSE" and current is not None:
            for word in _substitute(rest, values).split():
                current.ports += [p for p in _ports(word) if p not in current.ports]
        elif instruction == "HEALTHCHECK" and current is not None:
            current.healthcheck = _healthcheck(_substitute(rest, values))
        elif instruction == "WORKDIR" and current is not None:
            workdir = posixpath.join(workdir, _substitute(rest, values).strip().strip('"'))
        elif instruction in ("COPY", "ADD") and current is not None:
            current.copies += _copies(_substitute(rest, values), workdir)
    chosen = stages.get(target.lower()) if target else (stages.get(last) if last else None)
    return Image(sorted(chosen.ports), chosen.healthcheck, chosen.copies, chosen.base) if chosen else Image()


def _copies(rest: str, workdir: str) -> list[Copy]:
    """The build-context sources of `COPY [--flags] src… dest` (none with --from: another stage;
    none for URLs or wildcards, which name no one path).

    >>> [(c.source, c.dest, c.into) for c in _copies("--chown=app ./src requirements.txt .", "/app")]
    [('src', '/app', True), ('requirements.txt', '/app', True)]
    >>> _copies("--from=build /out /app", "/")
    []
    """
    words = rest.split()
    if any(w.startswith("--from") for w in words):
        return []
    paths = [w for w in words if not w.startswith("--")]
    if paths and paths[0].startswith("["):
        try:
            paths = [str(p) for p in json.loads(" ".join(paths))]
        except ValueError:
            return []
    if len(paths) < 2:
        return []
    dest = posixpath.normpath(posixpath.join(workdir, paths[-1]))
    into = paths[-1].endswith("/") or paths[-1] in (".", "./") or len(paths) > 2
    return [Copy(posixpath.normpath(p).lstrip("/") or ".", dest, into) for p in paths[:-1]
            if "://" not in p and not any(c in p for c in "*?[")]


def build_context(build: dict[str, Any] | None, working_dir: str) -> str | None:
    """The folder of a local build context, or None (no build, a remote context, an inline Dockerfile)."""
    if not build or build.get("dockerfile_inline"):
        return None
    context = str(build.get("context") or ".")
    if "://" in context or context.startswith("git@"):
        return None
    return os.path.normpath(os.path.join(working_dir, context))


def dockerfile_path(build: dict[str, Any] | None, working_dir: str) -> str | None:
    """The Dockerfile of a local build context, or None (remote context, inline dockerfile)."""
    context = build_context(build, working_dir)
    return os.path.join(context, str((build or {}).get("dockerfile") or "Dockerfile")) if context else None


def read_dockerfile(path: str, reader: Any) -> str | None:
    """The Dockerfile's text through the run's confined reader; None when it is missing, outside
    the project, not a regular file or too big: a missing Dockerfile is the builder's concern."""
    return reader.try_read_text(path, MAX_DOCKERFILE_BYTES)
