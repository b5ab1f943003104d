"""Every kind of bad input gets one clear message (file, line, key, hint) and exit code 2."""
from __future__ import annotations

import time

import pytest

BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
) + "services: {web: {image: nginx}}\n"

CASES = {
    "invalid-yaml": ("services:\n  web:\n    image: [unclosed\n", ["compose.yaml:", "invalid YAML"]),
    "unknown-top-level": ("servics:\n  web: {image: nginx}\n", ["compose.yaml:1", "'servics'", "did you mean 'services'"]),
    "unknown-service-key": ("services:\n  web:\n    imagee: nginx\n", ["compose.yaml:3", "services.web.imagee", "did you mean 'image'"]),
    "wrong-type": ("services:\n  web:\n    image: nginx\n    deploy:\n      replicas: three\n",
                   ["compose.yaml:5", "services.web.deploy.replicas", "'three'"]),
    "required-variable": ("services:\n  web:\n    image: ${TAG:?set TAG to the release}\n",
                          ["compose.yaml:3", "services.web.image", "set TAG to the release"]),
    "missing-env-file": ("services:\n  web:\n    image: nginx\n    env_file: missing.env\n",
                         ["compose.yaml:4", "services.web.env_file", "missing.env", "not found"]),
    "missing-secret-file": ("services:\n  web: {image: nginx, secrets: [pw]}\nsecrets:\n  pw: {file: ./pw.txt}\n",
                            ["compose.yaml:4", "secrets.pw.file", "does not exist"]),
    "missing-config-file": ("services:\n  web: {image: nginx, configs: [c]}\nconfigs:\n  c: {file: ./c.conf}\n",
                            ["compose.yaml:4", "configs.c.file", "does not exist"]),
    "unknown-dependency": ("services:\n  web:\n    image: nginx\n    depends_on: [dbb]\n  db: {image: postgres}\n",
                           ["compose.yaml:4", "unknown service 'dbb'", "did you mean 'db'"]),
    "dependency-cycle": ("services:\n  a: {image: x, depends_on: [b]}\n  b: {image: x, depends_on: [a]}\n",
                         ["dependency cycle", "a -> b -> a"]),
    "duplicate-key": ("services:\n  web:\n    image: a\n    image: b\n", ["compose.yaml:4", "duplicate key 'image'"]),
    "top-level-not-mapping": ("- just\n- a list\n", ["compose.yaml:1", "top level must be a mapping"]),
    "port-out-of-range": ("services:\n  web:\n    image: nginx\n    ports: ['70000:80']\n",
                          ["compose.yaml:4", "services.web.ports", "out of range"]),
    "bad-volume": ("services:\n  web:\n    image: nginx\n    volumes: ['a:b:c:d']\n",
                   ["compose.yaml:4", "services.web.volumes", "cannot parse volume"]),
    "empty-file": ("", ["compose.yaml", "empty"]),
    "v1-format": ("web:\n  image: nginx\n", ["compose.yaml:1", "v1 format", "services:"]),
    "non-utf8": (b"services:\n  web:\n    image: caf\xe9\n", ["compose.yaml:3", "not valid UTF-8"]),
    "alias-bomb": (BOMB, ["compose.yaml", "alias"]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_one_clear_message(case, project, cli):
    content, expected = CASES[case]
    root = project({"compose.yaml": content})
    started = time.perf_counter()
    code, out, err = cli("config", root / "compose.yaml", env={})
    assert time.perf_counter() - started < 1.0
    assert code == 2
    assert "Traceback" not in err + out
    assert err.startswith("error: ")
    for fragment in expected:
        assert fragment in err, f"{fragment!r} not in {err!r}"
    assert "hint:" in err


@pytest.mark.parametrize("env_file, expected", [
    ("huge.env", ["huge.env", "larger than 1,048,576 bytes", "services.web.env_file"]),
    ("folder.env", ["folder.env", "is a folder, not a regular file", "services.web.env_file"]),
])
def test_unreadable_or_huge_env_file(cli, project, env_file, expected):
    root = project({"compose.yaml": f"services:\n  web:\n    image: nginx\n    env_file: {env_file}\n",
                    "huge.env": "A=" + "x" * (1024 * 1024 - 2) + "\n", "folder.env/keep": ""})
    code, out, err = cli("config", root / "compose.yaml", env={})
    assert code == 2 and "Traceback" not in err + out and "hint:" in err
    assert all(part in err for part in expected), err


def test_missing_compose_file(cli, tmp_path):
    code, _, err = cli("config", tmp_path / "nope.yaml")
    assert code == 2 and "file not found" in err


def test_alias_bomb_memory_is_bounded(project):
    import tracemalloc

    from compose2k8s.compose.load import LoadOptions, load_project
    from compose2k8s.errors import ComposeError
    root = project({"compose.yaml": BOMB})
    tracemalloc.start()
    with pytest.raises(ComposeError):
        load_project([root / "compose.yaml"], LoadOptions(environ={}))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 100 * 1024 * 1024
