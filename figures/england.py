"""England and similar councils: the council against the DfE's published EHC plan figures.

Published figures are public already and are shown as published; the council's own monthly
count set beside them is a count of children like any other (protected when published).
"""

from __future__ import annotations

from dataclasses import dataclass

from figures import protect
from figures.cache import figure_cache
from figures.format import fmt_int, period_label
from figures.frame import counted
from figures.protect import Audience, narrow, resolve
from figures.values import Figure, Metric, Note, Table, options
from queries.filters import CohortFilter
from queries.published import (
    AWAITING_RELEASE,
    COLLECTION_NOTE,
    COUNCIL,
    HEADLINE,
    HEADLINE_OLD,
    SOURCE,
    comparison,
    council_monthly_vs_published,
    headline_trend,
    plans_per_1000_aged_0_25,
    rank_sentence,
    trend_sentence,
    trend_title,
)

__all__ = ["COUNCIL"]


@dataclass(frozen=True)
class England:
    """The England page's figures (None when no published figures are loaded)."""

    rank: str
    source: str
    cards: tuple[Metric, ...]
    comparison: Figure
    trend: Figure
    trend_sentence: str


def _common(release: str) -> str:
    return (
        f"{release}, file caseload.csv (Explore Education Statistics). {SOURCE} Statistical "
        "neighbours: the DfE Local Authority Interactive Tool's May 2025 list."
    )


@figure_cache
def england(*, db=None) -> England | None:
    table = comparison(db=db)
    if table.empty:
        return None
    release = table["release"].iloc[0]
    per_head = plans_per_1000_aged_0_25(db=db)
    year = per_head["year"]
    council = table[table["role"] == "Council"].iloc[0]
    england_row = table[table["role"] == "England"].iloc[0]
    cards = (
        Metric(
            "council",
            f"{COUNCIL}, per 1,000 plans (January {year})",
            f"{council['headline_per_1000']:.1f}",
            float(council["headline_per_1000"]),
            help=f"{fmt_int(council['headline_children'])} {HEADLINE}, of "
            f"{fmt_int(council['plans'])} plans.",
        ),
        Metric(
            "england",
            f"England, per 1,000 plans (January {year})",
            f"{england_row['headline_per_1000']:.1f}",
            float(england_row["headline_per_1000"]),
        ),
        Metric(
            "per_head",
            f"{COUNCIL} EHC plans per 1,000 aged 0–25",
            f"{per_head['per_1000']:.1f}",
            float(per_head["per_1000"]),
            help=f"{fmt_int(per_head['plans'])} plans (January {year}) per "
            f"{fmt_int(per_head['population_0_25'])} residents aged 0 to 25 (ONS mid-2023 "
            "estimates for the twelve districts).",
        ),
    )
    shown = table.assign(rank=table["rank"].astype("Int64")).drop(columns=["release"])
    shown = shown.rename(
        columns={
            "area": "Area", "role": "Compared as", "plans": "EHC plans",
            "not_in_education_csa": "Not in education (compulsory school age)",
            "other_placement": "Other placement / awaiting provision",
            "headline_children": "Both groups (children)",
            "not_in_education_per_1000": "Not in education per 1,000 plans",
            "other_placement_per_1000": "Other placement per 1,000 plans",
            "headline_per_1000": "Both per 1,000 plans",
            "rank": "Rank among council and neighbours",
        }
    )  # fmt: skip
    bars = Figure(
        key="england-bars",
        kind="comparison_bar",
        title=f"{COUNCIL}'s rate is "
        f"{council['headline_per_1000'] / england_row['headline_per_1000']:.1f} times England's",
        caption="Children with an EHC plan not in education (compulsory school age) or in other "
        f"placement / awaiting provision, per 1,000 plans, January {year}. Source: {release}.",
        about=(
            Note(
                "What is counted",
                f"{HEADLINE}, divided by all EHC plans the council maintains, times 1,000. The "
                "denominator is the published number of plans at the January census.",
            ),
            Note("Source", _common(release)),
        ),
        table=Table.of(shown),
        chart=Table.of(table.drop(columns=["release"])),
        file_name=f"england_comparison_{year}.csv",
        options=options(council=COUNCIL),
    )
    trend = headline_trend(db=db)
    line = Figure(
        key="england-trend",
        kind="comparison_trend",
        title=trend_title(trend),
        caption="Children of compulsory school age with a plan not in education, plus those in "
        f"'other' placements, per 1,000 plans, January 2019 to {year}. Sources: {release}; "
        f"{AWAITING_RELEASE} (2019 to 2022).",
        about=(
            Note(
                "What is counted",
                f"the same way in every year: {HEADLINE}, per 1,000 plans. The dotted line marks "
                f"the 2023 change of collection. {COLLECTION_NOTE} Where the definition cannot "
                f"be matched the line has a gap, and the table gives the nearest measure "
                f"({HEADLINE_OLD}) with the words 'not matched'. The neighbours' line is the "
                "median of the ten.",
            ),
            Note("Source", _common(release)),
        ),
        table=Table.of(
            trend.assign(
                headline_per_1000=trend["headline_per_1000"].astype("Float64").round(1),
                old_per_1000=trend["old_per_1000"].round(1),
            )[
                ["year", "area", "headline_per_1000", "definition", "old_per_1000", "collection"]
            ].rename(
                columns={
                    "year": "January",
                    "area": "Area",
                    "headline_per_1000": "Per 1,000 plans",
                    "definition": "Definition",
                    "old_per_1000": "Nearest measure where not matched, per 1,000 plans",
                    "collection": "Collection",
                }
            )
        ),
        chart=Table.of(trend),
        file_name="england_trend.csv",
        options=options(areas=tuple(dict.fromkeys(trend["area"]))),
    )
    return England(
        rank_sentence(db=db),
        f"Source: {release}. {SOURCE}",
        cards,
        bars,
        line,
        trend_sentence(trend),
    )


@dataclass(frozen=True)
class MonthBesideJanuary:
    monthly: Metric
    published: Metric
    note: str


@figure_cache
def month_beside_january(
    latest: str, source: str, *, audience: Audience | None = None, db=None
) -> MonthBesideJanuary:
    """The council's own latest month (the whole cohort, as the audience may see it) beside
    the published January figure."""
    audience = resolve(audience)
    _, shown = counted(narrow(CohortFilter(period=latest), audience), audience, db=db)
    found = council_monthly_vs_published(latest, 0, db=db)
    return MonthBesideJanuary(
        Metric(
            "monthly",
            f"Out of school, {period_label(latest)} ({source.lower()})",
            fmt_int(shown),
            shown,
            help=protect.ABOUT_SAFE if audience.safe and protect.is_hidden(shown) else "",
        ),
        Metric(
            "published",
            f"Published, January {found['published_year']}",
            fmt_int(found["published_children"]),
            found["published_children"],
            help=found["release"],
        ),
        found["note"],
    )
