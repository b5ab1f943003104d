"""Find the options of a project: `compose2k8s.yaml` beside the first compose file, or an
`x-compose2k8s` block in it; the caller's options (flags, library arguments) win.

A project's files are not trusted to widen what compose2k8s reads or writes: the switches
in `CALLER_ONLY` are refused there (exit 2, naming the file and the key), so a compose file
from a pull request cannot turn confinement off. Recipients a project names are used only
when the user gave none (see `sops.recipients`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import limits
from .compose.yamlio import load_documents
from .errors import OptionsError
from .options import ConvertOptions, options_from_mapping
from .project_files import ProjectFiles

OPTIONS_FILE = "compose2k8s.yaml"
CALLER_ONLY = {"allow_outside_project": "--allow-outside-project", "allow_host_path": "--allow-host-path",
               "previous_tree": "-o (an earlier tree there is used)"}


def _read(path: Path) -> dict[str, Any]:
    """The options file, read as compose files are (YAML 1.2, duplicate keys refused)."""
    raw = ProjectFiles.at(path.parent).read_bytes(path, cap=limits.OPTIONS_FILE_BYTES, what="options file")
    docs = load_documents(raw, str(path))
    data = (docs[0] if docs else None) or {}
    if len(docs) > 1 or not isinstance(data, dict):
        raise OptionsError("options must be one mapping", file=str(path), hint="write key: value pairs")
    return data


def _refuse_caller_only(data: dict[str, Any], source: str, prefix: str = "") -> None:
    for key, flag in CALLER_ONLY.items():
        if key in data:
            raise OptionsError(f"{key} widens what compose2k8s reads or writes: only whoever runs it can set it",
                               file=source, key=prefix + key,
                               hint=f"remove it here; pass {flag} on the command line (or set it in the library call)")


@dataclass
class ProjectOptions:
    """The caller's options over what the project's files set."""

    caller: ConvertOptions | None
    data: dict[str, Any] = field(default_factory=dict)
    source: str = "options"
    recipients_source: str = ""

    @classmethod
    def discover(cls, files: list[Path], caller: ConvertOptions | None) -> ProjectOptions:
        """Options before the project is loaded: the options file beside the first compose file."""
        found = cls(caller)
        if files:
            options_file = Path(files[0]).parent / OPTIONS_FILE
            if options_file.is_file():
                found._add(_read(options_file), str(options_file), "", options_file.parent)
        return found

    def embed(self, block: Any, compose_file: str) -> None:
        """Add the compose file's `x-compose2k8s` block (over the options file)."""
        if not block:
            return
        if not isinstance(block, dict):
            raise OptionsError("x-compose2k8s must be a mapping", file=compose_file, key="x-compose2k8s",
                               hint="write option: value pairs under it")
        self._add(block, f"{compose_file} (x-compose2k8s)", "x-compose2k8s.", Path(compose_file).parent)

    def _add(self, data: dict[str, Any], source: str, prefix: str, folder: Path) -> None:
        _refuse_caller_only(data, source, prefix)
        env_files = data.get("env_files")
        if isinstance(env_files, list):  # relative to the file that names them (then confined to the project)
            data = {**data, "env_files": [folder / p if isinstance(p, str) else p for p in env_files]}
        self.data.update(data)
        self.source = source
        if "age_recipients" in data:
            self.recipients_source = source

    def options(self) -> ConvertOptions:
        """The merged, validated options (the caller's win)."""
        data = dict(self.data)
        if self.caller is not None:
            data.update(self.caller.model_dump(exclude_unset=True))
        return options_from_mapping(data, self.source)

    def caller_recipients(self) -> list[str]:
        """The age recipients the caller gave (empty when none)."""
        given = self.caller is not None and "age_recipients" in self.caller.model_fields_set
        return list(self.caller.age_recipients) if given else []

    def project_recipients(self) -> list[str]:
        """The age recipients the project's files name (validated like every option)."""
        if "age_recipients" not in self.data:
            return []
        return options_from_mapping({"age_recipients": self.data["age_recipients"]},
                                    self.recipients_source).age_recipients
