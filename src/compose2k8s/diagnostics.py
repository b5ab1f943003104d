"""Diagnostics: every decision that loses or changes meaning, for the CLI and the audit.

A warning is something the user relies on that is lost, or a step they must take by hand;
everything else is an info. Where diagnostics are printed, repeats are folded (`fold`): the
same message for several services becomes one line naming them, and diagnostics that carry a
`subject` and a `group` text (one variable, one path…) become one line with a count.

>>> a = Diagnostic("web", "environment", "unset-variable", "A has no value", severity="info", subject="A",
...                group="{count} variables have no value: {subjects}")
>>> b = Diagnostic("api", "environment", "unset-variable", "B has no value", severity="info", subject="B",
...                group="{count} variables have no value: {subjects}")
>>> [line.text for line in fold([a, b])]
['api, web: environment: 2 variables have no value: A, B']
>>> [line.text for line in fold([a])]
['web: environment: A has no value']
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["warning", "info"]
LISTED = 8  # names a folded line lists before "… (+N)"


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One finding: `code` is stable for tooling; `service`/`key` say where it comes from.

    `subject` names what this one is about among its kind (a variable, a path) and `group` is
    the line several of them fold into, with {count} and {subjects}."""

    service: str
    key: str
    code: str
    message: str
    hint: str = ""
    severity: Severity = "warning"
    subject: str = ""
    group: str = ""

    def __str__(self) -> str:
        where = f"{self.service}: {self.key}" if self.service else self.key
        text = f"{self.severity}: {where}: {self.message}"
        return text + (f" ({self.hint})" if self.hint else "")


@dataclass(frozen=True)
class Folded:
    """One printed line for one or more diagnostics of one severity and code."""

    severity: Severity
    code: str
    text: str
    count: int

    def __str__(self) -> str:
        return f"{self.severity}: {self.text}"


def listed(names: list[str], limit: int = LISTED) -> str:
    """'a, b, c' or 'a, b, … (+5)'.

    >>> listed(["a", "b", "c"], 2)
    'a, b, … (+1)'
    """
    shown = ", ".join(names[:limit])
    return shown + (f", … (+{len(names) - limit})" if len(names) > limit else "")


def _where(services: list[str], key: str) -> str:
    named = [s for s in services if s]
    return f"{listed(named)}: {key}" if named else key


def fold(diagnostics: list[Diagnostic]) -> list[Folded]:
    """The diagnostics as printed lines, in their order: repeats folded into their first's place."""
    groups: dict[tuple[str, ...], list[Diagnostic]] = {}
    for d in diagnostics:
        key = (d.severity, d.code, d.key, d.group, d.hint) if d.group else (d.severity, d.code, d.key, d.message, d.hint)
        groups.setdefault(key, []).append(d)
    out = []
    for members in groups.values():
        first = members[0]
        services = sorted({d.service for d in members})
        if len(members) == 1 or not first.group:
            text = f"{_where(services, first.key)}: {first.message}"
        else:
            subjects = sorted({d.subject for d in members})
            text = f"{_where(services, first.key)}: " + first.group.format(count=len(subjects),
                                                                            subjects=listed(subjects))
        out.append(Folded(first.severity, first.code, text + (f" ({first.hint})" if first.hint else ""),
                          len(members)))
    return out


@dataclass(frozen=True, order=True)
class Trace:
    """What a compose key became: an object and a field, for the audit."""

    service: str
    key: str
    target: str
