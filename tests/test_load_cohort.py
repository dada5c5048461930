"""The cohort loader against the extract contract: accepted forms, warnings, quarantine.

Every expected value below was worked out by hand from tests/data/load_cohort_*.csv at the
census date 30 June 2023 (period 2023-06); the reasoning is in the comments.
"""

from __future__ import annotations

import datetime as dt

import openpyxl

from data.load import load_cohort
from tests.conftest import query

PERIOD = "2023-06"

COLUMNS = (
    "child_id, age, gender, year_group, primary_need, district, placement_status, "
    "care_status, cin, cp, cla, previously_looked_after, is_import, imported_from, "
    "out_of_school_since, days_out"
)

# (child, age, gender, year group, need, district, placement, care status,
#  cin, cp, cla, pla, import, imported_from, out_of_school_since, days_out)
EXPECTED_FORMS = {
    # born 15/03/2012: 11 at census; 10 on 31/08/2022 -> Year 6; Jan 10 to Jun 30 = 171 days
    "T-0101": (
        11,
        "Female",
        "Year 6",
        "ASD",
        "Thanet",
        "No placement",
        "Child in need (CIN)",
        True,
        False,
        False,
        False,
        False,
        None,
        dt.date(2023, 1, 10),
        171,
    ),
    # UK date 01/02/2015 is 1 February: 8 at census; Y3 supplied; label -> SEMH; '&' = 'and'
    "T-0102": (
        8,
        "Male",
        "Year 3",
        "SEMH",
        "Tonbridge and Malling",
        "Provision unknown",
        "Child in need (CIN)",
        True,
        False,
        False,
        False,
        True,
        "Medway",
        None,
        None,
    ),
    # 01/07/2019: 3 at census (4 the next day); 'Reception' -> R; Shepway is Folkestone and Hythe
    "T-0103": (
        3,
        "Other",
        "R",
        "VI",
        "Folkestone and Hythe",
        "No placement",
        "No care status",
        False,
        False,
        False,
        False,
        False,
        None,
        None,
        None,
    ),
    # 01/09/2008: 14 at census, 13 on 31/08/2022 -> Year 9; CLA wins over CP
    "T-0104": (
        14,
        "Other",
        "Year 9",
        "ASD",
        "Out of county",
        "No placement",
        "Looked after (CLA)",
        False,
        True,
        True,
        False,
        False,
        None,
        None,
        None,
    ),
    # 31/08/2005: 17 at census and 17 on 31/08/2022 -> Year 13; blank gender; Sep 1 -> Jun 30 = 302
    "T-0105": (
        17,
        "Not recorded",
        "Year 13",
        "PMLD",
        "Canterbury",
        "No placement",
        "No care status",
        False,
        False,
        False,
        False,
        False,
        None,
        dt.date(2022, 9, 1),
        302,
    ),
    # 30/06/2004: 19 exactly at census, 18 on 31/08/2022 -> Year 14; previously looked after
    "T-0106": (
        19,
        "Male",
        "Year 14",
        "NSA",
        "Dartford",
        "No placement",
        "Previously looked after",
        False,
        False,
        False,
        True,
        False,
        None,
        None,
        None,
    ),
    # blank date of birth: no age; N2 supplied wins
    "T-0107": (
        None,
        "Male",
        "N2",
        "DS",
        "Gravesham",
        "Provision unknown",
        "No care status",
        False,
        False,
        False,
        False,
        False,
        None,
        None,
        None,
    ),
    # 01/12/2021: 1 at census, 0 on 31/08/2022 -> Early years
    "T-0108": (
        1,
        "Female",
        "Early years",
        "SLCN",
        "Folkestone and Hythe",
        "No placement",
        "No care status",
        False,
        False,
        False,
        False,
        False,
        None,
        None,
        None,
    ),
    # 01/03/2020: 3 at census, 2 on 31/08/2022 -> N1
    "T-0109": (
        3,
        "Female",
        "N1",
        "HI",
        "Maidstone",
        "No placement",
        "No care status",
        False,
        False,
        False,
        False,
        False,
        None,
        None,
        None,
    ),
    # 20/01/2019: 4 at census, 3 on 31/08/2022 -> N2
    "T-0110": (
        4,
        "Female",
        "N2",
        "MSI",
        "Ashford",
        "No placement",
        "No care status",
        False,
        False,
        False,
        False,
        False,
        None,
        None,
        None,
    ),
    # 01/01/2000: 23 at census, 22 on 31/08/2022 -> Post-19
    "T-0111": (
        23,
        "Female",
        "Post-19",
        "PD",
        "Swale",
        "No placement",
        "No care status",
        False,
        False,
        False,
        False,
        False,
        None,
        None,
        None,
    ),
    # 05/05/2010: 13; 'Year 7' supplied wins over the derived Year 8; 'Not known' gender
    "T-0112": (
        13,
        "Not recorded",
        "Year 7",
        "OTH",
        "Sevenoaks",
        "No placement",
        "No care status",
        False,
        False,
        False,
        False,
        False,
        None,
        None,
        None,
    ),
    # 11/11/2011: 11; '10' -> Year 10; CP 'Yes'
    "T-0113": (
        11,
        "Male",
        "Year 10",
        "SPLD",
        "Tunbridge Wells",
        "No placement",
        "Child protection (CP)",
        False,
        True,
        False,
        False,
        False,
        None,
        None,
        None,
    ),
    # every value padded with spaces; 12/12/2012: 10; 'post-19' supplied
    "T-0114": (
        10,
        "Male",
        "Post-19",
        "SLD",
        "Dover",
        "No placement",
        "No care status",
        False,
        False,
        False,
        False,
        False,
        None,
        None,
        None,
    ),
}


def _cohort(db) -> dict[str, tuple]:
    rows = query(db, f"SELECT {COLUMNS} FROM cohort WHERE period = $p", {"p": PERIOD})
    return {row[0]: tuple(row[1:]) for row in rows}


def test_every_accepted_form_is_read(db_path, test_data):
    report = load_cohort(test_data / "load_cohort_forms.csv", PERIOD, db_path)
    assert _cohort(db_path) == EXPECTED_FORMS
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (14, 14, 0)
    # only the blank gender (T-0105) and the blank date of birth (T-0107) are warnings;
    # 'Not known' is an accepted way of saying Not recorded
    assert report.warnings_by_column == {"gender": 1, "date_of_birth": 1}
    assert report.extra_columns == ["Case Worker"]


def test_census_date_and_other_columns(db_path, test_data):
    load_cohort(test_data / "load_cohort_forms.csv", PERIOD, db_path)
    row = query(
        db_path,
        "SELECT census_date, ehcp_issued, last_annual_review, provision_hours, sen_team "
        "FROM cohort WHERE child_id = 'T-0101'",
    )[0]
    assert row == (
        dt.date(2023, 6, 30),
        dt.date(2021, 5, 1),
        dt.date(2022, 5, 20),
        12.5,
        "SEN East",
    )
    assert query(db_path, "SELECT import_date FROM cohort WHERE child_id = 'T-0102'") == [
        (dt.date(2023, 3, 15),)
    ]
    # a child with no SEN team is shown as Not recorded; provision hours 3 for T-0114
    assert query(
        db_path, "SELECT sen_team, provision_hours FROM cohort WHERE child_id='T-0114'"
    ) == [("Not recorded", 3.0)]


def test_cohort_view_has_the_contract_columns_in_order(db_path, test_data):
    load_cohort(test_data / "load_cohort_forms.csv", PERIOD, db_path)
    names = [r[0] for r in query(db_path, "SELECT column_name FROM (DESCRIBE cohort)")]
    contract = [
        "period",
        "census_date",
        "child_id",
        "age",
        "gender",
        "year_group",
        "primary_need",
        "district",
        "placement_status",
        "care_status",
        "cin",
        "cp",
        "cla",
        "previously_looked_after",
        "is_import",
        "imported_from",
        "out_of_school_since",
        "days_out",
    ]
    assert names[: len(contract)] == contract
    types = dict(query(db_path, "SELECT column_name, column_type FROM (DESCRIBE cohort)"))
    assert types["age"] == "INTEGER" and types["days_out"] == "INTEGER"
    assert types["census_date"] == "DATE" and types["is_import"] == "BOOLEAN"


def test_unreadable_fields_load_as_not_recorded_with_warnings(db_path, test_data):
    report = load_cohort(test_data / "load_cohort_problems.csv", PERIOD, db_path)
    rows = {
        r[0]: r[1:]
        for r in query(
            db_path,
            "SELECT child_id, age, gender, primary_need, district, year_group, cin, "
            "out_of_school_since, days_out, provision_hours FROM cohort",
        )
    }
    # 30 February is no date; 1 July 2023 is after the census date; Year 99 unreadable
    assert rows["T-0201"] == (
        None,
        "Female",
        "ASD",
        "Thanet",
        "Not recorded",
        False,
        None,
        None,
        None,
    )
    # born after the census date; X, Dyslexia, Medway unreadable; 32/01 not a date; -2 hours
    assert rows["T-0202"] == (
        None,
        "Not recorded",
        "Not recorded",
        "Not recorded",
        "Not recorded",
        False,
        None,
        None,
        None,
    )
    # 29/06/1997 is 26 at census: over 25, so no date of birth
    assert rows["T-0203"] == (
        None,
        "Female",
        "Not recorded",
        "Not recorded",
        "Not recorded",
        False,
        None,
        None,
        None,
    )
    # 01/07/1997 is 25 at census (26 the next day): accepted; 24 on 31/08/2022 -> Post-19
    assert rows["T-0204"] == (25, "Female", "ASD", "Dover", "Post-19", False, None, None, None)
    warnings = set(query(db_path, "SELECT source_row, column_name, reason FROM load_warnings"))
    assert warnings == {
        (2, "date_of_birth", "not a date (expected YYYY-MM-DD or DD/MM/YYYY)"),
        (2, "out_of_school_since", "after the census date"),
        (2, "year_group", "not a recognised year group"),
        (2, "cin", "not Y/N (loaded as N)"),
        (2, "provision_hours", "not a number"),
        (3, "date_of_birth", "after the census date"),
        (3, "gender", "not a recognised gender"),
        (3, "primary_need", "not a DfE primary need code or label"),
        (3, "district", "not a Kent district or Out of county"),
        (3, "out_of_school_since", "not a date (expected YYYY-MM-DD or DD/MM/YYYY)"),
        (3, "provision_hours", "negative"),
        (4, "date_of_birth", "gives an age over 25 at the census date"),
        (4, "primary_need", "blank"),
        (4, "district", "blank"),
    }
    assert report.warnings_by_column == {
        "date_of_birth": 3,
        "out_of_school_since": 2,
        "year_group": 1,
        "cin": 1,
        "provision_hours": 2,
        "gender": 1,
        "primary_need": 2,
        "district": 2,
    }


def test_rows_that_cannot_be_loaded_are_quarantined_with_reasons(db_path, test_data):
    report = load_cohort(test_data / "load_cohort_problems.csv", PERIOD, db_path)
    # 13 data rows: T-0201..T-0204 and the first T-0205 load; 8 are quarantined
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (13, 5, 8)
    assert report.rows_loaded + report.rows_quarantined == report.rows_read
    loaded = sorted(r[0] for r in query(db_path, "SELECT child_id FROM cohort"))
    assert loaded == ["T-0201", "T-0202", "T-0203", "T-0204", "T-0205"]
    assert query(db_path, "SELECT source_row FROM snapshot WHERE child_id = 'T-0205'") == [(7,)]
    quarantined = query(
        db_path, "SELECT source_row, child_id, reason FROM quarantine ORDER BY source_row"
    )
    assert quarantined[:7] == [
        (6, None, "no child_id"),
        (8, "T-0205", "exact repeat of row 7 (loaded once)"),
        (9, "T-0205", "exact repeat of row 7 (loaded once)"),
        (10, "T-0206", "child_id appears 2 times in the file with different values"),
        (11, "T-0206", "child_id appears 2 times in the file with different values"),
        (
            12,
            "T-0207",
            "placement_status 'Permanently excluded' is neither No placement nor Provision unknown",
        ),
        (13, "T-0208", "placement_status is blank"),
    ]
    # the row with one value too many could not be split into columns
    assert quarantined[7][0] == 14 and "too many columns" in quarantined[7][2]
    raw = query(db_path, "SELECT raw_values FROM quarantine WHERE source_row = 14")[0][0]
    # with a cell more than the header no cell can be put under a column for sure: only the
    # number of cells is kept, no value (issue 17)
    assert raw == '{"cells_in_row": 11}'
    # the raw values of a quarantined row are kept as they were in the file
    raw12 = query(db_path, "SELECT raw_values FROM quarantine WHERE source_row = 12")[0][0]
    assert '"placement_status":"Permanently excluded"' in raw12


def test_load_log_records_the_report(db_path, test_data):
    load_cohort(test_data / "load_cohort_problems.csv", PERIOD, db_path)
    row = query(
        db_path,
        "SELECT file_name, period, rows_read, rows_loaded, rows_quarantined, warnings, "
        "synthetic FROM load_log",
    )
    assert row == [("load_cohort_problems.csv", "2023-06", 13, 5, 8, 14, False)]


def test_xlsx_with_date_cells(db_path, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(
        [
            "Child ID",
            "Date of birth",
            "Gender",
            "Primary need",
            "District",
            "Placement status",
            "Out of school since",
            "CLA",
        ]
    )
    # a real date cell, a text UK date, and a number stored as a number
    sheet.append(
        [
            "T-0301",
            dt.datetime(2015, 2, 1),
            "F",
            "ASD",
            "Dover",
            "No placement",
            dt.date(2023, 6, 1),
            "Y",
        ]
    )
    sheet.append([302, "01/02/2015", "M", "SEMH", "Thanet", "Provision unknown", None, 0])
    sheet.append([None] * 8)  # empty formatted rows below the data are not children
    path = tmp_path / "extract.xlsx"
    book.save(path)
    report = load_cohort(path, PERIOD, db_path)
    assert (report.rows_read, report.rows_loaded) == (2, 2)
    rows = query(db_path, "SELECT child_id, age, days_out, cla FROM cohort ORDER BY child_id")
    # born 1 February 2015: 8 at census; 1 June to 30 June = 29 days
    assert rows == [("302", 8, None, False), ("T-0301", 8, 29, True)]


def test_bom_crlf_and_quoted_newlines(db_path, tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(
        b"\xef\xbb\xbfchild_id,date_of_birth,gender,primary_need,district,placement_status,"
        b'sen_team\r\nT-0401,2015-02-01,F,ASD,Dover,No placement,"North,\r\nteam"\r\n'
        b"T-0402,2015-02-01,F,ASD,Dover,No placement,West\r\n"
    )
    report = load_cohort(path, PERIOD, db_path)
    assert report.rows_loaded == 2 and report.warnings == 0
    assert query(db_path, "SELECT child_id, sen_team FROM cohort ORDER BY 1") == [
        ("T-0401", "North,\r\nteam"),
        ("T-0402", "West"),
    ]
