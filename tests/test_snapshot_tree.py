"""The golden-tree snapshots behave as a contributor expects, shown on a copy of the CPTM8
tree in a throwaway project (fixtures/expected is never touched): a changed output fails
with a readable per-file YAML diff; stale files and a folder without a case are reported
as unused; `--snapshot-update` rewrites what changed, deletes what is unused, and keeps the
ciphertext of a SOPS file whose decrypted content did not change."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from compose2k8s.sops import decrypt, encrypt_all

from .conftest import DEMO_KEY, EXPECTED, ROOT
from .snapshot_tree import GoldenTreeExtension, TreeFile

CONFTEST = '''
from pathlib import Path

import pytest

from tests.snapshot_tree import GoldenTree, GoldenTreeExtension


class ThisProjectsTree(GoldenTreeExtension):
    root = Path(__file__).resolve().parent.parent / "fixtures" / "expected"


@pytest.fixture
def golden_tree(snapshot):
    return GoldenTree(snapshot, ThisProjectsTree)
'''

TEST = '''
import json
from pathlib import Path

import pytest

OUTPUT = json.loads((Path(__file__).parent.parent / "output.json").read_text())


@pytest.mark.parametrize("case", sorted(OUTPUT))
def test_output_matches_golden_tree(case, golden_tree):
    golden_tree.assert_match(case, OUTPUT[case])
'''

DEPLOYMENT = "base/num8/deployment.yaml"
SECRETS = "secrets/secrets.sops.yaml"
README = "README.md"
REFORMATTED = "base/num8/service.yaml"
NEW = "base/extra/service.yaml"
UNUSED = ("cptm8/base/gone/deployment.yaml", "cptm8/overlays/.sops.yaml", "no-such-case/base/kustomization.yaml")


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _environment() -> dict[str, str]:
    """This environment without pytest options (an outer `--snapshot-update` stays outside)."""
    return {**{k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}, "PYTHONPATH": str(ROOT)}


def _folders(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_dir()}


@dataclass
class Run:
    code: int
    out: str
    tree: dict[str, bytes]  # the files of fixtures/expected/ after the run
    folders: set[str]


@pytest.fixture(scope="module")
def scenario(tmp_path_factory) -> dict[str, Run]:
    """A project whose one test snapshots `output.json` into its own fixtures/expected/, which
    starts as a copy of CPTM8's golden tree plus three unused files. The output differs from
    it in every way an output can: run as a check, then `--snapshot-update` (selected with
    `-k`), then a check."""
    project = tmp_path_factory.mktemp("tree-project")
    (project / "tests").mkdir()
    (project / "tests" / "conftest.py").write_text(CONFTEST)
    (project / "tests" / "test_golden.py").write_text(TEST)
    expected = project / "fixtures" / "expected"
    shutil.copytree(EXPECTED / "cptm8", expected / "cptm8")
    output = {path: text.decode() for path, text in _tree(expected / "cptm8").items()}
    for path in UNUSED:
        (expected / path).parent.mkdir(parents=True, exist_ok=True)
        (expected / path).write_text("kind: Stale\n")

    old_secrets = output[SECRETS]
    recipients = [r["recipient"] for r in yaml.safe_load(old_secrets)["sops"]["age"]]
    output[SECRETS] = encrypt_all({"secrets": decrypt(old_secrets, DEMO_KEY)}, recipients)["secrets"]
    assert output[SECRETS] != old_secrets, "encrypted anew: other bytes, same decrypted content"
    output[DEPLOYMENT] = output[DEPLOYMENT].replace("\n  replicas: 1\n", "\n  replicas: 3\n")
    output[README] += "\nOne more line.\n"
    output[REFORMATTED] = "# a new header comment\n" + output[REFORMATTED]
    output[NEW] = "kind: Service\n"
    (project / "output.json").write_text(json.dumps({"cptm8": output}))

    def run(*options: str) -> Run:
        proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--snapshot-details",
                               "--snapshot-no-colors", *options], cwd=project, capture_output=True, text=True,
                              env=_environment(), timeout=300)
        return Run(proc.returncode, proc.stdout + proc.stderr, _tree(expected), _folders(expected))
    runs = {"before": Run(0, "", _tree(expected), _folders(expected)), "check": run()}
    runs["update"] = run("-k", "output_matches_golden_tree", "--snapshot-update")  # as README.md says
    runs["check again"] = run()
    runs["output"] = Run(0, "", {f"cptm8/{p}": t.encode() for p, t in output.items()}, set())
    return runs


def test_a_changed_output_fails_with_one_yaml_diff_per_file(scenario):
    check = scenario["check"]
    assert check.code == 1, check.out
    assert "the output of cptm8 differs from fixtures/expected/cptm8/ in 3 file(s)" in check.out, check.out
    assert f"--- fixtures/expected/cptm8/{DEPLOYMENT}\n+++ output: {DEPLOYMENT}\n@@" in check.out
    assert "\n-  replicas: 1\n+  replicas: 3\n" in check.out
    assert f"+++ output: {README}" in check.out and "+One more line." in check.out
    assert f"--- /dev/null\n+++ output: {NEW}\n@@ -0,0 +1 @@\n+kind: Service" in check.out
    assert "3 snapshots failed" in check.out and "--snapshot-update" in check.out
    assert check.tree == scenario["before"].tree, "a check writes nothing"


def test_same_secrets_in_new_ciphertext_and_formatting_alone_do_not_fail(scenario):
    out = scenario["check"].out
    assert f"output: {SECRETS}" not in out and f"output: {REFORMATTED}" not in out


def test_stale_files_and_a_folder_without_case_are_reported_unused(scenario):
    out = scenario["check"].out
    assert "3 snapshots unused" in out and "Re-run pytest with --snapshot-update to delete unused snapshots" in out
    for path in UNUSED:
        assert f"(fixtures/expected/{path})" in out, out


def test_update_writes_the_output_deletes_unused_files_and_keeps_unchanged_ciphertext(scenario):
    update, before, output = scenario["update"], scenario["before"].tree, scenario["output"].tree
    assert update.code == 0 and "3 unused snapshots deleted" in update.out, update.out
    assert "3 snapshots generated" not in update.out and "1 snapshot generated" in update.out
    assert update.tree[f"cptm8/{SECRETS}"] == before[f"cptm8/{SECRETS}"] != output[f"cptm8/{SECRETS}"]
    assert update.tree == {**output, f"cptm8/{SECRETS}": before[f"cptm8/{SECRETS}"]}
    assert not {"no-such-case", "cptm8/base/gone"} & update.folders, "emptied folders are removed"


def test_after_an_update_the_check_passes_and_changes_nothing(scenario):
    again = scenario["check again"]
    assert again.code == 0 and "failed" not in again.out and "unused" not in again.out, again.out
    assert again.tree == scenario["update"].tree


def test_secret_values_never_appear_in_a_sops_diff():
    old = (EXPECTED / "cptm8" / SECRETS).read_text()
    plain = yaml.safe_load(decrypt(old, DEMO_KEY))
    first = plain["items"][0]
    key = sorted(first["data"])[0]
    first["data"][key] = "Y2hhbmdlZA=="
    recipients = [r["recipient"] for r in yaml.safe_load(old)["sops"]["age"]]
    new = encrypt_all({"secrets": yaml.safe_dump(plain, sort_keys=False)}, recipients)["secrets"]
    extension = GoldenTreeExtension()
    received, stored = TreeFile(SECRETS, new), TreeFile(f"fixtures/expected/cptm8/{SECRETS}", old)
    assert not extension.matches(serialized_data=received, snapshot_data=stored)
    diff = "\n".join(extension.diff_lines(received, stored))
    assert f"-    {key}: '*** (before)'" in diff and f"+    {key}: '*** (after)'" in diff, diff
    secrets = [v for item in yaml.safe_load(decrypt(old, DEMO_KEY))["items"] for v in item.get("data", {}).values()]
    assert secrets and not any(value in diff for value in [*secrets, "Y2hhbmdlZA=="]), diff
    assert diff.startswith(f"--- fixtures/expected/cptm8/{SECRETS}\n+++ output: {SECRETS}\n@@"), diff
