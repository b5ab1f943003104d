"""The generated wait loops, run under `sh` with stand-in clients that fail N times, then succeed."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from compose2k8s.passes.depends_on import dns_check, tcp_check, wait_script
from compose2k8s.tables.probes import wait_rules

from ..golden import convert_text
from ..trees import find, pod

pytestmark = pytest.mark.skipif(shutil.which("sh") is None, reason="needs a POSIX sh")

FAKE = """#!/bin/sh
# fails $FAILS times (exit 1, printing $FAIL_TEXT to stderr), then succeeds; logs every call
echo "$(basename "$0") $*" >> "$CALLS"
count=$(cat "$COUNTER" 2>/dev/null || echo 0)
echo $((count + 1)) > "$COUNTER"
if [ "$count" -lt "$FAILS" ]; then [ -n "$FAIL_TEXT" ] && echo "$FAIL_TEXT" >&2; exit 1; fi
exit 0
"""


def run(script: str, tmp_path: Path, fails: int, fail_text: str = "", tools=("nc", "curl", "pg_isready", "mysqladmin")):
    """Run `script` with fake `tools` and an instant `sleep` first on PATH: (exit code, output, calls)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    for tool in tools:
        (bin_dir / tool).write_text(FAKE)
        (bin_dir / tool).chmod(0o755)
    (bin_dir / "sleep").write_text("#!/bin/sh\nexit 0\n")
    (bin_dir / "sleep").chmod(0o755)
    env = {"PATH": f"{bin_dir}:{os.environ['PATH']}", "FAILS": str(fails), "FAIL_TEXT": fail_text,
           "COUNTER": str(tmp_path / "count"), "CALLS": str(tmp_path / "calls")}
    (tmp_path / "count").unlink(missing_ok=True)
    (tmp_path / "calls").write_text("")
    proc = subprocess.run(["sh", "-c", script], capture_output=True, text=True, env=env, timeout=60, check=False)
    return proc.returncode, proc.stdout + proc.stderr, (tmp_path / "calls").read_text().splitlines()


def unescape(command: str) -> str:
    """The shell text as the container runs it: Kubernetes turns $$ into $."""
    return command.replace("$$", "$")


def test_a_tcp_wait_retries_until_the_peer_answers(tmp_path):
    code, output, calls = run(wait_script(tcp_check("db", 5432), "db:5432"), tmp_path, fails=2)
    assert code == 0 and calls == ["nc -z -w 2 db 5432"] * 3
    assert "waiting for db:5432 (2/" in output and "db:5432 is ready" in output


def test_a_pasted_exit_ends_one_attempt_not_the_wait(tmp_path):
    script = wait_script("curl -f http://api:3000/health || exit 1", "api")
    code, _, calls = run(script, tmp_path, fails=3)
    assert code == 0 and len(calls) == 4


def test_the_wait_gives_up_after_the_documented_budget(tmp_path):
    code, output, calls = run(wait_script(tcp_check("db", 5432), "db:5432"), tmp_path, fails=10_000)
    assert code == 1 and len(calls) == wait_rules().attempts
    assert f"after {wait_rules().attempts * wait_rules().sleep_seconds}s" in output


def test_an_optional_dependency_lets_the_pod_start_without_it(tmp_path):
    code, output, _ = run(wait_script(tcp_check("mail", 25), "mail:25", optional=True), tmp_path, fails=10_000)
    assert code == 0 and "starting without it" in output


def test_a_dns_wait_retries_while_the_name_does_not_resolve(tmp_path):
    code, _, calls = run(wait_script(dns_check("tika"), "tika"), tmp_path, fails=2,
                         fail_text="nc: bad address 'tika'")
    assert code == 0 and len(calls) == 3
    # resolved but nothing on port 1 (nc fails without 'bad address'): the name is there
    code, _, calls = run(wait_script(dns_check("tika"), "tika"), tmp_path, fails=10_000,
                         fail_text="nc: can't connect to remote host: Connection refused")
    assert code == 0 and len(calls) == 1


def test_generated_waits_of_a_converted_project_run_to_success(tmp_path):
    result = convert_text(tmp_path, """
services:
  db:
    image: postgres:16
    healthcheck: {test: ["CMD-SHELL", "pg_isready -U app -d app -h localhost -p 5432"], interval: 10s}
  mysql:
    image: mysql:8
    healthcheck: {test: ["CMD", "mysqladmin", "ping", "-h", "localhost", "-uapp"]}
  api:
    image: x
    ports: ["3000:3000"]
    healthcheck: {test: "curl -f http://localhost:3000/health || exit 1", interval: 10s}
  app:
    image: y
    depends_on:
      db: {condition: service_healthy}
      mysql: {condition: service_healthy}
      api: {condition: service_healthy}
""")
    inits = {c["name"]: unescape(c["command"][2]) for c in pod(find(result.files, "Deployment", "app"))["initContainers"]}
    assert "pg_isready -U app -d app -h db -p 5432" in inits["wait-for-db"]  # the check's own -h points at db
    assert "-h mysql" in inits["wait-for-mysql"] and "localhost" not in inits["wait-for-mysql"]
    for name, script in inits.items():
        (tmp_path / name).mkdir()
        code, _, calls = run(script, tmp_path / name, fails=2)
        assert code == 0 and len(calls) == 3, (name, calls)
        assert all("localhost" not in call for call in calls), calls
