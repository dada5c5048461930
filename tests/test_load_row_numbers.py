"""Row numbers in warnings and quarantine point at the file's own lines, in big files too.

The reader numbers records by their position in DuckDB's copy of the file (extract_reader.
_record_number): the rowid when the file is read outside a transaction, as the loader does,
and a row_number() window otherwise. A file of 300,000 rows (39 MB, padded) is read in
several buffers by both threads, so these tests would catch records numbered out of file
order. Each row carries its own line number in `sen_team`, so the expected number of every
row is in the file itself.
"""

from __future__ import annotations

import duckdb
import pytest

from data import lookups
from data.extract_reader import read_extract, release

ROWS = 300_000
BROKEN_LINE = 150_001  # a line with one field too many, rejected by the CSV reader


@pytest.fixture(scope="module")
def big_extract(tmp_path_factory):
    path = tmp_path_factory.mktemp("big") / "big.csv"
    header = "child_id,date_of_birth,gender,primary_need,district,placement_status,sen_team"
    lines = [header + ",imported_from"]
    padding = "x" * 80  # more bytes a row, so that the file spans several read buffers
    for line in range(2, ROWS + 2):
        row = f"B-{line},2012-01-01,F,ASD,Dover,No placement,{line},{padding}"
        lines.append(row + ",surplus" if line == BROKEN_LINE else row)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def misnumbered_rows(con) -> int:
    return con.execute(
        "SELECT count(*) FROM raw WHERE src_row <> CAST(sen_team AS INTEGER)"
    ).fetchone()[0]


def test_rows_read_outside_a_transaction_keep_their_line_numbers(big_extract):
    con = duckdb.connect()
    lookups.install(con)
    raw = read_extract(con, big_extract, "cohort")
    assert raw.rows_parsed == ROWS - 1
    assert [line for line, _, _ in raw.rejects] == [BROKEN_LINE]
    assert con.execute("SELECT count(*), min(src_row), max(src_row) FROM raw").fetchone() == (
        ROWS - 1,
        2,
        ROWS + 1,
    )
    assert misnumbered_rows(con) == 0
    release(con)
    con.close()


def test_rows_read_inside_a_transaction_keep_their_line_numbers(big_extract):
    con = duckdb.connect()
    lookups.install(con)
    con.execute("BEGIN TRANSACTION")
    raw = read_extract(con, big_extract, "cohort")
    assert [line for line, _, _ in raw.rejects] == [BROKEN_LINE]
    assert misnumbered_rows(con) == 0
    assert con.execute("SELECT count(*) FROM raw").fetchone()[0] == ROWS - 1
    con.execute("ROLLBACK")
    con.close()
