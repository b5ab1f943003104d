"""Security switches and recipients come from the user: a project's files cannot widen what is
read or written, nor replace the age recipients the user gave."""
from __future__ import annotations

import pytest

from compose2k8s import convert
from compose2k8s.errors import OptionsError
from compose2k8s.options import ConvertOptions
from compose2k8s.project_options import CALLER_ONLY
from compose2k8s.sops import recipients

ALICE, BOB, CAROL, DAVE = (f"age1{c * 58}" for c in "acdf")
HOST_PATH = "services: {app: {image: app, volumes: ['/etc:/host-etc:ro']}}\n"


@pytest.mark.parametrize("key", sorted(CALLER_ONLY))
@pytest.mark.parametrize("where", ["compose2k8s.yaml", "x-compose2k8s"])
def test_caller_only_switches_are_refused_in_project_files(project, key, where):
    value = "/tmp/old-tree" if key == "previous_tree" else "true"
    files = {"compose.yaml": HOST_PATH}
    if where == "x-compose2k8s":
        files["compose.yaml"] = f"x-compose2k8s: {{{key}: {value}}}\n" + HOST_PATH
    else:
        files["compose2k8s.yaml"] = f"{key}: {value}\n"
    root = project(files)
    with pytest.raises(OptionsError, match="only whoever runs it can set it") as info:
        convert([root / "compose.yaml"], ConvertOptions(secrets="placeholder"))
    assert info.value.file.startswith(str(root / ("compose.yaml" if where == "x-compose2k8s" else where)))
    assert key in info.value.key and CALLER_ONLY[key] in info.value.hint


def test_the_caller_can_still_allow_host_paths(project, cli, tmp_path):
    root = project({"compose.yaml": HOST_PATH})
    dropped = convert([root / "compose.yaml"], ConvertOptions(secrets="placeholder"))
    assert "hostPath" not in dropped.files["base/app/deployment.yaml"]
    allowed = convert([root / "compose.yaml"], ConvertOptions(secrets="placeholder", allow_host_path=True))
    assert "hostPath" in allowed.files["base/app/deployment.yaml"]
    code, _, err = cli("convert", root / "compose.yaml", "--dry-run", "--secrets", "placeholder", "--allow-host-path")
    assert code == 0 and "mounted from the node (hostPath), as allowed" in err


def _sops_file(root, *names):
    (root / ".sops.yaml").write_text(f"creation_rules:\n  - age: {','.join(names)}\n")


@pytest.mark.parametrize("given, expected_source", [
    ({"caller": [ALICE], "env": BOB, "sops": CAROL, "project": [DAVE]}, "--age"),
    ({"env": BOB, "sops": CAROL, "project": [DAVE]}, "SOPS_AGE_RECIPIENTS"),
    ({"sops": CAROL, "project": [DAVE]}, ".sops.yaml"),
    ({"project": [DAVE]}, "compose2k8s.yaml"),
])
def test_recipients_precedence(tmp_path, given, expected_source):
    if "sops" in given:
        _sops_file(tmp_path, given["sops"])
    environ = {"SOPS_AGE_RECIPIENTS": given["env"]} if "env" in given else {}
    chosen = recipients(given.get("caller", []), given.get("project", []), str(tmp_path / "compose2k8s.yaml"),
                        tmp_path, environ)
    assert chosen.source.endswith(expected_source)
    expected = {"--age": ALICE, "SOPS_AGE_RECIPIENTS": BOB, ".sops.yaml": CAROL, "compose2k8s.yaml": DAVE}
    assert chosen.found == [expected[expected_source]]
    assert len(chosen.overridden) == len(given) - 1  # every lower source named others: each a warning


def test_same_recipients_lower_down_are_no_warning(tmp_path):
    _sops_file(tmp_path, ALICE)
    assert recipients([ALICE], [ALICE], "compose2k8s.yaml", tmp_path, {}).overridden == []


@pytest.fixture(scope="module")
def real_recipients():
    pyrage = pytest.importorskip("pyrage")
    return [str(pyrage.x25519.Identity.generate().to_public()) for _ in range(2)]


def test_a_project_file_never_overrides_the_users_recipients(project, cli, real_recipients):
    mine, theirs = real_recipients
    root = project({"compose.yaml": "services: {db: {image: postgres:16, environment: {POSTGRES_PASSWORD: pw}}}\n",
                    "compose2k8s.yaml": f"age_recipients: [{theirs}]\n"})
    code, _, err = cli("convert", root / "compose.yaml", "--dry-run", env={"SOPS_AGE_RECIPIENTS": mine})
    assert code == 0, err
    assert f"Secrets encrypted to 1 age recipient(s) from SOPS_AGE_RECIPIENTS: {mine}" in err
    assert "compose2k8s.yaml names other age recipients" in err
    result = convert([root / "compose.yaml"], ConvertOptions(age_recipients=[mine]))
    assert result.recipients.found == [mine] and result.recipients.source == "--age"
    assert theirs not in "".join(result.files.values())
    code, _, err = cli("convert", root / "compose.yaml", "--dry-run", env={"SOPS_AGE_RECIPIENTS": ""})
    assert code == 0 and f"from {root / 'compose2k8s.yaml'}: {theirs}" in err  # the user gave none: used, and said
