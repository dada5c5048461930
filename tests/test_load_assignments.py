"""The caseworker assignments loader (data/assignments.py): accepted forms, quarantine, whole
replacement, the loader's refusals, and the command line.

Every expected value is worked out by hand from the file written in each test.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from data.load import LoadRefused, load_assignments, load_cohort, main
from tests.conftest import query

HEADER = "child_id,caseworker,caseworker_name,assigned_from,phone\n"
ROWS = [
    "A-0001,a.khan@council.example,Aisha Khan,,07700 900001",  # 2 loaded
    "A-0001,a.khan@council.example,Aisha Khan,,07700 900001",  # 3 repeat of 2
    "A-0002,b.osei@council.example,Ben Osei,2024-03-15,",  # 4 loaded
    "A-0002,C.Jones@council.example,,15/04/2024,",  # 5 loaded: UK date, no name
    ",a.khan@council.example,Aisha Khan,,",  # 6 no child_id
    "A-0003,,Nobody,,",  # 7 no caseworker
    "A-0004,d.ng@council.example,Dee Ng,next week,",  # 8 not a date
    "A-0005,e.fox@council.example,Eve Fox,2024-01-01,",  # 9 two workers, same date
    "A-0005,f.lee@council.example,Fay Lee,2024-01-01,",  # 10 ... quarantined together
    "A-0006,g.hill@council.example,Gus\u200bHill,,",  # 11 zero-width space in the name
    "A\u200b0007,h.ito@council.example,Hana Ito,,",  # 12 zero-width space in the ID
    "A-0008,A.Khan@Council.example,Aisha Khan,,",  # 13 loaded
    "A-0001,A.KHAN@council.example,Aisha Khan,,07700 999999",  # 14 the same assignment as 2
]


def write(path, rows, header=HEADER):
    path.write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_assignments_loaded_or_quarantined_with_a_reason(db_path, tmp_path):
    report = load_assignments(write(tmp_path / "owners.csv", ROWS), db_path)
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (13, 4, 9)
    assert report.extra_columns == ["phone"]
    assert query(
        db_path,
        "SELECT source_row, child_id, caseworker, caseworker_name, assigned_from "
        "FROM assignment ORDER BY source_row",
    ) == [
        (2, "A-0001", "a.khan@council.example", "Aisha Khan", None),
        (4, "A-0002", "b.osei@council.example", "Ben Osei", dt.date(2024, 3, 15)),
        (5, "A-0002", "C.Jones@council.example", None, dt.date(2024, 4, 15)),
        (13, "A-0008", "A.Khan@Council.example", "Aisha Khan", None),
    ]
    reasons = query(
        db_path, "SELECT source_row, reason FROM quarantine WHERE kind = 'assignments' ORDER BY 1"
    )
    assert reasons == [
        (3, "repeats the assignment of row 2 (loaded once)"),
        (6, "no child_id"),
        (7, "caseworker is blank"),
        (8, "assigned_from 'next week' is not a date (expected YYYY-MM-DD or DD/MM/YYYY)"),
        (9, "child_id appears 2 times from the same date (2024-01-01) with different caseworkers"),
        (10, "child_id appears 2 times from the same date (2024-01-01) with different caseworkers"),
        (11, "caseworker holds a control or invisible formatting character"),
        (
            12,
            "child_id holds a character outside the ID alphabet (plain ASCII letters, digits, "
            "punctuation and spaces): a control, invisible, look-alike or unusual space character",
        ),
        (14, "repeats the assignment of row 2 (loaded once)"),
    ]
    # the quarantine keeps the contract's columns only: the extra column's value never lands
    raw = [json.loads(r) for (r,) in query(db_path, "SELECT raw_values FROM quarantine")]
    assert all("phone" not in r and "extras" not in r for r in raw)
    assert "07700" not in json.dumps(raw)
    assert query(db_path, "SELECT kind, rows_read, rows_loaded FROM load_log") == [
        ("assignments", 13, 4)
    ]


def test_a_new_file_replaces_the_old_whole_and_guards_against_shrinking(db_path, tmp_path):
    load_assignments(write(tmp_path / "owners.csv", ROWS), db_path)
    smaller = write(tmp_path / "smaller.csv", ["A-0009,i.roe@council.example,Ian Roe,,"])
    # one row replacing four: under half, refused with both counts, nothing changed
    with pytest.raises(LoadRefused, match=r"caseworker assignments \(4\) with 1"):
        load_assignments(smaller, db_path)
    assert query(db_path, "SELECT count(*) FROM assignment") == [(4,)]
    assert query(db_path, "SELECT count(*) FROM quarantine WHERE kind = 'assignments'") == [(9,)]
    # told to, it replaces the table and its quarantine whole
    report = load_assignments(smaller, db_path, replace=True)
    assert report.replaced.startswith("load 1 of 'owners.csv'")
    assert query(db_path, "SELECT child_id, caseworker_name FROM assignment") == [
        ("A-0009", "Ian Roe")
    ]
    assert query(db_path, "SELECT count(*) FROM quarantine WHERE kind = 'assignments'") == [(0,)]


def test_a_cohort_load_keeps_the_assignments(db_path, tmp_path, test_data):
    load_assignments(write(tmp_path / "owners.csv", ROWS), db_path)
    load_cohort(test_data / "f_cohort_2024_03.csv", "2024-03", db_path)
    assert query(db_path, "SELECT count(*) FROM assignment") == [(4,)]


def test_command_line(db_path, tmp_path, capsys):
    good = write(tmp_path / "owners.csv", ROWS)
    assert main(["assignments", str(good), "--db", str(db_path)]) == 0
    out = capsys.readouterr().out
    assert "Load report: assignments extract 'owners.csv'" in out
    assert "rows loaded:      4" in out
    # the required caseworker column missing: refused, exit 2, nothing changed
    bad = tmp_path / "no_worker.csv"
    bad.write_text("child_id,caseworker_name\nA-0100,Someone\n", encoding="utf-8")
    assert main(["assignments", str(bad), "--db", str(db_path)]) == 2
    captured = capsys.readouterr()
    assert "caseworker" in captured.err and "missing" in captured.err
    assert "Someone" not in captured.err + captured.out  # a line of the file is never quoted
    assert query(db_path, "SELECT count(*) FROM assignment") == [(4,)]
