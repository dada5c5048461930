"""Hostile rows, round two (issue 17): real exports that lost, double-counted or leaked children.

One test per probe of issue 17 about rows and values: a runaway quote over rows that dropped a
trailing empty cell (1), a row of 31 MB (2), look-alike IDs (3), year groups with a minus sign
(4), values of ignored columns kept from a row that split wrongly (5), a line break that carried
a value past the report's masking (6), removed values left in the file's freed pages (7), a
workbook with every row quarantined for a new period (14) and mixed CRLF and LF line ends (15).

Expected counts are worked by hand from the rows each test writes; the census date of 2023-06
is 30 June 2023. Row numbers are those a person sees in Excel: header row 1.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb
import openpyxl
import pytest

from data.extract_reader import ExtractRefused
from data.load import load_casework, load_cohort
from tests.conftest import query
from tests.test_load_hostile import cli, write

HEADER = "child_id,date_of_birth,gender,primary_need,district,placement_status"


def row(child: str, district: str = "Dover") -> str:
    return f"{child},2015-02-01,F,ASD,{district},No placement"


def every_stored_value(db: Path) -> str:
    """Every value of every table, as one string: what an analyst opening the file can read."""
    tables = [name for (name,) in query(db, "SELECT table_name FROM duckdb_tables()")]
    return " ".join(
        str(value)
        for table in tables
        for record in query(db, f'SELECT * FROM "{table}"')  # noqa: S608 (names from the catalog)
        for value in record
    )


# --- probe 1: a runaway quote over rows that dropped their trailing empty cell -------------------


def excel_export_with_runaway_quote(folder: Path) -> Path:
    """1,200 children, C-0001 on line 2 to C-1200 on line 1201, as Excel writes a CSV: rows whose
    last cell (sen_team) is empty lose it (lines 281 to 360). Line 302 opens a quote in district
    (`"Dover,`) and line 342 closes one: the parser takes lines 302 to 342 as ONE record."""
    lines = [HEADER + ",sen_team"]
    for number in range(2, 1202):
        child = f"C-{number - 1:04d}"
        if 281 <= number <= 360:
            district = {302: '"Dover', 342: 'Dover"'}.get(number, "Dover")
            lines.append(row(child, district))  # no trailing empty sen_team cell
        else:
            lines.append(row(child) + ",SEN East")
    return write(folder, "excel_export.csv", "\n".join(lines) + "\n")


def test_a_runaway_quote_over_rows_narrower_than_the_header_is_refused(db_path, tmp_path):
    path = excel_export_with_runaway_quote(tmp_path)
    result = cli("cohort", str(path), "--period", "2023-06", "--db", str(db_path))
    # before issue 17: exit 0, 1,160 rows read, 1,120 loaded, 40 quarantined, 40 children lost
    assert result.returncode == 2, result.stdout + result.stderr
    assert "a quoted field that starts on line 302 runs on over 40 more lines" in result.stderr
    assert "C-03" not in result.stderr  # no line of the file quoted
    assert not db_path.exists()


def test_rows_that_only_dropped_their_trailing_empty_cell_are_all_accounted_for(db_path, tmp_path):
    # the same export without the stray quote: 1,200 rows read, 80 of them (lines 281 to 360)
    # one cell short of the header, quarantined with their line numbers; none lost
    lines = [HEADER + ",sen_team"] + [
        row(f"C-{n - 1:04d}") + ("" if 281 <= n <= 360 else ",SEN East") for n in range(2, 1202)
    ]
    report = load_cohort(write(tmp_path, "short.csv", "\n".join(lines) + "\n"), "2023-06", db_path)
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (1200, 1120, 80)
    assert query(db_path, "SELECT min(source_row), max(source_row) FROM quarantine") == [(281, 360)]


# --- probe 2: a row of 31 MB or more ------------------------------------------------------------


def test_a_row_of_32_mb_is_quarantined_not_lost(db_path, tmp_path):
    # line 3 (T-2) carries 32 MiB in sen_team: more than DuckDB's 32 MB read buffer
    huge = "x" * (32 * 1024 * 1024)
    text = "\n".join(
        [HEADER + ",sen_team", row("T-1") + ",A", row("T-2") + "," + huge, row("T-3") + ",B"]
    )
    report = load_cohort(write(tmp_path, "huge.csv", text + "\n"), "2023-06", db_path)
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (3, 2, 1)
    assert query(db_path, "SELECT child_id FROM cohort ORDER BY 1") == [("T-1",), ("T-3",)]
    [(line, reason, raw)] = query(db_path, "SELECT source_row, reason, raw_values FROM quarantine")
    # 40 bytes of other cells and commas + 32 MiB: 32.0 MB (MB of 2**20 bytes)
    assert (line, reason) == (
        3,
        "the row is 32.0 MB long, longer than the 2 MB a record may hold, so it was not read",
    )
    assert len(raw or "") < 1000  # the 32 MB value is not kept


# --- probe 3: look-alike IDs ----------------------------------------------------------------------

LOOK_ALIKES = {
    "T-1\u3164": "Hangul filler appended (renders blank)",
    "T-1\u115f": "Hangul choseong filler appended",
    "T-1\u034f": "combining grapheme joiner appended",
    "T-1\ufe0f": "variation selector 16 appended",
    "T-1\u2800": "braille blank appended",
    "T-\uff11": "full-width digit one",
    "T-\u0661": "Arabic-Indic digit one",
    "\u0410-7": "Cyrillic capital A for Latin A",
}


def test_look_alike_ids_are_quarantined_not_counted_as_more_children(db_path, tmp_path):
    # line 2 T-1 and line 3 A-7 are the real children; lines 4 to 11 look the same on screen
    ids = ["T-1", "A-7", *LOOK_ALIKES]
    report = load_cohort(
        write(tmp_path, "ids.csv", HEADER + "\n" + "\n".join(row(i) for i in ids) + "\n"),
        "2023-06",
        db_path,
    )
    assert query(db_path, "SELECT child_id FROM cohort ORDER BY 1") == [("A-7",), ("T-1",)]
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (10, 2, 8)
    reasons = query(db_path, "SELECT DISTINCT reason FROM quarantine")
    assert len(reasons) == 1 and "outside the ID alphabet" in reasons[0][0]
    assert query(db_path, "SELECT min(source_row), max(source_row) FROM quarantine") == [(4, 11)]
    # the same rule for casework
    events = "child_id,event_date,event_type\nT-1,2023-05-01,note\nT-\uff11,2023-05-02,note\n"
    load_casework(write(tmp_path, "events.csv", events), db_path)
    assert query(db_path, "SELECT child_id FROM casework") == [("T-1",)]


# --- probe 4: year groups with a minus sign -----------------------------------------------------


def test_year_groups_with_a_minus_sign_are_not_year_1(db_path, tmp_path):
    years = {
        "T-1": "\t-1",  # tab before the minus
        "T-2": "Year -1",
        "T-3": "Y-1",
        "T-4": "year - 1",
        "T-5": "\u22121",  # a typographic minus sign
        "T-6": "Year 1",  # the real forms still read
        "T-7": "Y1",
        "T-8": " 01 ",
        "T-9": "Post-19",
    }
    text = HEADER + ",year_group\n" + "".join(f"{row(c)},{y}\n" for c, y in years.items())
    load_cohort(write(tmp_path, "years.csv", text), "2023-06", db_path)
    assert dict(query(db_path, "SELECT child_id, year_group FROM cohort")) == {
        "T-1": "Not recorded",
        "T-2": "Not recorded",
        "T-3": "Not recorded",
        "T-4": "Not recorded",
        "T-5": "Not recorded",
        "T-6": "Year 1",
        "T-7": "Year 1",
        "T-8": "Year 1",
        "T-9": "Post-19",
    }
    assert query(
        db_path,
        "SELECT source_row, reason FROM load_warnings WHERE column_name = 'year_group' ORDER BY 1",
    ) == [(r, "not a recognised year group") for r in (2, 3, 4, 5, 6)]


# --- probe 5: values of ignored columns from a row that split wrongly ---------------------------


def test_a_row_that_split_wrongly_keeps_no_value_it_cannot_attribute(db_path, tmp_path):
    text = (
        "child_id,Forename,date_of_birth,gender,primary_need,district,placement_status,"
        "Address,Parent phone\n"
        "T-1,Ann,2015-02-01,F,ASD,Dover,No placement,1 Low Road,07700 900001\n"
        # an unquoted comma in Forename: one cell too many, every later cell shifted right
        "T-2,Smith, Alexandra,2015-02-01,F,ASD,Dover,No placement,2 High Street,07700 900002\n"
        # gender missing: one cell too few, every later cell shifted left
        "T-3,Bartholomew,2015-02-01,ASD,Dover,No placement,3 Mill Lane,07700 900003\n"
    )
    report = load_cohort(write(tmp_path, "split.csv", text), "2023-06", db_path)
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (3, 1, 2)
    kept = query(
        db_path, "SELECT source_row, child_id, reason, raw_values FROM quarantine ORDER BY 1"
    )
    assert [(r[0], r[1]) for r in kept] == [(3, None), (4, None)]
    assert "too many columns" in kept[0][2] and "missing columns" in kept[1][2]
    # line number, reason and the number of cells: no cell can be put under a column for sure
    assert [json.loads(r[3]) for r in kept] == [{"cells_in_row": 10}, {"cells_in_row": 8}]
    stored = every_stored_value(db_path)
    file_bytes = db_path.read_bytes()
    for secret in ("Alexandra", "Bartholomew", "High Street", "Mill Lane", "900002", "900003"):
        assert secret not in stored
        assert secret.encode() not in file_bytes


# --- probe 6: a line break carried a value past the report's masking ----------------------------


def test_a_value_with_a_line_break_is_never_printed(db_path, tmp_path):
    cohort = write(
        tmp_path,
        "june.csv",
        f'{HEADER}\n{row("T-1")}\nT-2,2015-02-01,F,ASD,Dover,"Unknown\n14 Secret Road"\n',
    )
    result = cli("cohort", str(cohort), "--period", "2023-06", "--db", str(db_path))
    assert result.returncode == 0, result.stderr
    assert "rows quarantined: 1" in result.stdout
    assert "Secret Road" not in result.stdout + result.stderr
    events = write(
        tmp_path,
        "events.csv",
        "child_id,event_date,event_type\n"
        'T-1,2023-05-01,note\nT-1,2023-05-02,"visit\nSecret Road"\n',
    )
    result = cli("casework", str(events), "--db", str(db_path))
    assert result.returncode == 0, result.stderr
    assert "rows quarantined: 1" in result.stdout
    assert "Secret Road" not in result.stdout + result.stderr


# --- probe 7: removed values left in the file's freed pages ---------------------------------------


def test_removed_quarantine_values_do_not_survive_in_the_file(db_path, tmp_path):
    load_cohort(write(tmp_path, "may.csv", HEADER + "\n" + row("T-1") + "\n"), "2023-05", db_path)
    # quarantine rows as loads before issue 8 wrote them: extra columns' values kept
    con = duckdb.connect(str(db_path))
    legacy = [
        (n, json.dumps({"child_id": f"T-9{n}", "extras": {"extra_2": f"Zebedee-{n:03d}-Quorn"}}))
        for n in range(2, 202)
    ]
    con.executemany(
        "INSERT INTO quarantine VALUES (1, 'cohort', '2023-05', 'may.csv', ?, NULL, "
        "'placement_status is blank', ?)",
        legacy,
    )
    con.close()
    assert b"Zebedee-" in db_path.read_bytes()  # the values are in the file to begin with
    for month in ("06", "07", "08", "09"):
        text = HEADER + "\n" + row("T-1") + "\n"
        load_cohort(write(tmp_path, f"{month}.csv", text), f"2023-{month}", db_path)
        assert b"Zebedee-" not in db_path.read_bytes(), f"after the load of 2023-{month}"
        assert b"Quorn" not in db_path.read_bytes()
    # the rows themselves, their reasons and contract columns stay
    assert query(db_path, "SELECT count(*) FROM quarantine WHERE period = '2023-05'") == [(200,)]
    assert query(
        db_path, "SELECT raw_values FROM quarantine WHERE source_row = 2 AND period = '2023-05'"
    ) == [('{"child_id":"T-92"}',)]


# --- probe 14: a workbook with every row quarantined, for a period not yet loaded ---------------


def test_a_workbook_with_every_row_quarantined_is_refused_for_a_new_period(db_path, tmp_path):
    # formulas with no saved values: read with data_only, every child_id is empty
    book = openpyxl.Workbook()
    book.active.append(HEADER.split(","))
    for i in range(1, 4):
        book.active.append([f'="T-{i}"', "2015-02-01", "F", "ASD", "Dover", "No placement"])
    book.save(tmp_path / "formulas.xlsx")
    load_cohort(write(tmp_path, "may.csv", HEADER + "\n" + row("T-1") + "\n"), "2023-05", db_path)
    before = hashlib.sha256(db_path.read_bytes()).hexdigest()
    args = ["cohort", str(tmp_path / "formulas.xlsx"), "--period", "2023-06", "--db", str(db_path)]
    result = cli(*args)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "with 0 (3 rows read, 3 quarantined)" in result.stderr
    assert "REFUSED" in result.stderr and "--replace" in result.stderr
    assert hashlib.sha256(db_path.read_bytes()).hexdigest() == before
    # the README's table: --replace accepts it
    assert cli(*args, "--replace").returncode == 0


# --- probe 15: mixed CRLF and LF line ends --------------------------------------------------------


def test_mixed_crlf_and_lf_line_ends_load(db_path, tmp_path):
    # header CRLF, T-1 CRLF, T-2 LF, T-3 CRLF with a line break (LF) inside its quoted team,
    # T-4 LF and no line end at all on T-5
    text = (
        HEADER + ",sen_team\r\n"
        + row("T-1") + ",North\r\n"
        + row("T-2") + ",South\n"
        + row("T-3") + ',"East\nannexe"\r\n'
        + row("T-4") + ",West\n"
        + row("T-5") + ",Central"
    )  # fmt: skip
    report = load_cohort(write(tmp_path, "mixed.csv", text), "2023-06", db_path)
    assert (report.rows_read, report.rows_loaded, report.lines_read) == (5, 5, 7)
    assert query(db_path, "SELECT child_id, placement_status, sen_team FROM cohort ORDER BY 1") == [
        ("T-1", "No placement", "North"),
        ("T-2", "No placement", "South"),
        ("T-3", "No placement", "East\nannexe"),
        ("T-4", "No placement", "West"),
        ("T-5", "No placement", "Central"),
    ]
    assert query(db_path, "SELECT child_id, source_row FROM snapshot ORDER BY 1")[-1] == ("T-5", 6)
    # no working or scratch copy of the extract is left beside the database
    assert [p.name for p in db_path.parent.iterdir() if ".loading-" in p.name] == []


def test_a_bare_carriage_return_is_still_refused_in_a_mixed_file(db_path, tmp_path):
    text = HEADER + "\r\n" + row("T-1") + "\n" + "T-2,2015-02-01,F,AS\rD,Dover,No placement\r\n"
    with pytest.raises(ExtractRefused, match="line 3 holds a carriage return"):
        load_cohort(write(tmp_path, "cr.csv", text), "2023-06", db_path)


def test_the_scan_finds_every_long_line_whatever_the_chunk_bounds(tmp_path, monkeypatch):
    """csv_scan jumps through the file rather than visiting every line (probe 2's fix): checked
    against splitting the bytes at each line feed, with tiny limits so that long lines, chunk
    ends and CRLF pairs fall on every boundary."""
    import random

    from data import csv_scan

    monkeypatch.setattr(csv_scan, "LINE_MAX_BYTES", 10)
    monkeypatch.setattr(csv_scan, "HEADER_MAX_BYTES", 1000)
    generator = random.Random(17)
    for chunk in (1, 2, 3, 7, 10, 11, 64):
        monkeypatch.setattr(csv_scan, "CHUNK_BYTES", chunk)
        for trial in range(40):
            lines = [
                "h" * generator.choice([0, 3, 9, 10, 11, 25]) + generator.choice(["\n", "\r\n"])
                for _ in range(generator.randint(1, 12))
            ]
            if trial % 3 == 0:
                lines[-1] = lines[-1].rstrip("\r\n")  # no line end on the last line
            data = "".join(lines).encode()
            path = tmp_path / "lines.csv"
            path.write_bytes(data)
            expected, start = [], 0
            for piece in data.split(b"\n"):
                if len(piece) > 10:
                    expected.append((start, start + len(piece)))
                start += len(piece) + 1
            found = csv_scan.scan(path)
            assert found.long_lines == expected, (chunk, data)
            assert found.crlf == data.count(b"\r\n") and found.newlines == data.count(b"\n")
