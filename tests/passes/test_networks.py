"""Compose networks → pod labels and NetworkPolicies with the same reachability."""
from ..golden import convert_case
from ..trees import admits, find, names, objects, pod

CASE = "networks-isolation"


def test_reachability_is_what_compose_allowed():
    files = convert_case(CASE).files
    labels = {o["metadata"]["name"]: o["spec"]["template"]["metadata"]["labels"]
              for o in objects(files) if o["kind"] in ("Deployment", "StatefulSet")}
    policies = {o["spec"]["podSelector"]["matchLabels"]["app.kubernetes.io/name"]: o
                for o in objects(files) if o["kind"] == "NetworkPolicy"}
    ports = {"proxy": 80, "api": 8000, "db": 5432}
    reachable = {(client, server) for client in labels for server, port in ports.items()
                 if client != server and admits(policies[server], labels[client], port)}
    assert reachable == {
        ("api", "proxy"), ("reporter", "proxy"), ("db", "proxy"),  # a published port: open to all
        ("proxy", "api"), ("reporter", "api"),  # front
        ("api", "db"), ("db", "api"),  # back
        ("reporter", "db"),  # depends on db from front only: admitted so its wait can run
    }


def test_pods_carry_their_networks_and_every_pod_gets_a_policy():
    files = convert_case(CASE).files
    api_labels = find(files, "Deployment", "api")["spec"]["template"]["metadata"]["labels"]
    assert {k: v for k, v in api_labels.items() if k.startswith("networks.")} == {
        "networks.compose2k8s.io/back": "true", "networks.compose2k8s.io/front": "true"}
    assert names(files, "NetworkPolicy") == {"proxy-networks", "api-networks", "db-networks", "reporter-networks"}
    assert "initContainers" in pod(find(files, "Deployment", "reporter"))


def test_dropped_settings_and_the_cross_network_wait_are_reported():
    result = convert_case(CASE)
    codes = {(d.service, d.code) for d in result.diagnostics}
    assert {("db", "network-addressing"), ("", "network-settings"), ("reporter", "cross-network-wait"),
            ("", "network-policies")} <= codes


def test_one_network_means_no_policies():
    files = convert_case("depends_on-conditions").files
    assert not names(files, "NetworkPolicy")
    assert not any(k.startswith("networks.") for o in objects(files) if o["kind"] == "Deployment"
                   for k in o["spec"]["template"]["metadata"]["labels"])
