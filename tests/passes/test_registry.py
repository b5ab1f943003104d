"""Private registries: ECR pull secret and refresher; others documented."""
from ..golden import convert_case
from ..trees import find, pod


def test_ecr_refresher_matches_the_guide():
    result = convert_case("registry-private")
    files = result.files
    assert pod(find(files, "Deployment", "api"))["imagePullSecrets"] == [{"name": "ecr-registry-secret"}]
    assert "imagePullSecrets" not in pod(find(files, "Deployment", "web"))
    cron = find(files, "CronJob", "ecr-token-refresher")
    assert cron["spec"]["schedule"] == "0 */8 * * *"
    spec = pod(cron)
    assert spec["serviceAccountName"] == "ecr-token-refresher"
    image = spec["containers"][0]["image"]
    assert ":" in image and not image.endswith(":latest")
    assert "curl" not in spec["containers"][0]["command"][2]  # no kubectl download at run time
    role = find(files, "Role", "ecr-secret-manager")
    limited = [r for r in role["rules"] if "resourceNames" in r]
    assert limited and limited[0]["resourceNames"] == ["ecr-registry-secret"]
    assert all(set(r["verbs"]) <= {"create"} for r in role["rules"] if "resourceNames" not in r)
    assert "name: aws-ecr-credentials" in files["secrets/secrets.yaml"]


def test_other_private_registry_gets_a_documented_pull_secret():
    result = convert_case("registry-private")
    assert pod(find(result.files, "Deployment", "worker"))["imagePullSecrets"] == [{"name": "registry-example-com-pull"}]
    hint = next(d.hint for d in result.diagnostics if d.code == "private-registry")
    assert "kubectl create secret docker-registry registry-example-com-pull" in hint
    assert [(p.name, p.server) for p in result.plan.pull_secrets] == [
        ("registry-example-com-pull", "registry.example.com:5000")]
