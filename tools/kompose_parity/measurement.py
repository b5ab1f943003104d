"""What became of each Kompose fact (Outcome), and the figures over all of them (Measurement)."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .cases import Case, Skipped


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
    """The measured cases, the skipped ones, and the outcome of every Kompose fact."""

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
