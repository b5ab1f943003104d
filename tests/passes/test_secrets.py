"""Secrets with the real sops: round trip, tamper detection, and no value anywhere in the clear."""
from __future__ import annotations

import base64

import pytest
import yaml

from compose2k8s import convert
from compose2k8s.errors import SecretsError
from compose2k8s.options import ConvertOptions
from compose2k8s.sops import decrypt

from ..conftest import FIXTURES

SECRET_CASE = FIXTURES / "compose" / "secrets-files"
ENV_CASE = FIXTURES / "compose" / "environment-renames"
VALUES = ["fake-db-password-4", "fake-tls-key-5", "fake-api-token-6", "not-a-real-password-1", "fake-api-key-2",
          "fake-session-secret-3"]


@pytest.fixture(scope="module")
def age_key(tmp_path_factory):
    pyrage = pytest.importorskip("pyrage")
    identity = pyrage.x25519.Identity.generate()
    path = tmp_path_factory.mktemp("age") / "key.txt"
    path.write_text(f"{identity}\n")
    return str(identity.to_public()), path


@pytest.fixture
def env(monkeypatch):
    monkeypatch.setenv("API_TOKEN", "fake-api-token-6")
    monkeypatch.delenv("SOPS_AGE_RECIPIENTS", raising=False)


def test_round_trip_with_a_throwaway_key(age_key, env):
    recipient, key = age_key
    result = convert([SECRET_CASE / "docker-compose.yml"], ConvertOptions(age_recipients=[recipient]))
    assert [p for p in result.files if p.startswith("secrets/")] == ["secrets/secrets.sops.yaml"]
    listing = yaml.safe_load(decrypt(result.files["secrets/secrets.sops.yaml"], key))
    assert listing["kind"] == "List"
    decrypted = {doc["metadata"]["name"]: {k: base64.b64decode(v).decode() for k, v in doc["data"].items()}
                 for doc in listing["items"]}
    assert decrypted["db-password"]["db_password"] == (SECRET_CASE / "secrets/db_password.txt").read_text()
    assert decrypted["tls-key"]["tls_key"] == (SECRET_CASE / "secrets/tls.key").read_text()
    assert decrypted["api-token"]["api_token"] == "fake-api-token-6"
    config = yaml.safe_load(result.files[".sops.yaml"])
    assert config["creation_rules"][0]["age"] == recipient
    assert config["creation_rules"][0]["encrypted_regex"] == "^(data|stringData)$"


def test_tampered_file_fails_to_decrypt(age_key, env):
    recipient, key = age_key
    result = convert([SECRET_CASE / "docker-compose.yml"], ConvertOptions(age_recipients=[recipient]))
    text = result.files["secrets/secrets.sops.yaml"]
    start = text.index("ENC[AES256_GCM,data:") + len("ENC[AES256_GCM,data:")
    tampered = text[:start] + ("A" if text[start] != "A" else "B") + text[start + 1:]
    with pytest.raises(SecretsError):
        decrypt(tampered, key)


def test_names_and_types_stay_readable(age_key, env):
    recipient, _ = age_key
    result = convert([SECRET_CASE / "docker-compose.yml"], ConvertOptions(age_recipients=[recipient]))
    items = {d["metadata"]["name"]: d for d in yaml.safe_load(result.files["secrets/secrets.sops.yaml"])["items"]}
    assert items["tls-key"]["type"] == "Opaque"
    assert items["tls-key"]["data"]["tls_key"].startswith("ENC[AES256_GCM")


def _needles() -> list[str]:
    out = []
    for value in VALUES:
        out += [value, base64.b64encode(value.encode()).decode(), base64.b64encode((value + "\n").encode()).decode()]
    return out


@pytest.mark.parametrize("case", [SECRET_CASE, ENV_CASE])
def test_no_secret_value_in_tree_or_cli_output(age_key, case, cli, tmp_path, monkeypatch):
    recipient, _ = age_key
    monkeypatch.setenv("API_TOKEN", "fake-api-token-6")
    out = tmp_path / "out"
    code, stdout, stderr = cli("convert", case / "docker-compose.yml", "-o", out, "--age", recipient)
    assert code == 0, stderr
    code2, audit_out, audit_err = cli("audit", case / "docker-compose.yml", "--format", "json")
    texts = [stdout, stderr, audit_out, audit_err] + [p.read_text(errors="replace") for p in out.rglob("*")
                                                      if p.is_file()]
    hits = [n for n in _needles() for t in texts if n in t]
    assert hits == []


def test_no_recipient_is_exit_2_and_nothing_written(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("API_TOKEN", "fake-api-token-6")
    monkeypatch.delenv("SOPS_AGE_RECIPIENTS", raising=False)
    out = tmp_path / "out"
    code, _, stderr = cli("convert", SECRET_CASE / "docker-compose.yml", "-o", out)
    assert code == 2
    assert "no age recipient" in stderr and "--age" in stderr
    assert not out.exists()


def test_recipients_from_environment_and_sops_config(age_key, tmp_path, monkeypatch, env):
    recipient, _ = age_key
    monkeypatch.setenv("SOPS_AGE_RECIPIENTS", recipient)
    result = convert([SECRET_CASE / "docker-compose.yml"])
    assert recipient in result.files[".sops.yaml"]
    cptm8 = convert([FIXTURES / "compose" / "cptm8" / "docker-compose.yml"], ConvertOptions())
    assert recipient in cptm8.files[".sops.yaml"]  # the environment wins over the project's .sops.yaml


def test_placeholder_mode_writes_replace_me(env):
    result = convert([SECRET_CASE / "docker-compose.yml"], ConvertOptions(secrets="placeholder"))
    items = {d["metadata"]["name"]: d for d in yaml.safe_load(result.files["secrets/secrets.yaml"])["items"]}
    assert items["db-password"]["stringData"] == {"db_password": "REPLACE_ME"}
    assert any(d.code == "placeholder-secrets" for d in result.diagnostics)


def test_secret_mounts_keep_compose_semantics(env):
    from ..trees import find, pod
    result = convert([SECRET_CASE / "docker-compose.yml"], ConvertOptions(secrets="placeholder"))
    proxy = pod(find(result.files, "Deployment", "proxy"))
    mounts = {m["mountPath"]: m for m in proxy["containers"][0]["volumeMounts"]}
    assert mounts["/etc/tls/server.key"]["subPath"] == "tls_key" and "/run/secrets/api_token" in mounts
    tls = next(v for v in proxy["volumes"] if v["name"] == "secret-tls-key")
    assert tls["secret"]["items"][0]["mode"] == 0o400
    assert proxy["securityContext"]["fsGroup"] == 101
    db = pod(find(result.files, "StatefulSet", "db"))
    assert "/run/secrets/db_password" in {m["mountPath"] for m in db["containers"][0]["volumeMounts"]}


@pytest.mark.parametrize("mode", ["ksops", "flux"])
def test_gitops_modes_render_and_validate(age_key, env, tmp_path, mode):
    from compose2k8s.validate import validate_tree
    recipient, key = age_key
    result = convert([SECRET_CASE / "docker-compose.yml"], ConvertOptions(age_recipients=[recipient], secrets=mode))
    result.write(tmp_path / "out")
    base = yaml.safe_load(result.files["base/kustomization.yaml"])
    if mode == "ksops":
        assert base["generators"] == ["secret-generator.yaml"]
        assert yaml.safe_load(result.files["base/secret-generator.yaml"])["files"] == ["./secrets/secrets.sops.yaml"]
    else:  # Flux decrypts Secret objects: one encrypted file each, listed as resources
        assert {"secrets/db-password.sops.yaml", "secrets/tls-key.sops.yaml"} <= set(base["resources"])
        doc = yaml.safe_load(decrypt(result.files["base/secrets/db-password.sops.yaml"], key))
        assert base64.b64decode(doc["data"]["db_password"]).decode() == "fake-db-password-4\n"
    report = validate_tree(tmp_path / "out")
    assert report.ok, report.problems
