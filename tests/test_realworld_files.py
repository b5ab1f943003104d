"""Over every real-world project as its users run it (tools/realworld.yaml): files and data
arrive where the containers expect them (issue 15)."""
from __future__ import annotations

import os
import posixpath

from compose2k8s.analysis.mounts import scan_folder
from compose2k8s.tables.storage import mount_rules


def _bind_folders(plan):
    """(service, folder, mount) for every bind-mounted folder inside the project."""
    root = str(plan.project.working_dir).rstrip("/") + "/"
    for name, svc in plan.project.services.items():
        for mount in svc.volumes:
            source = os.path.normpath(mount.source or "")
            if mount.type == "bind" and source.startswith(root) and os.path.isdir(source):
                yield name, source, mount


def _claim_folders(plan) -> set[str]:
    return {c.source.removeprefix("folder ") for c in plan.claims if c.source.startswith("folder ")}


def test_no_config_like_or_read_only_folder_under_the_limits_becomes_a_claim(realworld):
    limits, problems, checked = mount_rules().config_folder, [], 0
    for entry, outcome in realworld.items():
        if outcome.result is None:
            continue
        plan = outcome.result.plan
        claimed = _claim_folders(plan)
        for service, source, mount in _bind_folders(plan):
            scan = scan_folder(source, limits.max_files, limits.max_bytes)
            folder = "./" + os.path.relpath(source, plan.project.working_dir)
            placeholders = all(posixpath.basename(f.path) in mount_rules().placeholder_files for f in scan.files)
            config_like = posixpath.normpath(mount.target).startswith(("/etc/", "/config")) or mount.read_only
            if scan.over or placeholders or not config_like:
                continue
            checked += 1
            if folder in claimed:
                problems.append(f"{entry}: {service} mounts {folder} at {mount.target}: a claim, not a ConfigMap")
    assert problems == [], "\n".join(problems)
    assert checked >= 8


def test_every_claim_seeded_from_a_folder_has_its_copy_commands(realworld, fixture_trees):
    """Over the corpus and the fixtures (the corpus seeds few claims: its data folders are
    made by the services)."""
    problems, checked = [], 0
    results = [(e, o.result) for e, o in realworld.items() if o.result is not None]
    results += [(case, result) for case, (result, _) in fixture_trees.items()]
    for entry, result in results:
        readme = result.files["README.md"]
        for bound, claim in result.plan.bound_claims():
            if not claim.seed_from:
                continue
            checked += 1
            if f"cp -a {claim.seed_from}/." not in readme:
                problems.append(f"{entry}: claim {bound} from {claim.seed_from}: no dev copy command")
            for overlay in ("staging", "prod"):
                ns = result.plan.overlays[overlay].namespace
                if f"tar -C {claim.seed_from} -cf - . | kubectl -n {ns} exec -i seed-{bound} " not in readme:
                    problems.append(f"{entry}: claim {bound} from {claim.seed_from}: no {overlay} seed command")
    assert problems == [], "\n".join(problems)
    assert checked >= 1
