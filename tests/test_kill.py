"""A conversion killed at any moment (SIGTERM from CI, SIGKILL from `timeout -s KILL`) leaves
no plain-text secret on disk: the real command line with the real sops, killed while sops
runs and at several other points, then the disk searched for the value and its base64."""
from __future__ import annotations

import base64
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from compose2k8s.output.staging import STAGING_PREFIX

PLAIN = "Canary-Plaintext-4f1c9e"
SERVICES = 12


def _project(root: Path) -> Path:
    services = "".join(f"  app{i}: {{image: 'example/app:{i}', environment: {{APP_PASSWORD: {PLAIN}}}}}\n"
                       for i in range(SERVICES))
    (root / "secret.txt").write_text(PLAIN)
    compose = root / "compose.yaml"
    compose.write_text("services:\n" + services + "  db: {image: postgres:16, secrets: [pw]}\n"
                       "secrets:\n  pw: {file: ./secret.txt}\n")
    return compose


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def _wait_for_sops(pid: int, limit: float = 30.0) -> bool:
    end = time.monotonic() + limit
    while time.monotonic() < end:
        for child in _children(pid):
            try:
                if "sops" in Path(f"/proc/{child}/cmdline").read_bytes().decode(errors="replace"):
                    return True
            except OSError:
                continue
        time.sleep(0.002)
    return False


def _leaks(roots: list[Path]) -> list[str]:
    needles = [PLAIN.encode(), base64.b64encode(PLAIN.encode())]
    found = []
    for root in roots:
        for path in root.rglob("*"):
            if path.is_file() and not path.is_symlink() and any(n in path.read_bytes() for n in needles):
                found.append(str(path))
    return found


@pytest.fixture(scope="module")
def recipient():
    pyrage = pytest.importorskip("pyrage")
    return str(pyrage.x25519.Identity.generate().to_public())


def _start(compose: Path, out: Path, recipient: str, temp: Path) -> subprocess.Popen:
    env = {**os.environ, "TMPDIR": str(temp), "TMP": str(temp), "TEMP": str(temp)}
    return subprocess.Popen([sys.executable, "-m", "compose2k8s", "convert", str(compose), "-o", str(out),
                             "--secrets", "flux", "--age", recipient],  # flux: one sops run per Secret
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
@pytest.mark.parametrize("moment", ["sops running", "0.25 s", "0.6 s", "1.2 s"])
def test_a_killed_run_leaves_no_plain_text(tmp_path, recipient, sig, moment):
    project, temp, out = tmp_path / "project", tmp_path / "tmp", tmp_path / "out" / "k8s"
    project.mkdir()
    temp.mkdir()
    compose = _project(project)
    proc = _start(compose, out, recipient, temp)
    if moment == "sops running":
        assert _wait_for_sops(proc.pid), "sops never started"
    else:
        time.sleep(float(moment.split()[0]))
    proc.send_signal(sig)
    proc.wait(timeout=60)
    time.sleep(0.2)  # sops children see their input close and exit
    assert _leaks([temp, tmp_path / "out"]) == []
    if sig == signal.SIGTERM and proc.returncode not in (0,):
        assert not [p for p in out.parent.rglob(f"{STAGING_PREFIX}*")], "SIGTERM left a staging folder"
    rerun = _start(compose, out, recipient, temp)
    assert rerun.wait(timeout=120) == 0, rerun.stderr.read().decode()
    assert _leaks([temp, tmp_path / "out"]) == []
    assert not list(out.glob(f"{STAGING_PREFIX}*")), "the next run did not clean the staging folder"
    assert sorted(p.name for p in (out / "base" / "secrets").iterdir())  # the encrypted Secrets are there
