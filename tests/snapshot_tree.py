"""Golden trees as syrupy snapshots: every output file of a fixture case is one snapshot,
stored at fixtures/expected/<case>/<path>, so the expected tree keeps the tree's own layout
and a reviewer reads YAML diffs.

Checking compares YAML parsed and SOPS files decrypted with the demo key (plus their age
recipients). `pytest --snapshot-update` writes every file whose bytes changed, except a SOPS
file whose decrypted content did not change: it keeps its old ciphertext. Files of the
expected tree that the output no longer has are syrupy's unused snapshots, reported, and
deleted by `pytest --snapshot-update`, when pytest is given no path argument (syrupy ties
unused snapshots to a path argument by the test file's name, which these files lack):
`pytest -k output_matches_golden_tree --snapshot-update` is the quick way.

    def test_output_matches_golden_tree(case, golden_tree):
        golden_tree.assert_match(case, convert_case(case).files)
"""
from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
import yaml
from syrupy.assertion import SnapshotAssertion
from syrupy.data import Snapshot, SnapshotCollection, SnapshotCollections
from syrupy.extensions.base import AbstractSyrupyExtension
from syrupy.location import PyTestLocation

from compose2k8s.errors import SecretsError
from compose2k8s.sops import decrypt

from .conftest import DEMO_KEY, EXPECTED

SECRET_FIELDS = ("data", "stringData")  # what the output's .sops.yaml encrypts
DIFF_LINES_PER_FILE = 80


@dataclass(frozen=True)
class TreeFile:
    """One file of a tree: a path (relative to the tree, or where the snapshot is stored)
    whose name says how to compare it, and its text."""
    path: str
    text: str

    @property
    def kind(self) -> str:
        """'sops' (encrypted Secrets), 'yaml' or 'text'.

        >>> [TreeFile(p, "").kind for p in ("secrets/secrets.sops.yaml", ".sops.yaml", "README.md")]
        ['sops', 'yaml', 'text']
        """
        name = PurePosixPath(self.path).name
        if name.endswith(".sops.yaml") and name != ".sops.yaml":
            return "sops"
        return "yaml" if name.endswith((".yaml", ".yml")) else "text"


def _parsed(text: str) -> Any:
    try:
        return list(yaml.safe_load_all(text))
    except yaml.YAMLError:
        return text


def _decrypted(text: str) -> tuple[list[str] | None, Any]:
    """(age recipients, decrypted document); the recipients are None when the demo key
    cannot decrypt the text."""
    try:
        meta = (yaml.safe_load(text) or {}).get("sops") or {}
        return sorted(r.get("recipient", "") for r in meta.get("age") or []), yaml.safe_load(decrypt(text, DEMO_KEY))
    except (yaml.YAMLError, SecretsError, AttributeError) as error:
        return None, f"cannot decrypt with {DEMO_KEY.name}: {error}"


def _hide_secrets(mine: Any, theirs: Any, side: str) -> Any:
    """`mine` with the values of data/stringData hidden as `kubectl diff` does: `***` when
    `theirs` holds the same value, `*** (before)` / `*** (after)` when it does not.

    >>> _hide_secrets({"data": {"a": "1", "b": "2"}}, {"data": {"a": "1", "b": "3"}}, "after")
    {'data': {'a': '***', 'b': '*** (after)'}}
    """
    if isinstance(mine, list):
        others = theirs if isinstance(theirs, list) else []
        return [_hide_secrets(v, others[i] if i < len(others) else None, side) for i, v in enumerate(mine)]
    if not isinstance(mine, dict):
        return mine
    others = theirs if isinstance(theirs, dict) else {}
    hidden = {}
    for key, value in mine.items():
        if key in SECRET_FIELDS and isinstance(value, dict):
            other = others.get(key) if isinstance(others.get(key), dict) else {}
            hidden[key] = {k: "***" if k in other and other[k] == v else f"*** ({side})" for k, v in value.items()}
        else:
            hidden[key] = _hide_secrets(value, others.get(key), side)
    return hidden


def _sops_readable(before: str, after: str) -> tuple[str, str]:
    """Both SOPS files as decrypted YAML with their secret values hidden, for a diff."""
    (recipients_a, doc_a), (recipients_b, doc_b) = _decrypted(before), _decrypted(after)

    def show(recipients: list[str] | None, doc: Any, other: Any, side: str) -> str:
        return f"# age recipients: {recipients}\n" + yaml.safe_dump(_hide_secrets(doc, other, side), sort_keys=False)
    return show(recipients_a, doc_a, doc_b, "before"), show(recipients_b, doc_b, doc_a, "after")


class GoldenTreeExtension(AbstractSyrupyExtension):
    """Stores the snapshot named `<case>/<path>` at `root/<case>/<path>`, one file each.

    Snapshots are named after the test that asserts them, `test_output_matches_golden_tree[<case>]`,
    so that pytest's `-k` selects a case's files with its test; discovery, which only sees
    the files, rebuilds that name from `tree_test` and the case folder.
    """
    root: Path = EXPECTED
    tree_test = "test_output_matches_golden_tree"
    write_immediately = True
    exact_bytes = False  # set under --snapshot-update, so formatting changes are written too

    # where snapshots live
    @classmethod
    def dirname(cls, *, test_location: PyTestLocation) -> str:
        return str(cls.root)

    @classmethod
    def get_location(cls, *, test_location: PyTestLocation, index: Any) -> str:
        if not isinstance(index, str) or "/" not in index:
            raise ValueError(f"name a golden tree snapshot '<case>/<path>', not {index!r}")
        return str(cls.root.joinpath(*index.split("/")))

    @classmethod
    def get_snapshot_name(cls, *, test_location: PyTestLocation, index: Any = 0) -> str:
        case = str(index).split("/", 1)[0]
        name = f"{cls.tree_test}[{case}]"
        if test_location.snapshot_name != name:
            raise ValueError(f"golden tree snapshots belong to {name}, not to {test_location.snapshot_name}: "
                             "discovery could not tell their files apart")
        return name

    @classmethod
    def matches_test_location(cls, *, test_location: PyTestLocation, snapshot_location: str) -> bool:
        return Path(snapshot_location).is_relative_to(cls.root)

    def discover_snapshots(self, *, test_location: PyTestLocation,
                           ignore_extensions: list[str] | None = None) -> SnapshotCollections:
        """Every file under `root`, dot files included (a stale `.sops.yaml` is unused too)."""
        found = SnapshotCollections()
        for path in sorted(self.root.rglob("*")):
            if path.is_file() and path.suffix.lstrip(".") not in (ignore_extensions or []):
                found.add(self.read_snapshot_collection(snapshot_location=str(path)))
        return found

    def read_snapshot_collection(self, *, snapshot_location: str) -> SnapshotCollection:
        case = Path(snapshot_location).relative_to(self.root).parts[0]
        collection = SnapshotCollection(location=snapshot_location)
        collection.add(Snapshot(name=f"{self.tree_test}[{case}]"))
        return collection

    def read_snapshot_data_from_location(self, *, snapshot_location: str, snapshot_name: str,
                                         session_id: str) -> TreeFile | None:
        path = Path(snapshot_location)
        return TreeFile(_shown(path), path.read_bytes().decode("utf-8")) if path.is_file() else None

    @classmethod
    def write_snapshot_collection(cls, *, snapshot_collection: SnapshotCollection,
                                  name_order: dict[str, int] | None = None) -> None:
        data = next(iter(snapshot_collection)).data
        with open(snapshot_collection.location, "w", encoding="utf-8", newline="") as handle:
            handle.write(data.text)

    def delete_snapshots(self, *, snapshot_location: str, snapshot_names: set[str]) -> None:
        """Remove the file and the folders it leaves empty, up to `root`."""
        path = Path(snapshot_location)
        path.unlink(missing_ok=True)
        for folder in path.parents:
            if folder == self.root or not folder.is_relative_to(self.root) or any(folder.iterdir()):
                break
            folder.rmdir()

    # what a snapshot is and when it matches
    def serialize(self, data: Any, **_: Any) -> TreeFile:
        if not isinstance(data, TreeFile):
            raise TypeError(f"a golden tree snapshot is a TreeFile, not {type(data).__name__}")
        return data

    def matches(self, *, serialized_data: TreeFile, snapshot_data: TreeFile) -> bool:
        if serialized_data.text == snapshot_data.text:
            return True
        kind = serialized_data.kind
        if kind == "sops":
            received = _decrypted(serialized_data.text)
            return received[0] is not None and received == _decrypted(snapshot_data.text)
        if self.exact_bytes or kind == "text":
            return False
        return _parsed(serialized_data.text) == _parsed(snapshot_data.text)

    def diff_lines(self, serialized_data: TreeFile, snapshot_data: TreeFile | None) -> Iterator[str]:
        """A unified diff, snapshot (-) against output (+); SOPS files decrypted, values hidden."""
        before = snapshot_data.text if isinstance(snapshot_data, TreeFile) else ""
        after = serialized_data.text
        if serialized_data.kind == "sops" and before:
            before, after = _sops_readable(before, after)
        source = snapshot_data.path if isinstance(snapshot_data, TreeFile) else "/dev/null"
        lines = list(difflib.unified_diff(before.splitlines(), after.splitlines(), source,
                                          f"output: {serialized_data.path}", lineterm=""))
        yield from lines[:DIFF_LINES_PER_FILE]
        if len(lines) > DIFF_LINES_PER_FILE:
            yield f"... {len(lines) - DIFF_LINES_PER_FILE} more diff lines"


def _shown(path: Path) -> str:
    """`path` relative to the working folder when under it (pytest runs from the project)."""
    return str(path.relative_to(Path.cwd())) if path.is_relative_to(Path.cwd()) else str(path)


class GoldenTree:
    """A fixture case's output compared file by file with its snapshot tree."""

    def __init__(self, snapshot: SnapshotAssertion, extension: type[GoldenTreeExtension] = GoldenTreeExtension):
        self._snapshot = snapshot.use_extension(extension)
        self._snapshot.extension.exact_bytes = snapshot.update_snapshots

    @property
    def extension(self) -> GoldenTreeExtension:
        return self._snapshot.extension

    def assert_match(self, case: str, files: dict[str, str]) -> None:
        """Fail with one unified diff per differing file (syrupy records each file's result)."""
        differences = []
        for path in sorted(files):
            if not self._snapshot(name=f"{case}/{path}") == TreeFile(path, files[path]):
                differences.append(self._last_difference())
        if differences:
            folder = _shown(self.extension.root / case)
            pytest.fail(f"the output of {case} differs from {folder}/ in {len(differences)} file(s):\n\n"
                        + "\n\n".join(differences)
                        + f"\n\nIf the change is intended: `.venv/bin/pytest -k {self.extension.tree_test} "
                          f"--snapshot-update`, read `git diff {folder}`, and say why in the commit message.",
                        pytrace=False)

    def _last_difference(self) -> str:
        result = self._snapshot.executions[self._snapshot.num_executions - 1]
        if result.exception is not None:
            return f"{result.snapshot_location}: {type(result.exception).__name__}: {result.exception}"
        return "\n".join(self.extension.diff_lines(result.asserted_data, result.recalled_data))
