"""The shipped DfE figures match the DfE's own published totals; the England page's measure on
one definition in every year, its rank, neighbours, region, median and plans per head, by
hand; the release loader refuses unknown columns (exit status 2, database unchanged) and
prefers the newest release it has loaded."""

from __future__ import annotations

import csv
import hashlib
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from data.extract_reader import ExtractRefused
from data.load import load_caseload
from data.published import SHIPPED_FILE, SHIPPED_RELEASE, load_release
from queries import published, runner
from tests.conftest import query

PROJECT = Path(__file__).resolve().parent.parent


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def db(db_path, test_data):
    # any load installs the shipped release
    load_caseload(test_data / "c_caseload_2023_06.csv", "2023-06", db_path)
    runner.clear_cache()
    return db_path


def _csv_rows(name: str) -> list[dict]:
    with (SHIPPED_FILE.parent / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_shipped_figures_match_the_dfe_release(db):
    """Totals typed from the DfE's own pages, not from the shipped file."""
    shipped = {
        (row["country_name"] if row["geographic_level"] == "National" else row["la_name"],
         2000 + int(row["time_period"][-2:])): int(row["ehcplans"])
        for row in _csv_rows(SHIPPED_FILE.name)
        if row["geographic_level"] == "National" or row["la_name"] == "Kent"
    }  # fmt: skip
    # England, January 2025: 638,745 (Explore Education Statistics, "Number of EHC plans as at
    # January each year", reporting year 2025, the data set's first row); Kent: 20,635 (the
    # same release: the local authority with the most plans)
    assert shipped[("England", 2025)] == 638745 and shipped[("Kent", 2025)] == 20635
    # the releases' headlines, rounded: "473,300 ... as at January 2022, an increase of 10%
    # from 430,700 as at January 2021" (reporting year 2022); "517,000 ... as at January 2023"
    # (reporting year 2023)
    assert round(shipped[("England", 2022)], -2) == 473300
    assert round(shipped[("England", 2021)], -2) == 430700
    assert round(shipped[("England", 2023)], -3) == 517000
    # reporting year 2020: "390,100 ... as at January 2020. This is an increase of 36,100 (10%)
    # from 354,000 ... as at January 2019"; reporting year 2021: 430,697 plans in January 2021
    assert round(shipped[("England", 2020)], -2) == 390100
    assert round(shipped[("England", 2019)], -3) == 354000
    assert shipped[("England", 2020)] - shipped[("England", 2019)] == pytest.approx(36100, abs=50)
    assert shipped[("England", 2021)] == 430697
    # what the database holds is what was shipped, for every area and year
    loaded = dict(
        ((area, year), plans)
        for area, year, plans in query(
            db,
            "SELECT area, year, ehcplans FROM published_ehcp "
            "WHERE area IN ('England', 'Kent') AND release = $r",
            {"r": SHIPPED_RELEASE},
        )
    )
    assert loaded == shipped and len(shipped) == 14  # 2 areas x 7 Januaries
    # the 2022 release's establishment file: "12,500 young people were recorded as NEET" and
    # "16,300 ... under one of these categories [educated elsewhere]" in January 2022
    split = {(r["area"], r["year_january"], r["establishment_group"], r["establishment_type"]):
             int(r["ehc_plans"]) for r in _csv_rows(published.AWAITING_FILE)}  # fmt: skip
    assert round(split[("England", "2022", "NEET", "Total")], -2) == 12500
    assert round(split[("England", "2022", "Educated elsewhere", "Total")], -2) == 16300


def test_headline_on_one_definition_by_hand(db):
    table = published.comparison(2025, db=db).set_index("area")
    # Kent (249 + 416) / 20,635 x 1,000 = 32.23; England (2,460 + 4,045) / 638,745 = 10.18
    assert table.loc["Kent", "headline_per_1000"] == pytest.approx(32.226, abs=1e-3)
    assert table.loc["England", "headline_per_1000"] == pytest.approx(10.184, abs=1e-3)
    # before 2023, the same definition from the 2022 release's split: children of compulsory
    # school age awaiting provision and not in education, plus 'other'. Kent 2022
    # (117 + 5) / 17,733 = 6.880; England (1,503 + 3,965) / 473,255 = 11.554 (the nearest
    # measure the caseload file has, all ages awaiting provision, would give Kent 27.69)
    old = published.comparison(2022, db=db).set_index("area")
    assert old.loc["Kent", "headline_per_1000"] == pytest.approx(6.880, abs=1e-3)
    assert old.loc["England", "headline_per_1000"] == pytest.approx(11.554, abs=1e-3)
    # the region has no split: no headline, marked, with the nearest measure
    # (1,302 + 227) / 83,307 = 18.354
    trend = published.headline_trend(db=db).set_index(["year", "area"])
    region = trend.loc[(2022, "South East")]
    assert pd.isna(region["headline_per_1000"]) and region["definition"] == published.NOT_MATCHED
    assert region["old_per_1000"] == pytest.approx(18.354, abs=1e-3)
    assert trend.loc[(2022, "Kent"), "definition"] == published.MATCHED


def test_the_trend_sentence_names_the_definition_and_the_years(db):
    trend = published.headline_trend(db=db)
    # per 1,000 plans, Kent against England: 2019 (112 + 15) / 11,763 = 10.80 against
    # (1,203 + 1,902) / 353,995 = 8.77; 2020 (87 + 0) / 13,499 = 6.44 against
    # (1,260 + 2,329) / 390,109 = 9.20; 2021 (93 + 0) / 15,281 = 6.09 against 8.56; 2022 6.88
    # against 11.55; 2023 (30 + 460) / 18,931 = 25.88 against (1,433 + 4,498) / 517,048 =
    # 11.47; 2024 (0 + 321) / 19,407 = 16.54 against 9.22; 2025 32.23 against 10.18
    assert published.trend_title(trend) == "Kent was above England in 4 of 7 Januaries"
    words = published.trend_sentence(trend)
    assert "children of compulsory school age with a plan who are not in education" in words
    assert "above England in 2019, 2023, 2024 and 2025" in words
    assert "at or below it in 2020, 2021 and 2022" in words


def test_rank_neighbours_region_median_and_plans_per_head(db):
    table = published.comparison(2025, db=db)
    # January 2025, (not in education at compulsory school age + other) / plans x 1,000:
    # Nottinghamshire (24 + 82) / 5,422 = 19.550; West Sussex 174 / 9,301 = 18.708; Norfolk
    # 217 / 12,147 = 17.864; East Sussex 84 / 4,939 = 17.007; Suffolk 65 / 8,837 = 7.355;
    # Somerset 35 / 5,725 = 6.114; Bexley 16 / 3,267 = 4.897; Devon 48 / 9,848 = 4.874;
    # Bedford 2 / 2,170 = 0.922; Essex 2 / 14,240 = 0.140. Kent's 32.227 is the highest.
    neighbours = table[table["role"] == "Statistical neighbour"].set_index("area")
    assert sorted(neighbours.index) == sorted([
        "Nottinghamshire", "West Sussex", "Norfolk", "East Sussex", "Suffolk", "Somerset",
        "Bexley", "Devon", "Bedford", "Essex",
    ])  # fmt: skip
    assert neighbours.loc["Suffolk", "headline_per_1000"] == pytest.approx(7.355, abs=1e-3)
    assert neighbours.loc["Essex", "headline_per_1000"] == pytest.approx(0.140, abs=1e-3)
    ranks = table.set_index("area")["rank"]
    assert ranks["Kent"] == 1 and ranks["Nottinghamshire"] == 2 and ranks["Suffolk"] == 6
    assert ranks["Essex"] == 11 and pd.isna(ranks["England"]) and pd.isna(ranks["South East"])
    # the region: (681 + 793) / 110,014 = 13.398
    region = table[table["role"] == "Region"].iloc[0]
    assert region["area"] == "South East"
    assert region["headline_per_1000"] == pytest.approx(13.398, abs=1e-3)
    # the neighbours' median: the 5th and 6th of the ten, (6.114 + 7.355) / 2 = 6.734
    trend = published.headline_trend(db=db).set_index(["year", "area"])
    median = trend.loc[(2025, "Statistical neighbours (median)"), "headline_per_1000"]
    assert median == pytest.approx(6.7345, abs=1e-3)
    assert published.rank_sentence(2025, db=db) == (
        "In January 2025, Kent had the highest rate of the 11 councils in its statistical "
        "neighbour group (itself and its 10 neighbours): 32.2 children of compulsory school age "
        "with a plan who are not in education, plus those in 'other' placements per 1,000 "
        "plans."
    )
    # plans per 1,000 residents aged 0-25: the twelve districts (ONS mid-2023) add up to
    # 40,937 + 52,429 + 39,379 + 31,618 + 34,667 + 54,040 + 35,040 + 28,597 + 46,831 +
    # 38,374 + 40,420 + 34,338 = 476,670; 20,635 / 476,670 x 1,000 = 43.290
    per_head = published.plans_per_1000_aged_0_25(2025, db=db)
    assert (per_head["plans"], per_head["population_0_25"]) == (20635, 476670)
    assert per_head["per_1000"] == pytest.approx(43.290, abs=1e-3)


def _release(tmp_path: Path, extra_column: str | None = None, kent_plans: str = "20635") -> Path:
    with SHIPPED_FILE.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    for row in body:
        if row[header.index("la_name")] == "Kent" and row[0] == "202425":
            row[header.index("ehcplans")] = kent_plans
    if extra_column:
        header = [*header, extra_column]
        body = [[*row, "1"] for row in body]
    path = tmp_path / "caseload.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *body])
    return path


def test_a_release_with_unknown_columns_is_refused(db, tmp_path):
    before = _digest(db)
    bad = _release(tmp_path, extra_column="new_dfe_column")
    with pytest.raises(ExtractRefused, match="new_dfe_column"):
        load_release(bad, "reporting year 2026", db)
    assert _digest(db) == before
    refused = subprocess.run(
        [sys.executable, "-m", "data.load", "sen2", str(bad), "--release", "ry2026",
         "--db", str(db)],
        cwd=PROJECT, capture_output=True, text=True,
    )  # fmt: skip
    assert refused.returncode == 2 and "does not know" in refused.stderr
    assert _digest(db) == before


def test_a_newer_release_is_preferred_and_named(db, tmp_path):
    newer = _release(tmp_path, kent_plans="21000")
    assert load_release(newer, "reporting year 2026", db) == 91
    runner.clear_cache()
    kent = published.comparison(2025, db=db).set_index("area").loc["Kent"]
    assert kent["plans"] == 21000 and kent["release"] == "reporting year 2026"
    # both releases are kept
    assert query(db, "SELECT count(DISTINCT release) FROM published_ehcp") == [(2,)]
