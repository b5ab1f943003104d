"""The output folder is sacred: only our files are written or removed, the folder keeps its
inode and mode, staging folders of killed runs are cleaned, nothing else is touched."""
from __future__ import annotations

import fcntl
import os
import stat

import pytest

from compose2k8s.errors import OutputError
from compose2k8s.output import write_tree
from compose2k8s.output.marker import MARKER
from compose2k8s.output.staging import STAGING_MARKER, STAGING_PREFIX

TREE = {"README.md": "# tree\n", ".sops.yaml": "creation_rules: []\n", "base/kustomization.yaml": "resources: []\n",
        "base/web/deployment.yaml": "kind: Deployment\n"}


def _snapshot(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("force", [False, True])
@pytest.mark.parametrize("mine", ["README.md", ".sops.yaml", "base/kustomization.yaml"])
def test_a_user_file_at_one_of_our_paths_is_an_error_naming_it(tmp_path, mine, force):
    out = tmp_path / "k8s"
    (out / mine).parent.mkdir(parents=True)
    (out / mine).write_text("the user's own")
    before = _snapshot(out)
    with pytest.raises(OutputError, match="was not written by compose2k8s") as info:
        write_tree(out, TREE, force=True)
    if force:
        assert mine in info.value.message and info.value.file == str(out / mine)
    assert _snapshot(out) == before


def test_force_adds_our_files_beside_the_users(tmp_path):
    out = tmp_path / "k8s"
    out.mkdir()
    (out / "notes.md").write_text("mine")
    with pytest.raises(OutputError, match="--force"):
        write_tree(out, TREE)
    write_tree(out, TREE, force=True)
    assert (out / "notes.md").read_text() == "mine" and (out / "base" / "web" / "deployment.yaml").is_file()
    assert (out / MARKER).read_text().splitlines()[1:] == sorted(TREE)


def test_the_folder_keeps_its_inode_and_mode(tmp_path):
    out = tmp_path / "project"
    out.mkdir()
    os.chmod(out, 0o751)
    (out / "compose.yaml").write_text("services: {}")
    before = os.stat(out)
    write_tree(out, TREE, force=True)
    write_tree(out, {**TREE, "base/web/deployment.yaml": "kind: Deployment # changed\n"})
    after = os.stat(out)
    assert (after.st_ino, stat.S_IMODE(after.st_mode)) == (before.st_ino, 0o751)
    assert sorted(p.name for p in out.iterdir()) == sorted([".sops.yaml", MARKER, "README.md", "base", "compose.yaml"])


def test_only_changed_files_are_rewritten_and_stale_ones_of_ours_removed(tmp_path):
    out = tmp_path / "k8s"
    write_tree(out, {**TREE, "base/old/deployment.yaml": "kind: Deployment\n"})
    (out / "base" / "old" / "my-patch.yaml").write_text("mine")  # the user's file in a folder of ours
    (out / "base" / "gone").mkdir()
    inode = os.stat(out / "README.md").st_ino
    write_tree(out, {**TREE, "base/kustomization.yaml": "resources: [web]\n"})
    assert os.stat(out / "README.md").st_ino == inode
    assert (out / "base" / "kustomization.yaml").read_text() == "resources: [web]\n"
    assert not (out / "base" / "old" / "deployment.yaml").exists()
    assert (out / "base" / "old" / "my-patch.yaml").read_text() == "mine"
    assert (out / "base" / "gone").is_dir()  # an empty folder we did not empty is not ours to remove


def test_siblings_and_foreign_staging_lookalikes_are_never_touched(tmp_path):
    out = tmp_path / "k8s"
    (tmp_path / ".k8s.old").mkdir()
    (tmp_path / ".k8s.old" / "keep").write_text("the user's")
    write_tree(out, TREE)
    lookalike = out / f"{STAGING_PREFIX}mine"
    lookalike.mkdir()
    (lookalike / "data").write_text("not a staging folder: no marker")
    write_tree(out, {**TREE, "README.md": "# new\n"})
    assert (tmp_path / ".k8s.old" / "keep").read_text() == "the user's"
    assert (lookalike / "data").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".k8s.old", "k8s"]


def test_abandoned_staging_folders_are_cleaned_but_not_a_live_ones(tmp_path):
    out = tmp_path / "k8s"
    write_tree(out, TREE)
    abandoned, live = out / f"{STAGING_PREFIX}dead", out / f"{STAGING_PREFIX}live"
    for folder in (abandoned, live):
        (folder / "base").mkdir(parents=True)
        (folder / STAGING_MARKER).write_text("")
        (folder / "base" / "x.yaml").write_text("half written")
    with open(live / STAGING_MARKER) as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # a run still writing
        write_tree(out, {**TREE, "README.md": "# new\n"})
        assert not abandoned.exists() and (live / "base" / "x.yaml").is_file()


@pytest.mark.parametrize("where", ["base", "base/web"])
def test_links_where_we_need_a_folder_are_refused(tmp_path, where):
    out, elsewhere = tmp_path / "k8s", tmp_path / "elsewhere"
    elsewhere.mkdir()
    write_tree(out, {"README.md": "x\n"})
    (out / where).parent.mkdir(parents=True, exist_ok=True)
    (out / where).symlink_to(elsewhere)
    with pytest.raises(OutputError, match=f"{where} is a link"):
        write_tree(out, TREE)
    assert not any(elsewhere.iterdir())


def test_a_forged_marker_cannot_reach_outside(tmp_path):
    out, victim = tmp_path / "k8s", tmp_path / "victim.txt"
    victim.write_text("keep")
    write_tree(out, TREE)
    (out / MARKER).write_text("# forged\n../victim.txt\n/etc/hostname\nbase/../../victim.txt\n" + "\n".join(TREE))
    write_tree(out, TREE)
    assert victim.read_text() == "keep"


@pytest.mark.parametrize("target", ["afile/sub", "/proc/compose2k8s-test/out"])
def test_an_unusable_output_path_is_a_clear_error(tmp_path, target):
    (tmp_path / "afile").write_text("")
    path = tmp_path / target if not target.startswith("/") else target
    with pytest.raises(OutputError, match="cannot use it as the output folder"):
        write_tree(path, TREE)


def test_a_path_leaving_the_tree_is_refused(tmp_path):
    with pytest.raises(OutputError, match="leaves the output folder"):
        write_tree(tmp_path / "k8s", {"base/../../x.yaml": "x"})
    assert not (tmp_path / "x.yaml").exists() and not (tmp_path / "k8s").exists()
