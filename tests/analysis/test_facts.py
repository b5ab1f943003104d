"""Facts computed once after lift."""
from compose2k8s.compose.model import ComposeProject, Service
from compose2k8s.analysis.facts import analyse
from compose2k8s.options import ServiceNames


def project(**services):
    return ComposeProject(name="p", working_dir=".", files=[],
                          services={n: Service(name=n, **s) for n, s in services.items()})


def test_client_names_follow_options_and_dns_rules():
    facts = analyse(project(db={"image": "postgres"}, Web_1={"image": "x"}, q={"image": "rabbitmq"}),
                    {"db": ServiceNames(client="postgresql-service")}, allow_outside=False)
    assert facts.client_names == {"db": "postgresql-service", "Web_1": "web-1", "q": "q"}
    assert facts.renames == {"db": "postgresql-service", "Web_1": "web-1"}


def test_rewrite_peers_rewrites_whole_host_tokens_but_not_the_own_name():
    facts = analyse(project(db={"image": "postgres"}, app={"image": "x"}), {"db": ServiceNames(client="pg"),
                    "app": ServiceNames(client="web")}, allow_outside=False)
    assert facts.rewrite_peers("postgres://u@db:5432/x db.example.com app:80", "app") == \
        "postgres://u@pg:5432/x db.example.com app:80"
    assert facts.rewrite_peers("http://app:80", "db") == "http://web:80"


def test_volume_users_completed_dependencies_and_link_aliases():
    facts = analyse(project(
        a={"image": "x", "volumes": [{"type": "volume", "source": "v", "target": "/v"}], "links": ["b:bee"],
           "depends_on": {"b": {"condition": "service_completed_successfully"}}},
        b={"image": "x", "volumes": [{"type": "volume", "source": "v", "target": "/w"},
                                     {"type": "bind", "source": "/tmp", "target": "/t"}]}), {}, allow_outside=False)
    assert facts.volume_users == {"v": frozenset({"a", "b"})}
    assert facts.completed_dependencies == frozenset({"b"})
    assert facts.aliases == {"b": {"bee": "links"}}
    assert facts.resolvable == {"a": "a", "b": "b", "bee": "b"}


def test_healthchecks_active_and_disabled():
    facts = analyse(project(
        on={"image": "x", "healthcheck": {"test": ["CMD", "true"]}},
        off={"image": "x", "healthcheck": {"disable": True}},
        none={"image": "x", "healthcheck": {"test": ["NONE"]}},
        timing_only={"image": "x", "healthcheck": {"interval": "5s"}}), {}, allow_outside=False)
    assert set(facts.healthchecks) == {"on"}
    assert facts.healthcheck_disabled == frozenset({"off", "none"})  # timing only keeps the image's check
