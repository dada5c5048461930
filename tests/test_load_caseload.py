"""The caseload loader (data/caseload.py) against its contract: forms, warnings, quarantine,
refusals with exit status 2 and the database unchanged.

Expected values worked out by hand from tests/data/c_caseload_2023_06.csv at the census date
30 June 2023; the reasoning is in the comments.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from data.extract_reader import ExtractRefused
from data.load import LoadRefused, load_caseload, load_cohort
from tests.conftest import query

PROJECT = Path(__file__).resolve().parent.parent
PERIOD = "2023-06"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def loaded(db_path, test_data):
    load_cohort(test_data / "load_cohort_forms.csv", PERIOD, db_path)
    report = load_caseload(test_data / "c_caseload_2023_06.csv", PERIOD, db_path)
    return db_path, report


def test_rows_are_read_as_the_cohort_reads_them(loaded):
    db, _ = loaded
    rows = {
        r[0]: r[1:]
        for r in query(
            db,
            "SELECT child_id, age, gender, year_group, primary_need, district, care_status, "
            "sen_team, date_of_birth FROM caseload WHERE period = '2023-06'",
        )
    }
    # born 15/03/2012: 11 at census, Year 6 (10 on 31 August 2022); CIN 'Y'; team trimmed
    assert rows["T-0101"] == (
        11, "Female", "Year 6", "ASD", "Thanet", "Child in need (CIN)", "SEN East",
        dt.date(2012, 3, 15),
    )  # fmt: skip
    # UK date 01/02/2015; SEMH label; '&' is 'and'; no team -> Not recorded (as in cohort)
    assert rows["T-0102"][:6] == (
        8,
        "Male",
        "Year 3",
        "SEMH",
        "Tonbridge and Malling",
        "Child in need (CIN)",
    )
    assert rows["T-0102"][6] == "Not recorded"
    # Shepway is Folkestone and Hythe; 'visual impairment' is VI; Reception is R
    assert rows["T-0103"][2:5] == ("R", "VI", "Folkestone and Hythe")
    # CLA 'Y' wins the care status
    assert rows["T-0202"][5] == "Looked after (CLA)"
    # 31/02/2011 is no date, Medway no Kent district: loaded as Not recorded, still counted
    assert rows["T-0203"][0] is None and rows["T-0203"][2] == "Not recorded"
    assert rows["T-0203"][4] == "Not recorded"
    # 11 rows: 7 children loaded (T-0101..0103, T-0201..0204 once)
    assert sorted(rows) == ["T-0101", "T-0102", "T-0103", "T-0201", "T-0202", "T-0203", "T-0204"]


def test_quarantine_warnings_and_report_add_up(loaded):
    db, report = loaded
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (11, 7, 4)
    reasons = query(
        db,
        "SELECT source_row, child_id, reason FROM quarantine WHERE kind = 'caseload' "
        "ORDER BY source_row",
    )
    # row 8 no child_id; row 10 repeats row 9 to the letter; rows 11 and 12 conflict
    assert reasons == [
        (8, None, "no child_id"),
        (10, "T-0204", "exact repeat of row 9 (loaded once)"),
        (11, "T-0205", "child_id appears 2 times in the file with different values"),
        (12, "T-0205", "child_id appears 2 times in the file with different values"),
    ]
    # the raw values are the caseload file's, without the cohort adapter's placeholder
    raw = query(db, "SELECT raw_values FROM quarantine WHERE source_row = 8 AND kind='caseload'")
    assert "placement_status" not in raw[0][0] and '"district":"Dover"' in raw[0][0]
    warnings = query(
        db,
        "SELECT source_row, column_name, raw_value FROM load_warnings WHERE kind = 'caseload' "
        "ORDER BY column_name",
    )
    assert warnings == [
        (7, "cla", "maybe"),
        (7, "date_of_birth", "31/02/2011"),
        (7, "district", "Medway"),
    ]
    assert report.extra_columns == ["Placement Type"]
    # the cohort was not touched by the caseload load
    assert query(db, "SELECT count(*) FROM cohort") == [(14,)]


def test_reloading_a_period_replaces_it(loaded, tmp_path):
    db, _ = loaded
    smaller = tmp_path / "smaller.csv"
    smaller.write_text(
        "child_id,date_of_birth,gender,primary_need,district\nT-9,2015-01-01,F,ASD,Dover\n"
    )
    # one plan replacing seven is refused without --replace (the loader's shrink guard)
    with pytest.raises(LoadRefused, match="the plans of period 2023-06"):
        load_caseload(smaller, PERIOD, db)
    assert query(db, "SELECT count(*) FROM caseload") == [(7,)]
    load_caseload(smaller, PERIOD, db, replace=True)
    assert query(db, "SELECT child_id FROM caseload") == [("T-9",)]
    assert query(db, "SELECT count(*) FROM quarantine WHERE kind = 'caseload'") == [(0,)]


def test_refusals_change_nothing(loaded, tmp_path):
    db, _ = loaded
    before = _digest(db)
    cases = {
        "missing.csv": ("child_id,date_of_birth,gender,primary_need\nT-1,2015-01-01,F,ASD\n",
                        "district"),
        "empty.csv": ("", "empty"),
        "rows.csv": ("child_id,date_of_birth,gender,primary_need,district\n", "no data rows"),
        "plans.txt": ("child_id\n", "not a CSV or XLSX"),
    }  # fmt: skip
    for name, (text, needle) in cases.items():
        path = tmp_path / name
        path.write_text(text)
        with pytest.raises(ExtractRefused, match=needle):
            load_caseload(path, "2023-07", db)
        assert _digest(db) == before, name


def test_cli_refuses_with_exit_2_and_loads_with_0(loaded, tmp_path, test_data):
    db, _ = loaded
    before = _digest(db)
    bad = tmp_path / "bad.csv"
    bad.write_text("child_id,gender\nT-1,F\n")
    command = [sys.executable, "-m", "data.load", "caseload"]
    refused = subprocess.run(
        [*command, str(bad), "--period", "2023-07", "--db", str(db)],
        cwd=PROJECT, capture_output=True, text=True,
    )  # fmt: skip
    assert refused.returncode == 2
    assert "date_of_birth" in refused.stderr and "rows loaded: 0" in refused.stdout
    assert _digest(db) == before
    accepted = subprocess.run(
        [*command, str(test_data / "c_caseload_2023_06.csv"), "--period", "2023-07",
         "--db", str(db)],
        cwd=PROJECT, capture_output=True, text=True,
    )  # fmt: skip
    assert accepted.returncode == 0, accepted.stderr
    assert "rows read:        11" in accepted.stdout and "rows quarantined: 4" in accepted.stdout
    assert query(db, "SELECT count(*) FROM caseload WHERE period = '2023-07'") == [(7,)]


def test_an_xlsx_caseload_loads_like_a_csv(db_path, tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Child ID", "Date of Birth", "Gender", "Primary Need", "District", "CLA"])
    sheet.append(["X-1", dt.date(2012, 3, 15), "F", "Autism", "Tonbridge & Malling", "Y"])
    sheet.append(["X-2", "01/02/2015", "m", "semh", "shepway", None])
    path = tmp_path / "plans.xlsx"
    book.save(path)
    report = load_caseload(path, PERIOD, db_path)
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (2, 2, 0)
    assert query(
        db_path,
        "SELECT child_id, age, gender, primary_need, district, care_status FROM caseload "
        "ORDER BY child_id",
    ) == [
        # 15/03/2012 -> 11 at 30/06/2023; CLA 'Y' -> looked after
        ("X-1", 11, "Female", "ASD", "Tonbridge and Malling", "Looked after (CLA)"),
        # UK date 01/02/2015 -> 8; Shepway -> Folkestone and Hythe
        ("X-2", 8, "Male", "SEMH", "Folkestone and Hythe", "No care status"),
    ]
