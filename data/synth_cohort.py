"""Synthetic cohort for the demonstration database: out-of-school episodes and who the children are.

Everything is made with array operations on numpy (one array element per child or per
child-period row, never a Python loop over children), so a national-scale cohort of millions of
children takes seconds. Days are whole numbers counted from 1970-01-01.

The model, in brief:
- children stop receiving education on `start` (their `out_of_school_since`) and go back on
  `end` (exclusive); a child is in a monthly snapshot when start <= census date < end, so a
  child who is out for a year appears in twelve consecutive snapshots with the same identity;
- starts follow the school year (few in August, many in September) with a gentle upward trend;
  durations mix short breaks (about a month), one to two terms, and long cases of a year or
  more (four and a half terms and beyond, as in the Ombudsman's reports);
- the count in the latest snapshot is exactly the number asked for (see `simulate_episodes`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core import vocab

EPOCH = np.datetime64("1970-01-01", "D")
YEAR = 365.25

# Days a child may stay out at most; starts are simulated this far before the first census so
# the first snapshot already holds children who have been out a long time.
MAX_DURATION = 1100

# Duration tiers: (share of episodes, median days, spread of log-duration).
DURATION_TIERS = [(0.35, 35, 0.5), (0.45, 130, 0.5), (0.20, 450, 0.4)]
SHORT, MEDIUM, LONG = 0, 1, 2

# Relative rate of new episodes by calendar month (January first): the school year's shape.
MONTH_RATE = np.array([1.2, 1.0, 1.0, 0.9, 1.0, 0.9, 1.1, 0.5, 1.4, 1.2, 1.1, 0.8])
WEEKEND_RATE = 0.15
GROWTH_PER_YEAR = 0.03

# Age when the episode starts: weighted to secondary school.
AGE_WEIGHTS = {
    4: 0.5, 5: 1.5, 6: 2.5, 7: 3.5, 8: 4.5, 9: 5.5, 10: 6.5, 11: 8, 12: 10, 13: 12,
    14: 13, 15: 12, 16: 5, 17: 3.5, 18: 2.5, 19: 1.5, 20: 1, 21: 0.5, 22: 0.3,
}  # fmt: skip

# Gender: index into GENDER_VALUES; 'blank' and 'Not known' load as Not recorded.
GENDER_VALUES = ["Male", "Female", "Other", "blank", "Not known"]
GENDER_WEIGHTS = [0.655, 0.325, 0.005, 0.01, 0.005]

# Primary need as in EHC plans of children out of school: autism and SEMH the largest.
NEED_WEIGHTS = {
    "ASD": 38, "SEMH": 24, "SLCN": 9, "MLD": 7, "SPLD": 4, "SLD": 3, "PMLD": 0.8, "HI": 1.4,
    "VI": 0.9, "MSI": 0.2, "PD": 2.4, "DS": 0.6, "OTH": 3.2, "NSA": 1.0,
}  # fmt: skip
NEED_CODES = list(NEED_WEIGHTS)
NEED_BLANK_SHARE = 0.005

# District populations (thousands); a child's district is drawn in proportion to them.
DISTRICT_POPULATION = {
    "Maidstone": 180, "Swale": 155, "Canterbury": 157, "Tonbridge and Malling": 134,
    "Thanet": 141, "Ashford": 133, "Sevenoaks": 121, "Tunbridge Wells": 116, "Dartford": 117,
    "Dover": 117, "Folkestone and Hythe": 110, "Gravesham": 107,
}  # fmt: skip
# District index beyond the twelve: Out of county, blank, and a value the loader cannot read.
DISTRICTS = list(DISTRICT_POPULATION) + [vocab.OUT_OF_COUNTY, "blank", "unknown"]
OUT_OF_COUNTY_SHARE, BLANK_DISTRICT_SHARE, UNKNOWN_DISTRICT_SHARE = 0.03, 0.007, 0.005

# SEN area teams (invented names), and which districts each holds.
SEN_TEAMS = ["SEN North Kent", "SEN South Kent", "SEN East Kent", "SEN West Kent"]
TEAM_OF_DISTRICT = {
    "Dartford": 0, "Gravesham": 0, "Swale": 0,
    "Ashford": 1, "Folkestone and Hythe": 1, "Dover": 1,
    "Canterbury": 2, "Thanet": 2,
    "Maidstone": 3, "Sevenoaks": 3, "Tonbridge and Malling": 3, "Tunbridge Wells": 3,
}  # fmt: skip

# Care status, one per child: CLA, CP, CIN, previously looked after, none.
CARE_WEIGHTS = [0.06, 0.03, 0.10, 0.03, 0.78]

# Local authorities an EHC plan transfers in from, with their weights.
IMPORT_SHARE = 0.065
IMPORT_FROM = {
    "Medway": 30, "East Sussex": 14, "Surrey": 9, "Essex": 9, "Bexley": 10, "Bromley": 10,
    "Greenwich": 5, "Lewisham": 3, "Croydon": 3, "Thurrock": 4, "Brighton and Hove": 3,
}  # fmt: skip

PLACEMENT_STATUSES = vocab.PLACEMENT_STATUSES  # No placement, Provision unknown
NO_PLACEMENT_SHARE = 0.62

# Data-quality faults, per child (a record that is wrong stays wrong from month to month).
BAD_DOB_SHARE = 0.003  # a date of birth that is not a date, or lies in the future
BLANK_SINCE_SHARE, BAD_SINCE_SHARE = 0.03, 0.003
OVERDUE_REVIEW_SHARE = 0.3  # annual reviews stop being held some time after the child goes out
BLANK_HOURS_SHARE = 0.55  # when no provision is running: blank hours, otherwise 0
UNREADABLE_HOURS_SHARE = 0.002  # 'TBC'


def census_days(end: str, periods: int) -> tuple[list[str], np.ndarray]:
    """The `periods` monthly periods ending at `end` (YYYY-MM) and their census days."""
    if periods < 1:
        raise ValueError("periods must be at least 1")
    months = np.datetime64(end, "M") - np.arange(periods - 1, -1, -1)
    census = (months + 1).astype("datetime64[D]") - 1
    return [str(m) for m in months], (census - EPOCH).astype(np.int64)


def civil(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month (1-12) and day of month of day numbers."""
    d = np.asarray(days).astype("datetime64[D]")
    months = d.astype("datetime64[M]")
    years = months.astype("datetime64[Y]")
    return (
        years.astype(np.int64) + 1970,
        (months - years).astype(np.int64) + 1,
        (d - months).astype(np.int64) + 1,
    )


def _durations(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    shares, medians, spreads = (np.array(column) for column in zip(*DURATION_TIERS, strict=True))
    tier = rng.choice(len(shares), size=n, p=shares)
    log_days = np.log(medians[tier]) + spreads[tier] * rng.standard_normal(n)
    return np.clip(np.rint(np.exp(log_days)), 7, MAX_DURATION).astype(np.int64), tier


def _start_rate(days: np.ndarray, last_census: int) -> np.ndarray:
    """Relative rate of new episodes on each day: season, weekday and trend."""
    _, month, _ = civil(days)
    weekday = (days + 3) % 7  # 1970-01-01 was a Thursday; Monday is 0
    rate = MONTH_RATE[month - 1] * np.where(weekday >= 5, WEEKEND_RATE, 1.0)
    return rate * np.exp(GROWTH_PER_YEAR * (days - last_census) / YEAR)


@dataclass
class Episodes:
    """One out-of-school episode per child, for the children seen in at least one snapshot."""

    start: np.ndarray  # day the child last received education (out_of_school_since)
    end: np.ndarray  # day the child is back in education (exclusive)
    tier: np.ndarray  # SHORT, MEDIUM or LONG
    first_period: np.ndarray  # index of the first snapshot holding the child
    stop_period: np.ndarray  # one past the index of the last snapshot holding the child


def simulate_episodes(rng, census: np.ndarray, children: int) -> Episodes:
    """Episodes whose latest snapshot holds exactly `children` children (or all, if fewer).

    Candidate starts are drawn generously from the daily rate, each with a random key; the
    candidates are then thinned by one key threshold chosen so that exactly `children` of them
    are out on the last census day. Thinning by a random key keeps the shape of the process.
    """
    first_day, last_census = int(census[0]) - MAX_DURATION, int(census[-1])
    days = np.arange(first_day, last_census + 1)
    rate = _start_rate(days, last_census)
    # Expected number out on the last census day per unit of rate: sum of rate x survival.
    pilot, _ = _durations(rng, 200_000)
    survival = 1.0 - np.searchsorted(np.sort(pilot), np.arange(len(days)), side="right") / len(
        pilot
    )
    expected_per_unit = float(np.sum(rate[::-1] * survival))
    per_day = rng.poisson(rate * 1.3 * children / expected_per_unit)
    start = np.repeat(days, per_day)
    duration, tier = _durations(rng, len(start))
    end = start + duration
    key = rng.random(len(start))
    out_at_end = end > last_census
    if out_at_end.sum() > children:
        threshold = np.partition(key[out_at_end], children - 1)[children - 1]
        keep = key <= threshold
        start, end, tier = start[keep], end[keep], tier[keep]
    first = np.searchsorted(census, start, side="left")
    stop = np.searchsorted(census, end, side="left")
    seen = stop > first
    return Episodes(start[seen], end[seen], tier[seen], first[seen], stop[seen])


@dataclass
class Children:
    """Who each child is: fixed for the whole episode (index i is episode i)."""

    number: np.ndarray  # pseudonymous number behind the child_id
    dob: np.ndarray
    dob_fault: np.ndarray  # 0 fine, 1 not a date, 2 in the future
    gender: np.ndarray  # index into GENDER_VALUES
    need: np.ndarray  # index into NEED_CODES, -1 blank
    district: np.ndarray  # index into DISTRICTS
    team: np.ndarray  # index into SEN_TEAMS
    placement: np.ndarray  # index into PLACEMENT_STATUSES
    care: np.ndarray  # 0 CLA, 1 CP, 2 CIN, 3 previously looked after, 4 none
    import_from: np.ndarray  # index into IMPORT_FROM, -1 not an import
    import_date: np.ndarray
    since_fault: np.ndarray  # 0 fine, 1 blank, 2 not a date
    ehcp_issued: np.ndarray
    reviews_stop: np.ndarray  # annual reviews after this day are not held
    amended: np.ndarray  # day the plan is amended (may be after the data ends)
    blank_hours: np.ndarray  # hours blank rather than 0 when nothing is running
    hours_fault: np.ndarray  # hours exported as 'TBC'


def _pick(rng, weights, n) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    return rng.choice(len(w), size=n, p=w / w.sum())


def make_children(rng, ep: Episodes) -> Children:
    n = len(ep.start)
    ages = np.array(list(AGE_WEIGHTS))
    age_days = ages[_pick(rng, list(AGE_WEIGHTS.values()), n)] * YEAR + rng.uniform(0, YEAR, n)
    dob = ep.start - np.rint(age_days).astype(np.int64)
    dob_fault = _pick(rng, [1 - BAD_DOB_SHARE, BAD_DOB_SHARE / 2, BAD_DOB_SHARE / 2], n)

    need = _pick(rng, list(NEED_WEIGHTS.values()), n)
    need[rng.random(n) < NEED_BLANK_SHARE] = -1

    kent = list(DISTRICT_POPULATION.values())
    kent_share = 1 - OUT_OF_COUNTY_SHARE - BLANK_DISTRICT_SHARE - UNKNOWN_DISTRICT_SHARE
    district_weights = [kent_share * p / sum(kent) for p in kent] + [
        OUT_OF_COUNTY_SHARE,
        BLANK_DISTRICT_SHARE,
        UNKNOWN_DISTRICT_SHARE,
    ]
    district = _pick(rng, district_weights, n)
    team_of = np.array(list(TEAM_OF_DISTRICT[d] for d in DISTRICT_POPULATION))
    team = np.where(
        district < len(team_of), team_of[np.minimum(district, 11)], rng.integers(0, 4, n)
    )

    is_import = rng.random(n) < IMPORT_SHARE
    import_from = np.where(is_import, _pick(rng, list(IMPORT_FROM.values()), n), -1)
    import_date = ep.start - rng.integers(0, 730, n)
    # Plans are issued after the second birthday, up to six years before the episode, and
    # before the import for a plan that transferred in.
    latest_issue = np.where(is_import, import_date - 30, ep.start - 1)
    issued = latest_issue - rng.integers(0, 6 * 365, n)
    ehcp_issued = np.minimum(np.maximum(issued, dob + 2 * 365), latest_issue)

    overdue = rng.random(n) < OVERDUE_REVIEW_SHARE
    reviews_stop = np.where(overdue, ep.start + rng.integers(0, 200, n), np.iinfo(np.int64).max)
    amended = np.where(
        rng.random(n) < 0.3, ep.start + 30 + rng.integers(0, 400, n), np.iinfo(np.int64).max
    )
    return Children(
        number=rng.permutation(n) + 1,
        dob=dob,
        dob_fault=dob_fault,
        gender=_pick(rng, GENDER_WEIGHTS, n),
        need=need,
        district=district,
        team=team,
        placement=(rng.random(n) >= NO_PLACEMENT_SHARE).astype(np.int64),
        care=_pick(rng, CARE_WEIGHTS, n),
        import_from=import_from,
        import_date=import_date,
        since_fault=_pick(
            rng, [1 - BLANK_SINCE_SHARE - BAD_SINCE_SHARE, BLANK_SINCE_SHARE, BAD_SINCE_SHARE], n
        ),
        ehcp_issued=ehcp_issued,
        reviews_stop=reviews_stop,
        amended=amended,
        blank_hours=rng.random(n) < BLANK_HOURS_SHARE,
        hours_fault=rng.random(n) < UNREADABLE_HOURS_SHARE,
    )


def review_jitter(child: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Days early or late that child's k-th annual review is held: fixed per child and k."""
    return (child.astype(np.int64) * 2654435761 + k * 40503) % 57 - 28


def review_day(children: Children, child: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Day of the k-th annual review (k >= 1) of the plan issued on ehcp_issued."""
    return (
        children.ehcp_issued[child] + np.rint(k * YEAR).astype(np.int64) + review_jitter(child, k)
    )


def last_review(children: Children, child: np.ndarray, on_day: np.ndarray) -> np.ndarray:
    """Day of the last annual review held by `on_day`, or -1 when none has been held."""
    limit = np.minimum(on_day, children.reviews_stop[child])
    k = (limit - children.ehcp_issued[child]) // 365 + 1
    for _ in range(3):  # the jitter is under a month, so at most a step or two back
        k = np.where((k >= 1) & (review_day(children, child, np.maximum(k, 1)) > limit), k - 1, k)
    return np.where(k >= 1, review_day(children, child, np.maximum(k, 1)), -1)


def year_group_index(dob: np.ndarray, census_day: int) -> np.ndarray:
    """Index into vocab.YEAR_GROUPS from the age on the 31 August that starts the school year."""
    year, month, _ = civil(np.array([census_day]))
    school_year = int(year[0]) - (1 if int(month[0]) < 9 else 0)
    by, bm, _ = civil(dob)
    age = school_year - by - (bm > 8).astype(np.int64)  # birthday still to come on 31 August
    # under 2 Early years (index 0), 2 N1, 3 N2, 4 R, 5 Year 1, ..., 18 Year 14, 19+ Post-19
    return np.clip(age - 1, 0, len(vocab.YEAR_GROUPS) - 1)
