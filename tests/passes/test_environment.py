"""Environment → ConfigMap + Secret; renamed Services are followed."""
from ..golden import convert_case
from ..trees import find, pod


def test_split_and_rewrites():
    result = convert_case("environment-renames")
    data = find(result.files, "ConfigMap", "app-env")["data"]
    assert data["DB_HOST"] == "db-service"
    assert data["DB_URL"] == "postgres://app@db-service:5432/app?sslmode=disable"
    assert data["AMQP_URL"] == "amqp://mq-service:5672/"
    assert data["CALLBACK"] == "http://db.example.com/hook"  # not a peer
    assert data["LOG_LEVEL"] == "debug" and data["DOLLAR"] == "cost $5"
    assert not {"DB_PASSWORD", "API_KEY", "SESSION_SECRET", "UNSET_VALUE"} & set(data)
    env = {e["name"]: e["valueFrom"]["secretKeyRef"] for e in pod(find(result.files, "Deployment", "app"))["containers"][0]["env"]}
    assert set(env) == {"DB_PASSWORD", "API_KEY", "SESSION_SECRET"}
    assert {r["name"] for r in env.values()} == {"app-env-secret"}
    assert any(d.code == "unset-variable" for d in result.diagnostics)
