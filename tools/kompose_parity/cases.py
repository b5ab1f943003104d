"""The cases measured: every Kubernetes case of kompose-fixtures' cases.tsv that has a golden
output and runs with default flags, and the skipped ones with the reason."""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "kompose-fixtures"
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
    """One line of cases.tsv that is not measured, and why."""

    line: int
    what: str
    reason: str


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
