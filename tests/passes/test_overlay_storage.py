"""Storage per overlay: classes (RWX ones apart), dev's local volumes, NFS volumes outside dev."""
from ..golden import convert_text

STACK = """
services:
  db: {image: postgres:16, volumes: [data:/var/lib/postgresql/data], deploy: {replicas: 2}}
  app: {image: example/app, volumes: [shared:/srv, media:/media, old:/old]}
  worker: {image: example/app, volumes: [shared:/srv]}
volumes:
  data: {}
  shared: {}
  old: {external: true}
  media: {driver_opts: {type: nfs, o: "addr=10.0.0.5", device: ":/exports/media"}}
"""
STORAGE = {"class_by_overlay": {"dev": "local-storage", "prod": "gp3"}, "rwx_class_by_overlay": {"prod": "efs"}}


def classes(plan, overlay):
    return {(c.claim or f"templates of {c.templates_of}"): c.storage_class for c in plan.overlays[overlay].claim_classes}


def test_storage_classes_per_overlay_and_access_mode(tmp_path):
    plan = convert_text(tmp_path, STACK, storage=STORAGE, project_name="shop").plan
    assert classes(plan, "prod") == {"shared": "efs", "templates of db": "gp3"}  # NFS bound, external left alone
    assert classes(plan, "dev") == {"shared": "local-storage", "media": "local-storage",
                                    "templates of db": "local-storage"}
    assert classes(plan, "staging") == {}


def test_dev_gets_a_local_volume_per_claim_and_per_pod_of_a_template(tmp_path):
    dev = convert_text(tmp_path, STACK, storage=STORAGE, project_name="shop").plan.overlays["dev"]
    assert dev.local_storage_class == "local-storage"
    assert {v.claim: v.host_path for v in dev.static_volumes} == {
        "media": "/mnt/data/shop-dev/media", "shared": "/mnt/data/shop-dev/shared",
        "data-db-0": "/mnt/data/shop-dev/data-db-0", "data-db-1": "/mnt/data/shop-dev/data-db-1"}


def test_nfs_claims_are_bound_to_their_share_outside_dev(tmp_path):
    plan = convert_text(tmp_path, STACK, storage=STORAGE, project_name="shop").plan
    for overlay in ("staging", "prod"):
        volumes = plan.overlays[overlay].static_volumes
        assert [(v.claim, v.nfs.server, v.nfs.path) for v in volumes] == [("media", "10.0.0.5", "/exports/media")]
