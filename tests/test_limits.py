"""Limits: paths that leave the project, symlinks pointing out, names Kubernetes refuses,
and output-folder safety."""
from __future__ import annotations

import os

import pytest

from compose2k8s import convert
from compose2k8s.errors import ComposeError
from compose2k8s.names import dns_label, port_name, service_name
from compose2k8s.options import ConvertOptions

PLACEHOLDER = ConvertOptions(secrets="placeholder")


def test_secret_file_outside_the_project_is_refused(project, tmp_path):
    outside = tmp_path.parent / f"{tmp_path.name}-outside.txt"
    outside.write_text("not yours")
    root = project({"compose.yaml": f"""
        services: {{app: {{image: app, secrets: [s]}}}}
        secrets: {{s: {{file: ../{outside.name}}}}}
    """})
    with pytest.raises(ComposeError, match="outside the project folder") as info:
        convert([root / "compose.yaml"], PLACEHOLDER)
    assert "--allow-outside-project" in info.value.hint
    result = convert([root / "compose.yaml"], ConvertOptions(secrets="placeholder", allow_outside_project=True))
    assert "secrets/secrets.yaml" in result.files


def test_symlink_pointing_out_is_refused(project, tmp_path):
    target = tmp_path.parent / f"{tmp_path.name}-passwd"
    target.write_text("root:x:0:0")
    root = project({"compose.yaml": "services: {app: {image: app, volumes: ['./conf.txt:/etc/conf.txt:ro']}}"})
    os.symlink(target, root / "conf.txt")
    with pytest.raises(ComposeError, match="outside the project folder"):
        convert([root / "compose.yaml"], PLACEHOLDER)


def test_etc_passwd_as_a_config_is_refused(project):
    root = project({"compose.yaml": """
        services: {app: {image: app, configs: [pw]}}
        configs: {pw: {file: ../../../../../../../../etc/passwd}}
    """})
    with pytest.raises(ComposeError, match="outside the project folder"):
        convert([root / "compose.yaml"], PLACEHOLDER)


def test_names_are_sanitised_and_bounded():
    long = "a" * 80
    assert len(dns_label(long)) == 63 and dns_label(long) != dns_label(long + "b")
    assert service_name("9lives") == "s-9lives"
    assert dns_label("My_Service.V2") == "my-service-v2"
    assert len(port_name("a-very-long-port-name", 1, "TCP")) <= 15
    assert port_name(None, 53, "UDP") == "p53-udp"


def test_colliding_names_are_refused(project):
    root = project({"compose.yaml": "services: {web_app: {image: a}, web-app: {image: b}}"})
    with pytest.raises(ComposeError, match="both become 'web-app'"):
        convert([root / "compose.yaml"], PLACEHOLDER)


def test_alias_colliding_with_a_service_is_reported(project):
    root = project({"compose.yaml": """
        services:
          db: {image: postgres:16}
          cache:
            image: redis:7
            networks: {default: {aliases: [db]}}
    """})
    result = convert([root / "compose.yaml"], PLACEHOLDER)
    assert any(d.code == "service-name-collision" and d.service == "cache" for d in result.diagnostics)


def test_huge_input_is_refused(project):
    root = project({"compose.yaml": "x-pad: '" + "a" * (33 * 1024 * 1024) + "'\nservices: {a: {image: a}}\n"})
    with pytest.raises(ComposeError, match="larger than"):
        convert([root / "compose.yaml"], PLACEHOLDER)


@pytest.mark.parametrize("anchor", ["", "x-a: &a 1\n"])  # with or without anchors in the file
@pytest.mark.parametrize("depth, style", [(300, "flow"), (250, "block")])
def test_deep_nesting_is_refused(project, anchor, depth, style):
    if style == "flow":
        deep = "x-deep: " + "[" * depth + "]" * depth + "\n"
    else:
        deep = "x-deep:\n" + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(depth)) + "  " * (depth + 1) + "v: 1\n"
    root = project({"compose.yaml": anchor + deep + "services: {a: {image: a}}\n"})
    with pytest.raises(ComposeError, match="nesting deeper than 200 levels"):
        convert([root / "compose.yaml"], PLACEHOLDER)


@pytest.mark.parametrize("name", [".", "..", "_", "--", "._-"])
def test_names_without_a_letter_or_digit_are_refused(project, name):
    root = project({"compose.yaml": f"services: {{'{name}': {{image: a}}, ok: {{image: b}}}}\n"})
    with pytest.raises(ComposeError, match="has no letter or digit"):
        convert([root / "compose.yaml"], PLACEHOLDER)


@pytest.mark.parametrize("spec, ok", [("['8000-12999:8000-12999']", True), ("['1-65535:1-65535']", False),
                                      ("['1-3000', '3001-6000']", False), ("{expose: ['1-65535']}", False)])
def test_port_ranges_are_capped(project, spec, ok):
    ports = spec[1:-1] if spec.startswith("{") else f"ports: {spec}"
    root = project({"compose.yaml": f"services: {{a: {{image: a, {ports}}}}}\n"})
    if ok:
        assert len(convert([root / "compose.yaml"], PLACEHOLDER).project.services["a"].ports) == 5000
    else:
        with pytest.raises(ComposeError, match="more than 5,000 ports"):
            convert([root / "compose.yaml"], PLACEHOLDER)
