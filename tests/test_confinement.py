"""The one reader (project_files.ProjectFiles): confined to the project, links resolved,
non-regular files refused unopened, sizes capped by reading, never by trusting st_size."""
from __future__ import annotations

import os
import socket

import pytest

from compose2k8s import convert
from compose2k8s.compose.load import LoadOptions, load_project
from compose2k8s.errors import ComposeError
from compose2k8s.options import ConvertOptions
from compose2k8s.project_files import ProjectFiles

SECRET = "hunter2-in-a-file-outside"


@pytest.fixture
def tree(tmp_path):
    """project/ with a file, a link out, a link in, a FIFO and a socket; outside/ beside it."""
    project, outside = tmp_path / "project", tmp_path / "outside"
    (project / "conf").mkdir(parents=True)
    outside.mkdir()
    (outside / "x.env").write_text(f"TOKEN={SECRET}\n")
    (project / "a.txt").write_text("inside")
    (project / "conf" / "app.conf").write_text("key = value\n")
    os.symlink(outside / "x.env", project / "out-link")
    os.symlink("a.txt", project / "in-link")
    os.mkfifo(project / "conf" / "pipe")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(project / "conf" / "sock"))
    yield project, outside
    sock.close()


def test_reads_inside_refuses_outside_and_links_out(tree):
    project, outside = tree
    files = ProjectFiles.at(project)
    assert files.read_bytes(project / "in-link") == b"inside"
    for path in (outside / "x.env", project / "out-link", project / ".." / "outside" / "x.env"):
        with pytest.raises(ComposeError, match="outside the project folder") as info:
            files.read_bytes(path, key="services.web.env_file")
        assert SECRET not in str(info.value) and "--allow-outside-project" in info.value.hint
    assert "a link to" in str(pytest.raises(ComposeError, files.read_bytes, project / "out-link").value)
    assert ProjectFiles.at(project, allow_outside=True).read_bytes(project / "out-link").startswith(b"TOKEN=")
    assert ProjectFiles.at(project, trusted=[outside / "x.env"]).read_text(outside / "x.env").startswith("TOKEN=")


@pytest.mark.parametrize("name, what", [("conf/pipe", "FIFO"), ("conf/sock", "socket"), ("conf", "folder")])
def test_non_regular_files_are_refused_unopened(tree, name, what):
    project, _ = tree
    with pytest.raises(ComposeError, match=f"{what}.*not a regular file"):
        ProjectFiles.at(project).read_bytes(project / name)  # a FIFO opened for reading would block


def test_devices_are_refused_and_sizes_are_read_not_trusted():
    files = ProjectFiles.at("/", allow_outside=True)
    with pytest.raises(ComposeError, match="a device, not a regular file"):
        files.read_bytes("/dev/zero")
    assert os.stat("/proc/self/status").st_size == 0  # the kernel reports no size, yet it has content
    with pytest.raises(ComposeError, match="larger than 10 bytes"):
        files.read_bytes("/proc/self/status", cap=10)


def test_try_read_text_is_none_for_anything_refused(tree):
    project, outside = tree
    files = ProjectFiles.at(project)
    assert files.try_read_text(project / "a.txt") == "inside"
    assert [files.try_read_text(p, cap=3) for p in (project / "a.txt", project / "out-link", project / "conf/pipe",
                                                     project / "nope", outside / "x.env")] == [None] * 5


def test_folder_reads_regular_files_bounded_and_confined(tree):
    project, outside = tree
    reader = ProjectFiles.at(project)
    found = reader.folder(project / "conf")
    assert found.files == {"app.conf": b"key = value\n"} and found.skipped == ("pipe", "sock")
    os.symlink(project / "conf", project / "conf" / "loop")  # a link back: each folder is read once
    (project / "conf" / "b.conf").write_text("b")
    assert reader.folder(project / "conf").files == {"app.conf": b"key = value\n", "b.conf": b"b"}
    with pytest.raises(ComposeError, match="more than 1 files"):
        reader.folder(project / "conf", max_files=1)
    with pytest.raises(ComposeError, match="more than 5 bytes"):
        reader.folder(project / "conf", max_bytes=5)
    os.symlink(outside, project / "conf" / "away")
    with pytest.raises(ComposeError, match="outside the project folder"):
        reader.folder(project / "conf")


def test_the_loader_reads_every_file_through_the_reader(tree):
    project, outside = tree
    compose = project / "compose.yaml"
    compose.write_text("services: {web: {image: nginx, env_file: ../outside/x.env}}\n")
    with pytest.raises(ComposeError, match="outside the project folder"):
        load_project([compose])
    loaded = load_project([compose], LoadOptions(allow_outside_project=True))
    assert loaded.services["web"].environment == {"TOKEN": SECRET}
    compose.write_text("services: {web: {image: 'nginx:${TOKEN}'}}\n")
    assert load_project([compose], LoadOptions(env_files=[outside / "x.env"])).services["web"].image.endswith(SECRET)
    (project / "compose2k8s.yaml").write_text("env_files: [../outside/x.env]\n")
    with pytest.raises(ComposeError, match="outside the project folder"):  # a project file is not the caller
        convert([compose], ConvertOptions(secrets="placeholder"))
