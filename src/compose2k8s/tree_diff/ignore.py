"""`--ignore OBJECTS[:FIELD]`: leave objects, or fields of objects, out of a diff.

OBJECTS is a glob matched against an object's kind, `Kind/name` and `Kind/namespace/name`;
FIELD a glob matched against a change's identity path or any path above it, so a field
ignores everything under it. `*` matches any run of characters (dots and slashes too), `?`
one character; everything else, brackets included, is literal.

>>> rule = IgnoreRule.parse("Deployment:spec.template.spec.containers[*].image")
>>> rule.ignores_change(("Deployment", "shop", "web"), "spec.template.spec.containers[web].image")
True
>>> rule.ignores_change(("Deployment", "shop", "web"), "spec.replicas")
False
>>> IgnoreRule.parse("*:metadata.labels").ignores_change(("Service", "", "db"), "metadata.labels.tier")
True
>>> IgnoreRule.parse("Secret/*").ignores_object(("Secret", "shop", "tls"))
True
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import DiffError
from .read import ObjectKey


def _glob(text: str) -> re.Pattern[str]:
    return re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in text), re.DOTALL)


def ancestors(path: str) -> list[str]:
    """`path` and every path above it.

    >>> ancestors("spec.containers[a.b].ports[80/TCP]")
    ['spec', 'spec.containers', 'spec.containers[a.b]', 'spec.containers[a.b].ports', 'spec.containers[a.b].ports[80/TCP]']
    """
    out, depth = [], 0
    for i, char in enumerate(path):
        if char == "[":
            if depth == 0 and i:
                out.append(path[:i])
            depth += 1
        elif char == "]":
            depth -= 1
        elif char == "." and depth == 0 and i:
            out.append(path[:i])
    return [*out, path]


@dataclass(frozen=True)
class IgnoreRule:
    objects: re.Pattern[str]
    field: re.Pattern[str] | None

    @classmethod
    def parse(cls, text: str) -> IgnoreRule:
        objects, _, field = text.partition(":")
        if not objects.strip() or (":" in text and not field.strip()):
            raise DiffError(f"--ignore '{text}': give OBJECTS or OBJECTS:FIELD", key="--ignore",
                            hint="e.g. --ignore 'Deployment/*:spec.replicas' or --ignore '*:metadata.labels.environment'")
        return cls(_glob(objects.strip()), _glob(field.strip()) if field else None)

    def _selects(self, key: ObjectKey) -> bool:
        kind, namespace, name = key
        forms = (kind, f"{kind}/{name}", f"{kind}/{namespace}/{name}")
        return any(self.objects.fullmatch(form) for form in forms)

    def ignores_object(self, key: ObjectKey) -> bool:
        return self.field is None and self._selects(key)

    def ignores_change(self, key: ObjectKey, path: str) -> bool:
        return self.field is not None and self._selects(key) and any(self.field.fullmatch(p) for p in ancestors(path))
