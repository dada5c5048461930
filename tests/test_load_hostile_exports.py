"""What a hostile extract does to the downloads (issue 17, probes 16 and 17).

A child's text loaded from an extract reaches the cohort, explorer and Today downloads
(pages/common/exports.py). A control character (`\\x07`) made every Excel download fail, and a
carriage return inside a cell carried a formula past the formula guard into the CSV. Each test
loads the value through the real loader, reads it back as the pages do (the snapshot's rows)
and makes the download from them.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pandas as pd

from data.load import load_cohort
from pages.common.exports import csv_bytes, excel_bytes
from tests.conftest import query

HEADER = ["child_id", "date_of_birth", "gender", "primary_need", "district", "placement_status"]
FORMULA_START = ("=", "+", "-", "@")


def load_teams(folder: Path, db: Path, teams: list[str], workbook: bool) -> pd.DataFrame:
    """Load one child per team, from a workbook (a cell may hold a lone carriage return, which
    a CSV extract may not) or a CSV (which may hold control characters openpyxl will not
    write), and return the rows a download is made from."""
    rows = [[f"T-{i}", "2015-02-01", "F", "ASD", "Dover", "No placement", team]
            for i, team in enumerate(teams, start=1)]  # fmt: skip
    if workbook:
        book = openpyxl.Workbook()
        for cells in [[*HEADER, "sen_team"], *rows]:
            book.active.append(cells)
        path = folder / "teams.xlsx"
        book.save(path)
    else:
        path = folder / "teams.csv"
        path.write_text(
            "\n".join(",".join(cells) for cells in [[*HEADER, "sen_team"], *rows]) + "\n",
            encoding="utf-8",
        )
    load_cohort(path, "2023-06", db)
    rows = query(db, "SELECT child_id, sen_team FROM cohort ORDER BY child_id")
    return pd.DataFrame(rows, columns=["Child ID", "SEN team"])


def test_a_control_character_in_a_childs_text_does_not_break_the_excel_download(db_path, tmp_path):
    table = load_teams(tmp_path, db_path, ["Team\x07A", "Team B"], workbook=False)
    assert table["SEN team"].tolist() == ["Team\x07A", "Team B"]  # loaded as it came
    workbook = openpyxl.load_workbook(io.BytesIO(excel_bytes(table, sheet="Children")))
    cells = [[c.value for c in r] for r in workbook["Children"].iter_rows(min_row=2)]
    # the character Excel cannot hold is shown as the replacement character, the rest kept
    assert cells == [["T-1", "Team\ufffdA"], ["T-2", "Team B"]]
    # the CSV keeps the text as it is
    assert "Team\x07A" in csv_bytes(table).decode("utf-8-sig")


def test_a_carriage_return_cannot_carry_a_formula_past_the_guard(db_path, tmp_path):
    attack = "Team A\r=cmd|' /C calc'!A0"
    table = load_teams(tmp_path, db_path, [attack, "Team B\r\n+SUM(1,1)"], workbook=True)
    text = csv_bytes(table).decode("utf-8-sig")
    # no lone carriage return at all, and no line that a reader ending rows at any CR or LF
    # would see starts with a formula
    assert re.search(r"\r(?!\n)", text) is None
    for line in re.split(r"\r\n|\r|\n", text):
        assert not line.lstrip('"').startswith(FORMULA_START), repr(line)
    # a reader that honours the quotes reads one cell per team, the line break kept
    again = pd.read_csv(io.StringIO(text))
    assert again["SEN team"].tolist() == ["Team A\n'=cmd|' /C calc'!A0", "Team B\n'+SUM(1,1)"]
    # and in the workbook the cell is text, never a formula
    workbook = openpyxl.load_workbook(io.BytesIO(excel_bytes(table, sheet="Children")))
    cell = workbook["Children"]["B2"]
    assert cell.data_type == "s" and cell.value == "Team A\n'=cmd|' /C calc'!A0"
