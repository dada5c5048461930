"""Figures as published, worked out by another route than the figures layer's, for page tests.

A count of children n is published (README, "Disclosure control") as 0 (no child), `c` (1 to
5, or a 0 inside a group of 1 to 5) or n + the noise in the perturbation table's row n, column
k, where k, the cell key, is the sum of the counted children's record keys mod 256. Here the
record keys are read from the fixture database's `cohort` view (each loader-built database has
its own secret, so its own keys), the noise from config/ptable.csv with the csv module, and the
sum made in the test: nothing is taken from figures/disclosure.py.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

import duckdb

PTABLE = Path(__file__).resolve().parent.parent / "config" / "ptable.csv"


@cache
def noise() -> dict[tuple[int, int], int]:
    with open(PTABLE, newline="", encoding="utf-8") as handle:
        return {(int(r["pcv"]), int(r["ckey"])): int(r["pvalue"]) for r in csv.DictReader(handle)}


def record_keys(db: Path, view: str = "cohort") -> dict[str, int]:
    """Each child's record key, as the database holds it (`view`: cohort or caseload)."""
    assert view in ("cohort", "caseload")
    con = duckdb.connect(str(db), read_only=True)
    try:
        return dict(con.execute(f"SELECT DISTINCT child_id, rkey FROM {view}").fetchall())
    finally:
        con.close()


def published(children, keys: dict[str, int], *, within_small: bool = False) -> int | str:
    """How a count of these children is published."""
    children = list(children)
    n = len(children)
    if n == 0:
        return "c" if within_small else 0
    if n <= 5:
        return "c"
    # rows 6 to 100 are the counts' own; a larger count reuses rows 51 to 100 in turn
    # (101 -> 51, 150 -> 100, 151 -> 51), as config/ptable.csv's maker documents
    row = n if n <= 100 else 51 + (n - 101) % 50
    return n + noise()[(row, sum(keys[c] for c in children) % 256)]
