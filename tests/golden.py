"""Golden trees: convert a fixture case and compare it with fixtures/expected/<case>/.

Comparison is semantic (parsed YAML); SOPS files are compared after decryption with the
demo key. `UPDATE_GOLDEN=1 pytest tests/test_golden.py` rewrites the expected trees: read
the diff before committing it, and say why in the commit message.
"""
from __future__ import annotations

import difflib
import os
from pathlib import Path

import yaml

from compose2k8s import convert
from compose2k8s.options import ConvertOptions

from .conftest import FIXTURES

DEMO_KEY = FIXTURES / "compose" / "cptm8" / "DEMO-ONLY-age-key.txt"
CASE_ENV = {"API_TOKEN": "fake-api-token-6"}
SOPS_CASES = {"cptm8"}


def cases() -> list[str]:
    return sorted(p.name for p in (FIXTURES / "compose").iterdir() if (p / "docker-compose.yml").is_file())


def convert_text(folder: Path, text: str, **options):
    """Convert one compose file written into `folder` (Secrets as placeholders)."""
    (folder / "compose.yaml").write_text(text)
    return convert([folder / "compose.yaml"], ConvertOptions(secrets="placeholder", **options))


def convert_case(case: str):
    options = ConvertOptions(previous_tree=FIXTURES / "expected" / case) if case in SOPS_CASES \
        else ConvertOptions(secrets="placeholder")
    env = {**CASE_ENV, "SOPS_AGE_KEY_FILE": str(DEMO_KEY)}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        return convert([FIXTURES / "compose" / case / "docker-compose.yml"], options)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def comparable(path: str, text: str):
    if path.endswith(".sops.yaml") and not path.endswith("/.sops.yaml") and path != ".sops.yaml":
        from compose2k8s.sops import decrypt
        return yaml.safe_load(decrypt(text, DEMO_KEY))
    if path.endswith((".yaml", ".yml")):
        return list(yaml.safe_load_all(text))
    return text


def golden_differences(case: str, files: dict[str, str]) -> list[str]:
    expected_root = FIXTURES / "expected" / case
    expected = {p.relative_to(expected_root).as_posix(): p.read_text()
                for p in sorted(expected_root.rglob("*")) if p.is_file()}
    problems = [f"missing from output: {p}" for p in sorted(set(expected) - set(files))]
    problems += [f"not in golden tree: {p}" for p in sorted(set(files) - set(expected))]
    for path in sorted(set(expected) & set(files)):
        if comparable(path, expected[path]) != comparable(path, files[path]):
            diff = "".join(difflib.unified_diff(expected[path].splitlines(True), files[path].splitlines(True),
                                                f"expected/{path}", f"actual/{path}", n=2))
            problems.append(diff[:3000])
    return problems


def write_golden(case: str, files: dict[str, str]) -> None:
    import shutil
    root = FIXTURES / "expected" / case
    shutil.rmtree(root, ignore_errors=True)
    for rel, text in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)


def updating() -> bool:
    return os.environ.get("UPDATE_GOLDEN") == "1"


def expected_root(case: str) -> Path:
    return FIXTURES / "expected" / case
