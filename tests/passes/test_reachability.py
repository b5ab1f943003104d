"""Every name and port a peer uses answers, as Compose's DNS would (issue example and variants)."""
from __future__ import annotations

from ..golden import convert_text
from ..trees import find, names, objects, pod

ISSUE_EXAMPLE = """
services:
  broker:                       # clients use the internal listener, never published
    image: apache/kafka:3.9.0
    ports: ["9092:9092"]
    environment: {KAFKA_LISTENERS: "PLAINTEXT://:29092,PLAINTEXT_HOST://:9092"}
  client:
    image: busybox
    environment: {BOOTSTRAP_SERVERS: "broker:29092", TIKA: "http://tika:9998"}
    depends_on: [broker, tika]
  tika: {image: apache/tika}    # no ports: today no Service, no wait, one warning
"""


def service_ports(files, name):
    return sorted(p["port"] for p in find(files, "Service", name)["spec"].get("ports", []))


def waits(files, kind, name):
    return {c["name"]: c["command"][2] for c in pod(find(files, kind, name)).get("initContainers", [])}


def test_the_issue_example_answers_every_reference_and_waits_for_both(tmp_path):
    result = convert_text(tmp_path, ISSUE_EXAMPLE)
    assert service_ports(result.files, "broker") == [9092, 29092]
    assert service_ports(result.files, "tika") == [9998]  # the port the client uses is a known port
    inits = waits(result.files, "Deployment", "client")
    assert "nc -z -w 2 broker 29092" in inits["wait-for-broker"]
    assert "nc -z -w 2 tika 9998" in inits["wait-for-tika"]
    assert all(r.service for r in result.plan.reachability)
    assert any(d.code == "inferred-ports" and d.service == "tika" and "9998" in d.message for d in result.diagnostics)


def test_a_service_with_no_known_port_gets_a_headless_service_without_ports_and_a_dns_wait(tmp_path):
    result = convert_text(tmp_path, """
services:
  client: {image: busybox, environment: {TIKA_HOST: tika}, depends_on: [tika]}
  tika: {image: apache/tika}
""")
    spec = find(result.files, "Service", "tika")["spec"]
    assert spec["clusterIP"] == "None" and "ports" not in spec
    assert spec["selector"] == find(result.files, "Deployment", "tika")["spec"]["selector"]["matchLabels"]
    assert "nc -z -w 2 tika 1 2>&1 | grep -q 'bad address'" in waits(result.files, "Deployment", "client")[
        "wait-for-tika"]
    assert any(d.code == "headless-service" and d.service == "tika" for d in result.diagnostics)


def test_references_in_mounted_config_files_add_ports_and_follow_renames(tmp_path):
    (tmp_path / "nginx.conf").write_text("server { location / { proxy_pass http://Back_End:8080; } }\n"
                                         "upstream api { server Back_End:9090; }\n")
    result = convert_text(tmp_path, """
services:
  web:
    image: nginx:1.27
    ports: ["8000:80"]
    volumes: ["./nginx.conf:/etc/nginx/conf.d/default.conf:ro"]
    depends_on: [Back_End]
  Back_End: {image: ghcr.io/acme/api:1.0}
""")
    assert service_ports(result.files, "back-end") == [8080, 9090]
    config = find(result.files, "ConfigMap", "web-files")["data"]["nginx.conf"]
    assert "http://back-end:8080" in config and "server back-end:9090" in config and "Back_End" not in config
    assert any(d.code == "rewritten-host" and "Back_End" in d.message for d in result.diagnostics)
    assert "nc -z -w 2 back-end 8080" in waits(result.files, "Deployment", "web")["wait-for-back-end"]


def test_aliases_answer_like_the_service_and_fqdn_names_are_rewritten(tmp_path):
    result = convert_text(tmp_path, """
services:
  db:
    image: postgres:16
    hostname: db.internal.example
    networks: {default: {aliases: [database]}}
  app: {image: x, environment: {A: "postgres://u@database/app", B: "db.internal.example:5432"}}
""")
    assert service_ports(result.files, "database") == [5432] == service_ports(result.files, "db")
    env = find(result.files, "ConfigMap", "app-env")["data"]
    assert env["A"] == "postgres://u@database/app" and env["B"] == "db:5432"
    assert "db-internal-example" not in names(result.files, "Service")


def test_references_to_itself_and_unknown_hosts_are_not_references(tmp_path):
    result = convert_text(tmp_path, """
services:
  rabbit:
    image: rabbitmq:3.13
    environment: {RABBITMQ_NODENAME: "rabbit@rabbit", CLUSTER: "rabbit:25672", UPSTREAM: "https://api.example.com:8443"}
""")
    assert result.plan.reachability == []


def test_network_mode_service_joins_the_pod_of_its_host(tmp_path):
    result = convert_text(tmp_path, """
services:
  vpn: {image: qmcgaw/gluetun, ports: ["8080:8080"], cap_add: [NET_ADMIN]}
  torrent:
    image: linuxserver/qbittorrent
    network_mode: "service:vpn"
    expose: ["6881"]
    volumes: [downloads:/downloads]
    depends_on: [db]
  db: {image: postgres:16}
  ui: {image: x, environment: {URL: "http://vpn:8080"}, depends_on: [torrent]}
volumes: {downloads: {}}
""")
    files = result.files
    vpn = pod(find(files, "Deployment", "vpn"))
    assert [c["name"] for c in vpn["containers"]] == ["vpn", "torrent"]
    assert {"name": "downloads", "persistentVolumeClaim": {"claimName": "downloads"}} in vpn["volumes"]
    assert [c["name"] for c in vpn["initContainers"]] == ["wait-for-db"]  # the sidecar's wait; none on vpn
    assert "torrent" not in names(files, "Service") and "torrent" not in names(files, "Deployment")
    assert service_ports(files, "vpn") == [6881, 8080]
    assert "nc -z -w 2 vpn 8080" in waits(files, "Deployment", "ui")["wait-for-torrent"]
    assert any(d.code == "sidecar" and d.service == "torrent" for d in result.diagnostics)


def test_an_unanswered_reference_is_a_warning_with_the_reason(tmp_path):
    result = convert_text(tmp_path, """
services:
  vpn: {image: qmcgaw/gluetun}
  torrent: {image: linuxserver/qbittorrent, network_mode: "service:vpn"}
  ui: {image: x, environment: {URL: "http://torrent:8080"}}
""")
    warning = next(d for d in result.diagnostics if d.code == "unanswered-reference")
    assert warning.service == "ui" and "torrent:8080" in warning.message and "vpn" in warning.message
    assert [r.service for r in result.plan.reachability] == [None]


def test_one_shot_jobs_get_no_service_unless_referenced(tmp_path):
    files = convert_text(tmp_path, """
services:
  migrate: {image: x, restart: "no"}
  app: {image: y}
""").files
    assert "migrate" not in names(files, "Service") and "app" in names(files, "Service")
    assert not [o for o in objects(files) if o["kind"] == "Service" and o["metadata"]["name"] == "migrate"]


def test_cluster_peers_named_by_a_range_find_each_other_before_they_are_ready(tmp_path):
    result = convert_text(tmp_path, """x-minio: &minio
  image: quay.io/minio/minio:RELEASE.2025-09-06T17-38-46Z
  command: server http://minio{1...2}/data
  expose: ["9000"]
  healthcheck: {test: ["CMD", "mc", "ready", "local"], interval: 5s, retries: 5}
services:
  minio1: {<<: *minio, hostname: minio1, volumes: ["d1:/data"]}
  minio2: {<<: *minio, hostname: minio2, volumes: ["d2:/data"]}
  nginx: {image: nginx, command: ["sh", "-c", "echo http://minio1:9000 && nginx -g 'daemon off;'"]}
volumes: {d1: {}, d2: {}}
""")
    assert sorted(result.plan.facts.referenced_by["minio1"]) == ["minio2", "nginx"]
    services = {o["metadata"]["name"]: o["spec"] for o in objects(result.files) if o["kind"] == "Service"}
    for name in ("minio1", "minio2", "minio1-headless", "minio2-headless"):
        assert services[name]["publishNotReadyAddresses"] is True, name  # peers wait for each other to start
    assert "publishNotReadyAddresses" not in services["nginx"]  # nginx is reached by nobody it reaches


def test_a_range_too_wide_names_nobody(tmp_path):
    result = convert_text(tmp_path, """services:
  node1: {image: example/node:1.0, command: ["run", "--peers", "http://node{1...500}:7000"]}
  node2: {image: example/node:1.0}
""")
    assert "node2" not in result.plan.facts.referenced_by


def test_a_client_and_a_server_reaching_each_other_are_no_cluster(tmp_path):
    result = convert_text(tmp_path, """services:
  app: {image: example/app:1.0, expose: ["8000"], environment: {HOOKS: "http://worker:9000"}}
  worker: {image: example/worker:1.0, expose: ["9000"], environment: {API: "http://app:8000"}}
""")
    assert not any(s.before_ready for s in result.plan.services)
    assert all("publishNotReadyAddresses" not in o["spec"] or o["spec"]["clusterIP"] == "None"
               for o in objects(result.files) if o["kind"] == "Service")
