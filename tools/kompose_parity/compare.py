"""A case's Kompose facts compared with what our overlays state, one Outcome each; and every
case measured."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from functools import cache
from typing import Any

from .cases import Case, cases
from .facts.normalise import Fact
from .facts.view import View
from .measurement import Measurement, Outcome
from .renderings import compose_services, kompose_view, our_views
from .rules import cause, classified, table


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
                              "missed", cause=cause(raw.get(service, {}), *fact))
            if not met:
                outcome = classified(outcome, rules)
            out.append(outcome)
    return out


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
