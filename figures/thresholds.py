"""The council's thresholds for the briefing pack's first page (config/briefing_thresholds.toml):
read, checked, and compared with the figures as shown.

`read_thresholds(path)` returns the entries or raises `ThresholdsInvalid` naming the entry and
what is wrong with it (an unknown figure or test, a value that is not a positive number, no
reason, a key nobody reads): a mistake in the file must stop the pack, never drop a threshold
silently. `check(threshold, now, previous)` compares one entry with a figure's values as shown,
so a hidden small number (`c`) is never compared.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from core.dates import is_missing
from core.paths import PROJECT_ROOT
from figures.format import fmt_int

PATH = PROJECT_ROOT / "config" / "briefing_thresholds.toml"

# figure -> how the pack names it in a sentence
FIGURES = {
    "act_now": "Children in act now",
    "out_of_sight": "Children out of sight",
    "children_out_of_school": "Children out of school",
    "no_placement": "Children with no placement",
    "provision_unknown": "Children with provision unknown",
    "over_a_term": "Children out of school more than a term",
    "overdue_actions": "Overdue actions",
}
WHEN = ("level", "rise", "rise_percent")
KEYS = {"figure", "when", "at", "reason"}


class ThresholdsInvalid(ValueError):
    """The thresholds file cannot be used as written."""


@dataclass(frozen=True)
class Threshold:
    figure: str
    when: str
    at: float
    reason: str

    @property
    def rule(self) -> str:
        """'a rise of 20 or more since the previous extract', as the pack says it."""
        at = fmt_int(self.at) if float(self.at).is_integer() else f"{self.at:g}"
        if self.when == "level":
            return f"{at} or more"
        if self.when == "rise":
            return f"a rise of {at} or more since the previous extract"
        return f"a rise of {at}% or more since the previous extract"


@dataclass(frozen=True)
class Crossing:
    """One threshold compared with its figure: crossed, not crossed, or not checked (why)."""

    threshold: Threshold
    crossed: bool
    checked: bool
    sentence: str


def _entry(number: int, raw: object) -> Threshold:
    where = f"config/briefing_thresholds.toml, threshold {number}"
    if not isinstance(raw, dict):
        raise ThresholdsInvalid(f"{where}: each [[threshold]] must be a table")
    unknown = sorted(set(raw) - KEYS)
    if unknown:
        raise ThresholdsInvalid(f"{where}: unknown key(s) {', '.join(unknown)}")
    missing = sorted(KEYS - set(raw))
    if missing:
        raise ThresholdsInvalid(f"{where}: missing {', '.join(missing)}")
    figure, when, at, reason = raw["figure"], raw["when"], raw["at"], raw["reason"]
    if figure not in FIGURES:
        raise ThresholdsInvalid(
            f"{where}: figure {figure!r} is not one of {', '.join(sorted(FIGURES))}"
        )
    if when not in WHEN:
        raise ThresholdsInvalid(f"{where}: when {when!r} is not one of {', '.join(WHEN)}")
    if isinstance(at, bool) or not isinstance(at, int | float) or not at > 0 or at != at:
        raise ThresholdsInvalid(f"{where}: at must be a number greater than 0, not {at!r}")
    if when in ("level", "rise") and not float(at).is_integer():
        raise ThresholdsInvalid(f"{where}: at must be a whole number of children or actions")
    if not isinstance(reason, str) or not reason.strip():
        raise ThresholdsInvalid(f"{where}: the reason must be said")
    return Threshold(figure, when, float(at), " ".join(reason.split()))


def read_thresholds(path: Path | str | None = None) -> tuple[Threshold, ...]:
    """Every threshold of the file, checked; ThresholdsInvalid when any is not usable."""
    path = Path(path) if path else PATH
    try:
        with path.open("rb") as handle:
            document = tomllib.load(handle)
    except FileNotFoundError as error:
        raise ThresholdsInvalid(f"the thresholds file {path} is missing") from error
    except tomllib.TOMLDecodeError as error:
        raise ThresholdsInvalid(f"the thresholds file {path} cannot be read: {error}") from error
    extra = sorted(set(document) - {"threshold"})
    if extra:
        raise ThresholdsInvalid(f"{path}: unknown section(s) {', '.join(extra)}")
    entries = document.get("threshold", [])
    if not isinstance(entries, list):
        raise ThresholdsInvalid(f"{path}: thresholds are written as [[threshold]] tables")
    return tuple(_entry(i, raw) for i, raw in enumerate(entries, start=1))


def _number(value) -> bool:
    return value is not None and not isinstance(value, str | bool) and not is_missing(value)


def _verdict(crossed: bool, rule: str) -> str:
    return f"Threshold crossed: {rule}." if crossed else f"Below the threshold ({rule})."


def check(threshold: Threshold, now, previous, previous_name: str | None) -> Crossing:
    """Compare `threshold` with its figure's values as shown (`now`, `previous`: numbers, `c`
    or None when there is no earlier extract)."""
    name = FIGURES[threshold.figure]
    rule = threshold.rule
    if not _number(now):
        return Crossing(
            threshold,
            False,
            False,
            f"{name}: not checked against {rule}: a small number is hidden.",
        )
    if threshold.when == "level":
        crossed = now >= threshold.at
        said = f"{name}: {fmt_int(now)}. {_verdict(crossed, rule)}"
        return Crossing(threshold, crossed, True, said)
    if previous is None or previous_name is None:
        return Crossing(
            threshold, False, False, f"{name}: not checked against {rule}: no earlier extract."
        )
    if not _number(previous):
        return Crossing(
            threshold,
            False,
            False,
            f"{name}: not checked against {rule}: a small number is hidden.",
        )
    change = now - previous
    if threshold.when == "rise":
        crossed = change >= threshold.at
        moved = f"rose by {fmt_int(change)}" if change > 0 else (
            f"fell by {fmt_int(-change)}" if change < 0 else "did not change"
        )  # fmt: skip
        said = (
            f"{name} {moved} since {previous_name} (from {fmt_int(previous)} to "
            f"{fmt_int(now)}). {_verdict(crossed, rule)}"
        )
        return Crossing(threshold, crossed, True, said)
    if not previous:
        return Crossing(
            threshold, False, False, f"{name}: not checked against {rule}: it was 0 in "
            f"{previous_name}."
        )  # fmt: skip
    percent = 100.0 * change / previous
    crossed = percent >= threshold.at
    moved = (
        f"rose by {percent:.1f}%" if change > 0 else
        f"fell by {-percent:.1f}%" if change < 0 else "did not change"
    )  # fmt: skip
    said = (
        f"{name} {moved} since {previous_name} (from {fmt_int(previous)} to {fmt_int(now)}). "
        + _verdict(crossed, rule)
    )
    return Crossing(threshold, crossed, True, said)
