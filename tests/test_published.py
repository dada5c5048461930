"""The shipped DfE figures match their source file, and the release loader refuses unknown
columns (exit status 2, database unchanged) and prefers the newest release it has loaded."""

from __future__ import annotations

import csv
import hashlib
import subprocess
import sys
from pathlib import Path

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


def _source_totals() -> dict[tuple[str, int], int]:
    """Plans by area and January, read straight from the shipped CSV (no project code)."""
    totals = {}
    with SHIPPED_FILE.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            area = row["country_name"] if row["geographic_level"] == "National" else row["la_name"]
            if area in ("England", "Kent"):
                totals[(area, 2000 + int(row["time_period"][-2:]))] = int(row["ehcplans"])
    return totals


def test_shipped_totals_match_the_source_file(db):
    loaded = dict(
        ((area, year), plans)
        for area, year, plans in query(
            db,
            "SELECT area, year, ehcplans FROM published_ehcp "
            "WHERE area IN ('England', 'Kent') AND release = $r",
            {"r": SHIPPED_RELEASE},
        )
    )
    source = _source_totals()
    assert loaded == source and len(source) == 14  # 2 areas x 7 Januaries
    # and the source as published (Explore Education Statistics, reporting year 2025)
    assert source[("Kent", 2025)] == 20635 and source[("England", 2025)] == 638745
    assert source[("Kent", 2019)] == 11763 and source[("England", 2019)] == 353995


def test_headline_measure_by_hand(db):
    table = published.comparison(2025, db=db).set_index("area")
    # Kent (249 + 416) / 20,635 x 1,000 = 32.23; England (2,460 + 4,045) / 638,745 = 10.18
    assert table.loc["Kent", "headline_per_1000"] == pytest.approx(32.226, abs=1e-3)
    assert table.loc["England", "headline_per_1000"] == pytest.approx(10.184, abs=1e-3)
    # before 2023: awaiting provision + other. Kent 2022 (486 + 5) / 17,733 = 27.69
    old = published.comparison(2022, db=db).set_index("area")
    assert old.loc["Kent", "headline_per_1000"] == pytest.approx(27.688, abs=1e-3)


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
