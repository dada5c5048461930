"""Time to return to school: curves of "still out", medians, numbers at risk, a test between
groups and the chance of return by time already out, from the episodes of
queries/fragments/episode_rules.sql.

Every figure comes from ONE set of episodes (those with a start that can be used: see
`Problems`) and one method, queries/life_table.py:

- a return is known only to lie between the last census at which the child was seen out and
  the next census (or their next start, when earlier); the model takes it as that interval,
  so it is neither dated at the next census (which put the median about a month late) nor
  guessed within the month;
- late entry: a child counts only from the first census at which they were seen out;
- follow-up ends at the census before the latest for every child: the latest census confirms
  returns (a child missing from it alone may be a gap in recording, shown as "not seen this
  month"), and ending everyone's follow-up there keeps the ending independent of the return;
- the curves, medians and numbers at risk come from a rate of return that changes linearly
  between knots (half a month, then every month); the test between groups is the
  log-rank-type score test of the same model, on the same episodes, with late entry;
- the chance of return by time already out is the same likelihood with a constant rate in
  each wider band.
The episodes are built once per data version (episode_table.sql, into an in-memory table) and
counted for each filter (episode_counts.sql). Times are in days in the episodes and in months
(30.44 days) in the results.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field
from functools import lru_cache

import duckdb
import numpy as np
import pandas as pd
from scipy.stats import chi2

from queries import life_table, runner, warm
from queries.dimensions import ALL_SPEC, spec
from queries.filters import CohortFilter
from queries.pupil import run_for_aggregation, run_pupil_query

DAYS_PER_MONTH = 365.25 / 12
SURVIVAL_DIMENSIONS = [
    "age_band",
    "gender",
    "year_group",
    "primary_need",
    "need_area",
    "district",
    "care_status",
    "placement_status",
    "is_import",
    "sen_team",
]
AT_RISK_MONTHS = [0, 3, 6, 12, 18, 24, 36]
HAZARD_BANDS = [
    ("under 3 months", 0, 3),
    ("3 to 6 months", 3, 6),
    ("6 to 12 months", 6, 12),
    ("1 to 2 years", 12, 24),
    ("2 years or more", 24, math.inf),
]
CURVE_STEP = 0.1  # months between the points of a drawn curve (it is smooth within a band)
MAX_GROUPS = 6  # more groups than this: the largest six, the rest left out of the chart
ALL_GROUP = "All"
EPISODE_ROWS = {"all": "TRUE", "problems": "problem IS NOT NULL"}
# What each problem means, for the page's note and the download (episodes.sql's codes).
PROBLEMS = {
    "no_start": "no 'out of school since' date recorded",
    "start_after_census": "'out of school since' is after a census at which the child was "
    "already recorded out",
    "start_not_after_previous": "'out of school since' is not after the child's previous "
    "spell out of school ended (a date carried over from before a return, so the real start "
    "is not known)",
}

runner.allow_template_values(
    "dimension", [ALL_SPEC.sql, *(spec(d).sql for d in SURVIVAL_DIMENSIONS)]
)
runner.allow_template_values("episode_rows", EPISODE_ROWS.values())


def _params(f: CohortFilter) -> dict:
    return {**f.params(), "period_from": "0000-01", "period_to": "9999-12"}


def _template(dimension: str | None, rows: str = "all") -> dict:
    if dimension is not None and dimension not in SURVIVAL_DIMENSIONS:
        raise ValueError(f"no survival split by {dimension!r}")
    d = ALL_SPEC if dimension is None else spec(dimension)
    return {"dimension": d.sql, "episode_rows": EPISODE_ROWS[rows]}


def episodes(f: CohortFilter, dimension: str | None = None, *, db=None) -> pd.DataFrame:
    """One row per episode out of school (columns of queries/episodes.sql; grp is the group)."""
    # child-level rows, aggregated here and never shown: through the pupil-level choke point
    return run_for_aggregation("episodes", _params(f), db=db, template=_template(dimension))


def problem_episodes(f: CohortFilter, *, db=None) -> pd.DataFrame:
    """The episodes that cannot be timed, one row per episode with the child's ID, for the
    data-problems download: through queries/pupil.py (role checked, audited as an export by
    the download). Columns child_id, episode_start, first_seen, last_seen, status, problem."""
    frame = run_pupil_query("episodes", _params(f), db=db, template=_template(None, "problems"))
    frame = frame[["child_id", "episode_start", "first_seen", "last_seen", "status", "problem"]]
    return frame.assign(problem=frame["problem"].map(PROBLEMS)).sort_values(
        ["child_id", "first_seen"], ignore_index=True
    )


@dataclass(frozen=True)
class Problems:
    """Episodes counted but not timed, and the other facts the page's note must state."""

    episodes: int  # every episode matching the filters
    by_problem: dict  # problem code -> episodes that cannot be timed
    not_seen: int  # absent only from the latest month: counted as still out, not returned
    first_seen_latest: int  # first seen in the latest month: counted, no time followed yet
    start_changed: int  # 'out of school since' changed during the episode: earliest used
    # each count's cell key (figures/disclosure.py): "untimed", "not_seen",
    # "first_seen_latest", "start_changed" and each problem code
    keys: dict = field(default_factory=dict)

    @property
    def untimed(self) -> int:
        return sum(self.by_problem.values())

    def sentences(self, count=None) -> list[str]:
        """The note, one sentence per fact that is not zero. `count(n, cell key)` writes a
        count (the figures layer passes one that writes it as published when it must)."""
        count = count or (lambda n, key: f"{n:,}")
        keys = self.keys
        out = []
        if self.untimed:
            out.append(
                f"{count(self.untimed, keys.get('untimed'))} episodes cannot be timed and are "
                "left out of the curves, medians and test: "
                + "; ".join(
                    f"{count(n, keys.get(code))} with {PROBLEMS[code]}"
                    for code, n in self.by_problem.items()
                    if n
                )
                + "."
            )
        if self.not_seen:
            out.append(
                f"{count(self.not_seen, keys.get('not_seen'))} children seen out of school last "
                "month are not in this "
                "month's data. They are counted as still out up to last month, not as returned: "
                "a single missing month is often a gap in recording, and next month's data will "
                "confirm it."
            )
        if self.first_seen_latest:
            out.append(
                f"{count(self.first_seen_latest, keys.get('first_seen_latest'))} children were "
                "first seen out of school this month. They are counted as still out; they add to "
                "the curve from next month, when they have been followed for a month."
            )
        if self.start_changed:
            out.append(
                f"{count(self.start_changed, keys.get('start_changed'))} episodes had their 'out "
                "of school since' date changed while the child stayed out; the earliest date is "
                "used."
            )
        return out


@dataclass
class Survival:
    """Everything the time-to-return page and the briefing pack show."""

    groups: list[str]  # the groups with a curve (summary and at_risk hold every group shown)
    curves: pd.DataFrame  # group, months, still_out, lower, upper
    # group, episodes, returned, still_out_censored, not_seen, estimated (False: too few
    # followed in their first month for a curve or median), median_months, median_low,
    # median_high (episodes = returned + still_out_censored; not_seen is part of the censored),
    # and each count's cell key (episodes_ckey, returned_ckey, still_out_censored_ckey,
    # not_seen_ckey: figures/disclosure.py)
    summary: pd.DataFrame
    at_risk: pd.DataFrame  # group x AT_RISK_MONTHS: children followed and still out
    problems: Problems
    logrank: dict = field(default_factory=dict)  # statistic, df, p_value, episodes, words
    left_out_groups: list[str] = field(default_factory=list)
    # groups with nobody followed in their first month out: no curve can be estimated
    too_few_groups: list[str] = field(default_factory=list)
    # the cell keys of `at_risk`'s counts, same shape (group, then one column per time)
    at_risk_ckey: pd.DataFrame = field(default_factory=pd.DataFrame)


_store_lock = threading.Lock()


def _db_key(db) -> str:
    """The database as the caches below key it: its absolute path, so a call naming the file
    (the warm-up, queries/warm.py) and a page's call naming none (the configured database)
    share one build of the episodes."""
    return str(runner.database_path(db))


@lru_cache(maxsize=1)
def _episode_store(db, version) -> duckdb.DuckDBPyConnection:
    """Every episode of the data version (episode_table.sql: no child ID) in an in-memory
    DuckDB table, built once: at 100,000 children x 40 months the episodes take seconds to
    build, and each filter change then only counts them (episode_counts.sql)."""
    frame = run_for_aggregation("episode_table", db=db)
    con = duckdb.connect(":memory:")
    con.register("frame", frame)
    con.execute("CREATE TABLE episodes AS SELECT * FROM frame")
    con.unregister("frame")
    return con


@lru_cache(maxsize=64)
def _counts(f: CohortFilter, dimension: str | None, db, version) -> pd.DataFrame:
    """episode_counts.sql for one filter and dimension, on the data version's episodes."""
    template = {"dimension": _template(dimension)["dimension"]}
    sql, bound = runner.prepare("episode_counts", _params(f), template)
    with _store_lock:  # one build at a time: two sessions must not both pay for it
        cursor = _episode_store(db, version).cursor()  # a cursor per call, as in the runner
    try:
        return cursor.execute(sql, bound).df()
    finally:
        cursor.close()


def _problems(counts: pd.DataFrame) -> Problems:
    problems = counts.groupby("problem")["n"].sum()
    timed = counts[counts["problem"].isna()]  # each fact below counts timed episodes only
    parts = {
        "untimed": counts[counts["problem"].notna()],
        "not_seen": timed[timed["status"] == "not_seen"],
        "first_seen_latest": timed[timed["first_seen_latest"].astype(bool)],
        "start_changed": timed[timed["start_changed"].astype(bool)],
        **{code: counts[counts["problem"] == code] for code in PROBLEMS},
    }
    return Problems(
        episodes=int(counts["n"].sum()),
        by_problem={code: int(problems.get(code, 0)) for code in PROBLEMS},
        not_seen=int(parts["not_seen"]["n"].sum()),
        first_seen_latest=int(parts["first_seen_latest"]["n"].sum()),
        start_changed=int(parts["start_changed"]["n"].sum()),
        keys={name: _ckey(rows) for name, rows in parts.items()},
    )


def _sample(timed: pd.DataFrame) -> life_table.Sample:
    """Counted episodes (that can be timed) as the life table's Sample, days to months:
    followed from entry_days to followed_days, returned by return_days when known."""
    n = timed["n"].to_numpy(float)
    entry = timed["entry_days"].to_numpy(float)
    lower = timed["followed_days"].to_numpy(float)
    upper = timed["return_days"].to_numpy(float, na_value=np.nan)
    returned = ~np.isnan(upper)
    return life_table.Sample(
        entry / DAYS_PER_MONTH, n, lower / DAYS_PER_MONTH, n,
        lower[returned] / DAYS_PER_MONTH, upper[returned] / DAYS_PER_MONTH, n[returned],
    )  # fmt: skip


def _timed(counts: pd.DataFrame, dimension: str | None) -> dict[str, pd.DataFrame]:
    """{group: its counted episodes that can be timed}, largest group first (everyone in one
    group, ALL_GROUP, when there is no dimension)."""
    timed = counts[counts["problem"].isna()]
    if dimension is None:
        return {ALL_GROUP: timed} if len(timed) else {}
    sizes = timed.groupby("grp")["n"].sum().sort_values(ascending=False, kind="stable")
    return {str(g): timed[timed["grp"] == g] for g in sizes.index}


def _ckey(rows: pd.DataFrame) -> int:
    """The cell key of the episodes counted in `rows` (episode_counts.sql's n_ckey: the sum
    of rows' keys mod 256 is the key of all their episodes)."""
    return int(rows["n_ckey"].sum()) % 256


def _at_risk(part: pd.DataFrame, months: list[int]) -> tuple[list[int], list[int]]:
    """(counts, cell keys) of children followed and known to be out at each time: first seen
    by then and followed to it or after (the follow-up for the estimates)."""
    entry = part["entry_days"].to_numpy(float) / DAYS_PER_MONTH
    followed = part["followed_days"].to_numpy(float) / DAYS_PER_MONTH
    counts, keys = [], []
    for m in months:
        rows = part[(entry <= m) & (followed >= m)]
        counts.append(int(rows["n"].sum()))
        keys.append(_ckey(rows))
    return counts, keys


def _curve(fitted: life_table.Fit) -> pd.DataFrame:
    grid = np.unique(np.append(np.arange(0.0, fitted.horizon, CURVE_STEP), fitted.horizon))
    low, high = fitted.band(grid)
    return pd.DataFrame(
        {"months": grid, "still_out": fitted.still_out(grid), "lower": low, "upper": high}
    )


@lru_cache(maxsize=32)
def _survival(f: CohortFilter, dimension: str | None, db, version) -> Survival:
    counts = _counts(f, dimension, db, version)
    timed = _timed(counts, dimension)
    groups = list(timed)[:MAX_GROUPS]
    left_out = list(timed)[MAX_GROUPS:]
    samples, curves, rows, risk, risk_keys, too_few = {}, [], [], [], [], []
    for group in groups:
        part = timed[group]
        sample = samples[group] = _sample(part)
        try:
            fitted = life_table.fit(sample)
        except life_table.TooFew:
            # counted in the table like every group, with no curve or median to give
            fitted = None
            too_few.append(group)
        if fitted is not None:
            curves.append(_curve(fitted).assign(group=group))
        median = fitted.median() if fitted is not None else math.nan
        low, high = fitted.median_interval() if fitted is not None else (math.nan, math.nan)
        returned = part[part["status"] == "returned"]
        censored = part[part["status"] != "returned"]
        not_seen = part[part["status"] == "not_seen"]
        rows.append(
            {
                "group": group,
                "episodes": int(part["n"].sum()),
                "returned": int(returned["n"].sum()),
                "still_out_censored": int(censored["n"].sum()),
                "not_seen": int(not_seen["n"].sum()),
                "estimated": fitted is not None,
                "median_months": _or_none(median),
                "median_low": _or_none(low),
                "median_high": _or_none(high),
                "episodes_ckey": _ckey(part),
                "returned_ckey": _ckey(returned),
                "still_out_censored_ckey": _ckey(censored),
                "not_seen_ckey": _ckey(not_seen),
            }
        )
        at_counts, at_keys = _at_risk(part, AT_RISK_MONTHS)
        risk.append([group, *at_counts])
        risk_keys.append([group, *at_keys])
    drawn = [g for g in groups if g not in too_few]
    columns = ["group", "months", "still_out", "lower", "upper"]
    times = ["group", *[f"{m} months" for m in AT_RISK_MONTHS]]
    result = Survival(
        groups=drawn,
        curves=pd.concat(curves, ignore_index=True)[columns]
        if curves
        else pd.DataFrame(columns=columns),
        summary=pd.DataFrame(rows),
        at_risk=pd.DataFrame(risk, columns=times),
        problems=_problems(counts),
        left_out_groups=left_out,
        too_few_groups=too_few,
        at_risk_ckey=pd.DataFrame(risk_keys, columns=times),
    )
    if dimension is not None and len(drawn) > 1:
        result.logrank = _logrank({g: samples[g] for g in drawn})
    return result


def _or_none(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def survival(f: CohortFilter, dimension: str | None = None, *, db=None) -> Survival:
    """Curves, medians and the test by `dimension` (None: everyone), cached per filter and
    data version."""
    _template(dimension)  # refuses a dimension that is not offered
    # the page's default view is worked out again after a restart or a publish (queries/warm.py)
    warm.record_call("survival", f, {"dimension": dimension}, db)
    return _survival(f, dimension, _db_key(db), runner.data_version(db))


def _logrank(samples: dict[str, life_table.Sample]) -> dict:
    """The test between the groups drawn, on the same episodes as their curves."""
    n = int(sum(s.episodes for s in samples.values()))
    if sum(s.returns_n.sum() for s in samples.values()) == 0:
        return {"words": "No child in these groups has returned yet, so there is nothing to "
                         "compare."}  # fmt: skip
    try:
        test = life_table.score_test(samples)
    except life_table.TooFew:
        return {"words": "Too few children were followed in their first month out to compare "
                         "the groups."}  # fmt: skip
    p = test["p_value"]
    how = (
        f"log-rank-type test for returns known to the month, with late entry: p = "
        f"{_p_text(p)}; the {n:,} episodes of the curves above"
    )
    words = (
        f"The groups' times to return differ by more than chance would explain ({how})."
        if p < 0.05
        else f"The groups' times to return do not differ by more than chance could explain ({how})."
    )
    return {
        "statistic": test["statistic"],
        "df": test["df"],
        "p_value": p,
        "episodes": n,
        "words": words,
    }


def _p_text(p: float) -> str:
    return "< 0.001" if p < 0.001 else f"{p:.3f}" if p < 0.05 else f"{p:.2f}"


def hazard_by_time_out(f: CohortFilter, *, dimension: str | None = None, db=None) -> pd.DataFrame:
    """The chance of returning within a month by time already out (see module notes).

    Columns band, child_months, returns, rate_per_month, monthly_return, low, high,
    returns_ckey: the same likelihood as the curves with the bands of HAZARD_BANDS; returns and
    child-months are the expected numbers (each return shared between the bands its interval
    spans), so rate_per_month = returns / child_months; returns_ckey is the cell key of the
    children whose return is shared into the band (figures/disclosure.py). Cached per filter
    and data version. Always for every child: `dimension` only says which counts to read (the
    page's curves' dimension, already counted for this filter, so a filter change counts the
    episodes once).
    """
    _template(dimension)
    warm.record_call("hazard", f, {"dimension": dimension}, db)
    hazard = _hazard(f, dimension, _db_key(db), runner.data_version(db))
    return hazard.copy()  # the cached frame is never handed out to be changed


def _no_rate(band: str) -> dict:
    return {"band": band, "child_months": 0.0, "returns": 0.0, "rate_per_month": math.nan,
            "monthly_return": math.nan, "low": math.nan, "high": math.nan,
            "returns_ckey": 0}  # fmt: skip


@lru_cache(maxsize=32)
def _hazard(f: CohortFilter, dimension: str | None, db, version) -> pd.DataFrame:
    timed = _timed(_counts(f, dimension, db, version), None)  # every group together
    returned = timed[ALL_GROUP].dropna(subset=["return_days"]) if timed else None
    starts = np.array([low for _, low, _ in HAZARD_BANDS], float)
    try:
        fitted = (
            life_table.fit(_sample(timed[ALL_GROUP]), knots=starts, shape="step") if timed else None
        )
    except life_table.TooFew:
        fitted = None
    rows = []
    for band, low, high in HAZARD_BANDS:
        # a band nobody reached, or merged with another for want of anyone followed in it,
        # has no rate of its own
        j = np.flatnonzero(fitted.knots == low) if fitted is not None else []
        if len(j) == 0 or (j[0] + 1 < len(fitted.knots) and fitted.knots[j[0] + 1] != high):
            rows.append(_no_rate(band))
            continue
        # the returns shared into the band: the children whose interval reaches into it
        lower = returned["followed_days"].to_numpy(float) / DAYS_PER_MONTH
        upper = returned["return_days"].to_numpy(float) / DAYS_PER_MONTH
        sharing = returned[(lower < high) & (upper > low)]
        j = int(j[0])
        rate, months = float(fitted.theta[j]), float(fitted.child_months[j])
        se = math.sqrt(max(float(fitted.cov[j, j]), 0.0))
        if rate > 0:  # 95% interval on the log scale, from the likelihood's information
            spread = math.exp(life_table.Z95 * se / rate)
            lo, hi = rate / spread, rate * spread
        else:  # no return in the band: the exact Poisson upper bound for none seen
            lo, hi = 0.0, -math.log(0.025) / months
        rows.append(
            {
                "band": band,
                "child_months": months,
                "returns": float(fitted.returns[j]),
                "rate_per_month": rate,
                "monthly_return": -math.expm1(-rate),
                "low": -math.expm1(-lo),
                "high": -math.expm1(-hi),
                "returns_ckey": _ckey(sharing),
            }
        )
    return pd.DataFrame(rows)


def return_chance(events, exposure: float) -> dict[str, float]:
    """rate_per_month, monthly_return (1 - exp(-rate)) and its exact Poisson 95% interval
    (low, high) from `events` returns over `exposure` child-months. Also used on the returns
    as published (figures/survival.py)."""
    if not exposure > 0:
        return dict.fromkeys(("rate_per_month", "monthly_return", "low", "high"), math.nan)
    rate = events / exposure
    lo = chi2.ppf(0.025, 2 * events) / 2 / exposure if events else 0.0
    hi = chi2.ppf(0.975, 2 * events + 2) / 2 / exposure
    return {
        "rate_per_month": rate,
        "monthly_return": 1 - math.exp(-rate),
        "low": 1 - math.exp(-lo),
        "high": 1 - math.exp(-hi),
    }


def hazard_sentence(hazard: pd.DataFrame) -> str:
    """Does the chance of returning fall the longer a child is out? In plain sentences that
    agree with the table they come from: `hazard` is the table as shown (band, child_months,
    monthly_return, low, high), and every word is worked out from its values. "Falls" or
    "rises" only when every band is at or below (above) the one before AND the last band's
    interval clears the first's; otherwise the sentence says how the first and last bands
    compare and where the chance is highest and lowest."""
    shown = hazard[hazard["child_months"] >= 20].dropna(subset=["monthly_return"])
    if len(shown) < 2:
        return "Too few children have been followed to say how the chance of return changes."
    first, last = shown.iloc[0], shown.iloc[-1]
    chance = [float(v) for v in shown["monthly_return"]]
    steps = list(zip(chance, chance[1:], strict=False))

    def pct(row) -> str:
        return f"{100 * row['monthly_return']:.0f}%"

    ends = (
        f"{pct(first)} for children out {first['band']}, {pct(last)} for those out {last['band']}"
    )
    lower = last["high"] < first["low"]
    higher = last["low"] > first["high"]
    if lower and all(b <= a for a, b in steps):
        said = f"falls the longer a child is out, as para 3.4 of the review says: {ends}."
    elif higher and all(b >= a for a, b in steps):
        said = f"rises the longer a child is out: {ends}."
    elif lower or higher:
        said = (
            f"is {'lower' if lower else 'higher'} for children out {last['band']} "
            f"({pct(last)}) than for those out {first['band']} ({pct(first)}), but it does not "
            f"{'fall' if lower else 'rise'} steadily in between."
        )
    else:
        said = (
            f"does not clearly differ between children out {first['band']} ({pct(first)}) and "
            f"those out {last['band']} ({pct(last)}): their intervals overlap."
        )
    sentence = f"The chance of returning within a month {said}"
    top = shown.loc[shown["monthly_return"].idxmax()]
    bottom = shown.loc[shown["monthly_return"].idxmin()]
    if len(shown) > 2 and pct(top) != pct(bottom):
        sentence += (
            f" Of all {len(shown)} bands, it is highest for children out {top['band']} "
            f"({pct(top)}) and lowest for those out {bottom['band']} ({pct(bottom)})."
        )
    return sentence


# "About this figure" for the page and the pack: how a return is dated and what it means.
METHOD_NOTE = (
    "A return is known only to the month: the child was seen out at one census and was no "
    "longer in the cohort at the next (or started a new spell before it). The curve treats the "
    "return as happening somewhere between those two censuses, with the chance of returning "
    "allowed to change steadily through each half-month of the first month and each month "
    "after, fitted by maximum likelihood. It does not date the return at the later census, "
    "which would make every child look about a month slower to return than they are; the "
    "median is read from the fitted curve, so it is not a whole number of months. "
    "Late entry: a child counts only from the first census at which they were seen out, so "
    "children already out when the records begin do not distort the early months. "
    "Follow-up runs to the census before the latest, for every child: the latest census "
    "is used to confirm returns (a child missing from it alone is shown as not seen this month, "
    "not as returned). Children not known to have returned by then are counted as out up to "
    "the last census at which they were seen (the curve does not assume they return)."
)
BAND_NOTE = (
    "The band is a 95% pointwise confidence interval (from the life table's likelihood, "
    "on the log cumulative scale); the median's interval is where the band crosses 50%."
)


def about_sentences() -> tuple[str, str]:
    """(what is counted, caveats) for the curve's "About this figure", as plain text (no
    extract text in them; the figures layer's notes are escaped where they are shown). The
    data problems are a note of their own beside the figure (`Problems`)."""
    what = (
        "episodes out of school built from the monthly snapshots. Start: the child's 'out of "
        "school since' date. A child who comes back later starts a new episode; a single missing "
        "month with the same (or a corrected earlier) date is treated as a gap in recording. "
        + METHOD_NOTE
    )
    return what, BAND_NOTE


# One sentence on the method, for the briefing pack's table.
PACK_NOTE = (
    "Episodes out of school built from the monthly snapshots. A return is known only to lie "
    "between two monthly censuses and is estimated as such (a monthly life table, with each "
    "child counted from the first census they were seen out); children still out, or missing "
    "only from the latest month, count as out up to the last census they were seen."
)


# The hazard figure's "About this figure": (what is counted, caveats).
HAZARD_NOTE = (
    "for children who have been out a given time, how many return per child-month they spend "
    "out at that stage (returns ÷ child-months at risk), shown as the chance of returning "
    "within the next month. It is the same monthly life table as the curve above, with wider "
    "bands of time: a child counts from the first census they were seen out (late entry), and "
    "a return, known only to lie between two censuses, is shared between the bands that "
    "stretch of time covers, so the returns are estimates (rounded in the table).",
    "The interval is a 95% interval of the rate from the life table's likelihood. Children "
    "still out contribute their time but no return (censoring). A band nobody has reached "
    "yet has no rate, not a rate of 0.",
)


__all__ = [
    "AT_RISK_MONTHS",
    "BAND_NOTE",
    "DAYS_PER_MONTH",
    "HAZARD_BANDS",
    "HAZARD_NOTE",
    "PACK_NOTE",
    "METHOD_NOTE",
    "PROBLEMS",
    "SURVIVAL_DIMENSIONS",
    "Problems",
    "Survival",
    "about_sentences",
    "episodes",
    "hazard_by_time_out",
    "hazard_sentence",
    "problem_episodes",
    "return_chance",
    "survival",
]
