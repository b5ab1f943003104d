"""Diagnostics: every decision that loses or changes meaning, for the CLI and the audit."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["warning", "info"]


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One finding: `code` is stable for tooling; `service`/`key` say where it comes from."""

    service: str
    key: str
    code: str
    message: str
    hint: str = ""
    severity: Severity = "warning"

    def __str__(self) -> str:
        where = f"{self.service}: {self.key}" if self.service else self.key
        text = f"{self.severity}: {where}: {self.message}"
        return text + (f" ({self.hint})" if self.hint else "")


@dataclass(frozen=True, order=True)
class Trace:
    """What a compose key became: an object and a field, for the audit."""

    service: str
    key: str
    target: str
