"""The perturbation table (`config/ptable.csv`): how much noise a count gets, made once.

    python -m figures.ptable            # writes config/ptable.csv (same seed, same file)

The table has the columns of the ONS cell-key-perturbation package (github.com/ONSdigital/
cell-key-perturbation, MIT): `pcv` (the count, or the row reused for it), `ckey` (the cell key,
0 to 255) and `pvalue` (the noise added). `figures/disclosure.py` reads it; nothing else.

Each row `pcv` holds its 256 noise values in a random order drawn once with a fixed seed, so
the noise a count gets depends on its cell key, which nobody outside the database can work out
(see the README, "Disclosure control"). Counts of 1 to 5 have no rows: they are always shown as
`c`. Rows run from 6 to MAX_PCV; a larger count reuses the rows from CYCLE_FROM to MAX_PCV in
turn, as the ONS package does, so the noise of a large count does not follow its size.

How many of the 256 keys give each noise value, for counts of 9 or more (NOISE):

    noise   -3   -2   -1    0   +1   +2   +3
    keys     1   25   51  102   51   25    1

So a shown count is the true count 40% of the time, within 1 of it 80%, within 2 of it 99%,
and never more than 3 away (MAX_NOISE). The mean noise is exactly 0. The two keys that give
+-3 matter more than their share: whoever tries to pin a hidden count by adding and
subtracting shown counts must allow every shown count to be 3 away, while nearly all are
within 2. Counts of 6, 7 and 8 cannot go below 6 (so that a shown number never looks like a
hidden one): the keys that would take them lower give the lowest value allowed instead.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

import numpy as np

from core.paths import PROJECT_ROOT

PTABLE_PATH = PROJECT_ROOT / "config" / "ptable.csv"
SEED = 20260115
KEYS = 256  # cell keys run 0..255: a record key is one byte, a cell key a sum of them mod 256
SMALL_MAX = 5  # counts 1..5 are always hidden, so they have no rows
LOWEST_SHOWN = SMALL_MAX + 1
MAX_PCV = 100  # rows 6..100; larger counts reuse rows 51..100
CYCLE_FROM = 51
NOISE = {-3: 1, -2: 25, -1: 51, 0: 102, 1: 51, 2: 25, 3: 1}
MAX_NOISE = max(NOISE)


def noise_counts(pcv: int) -> dict[int, int]:
    """How many keys give each noise value in row `pcv`: NOISE, with the noise that would take
    the count below LOWEST_SHOWN moved onto the lowest value allowed."""
    counts: dict[int, int] = {}
    for noise, keys in NOISE.items():
        allowed = max(noise, LOWEST_SHOWN - pcv)
        counts[allowed] = counts.get(allowed, 0) + keys
    return dict(sorted(counts.items()))


def build(seed: int = SEED) -> list[tuple[int, int, int]]:
    """Every (pcv, ckey, pvalue) row, pcv by pcv, ckey 0..255."""
    rng = np.random.default_rng(seed)
    rows = []
    for pcv in range(LOWEST_SHOWN, MAX_PCV + 1):
        values = np.concatenate([[v] * k for v, k in noise_counts(pcv).items()])
        assert len(values) == KEYS
        for ckey, pvalue in enumerate(rng.permutation(values)):
            rows.append((pcv, ckey, int(pvalue)))
    return rows


def write(path: Path = PTABLE_PATH, seed: int = SEED) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(["pcv", "ckey", "pvalue"])
        out.writerows(build(seed))
    return path


@cache
def load(path: Path = PTABLE_PATH) -> dict[int, tuple[int, ...]]:
    """{pcv: the 256 noise values, indexed by cell key}, read from the shipped CSV."""
    table: dict[int, list[int | None]] = {}
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            pcv, ckey, pvalue = int(row["pcv"]), int(row["ckey"]), int(row["pvalue"])
            table.setdefault(pcv, [None] * KEYS)[ckey] = pvalue
    expected = set(range(LOWEST_SHOWN, MAX_PCV + 1))
    if set(table) != expected or any(None in values for values in table.values()):
        raise ValueError(f"{path} must hold every pcv {LOWEST_SHOWN}..{MAX_PCV} x ckey 0..255")
    return {pcv: tuple(values) for pcv, values in table.items()}


def pcv_of(n: int) -> int:
    """The table row a count of n >= 6 reads: its own up to MAX_PCV, then rows reused in turn."""
    if n <= MAX_PCV:
        return n
    return (n - CYCLE_FROM) % (MAX_PCV - CYCLE_FROM + 1) + CYCLE_FROM


if __name__ == "__main__":
    print(f"wrote {write()}")
