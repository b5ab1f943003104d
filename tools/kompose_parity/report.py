"""The parity report as text, as `python -m tools.kompose_parity` prints it."""
from __future__ import annotations

from .measurement import Measurement
from .rules import table


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
