"""Files and data arrive where the container expects them (issue 15): configuration folders as
ConfigMaps, source mounts dropped, Docker's copy-up of shared volumes, stateful data on claims."""
import base64
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from ..golden import convert_case, convert_text
from ..trees import find, names, pod

SH = shutil.which("sh")


def workload(files, name, kind="Deployment"):
    return pod(find(files, kind, name))


def mounts(spec):
    return {m["mountPath"]: m for m in spec["containers"][0].get("volumeMounts", [])}


def volume(spec, name):
    return next(v for v in spec["volumes"] if v["name"] == name)


@pytest.fixture(scope="module")
def folders():
    return convert_case("volumes-folders")


def test_read_only_folder_with_subfolders_and_a_binary_file_is_one_configmap(folders):
    web = workload(folders.files, "web")
    assert mounts(web)["/etc/nginx"] == {"name": "web-nginx", "mountPath": "/etc/nginx", "readOnly": True}
    items = {i["path"]: i["key"] for i in volume(web, "web-nginx")["configMap"]["items"]}
    assert items == {"nginx.conf": "nginx.conf", "conf.d/site.conf": "conf.d-site.conf",
                     "snippets/php.conf": "snippets-php.conf", "favicon.png": "favicon.png"}
    cm = find(folders.files, "ConfigMap", "web-nginx")
    assert "fastcgi_pass app:9000" in cm["data"]["snippets-php.conf"]
    png = (Path("fixtures/compose/volumes-folders/nginx/favicon.png")).read_bytes()
    assert base64.b64decode(cm["binaryData"]["favicon.png"]) == png
    assert "web-nginx" not in names(folders.files, "PersistentVolumeClaim")


def test_key_files_of_a_folder_go_to_a_secret_projected_beside_the_configmap(folders):
    web = workload(folders.files, "web")
    sources = volume(web, "web-certs")["projected"]["sources"]
    assert sources[0]["configMap"] == {"name": "web-certs", "items": [{"key": "app.crt", "path": "app.crt"}]}
    assert sources[1]["secret"] == {"name": "web-certs-secret", "items": [{"key": "app.key", "path": "app.key"}]}
    assert "PRIVATE KEY" not in yaml.safe_dump(find(folders.files, "ConfigMap", "web-certs"))
    assert all("PRIVATE KEY" not in text for path, text in folders.files.items() if "secret" not in path)


def test_writable_folder_is_copied_into_an_emptydir_keeping_paths_and_modes(folders, tmp_path):
    worker = workload(folders.files, "worker")
    assert mounts(worker)["/etc/prometheus"]["name"] == "worker-prometheus-writable"
    assert volume(worker, "worker-prometheus-writable") == {"name": "worker-prometheus-writable", "emptyDir": {}}
    items = volume(worker, "worker-prometheus")["configMap"]["items"]
    assert {"key": "reload.sh", "path": "reload.sh", "mode": 0o755} in items
    init = next(c for c in worker["initContainers"] if c["name"] == "copy-worker-prometheus")
    assert [m["mountPath"] for m in init["volumeMounts"]] == ["/from", "/to"]
    if SH is None:
        pytest.skip("no sh")
    source, target = tmp_path / "from", tmp_path / "to"
    for item in items:  # what the ConfigMap volume shows
        (source / item["path"]).parent.mkdir(parents=True, exist_ok=True)
        (source / item["path"]).write_text(find(folders.files, "ConfigMap", "worker-prometheus")["data"][item["key"]])
        os.chmod(source / item["path"], item.get("mode", 0o644))
    target.mkdir()
    script = init["command"][2].replace("/from/", f"{source}/").replace("/to/", f"{target}/")
    subprocess.run([SH, "-c", script], check=True, capture_output=True)
    assert (target / "rules" / "alerts.yml").read_text().startswith("groups:")
    assert os.access(target / "reload.sh", os.X_OK)


def test_source_mount_inside_the_build_context_is_dropped(folders):
    app = workload(folders.files, "app")
    assert "/var/www/html/src" not in mounts(app)
    assert any(d.code == "source-mount" and "./app/src" in d.message for d in folders.diagnostics)


def test_shared_named_volume_is_filled_from_the_first_started_image_once(folders, tmp_path):
    app, web = workload(folders.files, "app"), workload(folders.files, "web")
    copies = [c for spec in (app, web) for c in spec.get("initContainers", []) if c["name"].startswith("copy-up")]
    assert [c["name"] for c in copies] == ["copy-up-app-code"]
    init = copies[0]
    assert init["image"] == app["containers"][0]["image"]
    assert init["volumeMounts"] == [{"name": "app-code", "mountPath": "/compose2k8s-volume"}]
    if SH is None:
        pytest.skip("no sh")
    image, claim = tmp_path / "image", tmp_path / "claim"
    (image / "public").mkdir(parents=True)
    (image / "public" / "index.php").write_text("<?php")
    claim.mkdir()
    script = init["command"][2].replace("/compose2k8s-volume", str(claim)).replace("/var/www/html", str(image))
    run = lambda: subprocess.run([SH, "-c", script], check=True, capture_output=True, text=True).stdout  # noqa: E731
    assert "copied" in run() and (claim / "public" / "index.php").read_text() == "<?php"
    (claim / "public" / "index.php").unlink()  # the app deleted it: not copied again
    assert run().strip() == "copied before" and not (claim / "public" / "index.php").exists()


def test_copy_up_never_into_a_volume_that_holds_files_or_from_an_empty_path(folders, tmp_path):
    init = next(c for c in workload(folders.files, "app")["initContainers"] if c["name"] == "copy-up-app-code")
    if SH is None:
        pytest.skip("no sh")
    image, claim = tmp_path / "image", tmp_path / "claim"
    image.mkdir()
    claim.mkdir()
    script = init["command"][2].replace("/compose2k8s-volume", str(claim)).replace("/var/www/html", str(image))
    out = subprocess.run([SH, "-c", script], check=True, capture_output=True, text=True).stdout
    assert "nothing at" in out and not any(claim.iterdir())  # no marker: a later image may fill it
    (claim / "kept.txt").write_text("x")
    (image / "new.txt").write_text("y")
    out = subprocess.run([SH, "-c", script], check=True, capture_output=True, text=True).stdout
    assert "holds files" in out and sorted(p.name for p in claim.iterdir()) == ["kept.txt"]


def test_nocopy_volume_gets_no_copy(folders):
    for name in ("app", "worker"):
        spec = workload(folders.files, name)
        assert not any("cache" in c["name"] for c in spec.get("initContainers", []))


def test_database_on_a_bind_folder_is_a_claim_template_seeded_from_the_folder(folders):
    db = find(folders.files, "StatefulSet", "db")
    assert [t["metadata"]["name"] for t in db["spec"]["volumeClaimTemplates"]] == ["db-pgdata"]
    readme = folders.files["README.md"]
    assert "cp -a ./pgdata/. /tmp/kind-data/volumes-folders-dev/db-pgdata-db-0/" in readme
    assert "tar -C ./pgdata -cf - . | kubectl -n volumes-folders-prod exec -i seed-db-pgdata-db-0" in readme


COPY_UP = """
services:
  solo: {image: example/app:1, volumes: ["assets:/srv/assets"]}
  a: {image: gcr.io/distroless/static:nonroot, volumes: ["shared:/data/shared"]}
  b: {image: example/b:1, volumes: ["shared:/data/shared"], depends_on: [a]}
volumes:
  assets: {labels: {compose2k8s.copy-up: "true"}}
  shared: {}
"""


def test_copy_up_is_switchable_and_never_runs_in_an_image_without_a_shell(tmp_path):
    result = convert_text(tmp_path, COPY_UP)
    inits = {n: [c["name"] for c in workload(result.files, n, k).get("initContainers", [])]
             for n, k in (("solo", "StatefulSet"), ("a", "Deployment"), ("b", "Deployment"))}
    assert "copy-up-assets" in inits["solo"]
    assert not any(i.startswith("copy-up") for i in inits["a"] + inits["b"])
    assert any(d.code == "copy-up-no-shell" and d.severity == "warning" for d in result.diagnostics)
    off = convert_text(tmp_path, COPY_UP, storage={"copy_up": {"assets": False}})
    assert not any(c["name"].startswith("copy-up")
                   for c in workload(off.files, "solo", "StatefulSet").get("initContainers", []))


def _project(tmp_path, files: dict[str, str]) -> None:
    for path, text in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)


FOLDERS = """
services:
  app:
    image: example/app:1
    volumes:
      - ./many:/etc/many:ro
      - ./state:/srv/state
      - ./placeholder:/etc/placeholder:ro
      - ./conf:/etc/conf:ro
"""


def test_folders_beyond_the_limits_or_holding_data_stay_claims(tmp_path):
    _project(tmp_path, {**{f"many/f{i}.conf": "x" for i in range(65)}, "state/app.db": "sqlite",
                        "placeholder/.gitkeep": "", "conf/app.yaml": "a: 1\n"})
    result = convert_text(tmp_path, FOLDERS)
    claims = names(result.files, "PersistentVolumeClaim")
    assert {"app-many", "app-state", "app-placeholder"} <= claims and "app-conf" not in claims
    assert "app-conf" in names(result.files, "ConfigMap")
    readme = result.files["README.md"]
    assert "./many/." in readme and "./state/." in readme and "./placeholder/." not in readme  # nothing to seed
    override = convert_text(tmp_path, FOLDERS, storage={"folders": {"./conf": "claim", "./state": "config"}})
    assert {"app-conf"} <= names(override.files, "PersistentVolumeClaim")
    assert "app-state" in names(override.files, "ConfigMap")


def test_an_executable_single_file_keeps_its_mode(tmp_path):
    _project(tmp_path, {"entrypoint.sh": "#!/bin/sh\nexec \"$@\"\n", "app.conf": "a=1\n"})
    os.chmod(tmp_path / "entrypoint.sh", 0o755)
    result = convert_text(tmp_path, "services:\n  app:\n    image: example/app:1\n    volumes:\n"
                          "      - ./entrypoint.sh:/entrypoint.sh:ro\n      - ./app.conf:/etc/app.conf:ro\n")
    items = volume(workload(result.files, "app"), "files")["configMap"]["items"]
    assert items == [{"key": "app.conf", "path": "app.conf"},
                     {"key": "entrypoint.sh", "path": "entrypoint.sh", "mode": 0o755}]


STATEFUL = """
services:
  nothing: {image: postgres:16}
  anonymous: {image: mysql:8, volumes: [/var/lib/mysql]}
  memory: {image: redis:7, tmpfs: [/data]}
"""


def test_stateful_data_is_on_a_claim_unless_compose_lost_it_too(tmp_path):
    result = convert_text(tmp_path, STATEFUL)
    for name, path in (("nothing", "/var/lib/postgresql/data"), ("anonymous", "/var/lib/mysql")):
        sts = find(result.files, "StatefulSet", name)
        assert [t["metadata"]["name"] for t in sts["spec"]["volumeClaimTemplates"]] == [f"{name}-data"]
        assert mounts(pod(sts))[path]["name"] == f"{name}-data"
    memory = pod(find(result.files, "StatefulSet", "memory"))
    assert "volumeClaimTemplates" not in find(result.files, "StatefulSet", "memory")["spec"]
    assert volume(memory, mounts(memory)["/data"]["name"])["emptyDir"]["medium"] == "Memory"
    assert any(d.code == "ephemeral-data" and d.service == "memory" for d in result.diagnostics)
