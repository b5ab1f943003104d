"""The table tools/kompose_parity.yaml: which misses are deliberate or Kompose bugs, with the
reason, and which compose labels or keys cause a fact."""
from __future__ import annotations

import fnmatch
import re
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from .measurement import Outcome

TABLE = Path(__file__).resolve().parent.parent / "kompose_parity.yaml"


@cache
def table() -> dict[str, Any]:
    return yaml.safe_load(TABLE.read_text())


def _rule_matches(rule: dict[str, Any], outcome: Outcome) -> bool:
    """Does a kompose_bugs or deliberate rule of the table cover this outcome?"""
    return (rule.get("category", outcome.category) == outcome.category
            and fnmatch.fnmatchcase(outcome.fact, rule.get("fact", "*"))
            and all(re.fullmatch(str(rule.get(key, ".*")), getattr(outcome, key), re.S) is not None
                    for key in ("kompose", "ours", "cause")))


def cause(raw: dict[str, Any], category: str, fact: str) -> str:
    """The kompose.* labels (or else compose keys) of this service that produce such a fact."""
    labels = raw.get("labels") or {}
    labels = dict(item.split("=", 1) if "=" in item else (item, "") for item in labels) \
        if isinstance(labels, list) else labels
    labels = {**labels, **((raw.get("deploy") or {}).get("labels") or {})}
    for rule in table()["causes"]:
        if rule["category"] != category or not fnmatch.fnmatchcase(fact, rule.get("fact", "*")):
            continue
        found = sorted(k for k in labels for name in rule.get("labels", [])
                       if k == name or name.endswith(".") and str(k).startswith(name))
        found = _compact(found) or [k for k in rule.get("keys", []) if _has_key(raw, k)]
        if found:
            return ", ".join(found)
    return ""


def _compact(labels: list[str]) -> list[str]:
    """Sibling labels folded: ['a.b.x', 'a.b.y'] → ['a.b.{x,y}']."""
    groups: dict[str, list[str]] = {}
    for label in labels:
        head, _, tail = label.rpartition(".")
        groups.setdefault(head, []).append(tail)
    return [f"{head}.{tails[0]}" if len(tails) == 1 else f"{head}.{{{','.join(tails)}}}"
            for head, tails in groups.items()]


def _has_key(raw: dict[str, Any], dotted: str) -> bool:
    node: Any = raw
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def classified(outcome: Outcome, rules: dict[str, Any]) -> Outcome:
    """A miss as the table classifies it: a Kompose bug, a deliberate difference, or a plain miss."""
    for kind, status in (("kompose_bugs", "kompose-bug"), ("deliberate", "deliberate")):
        rule = next((r for r in rules[kind] if _rule_matches(r, outcome)), None)
        if rule is not None:
            return replace(outcome, status=status, reason=rule["reason"])
    return outcome
