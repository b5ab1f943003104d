"""Issue 16's attack list (tools/attacks.py), each through the command line: refused with exit
2 and a message that names the path or key, never the planted secret, nothing written,
within 2 s of CPU (start-up excluded: the CLI runs in process); the heavy ones also within
300 MB of Python allocations."""
from __future__ import annotations

import gc
import signal
import time
import tracemalloc

import pytest

from compose2k8s import convert
from compose2k8s.errors import Compose2K8sError
from compose2k8s.options import ConvertOptions
from tools.attacks import ATTACKS, SECRET, build

HEAVY = ["many-services", "port-range-full", "env-file-dev-zero", "extends-dev-zero", "nested-interpolation",
         "env-value-5mb", "env-value-over-configmap", "env-files-over-configmap", "max-size-of-tiny-services",
         "alias-long-string-fanout", "merge-key-fanout", "interpolation-fanout", "extends-fanout",
         "mounted-file-fanout", "env-file-fanout"]


@pytest.fixture(scope="module")
def slowness() -> float:
    """How much slower than usual this shared machine computes now (1.0: a quiet moment);
    the 2 s target is scaled by it. A fixed Python loop takes about 0.09 s of CPU when quiet."""
    start = time.process_time()
    total = 0
    for i in range(2_000_000):
        total += i
    return max(1.0, (time.process_time() - start) / 0.09)


@pytest.fixture
def deadline():
    """Fail instead of hanging (a FIFO opened for reading blocks forever). The objects earlier
    tests left are set aside from garbage collection, as a fresh process would not have them."""
    def expired(*_):
        raise TimeoutError("the run hung")
    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(20)
    gc.collect()
    gc.freeze()
    yield
    gc.unfreeze()
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_attack_is_refused_cleanly(name, tmp_path, cli, deadline, slowness):
    attack = ATTACKS[name]
    args = build(attack, tmp_path)
    started = time.process_time()  # CPU time: other processes on this shared machine do not count
    code, out, err = cli(*args, cwd=tmp_path)
    elapsed = time.process_time() - started
    assert code == attack.exit_code, err
    assert "Traceback" not in out + err and SECRET not in out + err
    if attack.exit_code == 0:  # converted: the amplification did not happen
        assert attack.expect in out, out
    else:
        assert err.startswith("error: ") and "hint:" in err and attack.expect in err, err
        assert not (tmp_path / "out").exists()
    assert elapsed < 2.0 * slowness, f"{name} took {elapsed:.2f} s (machine slowness {slowness:.1f})"


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
