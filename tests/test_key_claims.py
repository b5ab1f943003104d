"""A key the keys table calls mapped or partial changes the output when present: each is added
to a plain service and the manifests (README aside) must differ. A claim is never only a claim."""
from __future__ import annotations

import textwrap

import pytest

from compose2k8s.tables.keys import compose_keys

from .golden import convert_text

BASE = "  app:\n    image: example/app:1.0\n"
PEER = "  peer:\n    image: example/peer:1.0\n    expose: ['8080']\n"
# key → (lines added to service `app`, other top-level text the sample needs)
SAMPLES: dict[str, tuple[str, str]] = {
    "annotations": ("annotations: {team: payments}", ""),
    "build": ("build: {context: .}", ""),
    "cap_add": ("cap_add: [NET_ADMIN]", ""),
    "cap_drop": ("cap_drop: [ALL]", ""),
    "command": ("command: [serve, --port, '8000']", ""),
    "configs": ("configs: [settings]", "configs:\n  settings: {content: 'a: 1'}\n"),
    "container_name": ("container_name: app-main", ""),
    "cpus": ("cpus: 0.5", ""),
    "depends_on": ("depends_on: [peer]", ""),
    "deploy": ("deploy: {replicas: 3}", ""),
    "dns": ("dns: [1.1.1.1]", ""),
    "dns_opt": ("dns_opt: [use-vc]", ""),
    "dns_search": ("dns_search: [corp.example]", ""),
    "domainname": ("domainname: example.com", ""),
    "entrypoint": ("entrypoint: [/bin/app]", ""),
    "env_file": ("env_file: [app.env]", ""),
    "environment": ("environment: {MODE: fast}", ""),
    "expose": ("expose: ['9000']", ""),
    "extends": ("extends: {service: peer}", ""),
    "extra_hosts": ("extra_hosts: ['db.local:10.0.0.5']", ""),
    "gpus": ("gpus: [{count: 2}]", ""),
    "group_add": ("group_add: ['44']", ""),
    "healthcheck": ("healthcheck: {test: [CMD, /bin/check]}", ""),
    "hostname": ("hostname: main", ""),
    "image": ("image: example/other:2.0", ""),
    "init": ("init: true", ""),
    "ipc": ("ipc: host", ""),
    "label_file": ("label_file: app.labels", ""),
    "labels": ("labels: {com.example.team: payments}", ""),
    "links": ("links: ['peer:backend']", ""),
    "mem_limit": ("mem_limit: 256m", ""),
    "mem_reservation": ("mem_reservation: 128m", ""),
    "network_mode": ("network_mode: host", ""),
    "networks": ("networks: [front]", "networks:\n  front: {}\n  back: {}\n"),
    "pid": ("pid: host", ""),
    "platform": ("platform: linux/arm64", ""),
    "ports": ("ports: ['8000:8000']", ""),
    "post_start": ("post_start: [{command: [touch, /tmp/up]}]", ""),
    "pre_start": ("pre_start: [{command: [migrate]}]", ""),
    "pre_stop": ("pre_stop: [{command: [drain]}]", ""),
    "privileged": ("privileged: true", ""),
    "profiles": ("profiles: [extra]", ""),
    "pull_policy": ("pull_policy: always", ""),
    "read_only": ("read_only: true", ""),
    "restart": ("restart: 'no'", ""),
    "runtime": ("runtime: runsc", ""),
    "scale": ("scale: 2", ""),
    "secrets": ("secrets: [token]", "secrets:\n  token: {file: token.txt}\n"),
    "security_opt": ("security_opt: ['no-new-privileges:true']", ""),
    "shm_size": ("shm_size: 256m", ""),
    "stdin_open": ("stdin_open: true", ""),
    "stop_grace_period": ("stop_grace_period: 1m", ""),
    "sysctls": ("sysctls: {net.ipv4.tcp_syncookies: '1'}", ""),
    "tmpfs": ("tmpfs: [/run]", ""),
    "tty": ("tty: true", ""),
    "user": ("user: '1000:1000'", ""),
    "userns_mode": ("userns_mode: auto", ""),
    "volumes": ("volumes: [data:/data]", "volumes:\n  data: {}\n"),
    "volumes_from": ("volumes_from: [peer]", ""),
    "working_dir": ("working_dir: /srv", ""),
}
FILES = {"app.env": "MODE=env\n", "app.labels": "com.example.owner=ops\n", "token.txt": "s3cr3t-token\n"}
PEER_VOLUMES = "    volumes: [peerdata:/peer]\n"  # for volumes_from: the peer has something to share


def _convert(tmp_path, service: str, top: str, **options):
    for name, text in FILES.items():
        (tmp_path / name).write_text(text)
    peer = PEER + (PEER_VOLUMES if "volumes_from" in service else "")
    top = top + ("volumes:\n  peerdata: {}\n" if "volumes_from" in service and "volumes:" not in top else "")
    return convert_text(tmp_path, "services:\n" + service + peer + top, **options)


def _manifests(result) -> dict[str, str]:
    return {path: text for path, text in result.files.items() if not path.endswith("README.md")}


CLAIMED = sorted(k for k, v in compose_keys().service.items() if v.status != "not_mapped")


def test_every_claimed_key_has_a_sample():
    assert sorted(SAMPLES) == CLAIMED


@pytest.mark.parametrize("key", CLAIMED)
def test_a_claimed_key_changes_the_output(key, tmp_path):
    line, top = SAMPLES[key]
    options = {"profiles": ["extra"]} if key == "profiles" else {}
    (tmp_path / "plain").mkdir()
    plain = _convert(tmp_path / "plain", BASE, top, **options)
    with_key = (BASE + textwrap.indent(line + "\n", "    ")) if key != "image" else BASE.replace(
        "image: example/app:1.0", line)
    (tmp_path / "with").mkdir()
    changed = _convert(tmp_path / "with", with_key, top, **options)
    assert _manifests(changed) != _manifests(plain), f"{key} is claimed but changes nothing"
