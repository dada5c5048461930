"""The attacker's tools against figures as published (tests/test_disclosure_attacks.py and
bench/bench_disclosure.py): what a viewer who sees only aggregates can work out.

The attacker knows the method (figures/disclosure.py and the shipped perturbation table), not
the secret behind the record keys. From each shown value they know only the set of true counts
that can show it (`disclosure.possible_counts`): `c` is 1 to 5 (0 to 5 inside a group of 1 to
5, which they can see, since that group shows `c` too), 0 is 0, and a number v is the counts
whose table row holds the noise that turns them into v.

`pinned_cells` solves, for each hidden cell of a cross-tab with its row, column and grand
totals, the integer programme "smallest and largest value this cell can take, given every
shown value in the table" (scipy's milp, HiGHS). A cell whose smallest and largest are equal
is pinned: its true count is recovered.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from figures import disclosure as d


@dataclass(frozen=True)
class Pinned:
    """A hidden cell the attacker pinned: where, its true count and the value found."""

    rows: str
    cols: str
    row: str
    col: str
    true: int
    found: int


def bounds_of(shown, within_small: bool) -> tuple[int, int]:
    """The range of true counts a viewer can tell from one shown value."""
    if shown == d.SUPPRESSED:
        return (0 if within_small else 1), d.SMALL_MAX
    possible = d.possible_counts(shown)
    return possible.start, possible.stop - 1


def _solve(objective, constraints, lower, upper) -> tuple[int, np.ndarray]:
    """The optimum of one integer programme and a solution reaching it."""
    result = milp(
        objective,
        constraints=constraints,
        bounds=Bounds(lower, upper),
        integrality=np.ones(len(objective)),
    )
    assert result.status == 0, result.message  # the truth is always feasible
    return round(result.fun), np.round(result.x).astype(int)


def pinned_cells(long, rows: str, cols: str, table, parent_tables=(), unions=()) -> list[Pinned]:
    """Every hidden cell (or hidden total) of one protected cross-tab that its shown values
    pin to one value.

    `long`: the query's cells (row_category, col_category, children: the truth, used only to
    save solves and to report what was found); `table`: protect_matrix's table as shown (with
    Total row and column); `parent_tables`: the tables as shown of the same cross-tab under the
    filter with one condition fewer, where the viewer can see which categories are small;
    `unions`: other shown counts that add up whole rows or columns, as (categories, shown),
    e.g. the headline "out of school more than a term", three bands of days out together.
    The programme uses shown values alone.
    """
    shown = table.set_index("row_category")
    total = "Total"
    row_names = [r for r in shown.index if r != total]
    col_names = [c for c in shown.columns if c != total]
    parents = [p.set_index("row_category") for p in parent_tables]

    def small_elsewhere(r, c) -> bool:
        return any(r in p.index and c in p.columns and p.loc[r, c] == d.SUPPRESSED for p in parents)

    grand_small = shown.loc[total, total] == d.SUPPRESSED
    small_rows = {r for r in row_names if shown.loc[r, total] == d.SUPPRESSED}
    small_cols = {c for c in col_names if shown.loc[total, c] == d.SUPPRESSED}
    index = {(r, c): i for i, (r, c) in enumerate((r, c) for r in row_names for c in col_names)}
    lower, upper = np.zeros(len(index)), np.zeros(len(index))
    for (r, c), i in index.items():
        within = grand_small or r in small_rows or c in small_cols or small_elsewhere(r, c)
        lower[i], upper[i] = bounds_of(shown.loc[r, c], within)
    lines, lows, highs = [], [], []
    for r in row_names:
        lines.append([index[(r, c)] for c in col_names])
        low, high = bounds_of(shown.loc[r, total], grand_small or small_elsewhere(r, total))
        lows.append(low), highs.append(high)
    for c in col_names:
        lines.append([index[(r, c)] for r in row_names])
        low, high = bounds_of(shown.loc[total, c], grand_small or small_elsewhere(total, c))
        lows.append(low), highs.append(high)
    lines.append(list(index.values()))
    low, high = bounds_of(shown.loc[total, total], small_elsewhere(total, total))
    lows.append(low), highs.append(high)
    for categories, value in unions:
        members = [i for (r, c), i in index.items() if r in categories or c in categories]
        lines.append(members)
        low, high = bounds_of(value, grand_small)
        lows.append(low), highs.append(high)
    matrix = np.zeros((len(lines), len(index)))
    for k, members in enumerate(lines):
        matrix[k, members] = 1
    constraints = LinearConstraint(matrix, lows, highs)
    cells = long.set_index(["row_category", "col_category"])["children"]
    truth = np.array([int(cells.get((r, c), 0)) for (r, c) in index])
    # what is hidden: cells, and row, column or grand totals shown as `c` (each a sum of cells)
    targets = [((r, c), [i]) for (r, c), i in index.items() if shown.loc[r, c] == d.SUPPRESSED]
    targets += [((r, total), lines[k]) for k, r in enumerate(row_names) if r in small_rows]
    targets += [
        ((total, c), lines[len(row_names) + k]) for k, c in enumerate(col_names) if c in small_cols
    ]
    if grand_small:
        targets.append(((total, total), lines[-1]))
    # A solution that gives a hidden value another value than its true one proves it is not
    # pinned (the truth is a solution too), so each solve can clear many at once; only those
    # no solution has moved are minimised and maximised on their own. The verdict is the
    # attacker's (smallest == largest): the truth only saves solves.
    true_sums = [int(truth[members].sum()) for _, members in targets]
    moved = [False] * len(targets)

    def clear(x: np.ndarray) -> None:
        for t, (_, members) in enumerate(targets):
            moved[t] = moved[t] or int(x[members].sum()) != true_sums[t]

    found = []
    for t, ((r, c), members) in enumerate(targets):
        if moved[t]:
            continue
        objective = np.zeros(len(index))
        objective[members] = 1
        smallest, low_x = _solve(objective, constraints, lower, upper)
        clear(low_x)
        if moved[t]:
            continue
        largest, high_x = _solve(-objective, constraints, lower, upper)
        clear(high_x)
        if smallest == -largest:
            found.append(Pinned(rows, cols, r, c, true_sums[t], smallest))
    return found


def pinned_values(bounds: dict, lines: list, truth: dict, targets: list) -> list[tuple]:
    """The general attack: unknowns (true counts, keyed by anything) each within `bounds`
    {key: (low, high)}; `lines` [(member keys, low, high)]: a shown value that is the sum of
    its members lies in [low, high]; `targets` [(name, member keys)]: hidden values (a cell,
    or a sum of cells). Returns (name, true, found) for every target whose smallest and largest
    possible values are equal (pinned). `truth` {key: true count} only saves solves (a
    solution that moves a target proves it is not pinned; the truth is a solution too)."""
    keys = list(bounds)
    index = {k: i for i, k in enumerate(keys)}
    lower = np.array([bounds[k][0] for k in keys], dtype=float)
    upper = np.array([bounds[k][1] for k in keys], dtype=float)
    matrix = np.zeros((max(len(lines), 1), len(keys)))
    lows, highs = [0.0] * len(matrix), [0.0] * len(matrix)
    for row, (members, low, high) in enumerate(lines):
        matrix[row, [index[m] for m in members]] = 1
        lows[row], highs[row] = low, high
    constraints = LinearConstraint(matrix, lows, highs)
    true = np.array([truth.get(k, 0) for k in keys])
    members_of = [[index[m] for m in members] for _, members in targets]
    true_sums = [int(true[m].sum()) for m in members_of]
    moved = [False] * len(targets)

    def clear(x: np.ndarray) -> None:
        for t, members in enumerate(members_of):
            moved[t] = moved[t] or int(x[members].sum()) != true_sums[t]

    # solves over every target not yet moved at once (all as small, then all as large) move
    # most of them, while they move any; only the rest are minimised and maximised one by one
    while not all(moved):
        before = moved.count(True)
        for sign in (1.0, -1.0):
            objective = np.zeros(len(keys))
            for t, members in enumerate(members_of):
                if not moved[t]:
                    objective[members] = sign
            clear(_solve(objective, constraints, lower, upper)[1])
        if moved.count(True) == before:
            break
    found = []
    for t, (name, _) in enumerate(targets):
        if moved[t]:
            continue
        objective = np.zeros(len(keys))
        objective[members_of[t]] = 1
        smallest, x = _solve(objective, constraints, lower, upper)
        clear(x)
        if moved[t]:
            continue
        largest, x = _solve(-objective, constraints, lower, upper)
        clear(x)
        if smallest == -largest:
            found.append((name, true_sums[t], smallest))
    return found


def line_interval(total, parts) -> tuple[int, int]:
    """What `total` minus the sum of `parts` can be, from shown values alone (interval
    arithmetic: the complement attack on one line)."""
    t_low, t_high = bounds_of(total, False)
    low, high = t_low, t_high
    for part in parts:
        p_low, p_high = bounds_of(part, False)
        low, high = low - p_high, high - p_low
    return low, high


def naive_estimate(total, parts):
    """Shown total minus the shown parts, reading each number as if it were true (None when a
    part other than the one wanted is hidden): what a careless reader would take."""
    if total == d.SUPPRESSED or any(p == d.SUPPRESSED for p in parts):
        return None
    return int(total) - sum(int(p) for p in parts)


def pinned_in_line(total, cell_bounds: dict) -> dict:
    """One line of cells (a small category's row) that adds up to `total` (shown), each cell
    bounded by everything the viewer has seen of it: {cell: value} for the cells pinned."""
    names = list(cell_bounds)
    lower = np.array([cell_bounds[c][0] for c in names], dtype=float)
    upper = np.array([cell_bounds[c][1] for c in names], dtype=float)
    low, high = bounds_of(total, False)
    constraints = LinearConstraint(np.ones((1, len(names))), [low], [high])
    pinned = {}
    for i, name in enumerate(names):
        objective = np.zeros(len(names))
        objective[i] = 1
        smallest, _ = _solve(objective, constraints, lower, upper)
        largest, _ = _solve(-objective, constraints, lower, upper)
        if smallest == -largest:
            pinned[name] = smallest
    return pinned
