"""One error hierarchy. The CLI turns any of these into a message and exit code 2; anything
else escaping the library is a bug (exit 3).

>>> str(ComposeError("not a mapping", file="a.yml", line=3, key="services.web", hint="indent it"))
'a.yml:3: services.web: not a mapping\\n  hint: indent it'
"""
from __future__ import annotations


class Compose2K8sError(Exception):
    """Base of every error the library raises on purpose."""

    exit_code = 2

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 key: str | None = None, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.key = key
        self.hint = hint

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file + (f":{self.line}" if self.line else "") + ": "
        if self.key:
            where += f"{self.key}: "
        text = where + self.message
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


class ComposeError(Compose2K8sError):
    """The compose project cannot be read as Docker Compose would read it."""


class InterpolationError(ComposeError):
    """A `${...}` template is malformed, nests too deep, or a required variable is unset."""


class OptionsError(Compose2K8sError):
    """compose2k8s options (flags, compose2k8s.yaml, x-compose2k8s) are invalid."""


class ToolError(Compose2K8sError):
    """A program compose2k8s runs (kubectl, sops) is missing or too old."""


class SecretsError(Compose2K8sError):
    """Secrets cannot be encrypted (no recipients, sops failure)."""


class OutputError(Compose2K8sError):
    """The output folder cannot be written safely."""


class DiffError(Compose2K8sError):
    """A tree or manifest given to `diff` cannot be read or rendered."""
