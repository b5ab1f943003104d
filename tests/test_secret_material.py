"""Secrets never in plain text outside Secrets: secret-looking variables and mounted key files
go to Secrets; error messages name variables and lines, never their values."""
from __future__ import annotations

import pytest

from compose2k8s import convert
from compose2k8s.errors import ComposeError
from compose2k8s.options import ConvertOptions
from compose2k8s.analysis.secret_names import looks_secret

VALUE = "Sup3r-S3cret-Value"
PLACEHOLDER = ConvertOptions(secrets="placeholder")


@pytest.mark.parametrize("name", ["PGPASSWORD", "MYSQL_ROOT_PASSWORD", "DB_PASSWD", "JWT_KEY", "STRIPE_SK", "GITHUB_PAT",
                                  "GITHUBTOKEN", "SECRET_KEY_BASE", "AWS_CREDENTIALS", "APP_KEY", "API_KEY"])
def test_secret_names(name):
    assert looks_secret(name)


@pytest.mark.parametrize("name", ["POSTGRES_PASSWORD_FILE", "RSA_PUBLIC_KEY", "STRIPE_PUBLISHABLE_KEY",
                                  "RECAPTCHA_SITE_KEY", "ROUTING_KEY", "TOKEN_TTL", "LOG_LEVEL", "PATH", "DB_HOST"])
def test_names_that_are_not_secrets(name):
    assert not looks_secret(name)


@pytest.mark.parametrize("value", ["mongodb://admin:MONGO/PW@mongo:27017/db", "redis://:p@ss@cache:6379",
                                   "postgres://u:pw@db/app", "host=db user=app password=pw dbname=app",
                                   "Server=db;Database=app;User Id=sa;Password=pw;"])
def test_values_with_a_password_are_secrets(value):
    assert looks_secret("CONNECTION", value)


def test_secret_variables_reach_no_configmap(project):
    names = ["PGPASSWORD", "JWT_KEY", "STRIPE_SK", "GITHUB_PAT", "MONGO_URL"]
    env = "".join(f"      {n}: '{'mongodb://admin:MONGO/PW@mongo' if n == 'MONGO_URL' else VALUE}'\n" for n in names)
    root = project({"compose.yaml": "services:\n  app:\n    image: app\n    environment:\n" + env
                    + "      LOG_LEVEL: info\n"})
    result = convert([root / "compose.yaml"], PLACEHOLDER)
    plain = "".join(text for path, text in result.files.items() if not path.startswith("secrets/"))
    assert VALUE not in plain and "MONGO/PW" not in plain and "LOG_LEVEL: info" in plain


KEY = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n"
CERT = "-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIE\n-----END CERTIFICATE-----\n"


def test_mounted_keys_and_password_files_go_to_a_secret_at_the_same_path(project):
    root = project({"compose.yaml": """
        services:
          web:
            image: nginx
            volumes: ['./tls/server.key:/etc/tls/server.key:ro', './tls/bundle.pem:/etc/tls/bundle.pem:ro',
                      './tls/ca.pem:/etc/tls/ca.pem:ro', './.htpasswd:/etc/nginx/.htpasswd',
                      './nginx.conf:/etc/nginx/nginx.conf:ro']
    """, "tls/server.key": "opaque", "tls/bundle.pem": CERT + KEY, "tls/ca.pem": CERT,
        ".htpasswd": "admin:$apr1$hash\n", "nginx.conf": "events {}\n"})
    result = convert([root / "compose.yaml"], PLACEHOLDER)
    config_map = result.files["base/web/configmap.yaml"]
    assert "ca.pem" in config_map and "nginx.conf" in config_map
    for private in ("server.key", "bundle.pem", ".htpasswd", "PRIVATE KEY", "$apr1$"):
        assert private not in config_map
    deployment = result.files["base/web/deployment.yaml"]
    assert "secretName: web-secret-files" in deployment
    for path in ("/etc/tls/server.key", "/etc/tls/bundle.pem", "/etc/nginx/.htpasswd", "/etc/tls/ca.pem"):
        assert f"mountPath: {path}" in deployment
    assert "/secret-templates" in deployment  # the writable .htpasswd is copied from the Secret
    listing = result.files["secrets/secrets.yaml"]
    assert "name: web-secret-files" in listing and "server.key: REPLACE_ME" in listing


def test_messages_name_the_variable_not_its_value(project):
    root = project({"compose.yaml": "services:\n  db:\n    image: postgres\n    mem_limit: ${DB_PASSWORD}\n",
                    ".env": f"DB_PASSWORD={VALUE}\n"})
    with pytest.raises(ComposeError) as info:
        convert([root / "compose.yaml"], PLACEHOLDER)
    message = str(info.value)
    assert VALUE not in message and "$DB_PASSWORD" in message and "compose.yaml:4" in message


@pytest.mark.parametrize("line", [f"https://user:{VALUE}@host", f"A=\"{VALUE}", f"B=${{{VALUE}"])
def test_env_file_errors_show_no_line(project, line):
    root = project({"compose.yaml": "services: {db: {image: postgres, env_file: app.env}}\n",
                    "app.env": f"OK=1\n{line}\n"})
    with pytest.raises(ComposeError) as info:
        convert([root / "compose.yaml"], PLACEHOLDER)
    assert VALUE not in str(info.value) and "app.env:2" in str(info.value)
