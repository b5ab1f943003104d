"""The library as the README shows it: its Library example runs as written (against a
fixture), arguments are checked, and the same determinism as the command line."""
from __future__ import annotations

import re
import shutil

import pytest

import compose2k8s
from compose2k8s import convert
from compose2k8s.errors import Compose2K8sError, OptionsError
from compose2k8s.options import ConvertOptions

from .conftest import FIXTURES, ROOT

CASE = FIXTURES / "compose" / "secrets-files"


def _readme_example() -> str:
    section = (ROOT / "README.md").read_text().split("## Library", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


@pytest.fixture(scope="module")
def recipient():
    pyrage = pytest.importorskip("pyrage")
    return str(pyrage.x25519.Identity.generate().to_public())


def test_the_readme_library_example_runs(tmp_path, monkeypatch, recipient, capsys):
    shutil.copytree(CASE, tmp_path / "project")
    monkeypatch.chdir(tmp_path / "project")
    code = _readme_example().replace("age1…", recipient)
    namespace: dict = {}
    exec(compile(code.replace('"old-k8s"', '"k8s"'), "README.md", "exec"), namespace)  # noqa: S102
    assert (tmp_path / "project" / "k8s" / "base" / "kustomization.yaml").is_file()
    assert namespace["result"].recipients.found == [recipient]
    assert namespace["changes"].same and capsys.readouterr().out.strip()


def test_audit_and_diff_are_functions_at_the_top():
    assert callable(compose2k8s.convert) and callable(compose2k8s.audit) and callable(compose2k8s.diff)


def test_a_string_is_one_file_not_characters():
    result = convert(str(CASE / "docker-compose.yml"), ConvertOptions(secrets="placeholder"))
    assert result.summary()


@pytest.mark.parametrize("files, options", [(42, None), ([42], None), (["a.yml", None], None), ([""], None),
                                            ("docker-compose.yml", {"secrets": "placeholder"})])
def test_argument_types_are_checked(files, options):
    with pytest.raises(OptionsError, match="must be"):
        convert(files, options)


def test_errors_are_compose2k8s_errors(tmp_path):
    assert issubclass(OptionsError, Compose2K8sError)
    with pytest.raises(Compose2K8sError, match="file not found"):
        convert([tmp_path / "missing.yml"])


def test_output_gives_library_callers_the_same_bytes_twice(tmp_path, monkeypatch):
    pyrage = pytest.importorskip("pyrage")
    identity = pyrage.x25519.Identity.generate()
    (tmp_path / "key.txt").write_text(f"{identity}\n")
    monkeypatch.setenv("SOPS_AGE_KEY_FILE", str(tmp_path / "key.txt"))  # reusing needs the user's key
    recipient = str(identity.to_public())
    shutil.copytree(CASE, tmp_path / "project")
    compose, out = tmp_path / "project" / "docker-compose.yml", tmp_path / "k8s"
    options = ConvertOptions(age_recipients=[recipient])
    first = convert(compose, options, output=out)
    first.write()
    again = convert(compose, options, output=out)
    assert again.files == first.files  # the encrypted Secrets were kept: nothing changed
    with pytest.raises(OptionsError, match="no folder to write to"):
        convert(compose, ConvertOptions(secrets="placeholder")).write()
