"""What makes a variable name (secret-env-names) or a file (secret-files) secret."""
from __future__ import annotations

from .loader import Frozen, read_table


class SecretEnvNames(Frozen):
    words: frozenset[str]
    substrings: tuple[str, ...]
    pairs: tuple[tuple[str, str], ...]
    last_words: frozenset[str]
    public_before_last: frozenset[str]
    exact: frozenset[str]
    not_secret_suffixes: tuple[str, ...]


class SecretFiles(Frozen):
    names: frozenset[str]
    suffixes: tuple[str, ...]
    content_markers: tuple[str, ...]


def secret_env_names() -> SecretEnvNames:
    return read_table("secret-env-names", SecretEnvNames)


def secret_files() -> SecretFiles:
    return read_table("secret-files", SecretFiles)
