"""Live code in dev (dev_live_code, issue 15 item 2): the service's own source, dropped in base,
comes back in the dev overlay from this checkout through Kind, and nowhere else."""
import pytest
import yaml

from compose2k8s import convert
from compose2k8s.options import ConvertOptions
from compose2k8s.validate import render

from ..golden import FIXTURES
from ..trees import pod

COMPOSE = FIXTURES / "compose" / "volumes-folders" / "docker-compose.yml"
SOURCE = str((COMPOSE.parent / "app" / "src").resolve())


@pytest.fixture(scope="module")
def trees():
    return {live: convert([COMPOSE], ConvertOptions(secrets="placeholder", dev_live_code=live)).files
            for live in (False, True)}


def _rendered(files, overlay, tmp_path):
    for path, text in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    return [o for o in render(tmp_path / "overlays" / overlay) if o]


def test_off_by_default_nothing_refers_to_the_checkout(trees):
    assert not any(SOURCE in text for text in trees[False].values())
    assert "overlays/dev/live-code.yaml" not in trees[False]


def test_only_the_dev_overlay_changes(trees):
    changed = sorted(p for p in trees[True] if trees[True][p] != trees[False].get(p))
    assert changed == ["README.md", "overlays/dev/kind-cluster.yaml", "overlays/dev/kustomization.yaml",
                       "overlays/dev/live-code.yaml"]


def test_kind_mounts_the_folder_where_a_volume_binds_the_claim_the_pod_mounts(trees, tmp_path):
    kind = yaml.safe_load(trees[True]["overlays/dev/kind-cluster.yaml"])
    [mount] = [m for m in kind["nodes"][0]["extraMounts"] if m["hostPath"] == SOURCE]
    objects = _rendered(trees[True], "dev", tmp_path)
    [volume] = [o for o in objects if o["kind"] == "PersistentVolume" and o["spec"]["hostPath"]["path"]
                == mount["containerPath"]]
    assert volume["spec"]["hostPath"]["type"] == "Directory"  # never created empty over the image's code
    claim = volume["spec"]["claimRef"]["name"]
    assert any(o["kind"] == "PersistentVolumeClaim" and o["metadata"]["name"] == claim and
               o["spec"]["volumeName"] == volume["metadata"]["name"] for o in objects)
    app = pod(next(o for o in objects if o["kind"] == "Deployment" and o["metadata"]["name"] == "app"))
    assert {"name": claim, "persistentVolumeClaim": {"claimName": claim}} in app["volumes"]
    mounted = {m["mountPath"]: m["name"] for m in app["containers"][0]["volumeMounts"]}
    assert mounted["/var/www/html/src"] == claim and mounted["/var/www/html"] != claim  # the shared code stays
    assert not any("hostPath" in v for v in app["volumes"])  # Pod Security baseline admits the pod


def test_staging_and_prod_run_the_image(trees, tmp_path):
    for overlay in ("staging", "prod"):
        objects = _rendered(trees[True], overlay, tmp_path / overlay)
        assert not any(o["kind"] == "PersistentVolumeClaim" and o["metadata"]["name"].startswith("src-")
                       for o in objects), overlay


def test_the_readme_names_the_folder_and_checks_it(trees):
    readme = trees[True]["README.md"]
    assert f"- the folder `{SOURCE}` of this checkout (live code: app runs it at `/var/www/html/src`" in readme
    assert f"ls {SOURCE}" in readme


def test_the_cli_flag(cli):
    code, out, _ = cli("convert", str(COMPOSE), "--stdout", "--secrets", "placeholder", "--dev-live-code")
    assert code == 0 and "# --- overlays/dev/live-code.yaml" in out and SOURCE in out
