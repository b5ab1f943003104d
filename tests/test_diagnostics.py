"""Diagnostics a user can act on: warnings only for what is lost or must be done by hand, repeats
folded where they are printed (CLI, the tree README, the audit), and few of them on real stacks."""
from __future__ import annotations

import re

from compose2k8s.diagnostics import Diagnostic, fold
from compose2k8s.migration_audit import audit

from .conftest import needs_shared
from .golden import convert_text

MOST_WARNING_LINES = 15  # what convert may print for a real stack (issue 17)


@needs_shared
def test_every_real_stack_prints_at_most_fifteen_warning_lines(realworld):
    for name, outcome in realworld.items():
        if outcome.result is None:
            continue
        lines = fold([d for d in outcome.result.diagnostics if d.severity == "warning"])
        assert len(lines) <= MOST_WARNING_LINES, f"{name}: {len(lines)} warning lines:\n" + "\n".join(map(str, lines))


def test_repeats_fold_and_folding_keeps_every_diagnostic(tmp_path):
    result = convert_text(tmp_path, """services:
  web: {image: nginx, environment: [A, B, C], logging: {driver: syslog}}
  api: {image: nginx, environment: [A, D], logging: {driver: syslog}}
""")
    unset = [d for d in result.diagnostics if d.code == "unset-variable"]
    assert len(unset) == 5 and {d.severity for d in unset} == {"info"}  # Compose leaves them out too
    [line] = [str(f) for f in fold(unset)]
    assert line.startswith("info: api, web: environment: 4 variables have no value") and line.count("A") == 1
    assert "A, B, C, D" in line
    [shipper] = [str(f) for f in fold([d for d in result.diagnostics if d.code == "logging-driver"])]
    assert shipper.startswith("warning: api, web: logging: logs are no longer sent to the syslog driver")


def test_a_folded_line_lists_a_few_names_and_counts_the_rest():
    many = [Diagnostic("web", "environment", "unset-variable", f"V{i} unset", severity="info", subject=f"V{i:02}",
                       group="{count} variables unset: {subjects}") for i in range(20)]
    [line] = fold(many)
    assert (line.count, line.text) == (20, "web: environment: 20 variables unset: V00, V01, V02, V03, V04, V05, "
                                           "V06, V07, … (+12)")


def test_no_op_keys_raise_no_warning(tmp_path):
    result = convert_text(tmp_path, """services:
  web:
    image: nginx
    container_name: web
    user: root
    networks: [front]
    deploy: {resources: {limits: {}}, labels: {}}
    logging: {driver: json-file, options: {max-size: 10m}}
networks:
  front: {driver: bridge}
""")
    assert [str(d) for d in result.diagnostics if d.severity == "warning"] == []
    assert {t.key for t in result.traces if t.service == "web"} >= {"container_name", "user", "networks", "deploy"}


def test_a_network_setting_is_a_warning_only_when_something_is_lost(tmp_path):
    result = convert_text(tmp_path, """services:
  web: {image: nginx, networks: [inner]}
networks:
  inner: {internal: true, ipam: {config: [{subnet: 10.5.0.0/16}]}}
""")
    found = {(d.severity, d.message.split(":")[1].strip()) for d in result.diagnostics if d.code == "network-settings"}
    assert found == {("warning", "internal dropped"), ("info", "ipam dropped")}


def test_the_audit_says_partly_mapped_where_the_message_does(tmp_path):
    (tmp_path / "compose.yaml").write_text("""services:
  web:
    image: nginx
    networks: {front: {ipv4_address: 10.5.0.5}}
    sysctls: {net.ipv4.tcp_syncookies: "1", kernel.shmmax: "1"}
    group_add: [audio]
networks:
  front: {ipam: {config: [{subnet: 10.5.0.0/16}]}}
""")
    report = audit([tmp_path / "compose.yaml"])
    fates = {fate.key: fate for fate in report.services["web"]}
    for fate in fates.values():
        said = " ".join(fate.notes)
        if "only partly mapped" in said or "partial" in said:
            assert fate.status == "partial", (fate.key, fate.status, said)
        if fate.status == "not mapped":
            assert fate.notes, fate.key
    assert (fates["sysctls"].status, fates["networks"].status, fates["group_add"].status) == (
        "partial", "partial", "not mapped")  # no group is added: none mapped


def test_convert_ends_with_a_summary_and_the_command_that_shows_everything(cli, tmp_path):
    (tmp_path / "compose.yaml").write_text("""services:
  web: {image: nginx, environment: [A, B], logging: {driver: gelf}, ports: ["80:80"]}
""")
    code, _, stderr = cli("convert", str(tmp_path / "compose.yaml"), "--dry-run", "--secrets", "placeholder",
                          "--profile", "x")
    err = stderr.strip().splitlines()
    assert code == 0
    assert err[-1].startswith("1 warning (1 logging-driver), ")
    assert re.search(r"\d+ notes: `compose2k8s audit \S+compose.yaml --profile x` shows them all$", err[-1])
    assert sum(line.startswith("warning:") for line in err) == 1
    assert not any("A has no value" in line for line in err)  # notes are counted, not printed
