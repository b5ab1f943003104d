"""Volumes: shared claims RWX, files as ConfigMaps, the writable emptyDir pattern."""
import yaml

from ..golden import convert_case, convert_text
from ..trees import find, objects, pod


def mounts(files, name):
    spec = pod(find(files, "Deployment", name))
    return {m["mountPath"]: m for m in spec["containers"][0].get("volumeMounts", [])}, spec


def test_shared_volume_and_folder_are_one_rwx_claim():
    result = convert_case("volumes-sharing")
    files = result.files
    assert find(files, "PersistentVolumeClaim", "uploads")["spec"]["accessModes"] == ["ReadWriteMany"]
    assert find(files, "PersistentVolumeClaim", "uploads")["spec"]["resources"]["requests"]["storage"] == "3Gi"
    writer, _ = mounts(files, "writer")
    reader, _ = mounts(files, "reader")
    assert writer["/var/log/app"]["name"] == reader["/logs"]["name"] == "writer-shared"
    assert reader["/logs"]["readOnly"] is True and "readOnly" not in writer["/var/log/app"]
    assert any(d.code == "rwx-claim" for d in result.diagnostics)


def test_files_become_configmaps_read_only_and_writable():
    files = convert_case("volumes-sharing").files
    reader, _ = mounts(files, "reader")
    assert reader["/etc/nginx/conf.d/default.conf"] == {"name": "files", "mountPath": "/etc/nginx/conf.d/default.conf",
                                                        "subPath": "nginx.conf", "readOnly": True}
    writer, spec = mounts(files, "writer")
    assert writer["/etc/app/settings.yaml"]["name"] == "writable-files"
    assert spec["initContainers"][0]["name"] == "copy-writable-files"
    cm = find(files, "ConfigMap", "writer-files")
    assert "feature_flags" in cm["data"]["settings.yaml"] and "logo.bin" in cm["binaryData"]


def test_host_paths_scratch_and_configs():
    result = convert_case("volumes-sharing")
    reader, spec = mounts(result.files, "reader")
    assert "/var/run/docker.sock" not in reader
    assert any(d.code == "host-path-dropped" for d in result.diagnostics)
    config = next(v for v in spec["volumes"] if v["name"] == "config-app-config")
    assert config["configMap"]["items"][0]["mode"] == 0o440
    assert find(result.files, "ConfigMap", "inline-motd")["data"]["inline_motd"] == "welcome to volumes\n"
    writer, wspec = mounts(result.files, "writer")
    assert next(v for v in wspec["volumes"] if v["name"] == writer["/run/tmp"]["name"])["emptyDir"] == {
        "medium": "Memory", "sizeLimit": "16Mi"}


def test_guides_vector_pattern_and_writable_subfinder_config():
    files = convert_case("cptm8").files
    vector, _ = mounts(files, "vector")
    asmm8, spec = mounts(files, "asmm8")
    assert vector["/var/log/asmm8"]["name"] == asmm8["/var/log/asmm8"]["name"]
    assert vector["/var/log/asmm8"]["readOnly"] is True
    claim = find(files, "PersistentVolumeClaim", asmm8["/var/log/asmm8"]["name"])
    assert claim["spec"]["accessModes"] == ["ReadWriteMany"]
    assert asmm8["/app/configs/subfinderconfig.yaml"] == {"name": "writable-files", "subPath": "subfinderconfig.yaml",
                                                          "mountPath": "/app/configs/subfinderconfig.yaml"}


def test_named_volumes_follow_their_local_driver_settings():
    result = convert_case("volumes-drivers")
    app, worker = (pod(find(result.files, "Deployment", n)) for n in ("app", "worker"))
    volumes = {v["name"]: v for v in app["volumes"]}
    assert volumes["tmpfs-scratch"]["emptyDir"] == {"medium": "Memory", "sizeLimit": "64Mi"}
    exports = find(result.files, "PersistentVolumeClaim", volumes[next(
        m["name"] for m in app["containers"][0]["volumeMounts"] if m["mountPath"] == "/srv/exports")][
        "persistentVolumeClaim"]["claimName"])
    assert exports["spec"]["accessModes"] == ["ReadWriteMany"]  # the bound folder, shared with worker
    assert any(m["mountPath"] == "/srv/exports" and m.get("readOnly") for m in worker["containers"][0]["volumeMounts"])
    codes = {(d.service, d.code) for d in result.diagnostics}
    assert {("app", "nfs-volume"), ("app", "volume-driver"), ("app", "tmpfs-volume-shared")} <= codes
    assert any(d.code == "bind-folder" and "./exports" in d.message for d in result.diagnostics)


def test_an_nfs_volume_is_bound_to_its_share_in_staging_and_prod_and_local_in_dev():
    files = convert_case("volumes-drivers").files
    claim = find(files, "PersistentVolumeClaim", "media")["spec"]
    assert claim["storageClassName"] == "" and claim["accessModes"] == ["ReadWriteMany"]
    for overlay in ("staging", "prod"):
        volume = yaml.safe_load(files[f"overlays/{overlay}/nfs-volumes.yaml"])
        assert volume["spec"]["nfs"] == {"server": "10.0.0.5", "path": "/exports/media"}
        assert volume["spec"]["claimRef"] == {"namespace": f"volumes-drivers-{overlay}", "name": "media"}
        assert volume["spec"]["mountOptions"] == ["nfsvers=4", "rw"] and volume["spec"]["storageClassName"] == ""
        assert "name: media" not in files[f"overlays/{overlay}/kustomization.yaml"]  # no storage class patch
    assert "overlays/dev/nfs-volumes.yaml" not in files
    assert "volumes-drivers-dev-media" in files["overlays/dev/persistentvolumes.yaml"]


def test_external_resources_are_referred_to_by_their_name(tmp_path):
    result = convert_text(tmp_path, """
services:
  app:
    image: busybox
    secrets: [token]
    configs: [settings]
    volumes: [data:/data]
secrets: {token: {external: true, name: prod-api-token}}
configs: {settings: {external: true, name: shared-settings}}
volumes: {data: {external: true, name: legacy-data-volume}}
""")
    spec = pod(next(o for o in objects(result.files)
                    if o["kind"] in ("Deployment", "StatefulSet")))
    sources = {v["name"]: v for v in spec["volumes"]}
    assert sources["legacy-data-volume"]["persistentVolumeClaim"]["claimName"] == "legacy-data-volume"
    assert any(v.get("secret", {}).get("secretName") == "prod-api-token" for v in spec["volumes"])
    assert any(v.get("configMap", {}).get("name") == "shared-settings" for v in spec["volumes"])
    messages = " ".join(d.message for d in result.diagnostics)
    assert "Secret prod-api-token with key token" in messages and "ConfigMap shared-settings with key settings" in messages
