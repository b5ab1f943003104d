"""How much of what Kompose maps we reproduce, measured on Kompose's own golden outputs.

For every Kubernetes case of ../shared/corpus/kompose-fixtures/_harness/cases.tsv that has a
golden file and runs with default flags, the same compose files are converted here (Secrets as
placeholders, a fixed environment), each overlay is rendered with `kubectl kustomize`, and the
facts of tools/kompose_facts.py are compared per compose service. A Kompose fact is met when
at least one overlay states it: Kompose renders one environment, we render three.

Service ports: Kompose's Service port is the published port, ours the container port. A Kompose
Service port counts as met when one of our Services serves its target port and some overlay
offers the published port (a Service port, kind's host port in front of the dev NodePort, or an
Ingress to that target). Differences we keep on purpose, and Kompose output that is wrong, are
classified by the table tools/kompose_parity.yaml, each with its reason.

    python -m tools.kompose_parity          prints the figures and every miss
"""
from __future__ import annotations

import csv
import fnmatch
import json
import re
import shutil
import sys
import tempfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from .kompose_facts import Fact, View, normal_name
from .reference import fixed_environment

FIXTURES = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "kompose-fixtures"
TABLE = Path(__file__).with_name("kompose_parity.yaml")
OVERLAYS = ("dev", "staging", "prod")
# Flags that change only where or how Kompose writes (-o takes a value) ...
_OUTPUT_FLAGS = {"--stdout", "--with-kompose-annotation=false", "-j", "-o"}
# ... or what no category compares (-n takes a value); these are noted on the case.
_UNCOMPARED_FLAGS = {"-n": "-n sets namespaces, which no category compares",
                     "--generate-network-policies": "the flag adds NetworkPolicies, which no category compares"}
# ... or ask Kompose for what we always do (flag and value as two words); noted on the case.
_OUR_WAY_FLAGS = {("--service-group-mode", "label"): "--service-group-mode label groups by kompose.service.group, "
                  "as we always do"}


@dataclass(frozen=True)
class Case:
    """One line of cases.tsv that is measured: its compose files and Kompose's golden output."""

    line: int
    files: tuple[str, ...]
    golden: str
    note: str = ""


@dataclass(frozen=True)
class Skipped:
    line: int
    what: str
    reason: str


@dataclass(frozen=True)
class Outcome:
    """One Kompose fact and what became of it."""

    case: str
    service: str
    category: str
    fact: str
    kompose: str
    ours: str
    status: str  # met | deliberate | missed | kompose-bug
    reason: str = ""  # from the table, for deliberate differences and Kompose bugs
    cause: str = ""  # the kompose.* labels or compose keys that produced Kompose's fact

    @property
    def key(self) -> str:
        """How tools/kompose_parity.yaml's known_misses names this fact."""
        return f"{self.case} | {self.service} | {self.fact}"


@dataclass
class Measurement:
    cases: list[Case]
    skipped: list[Skipped]
    outcomes: list[Outcome] = field(default_factory=list)

    def counts(self, category: str | None = None) -> Counter:
        return Counter(o.status for o in self.outcomes if category in (None, o.category))

    def ratio(self, category: str | None = None) -> float:
        """Parity: facts met or differing on purpose (the deliberate table: nothing the user relies
        on is lost) over the facts that count (all but Kompose bugs)."""
        return self._share(("met", "deliberate"), category)

    def strict_ratio(self, category: str | None = None) -> float:
        """Facts met as Kompose states them, deliberate differences counted as misses."""
        return self._share(("met",), category)

    def _share(self, statuses: tuple[str, ...], category: str | None) -> float:
        counts = self.counts(category)
        counted = counts["met"] + counts["deliberate"] + counts["missed"]
        return sum(counts[s] for s in statuses) / counted if counted else 1.0

    def misses(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status in ("missed", "deliberate")]


# cases ------------------------------------------------------------------------------------

def _flag_problem(flags: list[str]) -> str:
    """Why these flags make a case incomparable with a default run ('' when they do not)."""
    words = iter(flags)
    for word in words:
        if any(word == flag for flag, _ in _OUR_WAY_FLAGS):
            value = next(words, None)
            if (word, value) in _OUR_WAY_FLAGS:
                continue
            return f"flag {word} {value} changes the conversion (only default runs are compared)"
        if word not in _OUTPUT_FLAGS and word not in _UNCOMPARED_FLAGS:
            return f"flag {word} changes the conversion (only default runs are compared)"
        if word in ("-o", "-n"):
            next(words, None)
    return ""


def _golden(row: dict[str, str], folder: Path) -> str | None:
    """The golden file of a case: the expected output, or for a case that only checks that files
    are generated, Kompose's output-k8s file kept beside its compose file."""
    expected = row["expected_output_or_warning"]
    if row["check"].startswith("convert::expect_success") and (FIXTURES / expected).is_file():
        return expected
    if row["check"] == "convert::check_artifacts_generated":
        for name in ("output-k8s.yaml", "output-k8s.json"):
            if (folder / name).is_file():
                return str((folder / name).relative_to(FIXTURES))
    return None


@cache
def cases() -> tuple[tuple[Case, ...], tuple[Skipped, ...]]:
    """The measured cases and the skipped ones with the reason, in cases.tsv order."""
    measured: list[Case] = []
    skipped: list[Skipped] = []
    with (FIXTURES / "_harness" / "cases.tsv").open(newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            line, what = int(row["tests_sh_line"]), row["compose_files"]
            files = tuple(f.replace("(via COMPOSE_FILE)", "").strip() for f in what.split(","))
            flags = row["flags"].split()
            if row["provider"] != "kubernetes":
                skipped.append(Skipped(line, what, f"{row['provider']} provider"))
            elif not all((FIXTURES / f).is_file() for f in files):
                skipped.append(Skipped(line, what, "compose file set by the harness at run time"))
            elif problem := _flag_problem(flags):
                skipped.append(Skipped(line, what, problem))
            elif (golden := _golden(row, (FIXTURES / files[0]).parent)) is None:
                skipped.append(Skipped(line, what, f"{row['check']}: no golden output to compare"))
            else:
                notes = [_UNCOMPARED_FLAGS[f] for f in flags if f in _UNCOMPARED_FLAGS]
                notes += [note for (flag, value), note in _OUR_WAY_FLAGS.items()
                          if any(flags[i:i + 2] == [flag, value] for i in range(len(flags)))]
                if "COMPOSE_FILE" in what:
                    notes.append("COMPOSE_FILE=a:b is converted as -f a -f b")
                if row["check"] == "convert::check_artifacts_generated":
                    notes.append("the harness only checks that files are generated; the golden beside it is compared")
                measured.append(Case(line, files, golden, "; ".join(notes)))
    return tuple(measured), tuple(skipped)


# both sides -------------------------------------------------------------------------------

def kompose_view(case: Case) -> View:
    """Kompose's golden output (YAML documents or a JSON List)."""
    text = (FIXTURES / case.golden).read_text()
    if case.golden.endswith(".json"):
        objects = json.loads(text).get("items") or []
    else:
        objects = [d for d in yaml.safe_load_all(text) if d]
    return View(objects, "io.kompose.service")


@cache
def absent_inputs() -> frozenset[str]:
    """Files _MANIFEST.tsv lists as copied that the corpus copy lacks (users.php, configs.tar)."""
    with (FIXTURES / "_MANIFEST.tsv").open(newline="") as handle:
        return frozenset(row["to_or_ref"] for row in csv.DictReader(handle, delimiter="\t")
                         if row["kind"] == "file" and not (FIXTURES / row["to_or_ref"]).exists())


def compose_paths(case: Case, scratch: Path) -> list[Path]:
    """The case's compose files; when the corpus copy lacks a file beside them that Kompose read,
    a copy of the folder in `scratch` with that file restored (its content is never compared:
    only that it is a file)."""
    folder = (FIXTURES / case.files[0]).parent
    relative = str(folder.relative_to(FIXTURES))
    missing = [p for p in absent_inputs() if p.startswith(relative + "/")]
    if not missing:
        return [FIXTURES / f for f in case.files]
    copy = scratch / folder.name
    shutil.copytree(folder, copy, copy_function=shutil.copyfile)
    for directory in (copy, *copy.rglob("*")):
        if directory.is_dir():
            directory.chmod(0o755)  # the corpus is read-only, and so is its copy
    for path in missing:
        target = copy / Path(path).relative_to(relative)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f"{target.name}: restored for the comparison\n")
    return [copy / Path(f).relative_to(relative) for f in case.files]


def our_views(case: Case) -> dict[str, View] | str:
    """{overlay: View} of our conversion, or the refusal's message."""
    from compose2k8s.api import convert
    from compose2k8s.errors import Compose2K8sError
    from compose2k8s.options import ConvertOptions
    from compose2k8s.validate import render
    with tempfile.TemporaryDirectory(prefix="kompose-parity-") as scratch:
        try:
            result = convert(compose_paths(case, Path(scratch)), ConvertOptions(secrets="placeholder"),
                             environ=fixed_environment())
        except Compose2K8sError as exc:
            return f"refused: {str(exc).splitlines()[0]}"
        kind = yaml.safe_load(result.files.get("overlays/dev/kind-cluster.yaml", "{}")) or {}
        host_ports = {m["containerPort"]: m["hostPort"] for node in kind.get("nodes") or []
                      for m in node.get("extraPortMappings") or []}
        tree = result.write(Path(scratch) / "tree")
        return {overlay: View(render(tree / "overlays" / overlay), "app.kubernetes.io/name",
                              host_ports if overlay == "dev" else {})
                for overlay in OVERLAYS if (tree / "overlays" / overlay).is_dir()}


def compose_services(case: Case) -> dict[str, dict[str, Any]]:
    """{normalised service name: raw compose mapping merged over the case's files} (for causes)."""
    out: dict[str, dict[str, Any]] = {}
    for name in case.files:
        for service, raw in ((yaml.safe_load((FIXTURES / name).read_text()) or {}).get("services") or {}).items():
            out.setdefault(normal_name(service), {}).update(raw or {})
    return out


# comparison -------------------------------------------------------------------------------

@cache
def table() -> dict[str, Any]:
    return yaml.safe_load(TABLE.read_text())


def _display(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, (set, frozenset, list, tuple)):
        return " | ".join(sorted(_display(v) for v in value)) or "none"
    return str(value)


def _kompose_facts(view: View, service: str) -> list[tuple[Fact, Any]]:
    """Kompose's facts, one value each (a set that holds several values gives one fact per value)."""
    out = []
    for (category, name), value in sorted(view.facts(service).items()):
        if isinstance(value, set) and len(value) > 1:
            out += [((category, f"{name} = {v}"), v) for v in sorted(value, key=str)]
        else:
            out.append(((category, name), next(iter(value)) if isinstance(value, set) else value))
    return out


def _our_values(facts: list[dict[Fact, Any]], fact: Fact) -> set[Any]:
    """What our overlays (their facts about one service) state for a fact, as one set."""
    name = fact[1].split(" = ")[0]
    values: set[Any] = set()
    for value in (overlay.get((fact[0], name)) for overlay in facts):
        if isinstance(value, set):
            values |= value
        elif value is not None:
            values.add(value)
    return values


def port_met(offers: dict[str, set[tuple[Any, Any]]], fact: Fact, target: Any) -> bool:
    """Our Service serves the target port and some overlay offers the published one
    (`offers`: {overlay: View.offers(service)})."""
    published = int(fact[1].split()[1].split("/")[0])
    every = set().union(*offers.values())
    serves = any(t == target for p, t in every if p != "ingress")
    return serves and ((published, target) in every or ("ingress", target) in every)


def _rule_matches(rule: dict[str, Any], outcome: Outcome) -> bool:
    """Does a kompose_bugs or deliberate rule of the table cover this outcome?"""
    return (rule.get("category", outcome.category) == outcome.category
            and fnmatch.fnmatchcase(outcome.fact, rule.get("fact", "*"))
            and all(re.fullmatch(str(rule.get(key, ".*")), getattr(outcome, key), re.S) is not None
                    for key in ("kompose", "ours", "cause")))


def _cause(raw: dict[str, Any], category: str, fact: str) -> str:
    """The kompose.* labels (or else compose keys) of this service that produce such a fact."""
    labels = raw.get("labels") or {}
    labels = dict(item.split("=", 1) if "=" in item else (item, "") for item in labels) \
        if isinstance(labels, list) else labels
    labels = {**labels, **((raw.get("deploy") or {}).get("labels") or {})}
    for rule in table()["causes"]:
        if rule["category"] != category or not fnmatch.fnmatchcase(fact, rule.get("fact", "*")):
            continue
        found = sorted(k for k in labels for name in rule.get("labels", [])
                       if k == name or name.endswith(".") and str(k).startswith(name))
        found = _compact(found) or [k for k in rule.get("keys", []) if _has_key(raw, k)]
        if found:
            return ", ".join(found)
    return ""


def _compact(labels: list[str]) -> list[str]:
    """Sibling labels folded: ['a.b.x', 'a.b.y'] → ['a.b.{x,y}']."""
    groups: dict[str, list[str]] = {}
    for label in labels:
        head, _, tail = label.rpartition(".")
        groups.setdefault(head, []).append(tail)
    return [f"{head}.{tails[0]}" if len(tails) == 1 else f"{head}.{{{','.join(tails)}}}"
            for head, tails in groups.items()]


def _has_key(raw: dict[str, Any], dotted: str) -> bool:
    node: Any = raw
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def compare(case: Case, kompose: View, ours: dict[str, View] | str) -> list[Outcome]:
    """Every Kompose fact of the case, with its status."""
    rules = table()
    raw = compose_services(case)
    services = kompose.services() | {s for o in kompose.objects if o.get("kind") == "Service"
                                     if (s := kompose.owner(o))}
    out = []
    for service in sorted(services):
        facts = [] if isinstance(ours, str) else [view.facts(service) for view in ours.values()]
        offers = {} if isinstance(ours, str) else {overlay: view.offers(service) for overlay, view in ours.items()}
        for fact, value in _kompose_facts(kompose, service):
            if isinstance(ours, str):
                met, ours_text = False, ours
            elif fact[0] == "service" and fact[1].startswith("port "):
                met, ours_text = port_met(offers, fact, value), _offers_text(offers, value)
            else:
                mine = _our_values(facts, fact)
                met, ours_text = value in mine, _display(mine)
            outcome = Outcome(case.golden, service, fact[0], fact[1], _display(value), ours_text, "met" if met else
                              "missed", cause=_cause(raw.get(service, {}), *fact))
            if not met:
                outcome = classified(outcome, rules)
            out.append(outcome)
    return out


def classified(outcome: Outcome, rules: dict[str, Any]) -> Outcome:
    """A miss as the table classifies it: a Kompose bug, a deliberate difference, or a plain miss."""
    for kind, status in (("kompose_bugs", "kompose-bug"), ("deliberate", "deliberate")):
        rule = next((r for r in rules[kind] if _rule_matches(r, outcome)), None)
        if rule is not None:
            return replace(outcome, status=status, reason=rule["reason"])
    return outcome


def _offers_text(offers: dict[str, set[tuple[Any, Any]]], target: Any) -> str:
    """How each overlay reaches a container port, e.g. '8080 (dev, staging, prod); 9090 (dev)'."""
    where: dict[Any, list[str]] = {}
    for overlay, pairs in offers.items():
        for port in sorted({p for p, t in pairs if t == target}, key=str):
            where.setdefault(port, []).append(overlay)
    return "; ".join(f"{port} ({', '.join(overlays)})" for port, overlays in sorted(where.items(), key=str)) \
        or "none"


def _measure_case(case: Case) -> list[Outcome]:
    return compare(case, kompose_view(case), our_views(case))


@cache
def measure(workers: int = 3) -> Measurement:
    """Every measured case compared (cases run in a small thread pool: kubectl is a subprocess)."""
    measured, skipped = cases()
    with ThreadPoolExecutor(workers) as pool:
        outcomes = [o for found in pool.map(_measure_case, measured) for o in found]
    return Measurement(list(measured), list(skipped), outcomes)


# report -----------------------------------------------------------------------------------

def report(measurement: Measurement) -> str:
    """The figures per category and overall, then every miss and every skipped case."""
    lines = [f"Kompose parity over {len(measurement.cases)} cases of kompose-fixtures "
             f"({len(measurement.skipped)} skipped): {measurement.ratio():.1%} of the facts that count are met or "
             f"differ on purpose ({measurement.strict_ratio():.1%} met as Kompose states them)",
             "", f"{'category':<10} {'facts':>6} {'met':>5} {'deliberate':>11} {'missed':>7} {'kompose-bug':>12} "
             f"{'parity':>7} {'strict':>7}"]
    categories = sorted({o.category for o in measurement.outcomes}) + [None]
    for category in categories:
        counts = measurement.counts(category)
        lines.append(f"{category or 'overall':<10} {sum(counts.values()):>6} {counts['met']:>5} "
                     f"{counts['deliberate']:>11} {counts['missed']:>7} {counts['kompose-bug']:>12} "
                     f"{measurement.ratio(category):>7.1%} {measurement.strict_ratio(category):>7.1%}")
    known = table().get("known_misses") or {}
    lines += ["", "Misses (case | service | fact: Kompose → ours; cause; why):"]
    for o in measurement.misses():
        why = o.reason if o.status == "deliberate" else known.get(o.key, "NOT IN known_misses")
        lines.append(f"  [{o.status}] {o.key}: {o.kompose} → {o.ours}; cause: {o.cause or '?'}; {why}")
    lines += ["", "Kompose bugs (not counted):"]
    lines += [f"  {o.key}: {o.kompose} ({o.reason})" for o in measurement.outcomes if o.status == "kompose-bug"]
    lines += ["", "Cases:"] + [f"  {c.line}: {c.golden}{f' ({c.note})' if c.note else ''}" for c in measurement.cases]
    lines += ["", "Skipped:"] + [f"  {s.line}: {s.what}: {s.reason}" for s in measurement.skipped]
    return "\n".join(lines)


def main() -> int:
    if not FIXTURES.is_dir():
        print(f"kompose parity: {FIXTURES} is absent, skipped")
        return 0
    print(report(measure()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
