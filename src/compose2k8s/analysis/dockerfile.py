"""What a locally built image declares: the `EXPOSE` ports and `HEALTHCHECK` of the Dockerfile
of a service's `build:` context, in the stage that is built (`build.target`, else the last),
with the stages it is built `FROM`, and `ARG`/`ENV` defaults and `build.args` substituted.

>>> read_image('''ARG PORT=8000
... FROM python:3.12 AS base
... EXPOSE 9000/udp
... FROM base
... ARG PORT
... EXPOSE ${PORT} 8001-8002
... HEALTHCHECK --interval=5s --start-period=1m CMD curl -f http://localhost:${PORT}/ || exit 1''', {}, None)
Image(ports=[(8000, 'TCP'), (8001, 'TCP'), (8002, 'TCP'), (9000, 'UDP')], healthcheck={'test': ['CMD-SHELL', 'curl -f http://localhost:8000/ || exit 1'], 'interval': '5s', 'start_period': '1m'})
"""
from __future__ import annotations

import json
import os
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


@dataclass
class Image:
    """What the built stage declares: its ports, and its healthcheck in compose's terms
    ({"test": [...], "interval": "5s", …}; {"test": ["NONE"]} for HEALTHCHECK NONE)."""

    ports: list[tuple[int, str]] = field(default_factory=list)
    healthcheck: dict[str, Any] | None = None


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
            parent = stages.get(words[0].lower(), Image()) if words else Image()
            last = words[2].lower() if len(words) >= 3 and words[1].upper() == "AS" else f"#{len(stages)}"
            current = stages.setdefault(last, Image(list(parent.ports), parent.healthcheck))
            values = {}
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
    chosen = stages.get(target.lower()) if target else (stages.get(last) if last else None)
    return Image(sorted(chosen.ports), chosen.healthcheck) if chosen else Image()


def dockerfile_path(build: dict[str, Any] | None, working_dir: str) -> str | None:
    """The Dockerfile of a local build context, or None (remote context, inline dockerfile)."""
    if not build or build.get("dockerfile_inline"):
        return None
    context = str(build.get("context") or ".")
    if "://" in context or context.startswith("git@"):
        return None
    context = os.path.join(working_dir, context)
    return os.path.join(context, str(build.get("dockerfile") or "Dockerfile"))


def read_dockerfile(path: str, reader: Any) -> str | None:
    """The Dockerfile's text through the run's confined reader; None when it is missing, outside
    the project, not a regular file or too big: a missing Dockerfile is the builder's concern."""
    return reader.try_read_text(path, MAX_DOCKERFILE_BYTES)
