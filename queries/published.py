"""England and similar councils: the council against the DfE's published EHC plan figures.

    comparison(year)              one January: council, England, region, statistical neighbours
    headline_trend()              the headline measure per 1,000 plans since 2019, by area
    rank_sentence(year)           "Kent had the highest rate of its 11 statistical neighbours"
    plans_per_1000_aged_0_25()    the council's plans per 1,000 residents aged 0-25
    council_monthly_vs_published(period)  the council's own latest month beside January's
    district_population()         districts' residents aged 0-25 (map rates per 10,000)

Published figures come from the database table published_ehcp (data/published.py installs the
shipped release and loads newer ones); the statistical neighbours and district populations
are small reference files read from data/reference/sen2/. Every result names its release.
Count columns end in `children` or are `plans` so that suppression can find them.
"""

from __future__ import annotations

from functools import cache

import duckdb
import pandas as pd

from core.paths import PROJECT_ROOT
from queries import runner

REFERENCE = PROJECT_ROOT / "data" / "reference" / "sen2"
COUNCIL = "Kent"
COUNCIL_CODE = "886"
REGION = "South East"
HEADLINE = (
    "children with a plan not in education at compulsory school age or in 'other placement "
    "/ awaiting provision'"
)
HEADLINE_OLD = "children with a plan 'awaiting provision' or in 'other' arrangements"
COLLECTION_NOTE = (
    "From January 2023 the DfE collects a record per child (person-level) instead of totals; "
    "before 2023 there was no compulsory-school-age split, so the closest measure is children "
    "awaiting provision plus other arrangements. Compare the two periods with care."
)
SOURCE = (
    "Contains public sector information licensed under the Open Government Licence v3.0; "
    "ONS data © Crown copyright."
)


@cache
def statistical_neighbours() -> pd.DataFrame:
    """rank, old_la_code, la_name, closeness (DfE LAIT, May 2025 list)."""
    frame = pd.read_csv(REFERENCE / "kent_statistical_neighbours_lait.csv", dtype=str)
    frame = frame[frame["sn_version"].str.contains("current")]
    frame["rank"] = frame["rank"].astype(int)
    return frame[["rank", "old_la_code", "la_name", "closeness", "sn_version"]]


@cache
def district_population() -> pd.DataFrame:
    """district, age_0_25 for the twelve districts (ONS mid-2023), without the county sum."""
    frame = pd.read_csv(REFERENCE / "ons_mye_mid2023_kent_districts.csv", dtype={"lad_code": str})
    districts = frame[frame["lad_code"].str.startswith("E07")]
    return districts.rename(columns={"lad_name": "district"})[["district", "age_0_25"]]


def county_population_0_25() -> int:
    return int(district_population()["age_0_25"].sum())


def measures(db=None) -> pd.DataFrame:
    """Every area and January, newest release first (columns of published_measures.sql)."""
    params = {
        "council_code": COUNCIL_CODE,
        "neighbour_codes": statistical_neighbours()["old_la_code"].tolist(),
    }
    try:
        return runner.run("published_measures", params, db=db)
    except duckdb.CatalogException:  # a database built before the published figures shipped
        return pd.DataFrame(columns=["year", "area", "role", "release", "headline_per_1000"])


def latest_year(db=None) -> int | None:
    frame = measures(db)
    return int(frame["year"].max()) if not frame.empty else None


def comparison(year: int | None = None, *, db=None) -> pd.DataFrame:
    """One January: the council, England, the region and the statistical neighbours.

    Columns area, role, plans, not_in_education_csa, other_placement, headline_children,
    not_in_education_per_1000, other_placement_per_1000, headline_per_1000, rank (1 = highest
    headline rate among the council and its neighbours), release.
    """
    frame = measures(db)
    if frame.empty:
        return pd.DataFrame(columns=["area", "role", "plans", "headline_per_1000", "release"])
    year = year or latest_year(db)
    part = frame[(frame["year"] == year) & (frame["role"] != "Other")].copy()
    part = part[(part["role"] != "Region") | (part["area"] == REGION)]
    for column, source in (
        ("not_in_education_per_1000", "not_in_education_csa"),
        ("other_placement_per_1000", "other_placement"),
    ):
        part[column] = 1000.0 * part[source] / part["plans"]
    councils = part["role"].isin(["Council", "Statistical neighbour"])
    part["rank"] = pd.NA
    part.loc[councils, "rank"] = (
        part.loc[councils, "headline_per_1000"].rank(ascending=False, method="min").astype(int)
    )
    order = {"Council": 0, "England": 1, "Region": 2, "Statistical neighbour": 3}
    part = part.sort_values(
        ["role", "headline_per_1000"], key=lambda s: s.map(order) if s.name == "role" else -s
    )
    return part[
        [
            "area", "role", "plans", "not_in_education_csa", "other_placement",
            "headline_children", "not_in_education_per_1000", "other_placement_per_1000",
            "headline_per_1000", "rank", "release",
        ]
    ].reset_index(drop=True)  # fmt: skip


def headline_trend(*, db=None) -> pd.DataFrame:
    """year, area, role, headline_per_1000, collection, release: council, England, region and
    the neighbours' median, every January loaded."""
    frame = measures(db)
    keep = frame["role"].isin(["Council", "England"]) | (
        (frame["role"] == "Region") & (frame["area"] == REGION)
    )
    shown = frame[keep][["year", "area", "role", "headline_per_1000", "collection", "release"]]
    neighbours = (
        frame[frame["role"] == "Statistical neighbour"]
        .groupby(["year", "collection"], as_index=False)
        .agg(headline_per_1000=("headline_per_1000", "median"), release=("release", "first"))
        .assign(area="Statistical neighbours (median)", role="Statistical neighbour")
    )
    return pd.concat([shown, neighbours], ignore_index=True).sort_values(["year", "role"])


def rank_sentence(year: int | None = None, *, db=None) -> str:
    """Where the council stands among itself and its statistical neighbours, in words."""
    table = comparison(year, db=db)
    councils = table[table["role"].isin(["Council", "Statistical neighbour"])].dropna(
        subset=["headline_per_1000"]
    )
    if councils.empty or COUNCIL not in councils["area"].tolist():
        return "No published figures to rank."
    rank = int(councils.loc[councils["area"] == COUNCIL, "rank"].iloc[0])
    n = len(councils)
    year = year or latest_year(db)
    place = (
        "the highest"
        if rank == 1
        else "the lowest"
        if rank == n
        else f"the {rank}{_suffix(rank)} highest"
    )
    value = councils.loc[councils["area"] == COUNCIL, "headline_per_1000"].iloc[0]
    return (
        f"In January {year}, {COUNCIL} had {place} rate of the {n} councils in its statistical "
        f"neighbour group (itself and its {n - 1} neighbours): {value:.1f} {HEADLINE} per "
        "1,000 plans."
    )


def _suffix(n: int) -> str:
    return "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def plans_per_1000_aged_0_25(year: int | None = None, *, db=None) -> dict:
    """The council's published plans per 1,000 residents aged 0-25 (ONS mid-2023)."""
    table = comparison(year, db=db)
    plans = int(table.loc[table["role"] == "Council", "plans"].iloc[0])
    population = county_population_0_25()
    return {
        "year": year or latest_year(db),
        "plans": plans,
        "population_0_25": population,
        "per_1000": 1000.0 * plans / population,
    }


def council_monthly_vs_published(period: str, children_out: int, *, db=None) -> dict:
    """The council's own latest monthly count beside the published January figure.

    `children_out`: the dashboard's cohort count for `period` (from the caller, who has it).
    """
    table = comparison(None, db=db)
    council = table[table["role"] == "Council"].iloc[0]
    return {
        "period": period,
        "monthly_children_out": int(children_out),
        "published_year": latest_year(db),
        "published_children": int(council["headline_children"]),
        "published_per_1000": float(council["headline_per_1000"]),
        "release": council["release"],
        "note": (
            "The two count different things at different times. The dashboard's monthly "
            "figure is every child with a plan recorded with no placement or with provision "
            "unknown at the month's census date, at any age from 0 to 25, from the council's "
            "own system. The DfE's figure is the January census return: children of compulsory "
            "school age not in education, plus those in 'other placement / awaiting "
            "provision', as the council reported them then and as the DfE checked and "
            "published them months later. Children are added and removed every month, and "
            "recording differs, so expect the two to differ."
        ),
    }


__all__ = [
    "COLLECTION_NOTE",
    "COUNCIL",
    "HEADLINE",
    "SOURCE",
    "comparison",
    "council_monthly_vs_published",
    "district_population",
    "headline_trend",
    "measures",
    "plans_per_1000_aged_0_25",
    "rank_sentence",
    "statistical_neighbours",
]
