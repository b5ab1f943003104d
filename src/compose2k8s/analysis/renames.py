"""Peer host names in text: find them as whole tokens and rewrite the renamed ones.

>>> rewrite("amqp://rabbitmqm8:5672/", {"rabbitmqm8": "rabbitmq-service"})
'amqp://rabbitmq-service:5672/'
>>> rewrite("db.example.com db:5432", {"db": "postgresql"})
'db.example.com postgresql:5432'
"""
from __future__ import annotations

import re


def host_pattern(names: list[str]) -> re.Pattern[str]:
    """Whole host tokens among `names`: `db`, `db:5432`, `postgres://u@db:5432/x`, not `db.example.com`."""
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![\w.\-])({alternatives})(?![\w\-]|\.[a-zA-Z])")


def rewrite(value: str, mapping: dict[str, str], pattern: re.Pattern[str] | None = None, keep: str = "") -> str:
    """Replace peer host names by their Service names; the name `keep` (a service's own
    name, which is not a peer) stays as written."""
    if not mapping:
        return value
    pattern = pattern or host_pattern(list(mapping))
    return pattern.sub(lambda m: m.group(1) if m.group(1) == keep else mapping[m.group(1)], value)
