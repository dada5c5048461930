"""England and similar councils: the council against the DfE's published EHC plan figures.

    comparison(year)              one January: council, England, region, statistical neighbours
    headline_trend()              the headline measure per 1,000 plans since 2019, by area,
                                  on one definition in every year the files allow
    trend_title(trend), trend_sentence(trend)   the council against England, in words
    rank_sentence(year)           "Kent had the highest rate of its 11 statistical neighbours"
    plans_per_1000_aged_0_25()    the council's plans per 1,000 residents aged 0-25
    council_monthly_vs_published(period)  the council's own latest month beside January's
    district_population()         districts' residents aged 0-25 (map rates per 10,000)

Published figures come from the database table published_ehcp (data/published.py installs the
shipped release and loads newer ones); the statistical neighbours, district populations and
the 2019-2022 compulsory-school-age split of "awaiting provision" are small reference files
read from data/reference/sen2/. Every result names its release. Count columns end in
`children` or are `plans` so that suppression can find them.

One definition in every year: children of compulsory school age with a plan who are not in
education, plus those in 'other' placements, per 1,000 plans. From 2023 the release gives both
parts (neet_other_csa, other_placement_settings). Before 2023 its nearest group was everyone
"awaiting provision", of any age (in January 2019, 479 of Kent's 591 were above compulsory
school age); the 2022 release's establishment file splits it, so the same definition is made
from "awaiting provision - compulsory school age and not in education" plus "other" wherever
that file has the area (England, the council and its neighbours; not the region). Where it
cannot be made, the headline is missing and the nearest measure is shown beside it, marked.
"""

from __future__ import annotations

from functools import cache

import duckdb
import numpy as np
import pandas as pd

from core.paths import PROJECT_ROOT
from queries import runner

REFERENCE = PROJECT_ROOT / "data" / "reference" / "sen2"
COUNCIL = "Kent"
COUNCIL_CODE = "886"
REGION = "South East"
HEADLINE = (
    "children of compulsory school age with a plan who are not in education, plus those in "
    "'other' placements"
)
HEADLINE_OLD = (
    "children with a plan awaiting provision at any age, plus those in 'other' placements "
    "(before 2023, where the compulsory-school-age split is not published)"
)
COLLECTION_NOTE = (
    "From January 2023 the DfE collects a record per child (person-level) instead of totals. "
    "Before 2023 the same definition is made from the 2022 release's split of children "
    "awaiting provision by age (compulsory school age and not in education) plus 'other'; "
    "that split is published for England, the council and its neighbours but not for the "
    "region, whose earlier years are therefore left out of the line and shown in the table on "
    "the nearest measure (awaiting provision at any age plus 'other'), marked as not matched. "
    "Compare the two collections with care."
)
AWAITING_FILE = "sen2_awaiting_provision_2019_2022_kent_england_sn.csv"
AWAITING_RELEASE = (
    "DfE Education, health and care plans, reporting year 2022, file sen2_estab_caseload.csv"
)
CSA_NOT_IN_EDUCATION = "Awaiting provision - compulsory school age and not in education"
MATCHED = "same definition"
NOT_MATCHED = "not matched: awaiting provision at any age plus 'other'"
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


@cache
def awaiting_compulsory_age() -> pd.DataFrame:
    """area, year, csa_not_in_education: children of compulsory school age awaiting provision
    and not in education, January 2019-2022 (AWAITING_RELEASE), for the areas it holds."""
    frame = pd.read_csv(REFERENCE / AWAITING_FILE, dtype=str)
    part = frame[frame["establishment_type"] == CSA_NOT_IN_EDUCATION]
    counts = pd.to_numeric(part["ehc_plans"], errors="coerce")  # x and blanks: not published
    return pd.DataFrame(
        {"area": part["area"], "year": part["year_january"].astype(int),
         "csa_not_in_education": counts}
    ).dropna().reset_index(drop=True)  # fmt: skip


def measures(db=None) -> pd.DataFrame:
    """Every area and January, newest release first (columns of published_measures.sql), with
    the headline on one definition wherever the files allow (module notes): `definition` says
    which (MATCHED, or NOT_MATCHED with headline_* missing and old_* the nearest measure)."""
    params = {
        "council_code": COUNCIL_CODE,
        "neighbour_codes": statistical_neighbours()["old_la_code"].tolist(),
    }
    try:
        frame = runner.run("published_measures", params, db=db)
    except duckdb.CatalogException:  # a database built before the published figures shipped
        return pd.DataFrame(
            columns=["year", "area", "role", "release", "headline_per_1000", "definition"]
        )
    split = awaiting_compulsory_age()
    frame = frame.merge(split, on=["area", "year"], how="left")
    early = (frame["year"] < 2023) & frame["csa_not_in_education"].notna()
    children = frame["csa_not_in_education"] + frame["other_placement"]
    frame["headline_children"] = frame["headline_children"].astype("Float64").mask(early, children)
    frame["headline_per_1000"] = 1000.0 * frame["headline_children"] / frame["plans"]
    frame["definition"] = np.where(frame["headline_children"].notna(), MATCHED, NOT_MATCHED)
    frame["source"] = np.where(early, AWAITING_RELEASE + " and " + frame["release"],
                               frame["release"])  # fmt: skip
    return frame.drop(columns="csa_not_in_education")


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
    """year, area, role, headline_per_1000 (missing where not matched), definition,
    old_per_1000 (the nearest measure where not matched), collection, release, source (the
    files each figure comes from): council, England, region and the neighbours' median (of
    the matched values), every January."""
    frame = measures(db)
    keep = frame["role"].isin(["Council", "England"]) | (
        (frame["role"] == "Region") & (frame["area"] == REGION)
    )
    columns = ["year", "area", "role", "headline_per_1000", "definition", "old_per_1000",
               "collection", "release", "source"]  # fmt: skip
    shown = frame[keep][columns]
    neighbours = frame[frame["role"] == "Statistical neighbour"]
    median = (
        neighbours.groupby(["year", "collection"], as_index=False)
        .agg(
            headline_per_1000=("headline_per_1000", "median"),
            matched=("definition", lambda d: bool((d == MATCHED).all())),
            release=("release", "first"),
            source=("source", "first"),
        )
        .assign(area="Statistical neighbours (median)", role="Statistical neighbour")
    )
    median["definition"] = np.where(median.pop("matched"), MATCHED, NOT_MATCHED)
    median.loc[median["definition"] == NOT_MATCHED, "headline_per_1000"] = np.nan
    median["old_per_1000"] = np.nan
    trend = pd.concat([shown, median[columns]], ignore_index=True)
    return trend.sort_values(["year", "role"]).reset_index(drop=True)


def _council_against_england(trend: pd.DataFrame) -> pd.DataFrame:
    matched = trend[trend["definition"] == MATCHED]
    by_year = matched.pivot_table(index="year", columns="role", values="headline_per_1000")
    return (
        by_year[["Council", "England"]].dropna()
        if {"Council", "England"} <= set(by_year.columns)
        else pd.DataFrame(columns=["Council", "England"])
    )


def trend_title(trend: pd.DataFrame) -> str:
    """The trend chart's active title: the council against England in the Januaries where
    both are on the one definition."""
    both = _council_against_england(trend)
    above = both["Council"] > both["England"]
    if both.empty:
        return f"No January compares {COUNCIL} with England on one definition"
    if above.all():
        return f"{COUNCIL} has been above England every January since {int(both.index.min())}"
    return f"{COUNCIL} was above England in {int(above.sum())} of {len(above)} Januaries"


def trend_sentence(trend: pd.DataFrame) -> str:
    """The same comparison in one sentence that names the definition and the years."""
    both = _council_against_england(trend)
    if both.empty:
        return "No January has both figures on one definition."
    above = [int(y) for y in both.index[both["Council"] > both["England"]]]
    below = [int(y) for y in both.index[both["Council"] <= both["England"]]]

    def years(values: list[int]) -> str:
        return (
            ", ".join(map(str, values[:-1]))
            + (" and " if len(values) > 1 else "")
            + str(values[-1])
        )

    parts = []
    if above:
        parts.append(f"above England in {years(above)}")
    if below:
        parts.append(f"at or below it in {years(below)}")
    return (
        f"Counting {HEADLINE}, per 1,000 plans, the same way in every year, {COUNCIL} was "
        + " and ".join(parts)
        + "."
    )


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
    "AWAITING_RELEASE",
    "COLLECTION_NOTE",
    "COUNCIL",
    "HEADLINE",
    "HEADLINE_OLD",
    "MATCHED",
    "NOT_MATCHED",
    "SOURCE",
    "awaiting_compulsory_age",
    "comparison",
    "council_monthly_vs_published",
    "district_population",
    "headline_trend",
    "measures",
    "plans_per_1000_aged_0_25",
    "rank_sentence",
    "statistical_neighbours",
    "trend_sentence",
    "trend_title",
]
