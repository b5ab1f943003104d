"""Pathological inputs (issue 16's attack list), each a small project written on demand.

The tests run every one through the command line (each must be refused with exit 2, or
converted, in under 2 s and 300 MB, without printing the planted secret); `make bench`
reports their time and peak memory.

Each attack folder holds `project/` (the compose project, `project/compose.yaml` unless the
attack says otherwise) and `outside/` (files beside the project that must never be read).

    python -m tools.attacks DIR [NAME…]   # writes attacks under DIR/NAME, prints {name: arguments} as JSON
"""
from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

SECRET = "hunter2-Credential-Value"  # planted in outside and env files; never in any output or message
OUTSIDE_ENV = f"TOKEN={SECRET}\n"
OUTSIDE_COMPOSE = "services: {base: {image: busybox, environment: {LEAKED: " + SECRET + "}}}\n"


@dataclass(frozen=True)
class Attack:
    """One hostile input and what must happen to it."""

    name: str
    compose: str | Callable[[], str]  # project/compose.yaml (big ones made when written)
    expect: str  # a fragment of the message (refused) or of the summary (converted)
    files: dict[str, str] = field(default_factory=dict)  # more files, relative to the attack folder
    links: dict[str, str] = field(default_factory=dict)  # symlink (relative to the folder) → target
    fifos: tuple[str, ...] = ()
    args: tuple[str, ...] = ()  # extra convert flags
    exit_code: int = 2
    command: str = "convert"


def _nested_defaults(depth: int) -> str:
    return "${A:-" * depth + "x" + "}" * depth


def _services(count: int) -> str:
    return "services:\n" + "".join(f"  s{i:06d}: {{image: 'registry.example.com/team/app:1.0.{i}'}}\n"
                                   for i in range(count))


def _small_services(size: int) -> str:
    """As many one-line services as fit in `size` bytes."""
    lines, total = ["services:\n"], 10
    while total < size - 40:
        lines.append(f"  s{len(lines)}: {{image: a}}\n")
        total += len(lines[-1])
    return "".join(lines)


def _fanout(count: int, body: str, head: str = "") -> str:
    """`count` services sharing `body` (amplification: a small input used many times)."""
    return head + "services:\n" + "".join(f"  s{i}: {{image: a, {body}}}\n" for i in range(count))


_WEB = "services:\n  web:\n    image: nginx\n"
_OUTSIDE = {"outside/x.env": OUTSIDE_ENV, "outside/base.yaml": OUTSIDE_COMPOSE, "outside/inc.yaml": OUTSIDE_COMPOSE}
_ALLOW_OUTSIDE = ("--allow-outside-project",)


def _escapes() -> list[Attack]:
    """Files outside the project folder, reached by every key that names one, by a link, or by switches
    only the command line may set."""
    return [
        Attack("env-file-outside", _WEB + "    env_file: ../outside/x.env\n", "outside the project folder",
               files=_OUTSIDE),
        Attack("env-file-absolute", _WEB + "    env_file: /etc/os-release\n", "outside the project folder"),
        Attack("label-file-outside", _WEB + "    label_file: ../outside/x.env\n", "outside the project folder",
               files=_OUTSIDE),
        Attack("extends-file-outside", _WEB + "    extends: {file: ../outside/base.yaml, service: base}\n",
               "outside the project folder", files=_OUTSIDE),
        Attack("include-outside", "include: [../outside/inc.yaml]\n" + _WEB, "outside the project folder",
               files=_OUTSIDE),
        Attack("dotenv-symlink-outside", _WEB + "    environment: {T: $TOKEN}\n", "outside the project folder",
               files=_OUTSIDE, links={"project/.env": "../outside/x.env"}),
        Attack("x-compose2k8s-switches",
               "x-compose2k8s: {allow_outside_project: true, allow_host_path: true}\n"
               "services:\n  web: {image: nginx, configs: [c]}\nconfigs:\n  c: {file: /etc/passwd}\n",
               "only whoever runs it can set it"),
        Attack("options-file-env-files", _WEB, "outside the project folder",
               files={**_OUTSIDE, "project/compose2k8s.yaml": "env_files: [../outside/x.env]\n"}),
    ]


def _special_files() -> list[Attack]:
    """Devices and FIFOs where a regular file is expected (reading would never end)."""
    return [
        Attack("env-file-dev-zero", _WEB + "    env_file: /dev/zero\n", "not a regular file", args=_ALLOW_OUTSIDE),
        Attack("extends-dev-zero", _WEB + "    extends: {file: /dev/zero, service: x}\n", "not a regular file",
               args=_ALLOW_OUTSIDE),
        Attack("env-file-fifo", _WEB + "    env_file: x.env\n", "not a regular file", fifos=("project/x.env",)),
        Attack("dotenv-fifo", _WEB, "not a regular file", fifos=("project/.env",)),
        Attack("secret-fifo", "services:\n  web: {image: nginx, secrets: [s]}\nsecrets:\n  s: {file: ./s.txt}\n",
               "not a regular file", fifos=("project/s.txt",)),
    ]


def _leaks() -> list[Attack]:
    """Secret values that an error message could quote."""
    return [
        Attack("dotenv-credential-line", _WEB, ".env:1", files={"project/.env": f"https://user:{SECRET}@host\n"}),
        Attack("interpolated-value-in-message", _WEB + "    mem_limit: ${DB_PASSWORD}\n", "DB_PASSWORD",
               files={"project/.env": f"DB_PASSWORD={SECRET}\n"}),
    ]


def _bad_values() -> list[Attack]:
    """Values out of range, malformed or over a size cap."""
    return [
        Attack("port-range-full", _WEB + "    ports: ['1-65535:1-65535']\n", "ports"),
        Attack("many-services", lambda: _services(438_000), "larger than"),
        Attack("nested-interpolation", _WEB + f"    environment: {{A: '{_nested_defaults(5000)}'}}\n",
               "nest deeper than"),
        Attack("cpus-inf", _WEB + "    cpus: .inf\n", "cpus"),
        Attack("cpus-nan", _WEB + "    cpus: .nan\n", "cpus"),
        Attack("cpus-huge", _WEB + "    cpus: 1e308\n", "cpus"),
        Attack("cpus-negative", _WEB + "    deploy: {resources: {limits: {cpus: '-2'}}}\n", "cpus"),
        Attack("mem-limit-negative", _WEB + "    mem_limit: -1\n", "invalid size"),
        Attack("restart-bogus", _WEB + "    restart: bogus\n", "restart"),
        Attack("secret-file-number", "services:\n  web: {image: nginx, secrets: [s]}\nsecrets:\n  s: {file: 42}\n",
               "secrets.s.file"),
        Attack("file-name-300", _WEB + f"    env_file: {'a' * 300}.env\n", "env_file"),
        Attack("env-value-5mb", lambda: _WEB + f"    environment: {{BIG: '{'x' * 5_000_000}'}}\n", "larger than"),
        Attack("env-value-over-configmap", lambda: _WEB + f"    environment: {{BIG: '{'x' * 1_500_000}'}}\n",
               "1 MiB"),
        Attack("env-files-over-configmap", _WEB + "    env_file: [a.env, b.env]\n", "1 MiB",
               files={"project/a.env": "A=" + "x" * 900_000 + "\n", "project/b.env": "B=" + "y" * 900_000 + "\n"}),
        Attack("service-dot-dot", "services:\n  '..': {image: nginx}\n", "service name"),
    ]


def _amplification() -> list[Attack]:
    """Within every size cap, but multiplying: each must still be refused (or converted) fast."""
    return [
        Attack("max-size-of-tiny-services", lambda: _small_services(2 * 1024 * 1024), "more than 10,000 entries"),
        Attack("alias-long-string-fanout", lambda: _fanout(2000, "environment: {A: *big}",
                                                            "x-big: &big '" + "x" * 500_000 + "'\n"), "alias"),
        Attack("merge-key-fanout", lambda: _fanout(1000, "environment: {<<: *env}", "x-env: &env {" + ", ".join(
            f"V{i}: v" for i in range(5000)) + "}\n"), "alias"),
        Attack("interpolation-fanout", lambda: _fanout(2000, "environment: {X: $BIG}"), "produce more than",
               files={"project/.env": "BIG=" + "x" * 1_000_000 + "\n"}),
        Attack("extends-fanout", lambda: _fanout(2000, "extends: base").replace(
            "services:\n", "services:\n  base: {image: a, environment: {" + ", ".join(
                f"V{i}: v" for i in range(5000)) + "}}\n", 1), "through extends"),
        Attack("mounted-file-fanout", lambda: _fanout(2000, "volumes: ['./big.conf:/etc/big.conf:ro']"),
               "counted at each use", files={"project/big.conf": "x" * 1_000_000}),
        Attack("env-file-fanout", lambda: _fanout(2000, "env_file: big.env"), "counted at each use",
               files={"project/big.env": "BIG=" + "x" * 1_000_000 + "\n"}),
        Attack("include-same-file-repeated", "include: [" + ", ".join(["inc.yaml"] * 5000) + "]\n",
               "files written", exit_code=0,
               files={"project/inc.yaml": "# padding\n" * 150_000 + "services: {web: {image: nginx}}\n"}),
    ]


ATTACKS: dict[str, Attack] = {a.name: a for family in (_escapes, _special_files, _leaks, _bad_values, _amplification)
                               for a in family()}


def build(attack: Attack, folder: Path) -> list[str]:
    """Write `attack` under `folder`; returns the compose2k8s arguments that run it."""
    project = folder / "project"
    project.mkdir(parents=True, exist_ok=True)
    (folder / "outside").mkdir(exist_ok=True)
    (project / "compose.yaml").write_text(attack.compose() if callable(attack.compose) else attack.compose)
    for rel, text in attack.files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text)
    for rel, target in attack.links.items():
        os.symlink(target, folder / rel)
    for rel in attack.fifos:
        os.mkfifo(folder / rel)
    return [attack.command, str(project / "compose.yaml"), "-o", str(folder / "out"), "--secrets", "placeholder",
            *attack.args]


def main(argv: list[str]) -> None:
    root = Path(argv[0])
    print(json.dumps({name: build(ATTACKS[name], root / name) for name in argv[1:] or ATTACKS}))


if __name__ == "__main__":
    main(sys.argv[1:])
