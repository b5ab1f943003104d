"""Fuzzing the fixtures: every mutation of a real compose file either converts or fails with a
`Compose2K8sError` (exit 2, never 3), and the library raises nothing else.

Two kinds of mutation: text (truncate, insert punctuation, delete, duplicate a line) for the
parser, and values (a key's value swapped for a hostile one: infinities, negative or huge
numbers, wrong types, paths out of the project, deep nesting) for everything after it.
Bounded: a fixed number of examples per test, each converted in memory.
"""
from __future__ import annotations

import copy
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compose2k8s import convert
from compose2k8s.errors import Compose2K8sError
from compose2k8s.options import ConvertOptions
from compose2k8s.tables.keys import compose_keys

from .conftest import FIXTURES

CASES = sorted(p.parent.name for p in (FIXTURES / "compose").glob("*/docker-compose.yml"))
HOSTILE = [None, True, "", "x" * 300, -1, 0, 2**63, 1e308, float("inf"), float("-inf"), float("nan"), -2.5,
           "abc", "-1", ".inf", "1-65535", "0:0", "../../../../etc/passwd", "/dev/zero", "/etc/os-release",
           "${A:-${B:-${C}}}", "$", "${", "..", ".", "a" * 70, [], {}, [None], [[["x"]]], {"a": {"b": {}}},
           ["1-65535:1-65535"], {"x": 1}, "00:00:00", "1e999", "0x10", "007", "::", "a:b:c:d",
           "-----BEGIN PRIVATE KEY-----"]
OPTIONS = ConvertOptions(secrets="placeholder")
SERVICE_KEYS = sorted(compose_keys().service)


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every key path into a parsed document (mapping keys and list indexes)."""
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, prefix + (key,))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, prefix + (index,))
    return found


def _replace(document: Any, path: tuple, value: Any) -> None:
    target = document
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value


@st.composite
def value_mutations(draw) -> tuple[str, str]:
    case = draw(st.sampled_from(CASES))
    document = yaml.safe_load((FIXTURES / "compose" / case / "docker-compose.yml").read_text())
    for _ in range(draw(st.integers(0, 2))):  # keys the fixture does not use, with hostile values
        service = draw(st.sampled_from(sorted(document["services"])))
        value = copy.deepcopy(draw(st.sampled_from(HOSTILE + [["abc"], ["1", "x:y"], {"a": "b"}, {"nofile": "x"}])))
        document["services"][service][draw(st.sampled_from(SERVICE_KEYS))] = value
    paths = _paths(document)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(paths))
        try:
            _replace(document, path, copy.deepcopy(draw(st.sampled_from(HOSTILE))))
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed the path
    return case, yaml.safe_dump(document, sort_keys=False, allow_unicode=True)


def mutate_text(draw, text: str) -> str:
    """One text mutation: truncate, insert YAML punctuation, delete, or duplicate a line."""
    position = draw(st.integers(0, max(0, len(text) - 1)))
    junk = draw(st.text(alphabet=":-[]{}&*!|>'\"#%@`$\n\t ab01.", min_size=1, max_size=5))
    kind = draw(st.sampled_from(["truncate", "insert", "delete", "duplicate-line"]))
    if kind == "truncate":
        return text[:position]
    if kind == "insert":
        return text[:position] + junk + text[position:]
    if kind == "delete":
        return text[:position] + text[position + len(junk):]
    lines = text.splitlines(keepends=True)
    if lines:
        lines.insert(position % len(lines), lines[position % len(lines)])
    return "".join(lines)


@st.composite
def text_mutations(draw) -> tuple[str, str]:
    case = draw(st.sampled_from(CASES))
    text = (FIXTURES / "compose" / case / "docker-compose.yml").read_text()
    for _ in range(draw(st.integers(1, 3))):
        text = mutate_text(draw, text)
    return case, text


def _converts_or_fails_cleanly(case: str, text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / case
        shutil.copytree(FIXTURES / "compose" / case, root)
        (root / "docker-compose.yml").write_text(text)
        try:
            convert([root / "docker-compose.yml"], OPTIONS)
        except Compose2K8sError as exc:
            assert str(exc) and "Traceback" not in str(exc)


SETTINGS = settings(max_examples=120, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@SETTINGS
@given(mutation=value_mutations())
def test_hostile_values_in_fixtures_fail_cleanly(mutation):
    _converts_or_fails_cleanly(*mutation)


@SETTINGS
@given(mutation=text_mutations())
def test_mutated_fixture_text_fails_cleanly(mutation):
    _converts_or_fails_cleanly(*mutation)


@pytest.mark.parametrize("case", CASES)
def test_every_fixture_converts(case):
    """The mutations start from files that convert."""
    _converts_or_fails_cleanly(case, (FIXTURES / "compose" / case / "docker-compose.yml").read_text())
