"""Hostile input to the loader: files that would lose children, broken CSV, and values the
contract cannot hold. Each probe of issue 8 that found a fault is kept here as a test.

Expected counts are worked by hand from the few rows each test writes; census date of
2023-06 is 30 June 2023.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pytest

from data.extract_reader import ExtractRefused
from data.load import LoadRefused, load_casework, load_cohort, main
from tests.conftest import query

PROJECT = Path(__file__).resolve().parent.parent
HEADER = "child_id,date_of_birth,gender,primary_need,district,placement_status\n"
EVENTS = "child_id,event_date,event_type,hours_per_week\n"


def row(child: str) -> str:
    return f"{child},2015-02-01,F,ASD,Dover,No placement\n"


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "data.load", *args],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def assert_refused_cleanly(result: subprocess.CompletedProcess, needle: str) -> None:
    """Exit status 2, one paragraph naming the problem, no traceback."""
    assert result.returncode == 2, result.stderr
    assert needle in result.stderr, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stderr.strip().count("\n") == 0, "one paragraph"
    assert "Nothing in the database was changed" in result.stderr


@pytest.fixture
def june(tmp_path, db_path) -> Path:
    """Period 2023-06 loaded with four children, T-1 to T-4."""
    load_cohort(
        write(tmp_path, "june.csv", HEADER + "".join(row(f"T-{i}") for i in range(1, 5))),
        "2023-06",
        db_path,
    )
    return db_path


# --- 1. a load never silently loses children ---------------------------------------------------


def test_a_file_with_under_half_the_children_is_refused_with_both_counts(june, tmp_path):
    before = digest(june)
    small = write(tmp_path, "small.csv", HEADER + row("T-1"))
    with pytest.raises(LoadRefused) as refused:
        load_cohort(small, "2023-06", june)
    # held 4, would hold 1 (1 row read, 0 quarantined)
    assert "(4) with 1 (1 rows read, 0 quarantined)" in str(refused.value)
    assert "--replace" in str(refused.value)
    assert digest(june) == before
    # exactly half is not a shrink worth refusing; --replace takes the small file
    load_cohort(write(tmp_path, "half.csv", HEADER + row("T-1") + row("T-2")), "2023-06", june)
    report = load_cohort(small, "2023-06", june, replace=True)
    assert report.rows_loaded == 1
    assert query(june, "SELECT child_id FROM cohort WHERE period = '2023-06'") == [("T-1",)]


def test_a_file_whose_rows_are_all_quarantined_is_refused(june, tmp_path):
    # every placement_status blank: 3 rows read, 0 loadable
    text = HEADER + "".join(f"T-{i},2015-02-01,F,ASD,Dover,\n" for i in range(1, 4))
    with pytest.raises(LoadRefused) as refused:
        load_cohort(write(tmp_path, "blank.csv", text), "2023-06", june)
    assert "(4) with 0 (3 rows read, 3 quarantined)" in str(refused.value)


def test_a_workbook_whose_formulas_have_no_saved_values_is_refused(june, tmp_path):
    # openpyxl writes formulas without cached values, as a workbook never opened in Excel
    # has: read with data_only, every child_id is empty, so every row is quarantined
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.strip().split(","))
    for i in range(1, 4):
        sheet.append([f'="T-{i}"', "2015-02-01", "F", "ASD", "Dover", "No placement"])
    path = tmp_path / "formulas.xlsx"
    book.save(path)
    with pytest.raises(LoadRefused) as refused:
        load_cohort(path, "2023-06", june)
    assert "(4) with 0 (3 rows read, 3 quarantined)" in str(refused.value)


def test_a_much_smaller_casework_log_is_refused_on_the_command_line(db_path, tmp_path):
    big = EVENTS + "".join(f"T-{i},2023-05-0{i},note,\n" for i in range(1, 7))
    load_casework(write(tmp_path, "big.csv", big), db_path)
    small = write(tmp_path, "small.csv", EVENTS + "T-1,2023-05-01,note,\n")
    before = digest(db_path)
    result = cli("casework", str(small), "--db", str(db_path))
    assert_refused_cleanly(result, "events (6) with 1")
    assert digest(db_path) == before
    replaced = cli("casework", str(small), "--db", str(db_path), "--replace")
    assert replaced.returncode == 0, replaced.stderr
    assert "replaced: load 1 of 'big.csv'" in replaced.stdout


def test_an_unbalanced_quote_is_refused_with_its_line_number(db_path, tmp_path):
    # 11 children; T-4's gender opens a quote never closed. Header is line 1, T-0 line 2,
    # so T-4 is on line 6 and the quote runs over the 6 lines after it (T-5 to T-10).
    rows = [row(f"T-{i}") for i in range(11)]
    rows[4] = 'T-4,2015-02-01,"F,ASD,Dover,No placement\n'
    path = write(tmp_path, "quote.csv", HEADER + "".join(rows))
    with pytest.raises(ExtractRefused) as refused:
        load_cohort(path, "2023-06", db_path)
    message = str(refused.value)
    assert "line 6" in message and "6 more lines" in message
    assert "T-5" not in message and "Dover" not in message  # no line of the file echoed
    assert not db_path.exists()


def test_a_quote_closed_rows_later_is_refused_not_swallowed(db_path, tmp_path):
    # T-2's placement_status opens a quote that T-5's line closes: the parser accepts one
    # record holding T-3 to T-5's lines. Header line 1, T-0 line 2, so T-2 is on line 4.
    rows = [row(f"T-{i}") for i in range(8)]
    rows[2] = 'T-2,2015-02-01,F,ASD,Dover,"No placement\n'
    rows[5] = 'T-5,2015-02-01,F,ASD,Dover,No placement"\n'
    path = write(tmp_path, "closed.csv", HEADER + "".join(rows))
    with pytest.raises(ExtractRefused) as refused:
        load_cohort(path, "2023-06", db_path)
    assert "line 4" in str(refused.value) and "3 more lines" in str(refused.value)


def test_a_line_break_inside_a_quoted_note_still_loads_and_lines_are_counted(db_path, tmp_path):
    text = (
        "child_id,event_date,event_type,detail\n"
        'T-1,2023-05-01,note,"first line\nsecond line"\n'
        "T-1,2023-05-02,note,plain\n"
    )
    report = load_casework(write(tmp_path, "notes.csv", text), db_path)
    # 2 records from 4 physical lines (header, a record over two lines, a record)
    assert (report.rows_read, report.rows_loaded, report.lines_read) == (2, 2, 4)
    assert "rows read:        2 (from 4 lines, header included)" in report.text()


def test_two_loads_of_one_period_at_once_each_say_which_load_they_replaced(june, tmp_path):
    first = write(tmp_path, "a.csv", HEADER + "".join(row(f"T-{i}") for i in range(1, 5)))
    second = write(tmp_path, "b.csv", HEADER + "".join(row(f"T-{i}") for i in range(2, 6)))
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "data.load",
                "cohort",
                str(f),
                "--period",
                "2023-06",
                "--db",
                str(june),
            ],
            cwd=PROJECT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for f in (first, second)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    replaced = sorted(
        line.split("replaced: ")[1].split(" of ")[0]
        for out, _ in outputs
        for line in out.splitlines()
        if "replaced: " in line
    )
    # the fixture's load is 1; whichever load ran first (2) is named by the one after it
    assert replaced == ["load 1", "load 2"]


# --- 2. messages: no line of the file, named problems -------------------------------------------


def test_a_missing_header_does_not_print_the_first_record(db_path, tmp_path):
    path = write(tmp_path, "noheader.csv", row("T-0501") + row("T-0502"))
    result = cli("cohort", str(path), "--period", "2023-06", "--db", str(db_path))
    assert_refused_cleanly(result, "missing from the header")
    assert "T-0501" not in result.stderr + result.stdout
    assert "2015-02-01" not in result.stderr + result.stdout


def test_a_bare_carriage_return_is_refused_with_its_line(db_path, tmp_path):
    # header line 1, T-1 line 2, T-2 (with CR inside its need) line 3
    path = write(
        tmp_path,
        "cr.csv",
        HEADER + row("T-1") + "T-2,2015-02-01,F,AS\rD,Dover,No placement\n" + row("T-3"),
    )
    result = cli("cohort", str(path), "--period", "2023-06", "--db", str(db_path))
    assert_refused_cleanly(result, "line 3 holds a carriage return")
    assert not db_path.exists()


def test_crlf_line_endings_are_fine(db_path, tmp_path):
    path = write(tmp_path, "crlf.csv", (HEADER + row("T-1") + row("T-2")).replace("\n", "\r\n"))
    assert load_cohort(path, "2023-06", db_path).rows_loaded == 2


def test_zip_and_workbooks_renamed_csv_and_folders_are_named(db_path, tmp_path):
    book = openpyxl.Workbook()
    book.active.append(HEADER.strip().split(","))
    book.save(tmp_path / "renamed.csv")
    with zipfile.ZipFile(tmp_path / "archive.csv", "w") as archive:
        archive.writestr("june.csv", HEADER + row("T-1"))
    (tmp_path / "old.csv").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    (tmp_path / "folder.csv").mkdir()
    cases = {
        "renamed.csv": "an Excel workbook (.xlsx) renamed .csv",
        "archive.csv": "a zip archive renamed .csv",
        "old.csv": "(.xls, Excel 97-2003) renamed .csv",
        "folder.csv": "that path is a folder",
    }
    for name, needle in cases.items():
        result = cli("cohort", str(tmp_path / name), "--period", "2023-06", "--db", str(db_path))
        assert_refused_cleanly(result, needle)


def test_only_the_first_sheet_is_read_and_the_report_says_so(db_path, tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "June"
    book.active.append(HEADER.strip().split(","))
    book.active.append(row("T-1").strip().split(","))
    book.create_sheet("Notes").append(["T-9 is not a child row"])
    book.save(tmp_path / "two.xlsx")
    report = load_cohort(tmp_path / "two.xlsx", "2023-06", db_path)
    assert report.rows_loaded == 1
    assert "2 sheets: only the first, 'June', was read" in report.text()


def test_the_printed_report_never_carries_a_value_from_the_file(db_path, tmp_path, capsys):
    path = write(tmp_path, "odd.csv", HEADER + row("T-1") + "T-2,2015-02-01,F,ASD,Dover,SECRET\n")
    assert main(["cohort", str(path), "--period", "2023-06", "--db", str(db_path)]) == 0
    out = capsys.readouterr().out
    assert "SECRET" not in out and "1 x placement_status '…' is neither" in out


# --- 3. values the contract cannot hold ---------------------------------------------------------


@pytest.mark.parametrize(
    "period",
    [
        "2023-06\n",
        "\uff12\uff10\uff12\uff13-\uff10\uff16",
        " 2023-06",
        "2023-6",
        "1999-12",
        "2999-01",
    ],
)
def test_implausible_or_malformed_periods_are_refused(db_path, tmp_path, period):
    path = write(tmp_path, "june.csv", HEADER + row("T-1"))
    with pytest.raises(ValueError):
        load_cohort(path, period, db_path)
    assert not db_path.exists()


def test_a_period_outside_the_range_loads_when_told(db_path, tmp_path):
    path = write(tmp_path, "june.csv", HEADER + row("T-1"))
    result = cli("cohort", str(path), "--period", "1999-12", "--db", str(db_path))
    assert_refused_cleanly(result, "outside the plausible range 2000-01")
    assert load_cohort(path, "1999-12", db_path, any_period=True).rows_loaded == 1


def test_dates_before_1990_or_after_the_census_are_not_recorded_with_a_warning(db_path, tmp_path):
    text = (
        "child_id,date_of_birth,gender,primary_need,district,placement_status,"
        "out_of_school_since,ehcp_issued,last_annual_review\n"
        "T-1,2015-02-01,F,ASD,Dover,No placement,0001-01-01,1989-12-31,2023-07-01\n"
        # the edges are kept: 1 January 1990 and the census date itself
        "T-2,2015-02-01,F,ASD,Dover,No placement,1990-01-01,1990-01-01,2023-06-30\n"
    )
    load_cohort(write(tmp_path, "dates.csv", text), "2023-06", db_path)
    assert query(
        db_path,
        "SELECT child_id, out_of_school_since, days_out, ehcp_issued, last_annual_review "
        "FROM cohort ORDER BY 1",
    ) == [
        ("T-1", None, None, None, None),
        # 1990-01-01 to 2023-06-30: 33 years with 8 leap days (1992..2020) = 12,053 + 180 = 12,233
        (
            "T-2",
            dt.date(1990, 1, 1),
            12233,
            dt.date(1990, 1, 1),
            dt.date(2023, 6, 30),
        ),
    ]
    assert query(
        db_path, "SELECT column_name, reason FROM load_warnings WHERE source_row = 2 ORDER BY 1"
    ) == [
        ("ehcp_issued", "before 1990"),
        ("last_annual_review", "after the census date"),
        ("out_of_school_since", "before 1990"),
    ]


def test_impossible_hours_are_warnings_and_unknown(db_path, tmp_path):
    text = (
        HEADER.strip()
        + ",provision_hours\n"
        + "".join(
            row(f"T-{i}").strip() + f",{hours}\n"
            for i, hours in enumerate(["NaN", "inf", "-Infinity", "169", "168", "-1"], start=1)
        )
    )
    load_cohort(write(tmp_path, "hours.csv", text), "2023-06", db_path)
    assert query(db_path, "SELECT child_id, provision_hours FROM snapshot ORDER BY 1") == [
        ("T-1", None),
        ("T-2", None),
        ("T-3", None),
        ("T-4", None),
        ("T-5", 168.0),
        ("T-6", None),
    ]
    assert query(db_path, "SELECT source_row, reason FROM load_warnings ORDER BY 1") == [
        (2, "not a number (NaN)"),
        (3, "infinite"),
        (4, "infinite"),
        (5, "more than the 168 hours in a week"),
        (7, "negative"),
    ]
    events = EVENTS + "T-1,2023-05-01,note,NaN\nT-1,2023-05-02,note,500\nT-1,2023-05-03,note,10\n"
    load_casework(write(tmp_path, "events.csv", events), db_path)
    assert query(db_path, "SELECT hours_per_week FROM casework ORDER BY source_row") == [
        (None,),
        (None,),
        (10.0,),
    ]


def test_year_group_minus_one_is_a_warning_not_year_1(db_path, tmp_path):
    text = (
        HEADER.strip()
        + ",year_group\n"
        + row("T-1").strip()
        + ",-1\n"
        + row("T-2").strip()
        + ",1\n"
    )
    load_cohort(write(tmp_path, "years.csv", text), "2023-06", db_path)
    assert query(db_path, "SELECT child_id, year_group FROM cohort ORDER BY 1") == [
        ("T-1", "Not recorded"),
        ("T-2", "Year 1"),
    ]
    assert query(db_path, "SELECT column_name, raw_value FROM load_warnings") == [
        ("year_group", "-1")
    ]


def test_child_ids_unicode_spaces_trimmed_invisible_characters_quarantined(db_path, tmp_path):
    ids = {
        2: "\tT-1",  # a repeat of row 3 once the tab is trimmed
        3: "T-1",
        4: "\u00a0T-2\u3000",  # no-break and ideographic spaces: trimmed
        5: "T-\u200b3",  # zero-width space
        6: "T-\u202e4",  # right-to-left override
        7: "T\u00a05",  # a no-break space inside
        8: "T-\x076",  # a control character (bell)
        9: "X" * 65,  # over the 64-character limit
        10: "Y" * 64,  # at the limit: loaded
    }
    text = HEADER + "".join(row(child) for child in ids.values())
    report = load_cohort(write(tmp_path, "ids.csv", text), "2023-06", db_path)
    assert sorted(r[0] for r in query(db_path, "SELECT child_id FROM cohort")) == [
        "T-1",
        "T-2",
        "Y" * 64,
    ]
    reasons = dict(query(db_path, "SELECT source_row, reason FROM quarantine"))
    invisible = (
        "child_id holds a character outside the ID alphabet (plain ASCII letters, digits, "
        "punctuation and spaces): a control, invisible, look-alike or unusual space character"
    )
    assert reasons == {
        3: "exact repeat of row 2 (loaded once)",
        5: invisible,
        6: invisible,
        7: invisible,
        8: invisible,
        9: "child_id is longer than 64 characters",
    }
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (9, 3, 6)


def test_casework_child_ids_get_the_same_rules(db_path, tmp_path):
    events = EVENTS + "\tT-1 ,2023-05-01,note,\nT-\u200d1,2023-05-02,note,\n"
    load_casework(write(tmp_path, "events.csv", events), db_path)
    assert query(db_path, "SELECT child_id FROM casework") == [("T-1",)]
    assert query(db_path, "SELECT source_row FROM quarantine") == [(3,)]


# --- 4. extra columns' values are never stored --------------------------------------------------


def test_extra_columns_are_named_but_their_values_never_stored(db_path, tmp_path):
    text = (
        "child_id,Forename,date_of_birth,gender,primary_need,district,placement_status,NHS number\n"
        "T-1,Alexandra,2015-02-01,F,ASD,Dover,No placement,4857773456\n"
        "T-2,Bartholomew,2015-02-01,F,ASD,Dover,,4857773457\n"  # blank placement: quarantined
        "T-3,Cressida,2015-02-01,F,ASD,Dover,No placement,4857773458,1 High Street\n"  # rejected
    )
    report = load_cohort(write(tmp_path, "extras.csv", text), "2023-06", db_path)
    assert report.extra_columns == ["Forename", "NHS number"]
    assert report.rows_quarantined == 2
    stored = " ".join(
        str(value)
        for table in ("quarantine", "load_warnings", "snapshot", "load_log")
        for record in query(db_path, f"SELECT * FROM {table}")  # noqa: S608
        for value in record
    )
    for secret in ("Alexandra", "Bartholomew", "Cressida", "485777345", "High Street"):
        assert secret not in stored
    # the contract columns of the quarantined row T-2 are kept, so the row can be put right;
    # T-3's row has one cell more than the header, so no cell can be put under a column for
    # sure: its row number, reason and cell count are kept (issue 17)
    assert "T-2" in stored
    assert query(db_path, "SELECT raw_values FROM quarantine WHERE source_row = 4") == [
        ('{"cells_in_row": 9}',)
    ]


def test_an_unforeseen_error_prints_its_type_only(db_path, tmp_path):
    """A DuckDB message can quote a value from the file: without OOS_DEBUG, only its type."""
    path = write(tmp_path, "june.csv", HEADER + row("T-0501"))
    code = (
        "import sys, duckdb, data.load as load\n"
        "def broken(*args, **kwargs):\n"
        "    raise duckdb.ConversionException(\"Could not convert string 'T-0501' to INT32\")\n"
        "load._finish_report = broken\n"
        "sys.exit(load.main(sys.argv[1:]))\n"
    )
    args = [sys.executable, "-c", code, "cohort", str(path), "--period", "2023-06", "--db",
            str(db_path)]  # fmt: skip
    quiet = subprocess.run(args, cwd=PROJECT, capture_output=True, text=True, timeout=120)
    assert quiet.returncode == 1
    assert "unexpected error (ConversionException)" in quiet.stderr
    assert "T-0501" not in quiet.stderr + quiet.stdout and "Traceback" not in quiet.stderr
    assert not db_path.exists()  # nothing was published
    env = {**os.environ, "OOS_DEBUG": "1"}
    loud = subprocess.run(args, cwd=PROJECT, capture_output=True, text=True, timeout=120, env=env)
    assert loud.returncode == 1 and "T-0501" in loud.stderr


def test_extra_values_kept_by_older_loads_are_removed_by_the_next(june, tmp_path):
    # two quarantine rows as loads before this rule wrote them
    con = duckdb.connect(str(june))
    con.execute(
        "INSERT INTO quarantine VALUES "
        "(1, 'cohort', '2023-05', 'may.csv', 2, 'T-9', 'no child_id', "
        """'{"child_id": "T-9", "extras": {"extra_2": "Alexandra"}}'), """
        "(1, 'cohort', '2023-05', 'may.csv', 3, NULL, 'the row could not be read as CSV', "
        """'{"raw_line": "T-8,Bartholomew,2015-02-01"}')"""
    )
    con.close()
    load_cohort(write(tmp_path, "july.csv", HEADER + row("T-1")), "2023-07", june)
    kept = [r[0] for r in query(june, "SELECT raw_values FROM quarantine ORDER BY source_row")]
    assert kept[0] == '{"child_id":"T-9"}'
    assert "Bartholomew" not in kept[1] and "removed" in kept[1]
