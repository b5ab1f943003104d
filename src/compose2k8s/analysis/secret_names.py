"""Which environment variables and mounted files hold secrets (tables in
mappings/secret-env-names.yaml and mappings/secret-files.yaml).

>>> looks_secret("POSTGRES_PASSWORD"), looks_secret("POSTGRES_PASSWORD_FILE"), looks_secret("API_KEY")
(True, False, True)
>>> looks_secret("PGPASSWORD"), looks_secret("GITHUB_PAT"), looks_secret("STRIPE_SK"), looks_secret("RSA_PUBLIC_KEY")
(True, True, True, False)
>>> looks_secret("AMQP_URL", "amqp://rabbit:5672/"), looks_secret("AMQP_URL", "amqp://u:pw@rabbit:5672/")
(False, True)
>>> looks_secret("MONGO_URL", "mongodb://admin:MONGO/PW@mongo"), looks_secret("PG", "host=db password=x")
(True, True)
>>> looks_secret_file("server.key", b""), looks_secret_file("ca.pem", b"-----BEGIN CERTIFICATE-----")
(True, False)
>>> looks_secret_file("tls.pem", b"-----BEGIN RSA PRIVATE KEY-----"), looks_secret_file("nginx.conf", b"x")
(True, False)
"""
from __future__ import annotations

import re

from ..tables.secrets import secret_env_names, secret_files

_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")  # usable as $(NAME) / ${NAME}
# scheme://user:password@host (the password may hold / and @), or a keyword DSN with a password
_URL_WITH_PASSWORD = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://[^/@\s:]*:\S+@\S")
_DSN_PASSWORD = re.compile(r"(?i)(?:^|[\s;])(?:password|pwd)\s*=\s*[^;\s]")
_SNIFF_BYTES = 64 * 1024


def _secret_name(upper: str) -> bool:
    table = secret_env_names()
    if upper in table.exact:
        return True
    if upper.endswith(table.not_secret_suffixes):
        return False
    if any(s in upper for s in table.substrings):
        return True
    words = [w for w in re.split(r"[_.\-]+", upper) if w]
    if any(w in table.words for w in words):
        return True
    if any(a in words and b in words and words.index(b) == words.index(a) + 1 for a, b in table.pairs):
        return True
    return bool(words) and words[-1] in table.last_words and (
        len(words) < 2 or words[-2] not in table.public_before_last)


def looks_secret(name: str, value: str = "") -> bool:
    """True for a secret-looking name, or a value carrying a password (URL or DSN)."""
    if _URL_WITH_PASSWORD.match(value) or _DSN_PASSWORD.search(value):
        return True
    return _secret_name(name.upper())


def looks_secret_file(name: str, content: bytes) -> bool:
    """True for a key, a password file, or a PEM file with a private part."""
    table = secret_files()
    lower = name.lower()
    if lower in table.names or lower.endswith(table.suffixes):
        return True
    head = content[:_SNIFF_BYTES]
    return any(marker.encode() in head for marker in table.content_markers)


def split_secret(env: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """(plain, secret-looking) entries of `env`.

    >>> split_secret({"DB_HOST": "db", "DB_PASSWORD": "x"})
    ({'DB_HOST': 'db'}, {'DB_PASSWORD': 'x'})
    """
    plain: dict[str, str] = {}
    secret: dict[str, str] = {}
    for key, value in env.items():
        (secret if looks_secret(key, value) else plain)[key] = value
    return plain, secret


MIN_SECRET_LENGTH = 4  # shorter values are too common to recognise as a secret in other text


def secret_values(project_env: dict[str, str], service_envs: list[dict[str, str | None]]) -> dict[str, str]:
    """{value: variable} of the secret-looking variables of the project (.env and the shell, which
    interpolation reads) and of its services' environments, to find them where they were
    interpolated (commands, healthchecks) or pasted (other values). A value that is also the
    value of a variable that does not look secret (a user name equal to its password) is public
    already and left out.

    >>> secret_values({"DB_PASSWORD": "s3cret-pw", "DB_USER": "app", "X_TOKEN": "app"}, [])
    {'s3cret-pw': 'DB_PASSWORD'}
    """
    found: dict[str, str] = {}
    public: set[str] = set()
    for env in [project_env, *service_envs]:
        for key, value in sorted(env.items()):
            if not value:
                continue
            if looks_secret(key, value):
                found.setdefault(value, key)
            else:
                public.add(value)
    return {v: k for v, k in found.items() if len(v) >= MIN_SECRET_LENGTH and v not in public
            and not _URL_WITH_PASSWORD.match(v) and _ENV_NAME.match(k)}
