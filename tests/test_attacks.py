"""Issue 16's attack list (tools/attacks.py), each through the command line: refused with exit
2 and a message that names the path or key, never the planted secret, nothing written,
within 2 s; the heavy ones also within 300 MB."""
from __future__ import annotations

import signal
import time
import tracemalloc

import pytest

from compose2k8s import convert
from compose2k8s.errors import Compose2K8sError
from compose2k8s.options import ConvertOptions
from tools.attacks import ATTACKS, SECRET, build

HEAVY = ["many-services", "port-range-full", "env-file-dev-zero", "extends-dev-zero", "nested-interpolation",
         "env-value-5mb", "env-value-over-configmap", "env-files-over-configmap"]


@pytest.fixture
def deadline():
    """Fail instead of hanging (a FIFO opened for reading blocks forever)."""
    def expired(*_):
        raise TimeoutError("the run hung")
    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_attack_is_refused_cleanly(name, tmp_path, cli, deadline):
    attack = ATTACKS[name]
    args = build(attack, tmp_path)
    started = time.perf_counter()
    code, out, err = cli(*args, cwd=tmp_path)
    elapsed = time.perf_counter() - started
    assert code == attack.exit_code, err
    assert err.startswith("error: ") and "hint:" in err and "Traceback" not in out + err, err
    assert attack.expect in err, err
    assert SECRET not in out + err
    assert not (tmp_path / "out").exists()
    assert elapsed < 2.0, f"{name} took {elapsed:.2f} s"


@pytest.mark.parametrize("name", HEAVY)
def test_attack_memory_is_bounded(name, tmp_path, monkeypatch):
    args = build(ATTACKS[name], tmp_path)
    monkeypatch.chdir(tmp_path)
    tracemalloc.start()
    try:
        with pytest.raises(Compose2K8sError):
            convert([args[1]], ConvertOptions(secrets="placeholder",
                                              allow_outside_project="--allow-outside-project" in args))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 300 * 1024 * 1024, f"{name} peaked at {peak / 2**20:.0f} MiB"
