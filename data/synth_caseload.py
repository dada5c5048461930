"""Synthetic EHC plan caseload: every child with a plan at each census date, in school or not.

A period's caseload is that period's out-of-school children (the cohort, so every cohort child
is in the caseload of the same period, as the contract expects) plus a pool of children with
plans who are in school. The pool is about PLANS_PER_CHILD_OUT times the latest cohort (about
21,000 plans for the default 1,500 children out: Kent's scale) and grows by PLAN_GROWTH a year
going forward, as Kent's plans have. Proportions follow the published caseload (DfE SEN2): most
plans are for boys, autism and speech, language and communication needs are the largest needs,
and districts are drawn in proportion to their populations.

Array operations only (numpy), like synth_cohort.py: one array element per child.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from data import synth_cohort as sy

# Plans for children in school per child out of school in the latest period: 13 + the one
# out makes about 14, so 1,500 children out sit in a caseload of about 21,000.
PLANS_PER_CHILD_OUT = 13
PLAN_GROWTH = 0.08  # a year

# Age at the latest census: plans run from the early years to 25, most in school years.
AGE_WEIGHTS = {
    2: 1.0, 3: 2.0, 4: 3.5, 5: 4.5, 6: 5.5, 7: 6.0, 8: 6.5, 9: 6.5, 10: 6.5, 11: 6.5,
    12: 6.5, 13: 6.5, 14: 6.5, 15: 6.5, 16: 5.5, 17: 5.0, 18: 4.0, 19: 3.0, 20: 2.0,
    21: 1.5, 22: 1.2, 23: 0.8, 24: 0.5, 25: 0.3,
}  # fmt: skip
# Index into synth_cohort.GENDER_VALUES (Male, Female, Other, blank, Not known).
GENDER_WEIGHTS = [0.71, 0.285, 0.002, 0.002, 0.001]
# All plans (DfE SEN2 shape): autism and SLCN largest, SEMH third.
NEED_WEIGHTS = {
    "ASD": 33, "SEMH": 15, "SLCN": 22, "MLD": 9, "SPLD": 3, "SLD": 6, "PMLD": 1.5, "HI": 1.5,
    "VI": 0.8, "MSI": 0.3, "PD": 3, "DS": 1.2, "OTH": 2.5, "NSA": 0.5,
}  # fmt: skip
# CLA, CP, CIN, previously looked after, none.
CARE_WEIGHTS = [0.04, 0.015, 0.05, 0.02, 0.875]
LOST_ID_SHARE = 0.0002  # a fault of the export: a lost child_id (quarantined by the loader)


@dataclass
class Pool:
    """Children with plans who are in school (index k is pool child k)."""

    number: np.ndarray
    rank: np.ndarray  # in the caseload at a census while rank < that census's growth factor
    dob: np.ndarray
    gender: np.ndarray
    need: np.ndarray  # index into synth_cohort.NEED_CODES
    district: np.ndarray  # index into synth_cohort.DISTRICTS
    team: np.ndarray
    care: np.ndarray


def make_pool(rng, children_out: int, first_number: int, last_census: int) -> Pool:
    n = PLANS_PER_CHILD_OUT * max(children_out, 1)
    ages = np.array(list(AGE_WEIGHTS))
    age = ages[sy._pick(rng, list(AGE_WEIGHTS.values()), n)]
    dob = last_census - np.rint((age + rng.uniform(0, 1, n)) * sy.YEAR).astype(np.int64)
    kent = list(sy.DISTRICT_POPULATION.values())
    weights = [0.97 * p / sum(kent) for p in kent] + [0.025, 0.004, 0.001]
    district = sy._pick(rng, weights, n)
    team_of = np.array([sy.TEAM_OF_DISTRICT[d] for d in sy.DISTRICT_POPULATION])
    team = np.where(
        district < len(team_of), team_of[np.minimum(district, 11)], rng.integers(0, 4, n)
    )
    need_codes = list(NEED_WEIGHTS)
    need = np.array([sy.NEED_CODES.index(c) for c in need_codes])[
        sy._pick(rng, list(NEED_WEIGHTS.values()), n)
    ]
    return Pool(
        number=first_number + np.arange(n),
        rank=rng.random(n),
        dob=dob,
        gender=sy._pick(rng, GENDER_WEIGHTS, n),
        need=need,
        district=district,
        team=team,
        care=sy._pick(rng, CARE_WEIGHTS, n),
    )


def pool_rows(pool: Pool, census_day: int, last_census: int) -> np.ndarray:
    """Pool children in the caseload at `census_day`: those the growth has reached, aged 0-25."""
    factor = np.exp(PLAN_GROWTH * (census_day - last_census) / sy.YEAR)
    age_days = census_day - pool.dob
    return np.flatnonzero((pool.rank < factor) & (age_days >= 0) & (age_days < 26 * sy.YEAR))


__all__ = ["Pool", "make_pool", "pool_rows", "PLANS_PER_CHILD_OUT"]
