"""Which environment variable names hold secrets (table in mappings/secret-env-names.yaml).

>>> looks_secret("POSTGRES_PASSWORD"), looks_secret("POSTGRES_PASSWORD_FILE"), looks_secret("API_KEY")
(True, False, True)
"""
from __future__ import annotations

import re
from functools import cache

from ..mappings import read_table


@cache
def _table() -> dict:
    return read_table("secret-env-names")


def looks_secret(name: str) -> bool:
    table = _table()
    upper = name.upper()
    if upper in table["exact"]:
        return True
    if any(upper.endswith(s) for s in table["not_secret_suffixes"]):
        return False
    words = [w for w in re.split(r"[_.\-]+", upper) if w]
    if any(w in table["words"] for w in words):
        return True
    return any(a in words and b in words and words.index(b) == words.index(a) + 1 for a, b in table["pairs"])
