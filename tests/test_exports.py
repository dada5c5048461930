"""Downloads that say what they hold: the CSV's commented header, the Excel's second sheet,
dates as dates, fitted widths, an autofilter. Expected text written by hand."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
from openpyxl import load_workbook

from pages.common.exports import ExportInfo, banner_rows, csv_bytes, excel_bytes, info_lines

MADE = dt.datetime(2026, 11, 30, 12, 5, tzinfo=dt.UTC)
INFO = ExportInfo(
    title="Children out of school by district",
    period="October 2026",
    census="31 October 2026",
    filters=("District: Thanet", "Gender: Female"),
    order="Sorted by days out, largest first",
    source="Synthetic demonstration data",
    synthetic=True,
    made=MADE,
)


def test_csv_starts_with_what_it_holds_then_the_table():
    table = pd.DataFrame({"District": ["Thanet"], "Children": [3]})
    text = csv_bytes(table, info=INFO).decode("utf-8-sig")
    assert text.splitlines() == [
        "# Title: Children out of school by district",
        "# SYNTHETIC: Synthetic demonstration data: these children are made up",
        "# Period: October 2026",
        "# Census date: 31 October 2026",
        "# Filters: District: Thanet; Gender: Female",
        "# Order: Sorted by days out, largest first",
        "# Source: Synthetic demonstration data",
        "# Made: 30 November 2026 at 12:05 UTC",
        "District,Children",
        "Thanet,3",
    ]
    assert info_lines(text) == 8
    again = pd.read_csv(io.StringIO(text), skiprows=info_lines(text))
    assert again.to_dict("list") == {"District": ["Thanet"], "Children": [3]}


def test_csv_without_filters_says_none_and_a_newline_cannot_end_the_comment():
    info = ExportInfo(title="Two\nlines", made=MADE)
    text = csv_bytes(pd.DataFrame({"A": [1]}), info=info).decode("utf-8-sig")
    assert text.splitlines()[:3] == [
        "# Title: Two lines",
        "# Filters: none",
        "# Made: 30 November 2026 at 12:05 UTC",
    ]


def test_excel_has_an_about_sheet_dates_as_dates_widths_and_an_autofilter():
    table = pd.DataFrame(
        {
            "Child ID": ["P-0001", "P-0002"],
            "Out of school since": [pd.Timestamp("2026-03-02"), pd.NaT],
            "Why": ["x" * 80, "short"],
        }
    )
    book = load_workbook(io.BytesIO(excel_bytes(table, sheet="Cohort", info=INFO)))
    assert book.sheetnames == ["Cohort", "About this file"]
    sheet = book["Cohort"]
    # what the file is, above the table (no marking: INFO is not pupil-level), then a blank row
    assert [sheet.cell(row=r, column=1).value for r in range(1, 5)] == [
        "Children out of school by district (SYNTHETIC: made-up children)",
        "Period: October 2026 · Census date: 31 October 2026 · Filters: District: Thanet; "
        "Gender: Female",
        "More about this file on the sheet 'About this file'.",
        None,
    ]
    assert [c.value for c in sheet[5]] == ["Child ID", "Out of school since", "Why"]
    assert sheet["B6"].value == dt.datetime(2026, 3, 2)  # a date cell, not text
    assert sheet["B6"].is_date and sheet["B6"].number_format == "d mmm yyyy"
    assert sheet.auto_filter.ref == "A5:C7"
    assert sheet.freeze_panes == "A6"
    assert sheet.column_dimensions["A"].width == 10  # "Child ID" 8 characters + 2
    assert sheet.column_dimensions["C"].width == 60  # 80 characters capped; wrapped
    assert sheet["C6"].alignment.wrap_text
    again = pd.read_excel(io.BytesIO(excel_bytes(table, sheet="Cohort", info=INFO)),
                          skiprows=banner_rows(INFO))  # fmt: skip
    assert again["Child ID"].tolist() == ["P-0001", "P-0002"]
    about = {row[0].value: row[1].value for row in book["About this file"].iter_rows()}
    assert about["Period"] == "October 2026"
    assert about["Filters"] == "District: Thanet; Gender: Female"
    assert about["SYNTHETIC"].startswith("Synthetic demonstration data")


def test_a_marked_workbook_is_marked_on_every_sheet_first_sheet_first():
    # a pupil-level file (the worklist's): the marking is the first sheet's first cell, and it
    # is in the printed header and footer of every sheet, the first included
    marking = "OFFICIAL-SENSITIVE: personal data"
    info = ExportInfo(title="Whole worklist", period="October 2026", marking=marking, made=MADE)
    table = pd.DataFrame({"Child ID": ["P-0001"], "Tier": ["Act now"]})
    book = load_workbook(io.BytesIO(excel_bytes(table, sheet="Worklist", info=info)))
    assert book.sheetnames == ["Worklist", "About this file"]
    first = book["Worklist"]
    assert first["A1"].value == marking and first["A1"].font.b
    assert first["A2"].value == "Whole worklist"
    assert [c.value for c in first[6]] == ["Child ID", "Tier"]  # 5 banner rows, then the table
    for sheet in book.worksheets:
        assert sheet.oddHeader.center.text == marking, sheet.title
        assert sheet.oddFooter.center.text == marking, sheet.title
    about = {row[0].value: row[1].value for row in book["About this file"].iter_rows()}
    assert about["Marking"] == marking


def test_an_ampersand_in_a_marking_is_not_read_as_a_header_code():
    # '&' starts a code in an Excel header ("&P" is the page number): doubled, it prints as '&'
    info = ExportInfo(title="T", marking="OFFICIAL-SENSITIVE & PERSONAL", made=MADE)
    book = load_workbook(io.BytesIO(excel_bytes(pd.DataFrame({"A": [1]}), info=info)))
    assert book.active.oddHeader.center.text == "OFFICIAL-SENSITIVE && PERSONAL"


def test_an_unmarked_workbook_has_no_marking_and_the_table_at_the_top():
    book = load_workbook(io.BytesIO(excel_bytes(pd.DataFrame({"A": [1]}))))
    sheet = book.active
    assert sheet["A1"].value == "A" and sheet.oddHeader.center.text is None
