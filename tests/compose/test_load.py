"""Compose semantics of the loader: interpolation, merging, extends, include, profiles, shapes."""
from __future__ import annotations

import pytest

from compose2k8s.compose.interpolate import substitute
from compose2k8s.compose.load import LoadOptions, load_project
from compose2k8s.errors import ComposeError


def load(root, *files, environ=None, **kw):
    names = files or ("compose.yaml",)
    return load_project([root / f for f in names], LoadOptions(environ=environ or {}, **kw))


@pytest.mark.parametrize("template,env,expected", [
    ("$A", {"A": "1"}, "1"),
    ("${A}", {"A": "1"}, "1"),
    ("${A:-d}", {"A": ""}, "d"),
    ("${A-d}", {"A": ""}, ""),
    ("${A-d}", {}, "d"),
    ("${A:+alt}", {"A": "x"}, "alt"),
    ("${A:+alt}", {"A": ""}, ""),
    ("${A+alt}", {"A": ""}, "alt"),
    ("${A:-${B:-${C}}}", {"C": "deep"}, "deep"),
    ("$$A and $${A}", {"A": "1"}, "$A and ${A}"),
    ("pre-${A}-post", {"A": "mid"}, "pre-mid-post"),
    ("${A:?must}", {"A": "ok"}, "ok"),
    ("cost $5", {}, "cost $5"),
])
def test_interpolation_forms(template, env, expected):
    assert substitute(template, env) == expected


@pytest.mark.parametrize("template,env", [("${A:?must be set}", {"A": ""}), ("${A?must be set}", {})])
def test_required_variables(template, env):
    with pytest.raises(ComposeError, match="must be set"):
        substitute(template, env)


def test_shell_environment_wins_over_dotenv_and_values_are_typed(project):
    root = project({
        ".env": "TAG=from-dotenv\nRETRIES=4\nREPLICAS=3\nPORT=8080\n",
        "compose.yaml": """
            services:
              web:
                image: nginx:${TAG}
                ports: ["${PORT}:80"]
                deploy: {replicas: $REPLICAS}
                healthcheck: {test: [CMD, "true"], retries: $RETRIES, interval: 1m30s}
        """,
    })
    web = load(root, environ={"TAG": "from-shell"}).services["web"]
    assert web.image == "nginx:from-shell"
    assert web.healthcheck.retries == 4 and web.healthcheck.interval == 90
    assert web.replicas == 3
    assert web.ports[0].published == "8080" and web.ports[0].target == 80


def test_yaml_12_scalars_as_compose_reads_them(project):
    root = project({"compose.yaml": """
        services:
          web:
            image: nginx
            environment: {DEBUG: yes, LEVEL: on}
            ports: [80:80]
            secrets: [{source: s, mode: 0440}]
        secrets: {s: {environment: HOME}}
    """})
    web = load(root).services["web"]
    assert web.environment == {"DEBUG": "yes", "LEVEL": "on"}
    assert web.ports[0].published == "80"
    assert web.secrets[0].mode == 0o440


def test_anchors_merge_keys_and_extensions_are_not_interpolated(project):
    root = project({"compose.yaml": """
        x-common: &common
          restart: always
          environment: {A: "1"}
        x-more: &more {labels: {tier: back}}
        x-template: {raw: "${NOT_SET:?would fail if interpolated}"}
        services:
          api:
            <<: [*common, *more]
            image: api
    """})
    proj = load(root)
    api = proj.services["api"]
    assert api.restart == "always" and api.environment == {"A": "1"} and api.labels == {"tier": "back"}
    assert "x-template" in proj.extensions


def test_multiple_files_merge_with_compose_rules(project):
    root = project({
        "compose.yaml": """
            services:
              web:
                image: web:1
                command: ["serve", "--a"]
                ports: ["8080:80"]
                environment: {A: "1", B: "2"}
                volumes: ["./data:/data"]
                labels: {keep: "me"}
        """,
        "override.yaml": """
            services:
              web:
                image: web:2
                command: ["serve"]
                ports: ["8080:80", "9090:90"]
                environment: {B: "3"}
                volumes: ["./other:/data:ro"]
                labels: !reset {}
        """,
    })
    web = load(root, "compose.yaml", "override.yaml").services["web"]
    assert web.image == "web:2"
    assert web.command == ["serve"]
    assert [(p.published, p.target) for p in web.ports] == [("8080", 80), ("9090", 90)]
    assert web.environment == {"A": "1", "B": "3"}
    assert len(web.volumes) == 1 and web.volumes[0].read_only and web.volumes[0].source.endswith("/other")
    assert web.labels == {}


def test_override_tag_replaces_instead_of_merging(project):
    root = project({
        "compose.yaml": "services: {web: {image: a, environment: {A: '1', B: '2'}}}",
        "o.yaml": "services: {web: {environment: !override {C: '3'}}}",
    })
    assert load(root, "compose.yaml", "o.yaml").services["web"].environment == {"C": "3"}


def test_extends_same_file_and_other_file_with_relative_paths(project):
    root = project({
        "compose.yaml": """
            services:
              base: {image: base, environment: {A: "1"}}
              child:
                extends: base
                environment: {B: "2"}
              remote:
                extends: {file: common/base.yaml, service: shared}
        """,
        "common/base.yaml": """
            services:
              shared:
                image: shared
                volumes: ["./conf:/conf"]
        """,
    })
    proj = load(root)
    assert proj.services["child"].image == "base"
    assert proj.services["child"].environment == {"A": "1", "B": "2"}
    assert proj.services["remote"].volumes[0].source == str(root / "common" / "conf")


def test_include_brings_services_from_their_own_folder(project):
    root = project({
        "compose.yaml": "include: [db/compose.yaml]\nservices: {app: {image: app, depends_on: [db]}}",
        "db/compose.yaml": "services: {db: {image: postgres, volumes: ['./init:/docker-entrypoint-initdb.d']}}",
    })
    proj = load(root)
    assert set(proj.services) == {"app", "db"}
    assert proj.services["db"].volumes[0].source == str(root / "db" / "init")


def test_profiles_from_flag_and_environment(project):
    root = project({"compose.yaml": """
        services:
          app: {image: app}
          debug: {image: debug, profiles: [dev]}
    """})
    assert set(load(root).services) == {"app"}
    assert set(load(root, profiles=["dev"]).services) == {"app", "debug"}
    assert set(load(root, environ={"COMPOSE_PROFILES": "dev"}).services) == {"app", "debug"}


def test_project_name_sources(project):
    root = project({"compose.yaml": "services: {a: {image: a}}"})
    assert load(root).name == root.name.lower().replace(".", "")
    assert load(root, environ={"COMPOSE_PROJECT_NAME": "Fromenv"}).name == "fromenv"
    root2 = project({"named.yaml": "name: Explicit\nservices: {a: {image: a}}"})
    assert load(root2, "named.yaml").name == "explicit"


def test_short_and_long_syntax_are_one_shape(project):
    root = project({
        "app.env": "FROM_FILE=1\nOVERRIDDEN=file\n",
        "compose.yaml": """
            services:
              db: {image: postgres}
              app:
                image: app
                env_file: app.env
                environment: [OVERRIDDEN=inline, BARE]
                depends_on: [db]
                volumes:
                  - type: bind
                    source: ./src
                    target: /src
                  - data:/var/lib/data:ro
                  - /scratch
                healthcheck: {test: curl -f http://localhost/}
                deploy: {resources: {limits: {cpus: '0.5', memory: 512M}}}
            volumes: {data: {}}
        """,
    })
    app = load(root, environ={"BARE": "from-shell"}).services["app"]
    assert app.environment == {"FROM_FILE": "1", "OVERRIDDEN": "inline", "BARE": "from-shell"}
    assert app.depends_on["db"].condition == "service_started" and app.depends_on["db"].required
    assert [(m.type, m.read_only) for m in app.volumes] == [("bind", False), ("volume", True), ("volume", False)]
    assert app.healthcheck.test == ["CMD-SHELL", "curl -f http://localhost/"]
    assert app.deploy.resources.limits.memory == 512 * 1024 * 1024
    assert app.deploy.resources.limits.cpus == 0.5


def test_links_and_volumes_from_imply_dependencies(project):
    root = project({"compose.yaml": """
        services:
          db: {image: db}
          data: {image: data}
          app: {image: app, links: ["db:database"], volumes_from: ["data:ro"]}
    """})
    assert set(load(root).services["app"].depends_on) == {"db", "data"}


def test_override_survives_extends(project):
    root = project({"compose.yaml": """
        services:
          one: {image: nginx}
          two: {image: nginx}
          base: {image: nginx}
          main_one: {image: nginx, depends_on: [one]}
          main_two:
            extends: main_one
            depends_on: !override [two]
          main:
            extends: {service: main_two}
            depends_on: [base]
    """})
    assert set(load(root).services["main"].depends_on) == {"two", "base"}


def test_pre_start_steps_take_the_service_image_unless_they_name_one(project):
    """compose-go's normalisation (its PreStartInheritsServiceImage tests): a build-only service leaves it unset."""
    root = project({"compose.yaml": """
        services:
          app:
            image: alpine
            pre_start:
              - command: ["migrate"]
              - {image: busybox, command: "chown -R 1000:1000 /data", per_replica: true}
          builder:
            build: {context: .}
            pre_start: [{command: ["init"]}]
        """})
    services = load(root).services
    assert [(h.image, h.command, h.per_replica) for h in services["app"].pre_start] == [
        ("alpine", ["migrate"], False), ("busybox", ["chown", "-R", "1000:1000", "/data"], True)]
    assert services["builder"].pre_start[0].image is None


def test_hooks_refuse_keys_the_specification_does_not_have_but_allow_extensions(project):
    root = project({"compose.yaml": "services:\n  app:\n    image: a\n    pre_start:\n      - {command: [x], replicas: 2}\n"})
    with pytest.raises(ComposeError, match="replicas"):
        load(root)
    root = project({"compose.yaml": "services:\n  app:\n    image: a\n    post_start: [{command: [x], x-note: y}]\n"
                                    "    pre_start: [{command: [y], x-note: z}]\n"})
    assert load(root).services["app"].post_start[0].command == ["x"]


def test_label_files_are_merged_under_labels_which_win(project):
    root = project({"team.labels": "team=web\nowner=ops\n# comment\nbare\n",
                    "compose.yaml": "services:\n  app:\n    image: a\n    label_file: team.labels\n"
                                    "    labels: {owner: dev}\n"})
    assert load(root).services["app"].labels == {"team": "web", "owner": "dev"}
    (root / "team.labels").unlink()
    with pytest.raises(ComposeError, match="label_file .* not found"):
        load(root)


def test_config_output_reads_back_to_the_same_values(project):
    from compose2k8s.compose.render import render_config
    import yaml
    root = project({"compose.yaml": "services:\n  app:\n    image: a\n    command: echo $$HOME\n"
                                    "    environment: {A: \"v$$x\"}\n"})
    once = render_config(load(root))
    assert once["services"]["app"]["command"] == ["echo", "$$HOME"]
    (root / "again.yaml").write_text(yaml.safe_dump(once))
    again = load(root, "again.yaml")
    assert again.services["app"].command == ["echo", "$HOME"] and again.services["app"].environment == {"A": "v$x"}


def test_convert_interpolates_with_the_environment_it_is_given(project, monkeypatch):
    from compose2k8s import convert
    root = project({"compose.yaml": "services: {web: {image: 'nginx:${TAG:-default}'}}"})
    monkeypatch.setenv("TAG", "from-process")
    assert convert([root / "compose.yaml"], environ={"TAG": "given"}).project.services["web"].image == "nginx:given"
    assert convert([root / "compose.yaml"], environ={}).project.services["web"].image == "nginx:default"
    assert convert([root / "compose.yaml"]).project.services["web"].image == "nginx:from-process"


@pytest.mark.parametrize("extends", ["{a: {b: {}}}", "{file: other.yaml}", "{service: \"\"}"])
def test_extends_without_a_service_is_refused_naming_the_key(project, extends):
    root = project({"compose.yaml": f"services:\n  base: {{image: nginx}}\n  app:\n    extends: {extends}\n"})
    with pytest.raises(ComposeError, match="extends names no service") as caught:
        load(root)
    assert (caught.value.key, caught.value.line) == ("services.app.extends", 4)
