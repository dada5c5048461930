"""Unit tests of the pages' shared helpers: formatting, words, colours, filters, exports, map."""

from __future__ import annotations

import io
import json

import pandas as pd
from openpyxl import load_workbook

from figures.format import (
    census_date,
    escape_plotly,
    fmt_change,
    fmt_int,
    fmt_number,
    fmt_pct,
    period_label,
)
from figures.labels import (
    GREY,
    SINGLE,
    category_label,
    colour_map,
    uses_single_colour,
)
from figures.words import breakdown_title, crosstab_title, movement_sentence, trend_title
from pages.common.charts import bar_chart, heatmap, pivot, wrap
from pages.common.district_map import ATTRIBUTION, district_shapes, map_figure
from pages.common.exports import csv_bytes, excel_bytes, neutralise_formulas
from pages.common.filters import filter_from_state
from pages.common.markup import escape_md

# --- formatting ----------------------------------------------------------------------------


def test_numbers_are_formatted_for_people():
    assert fmt_int(1234567) == "1,234,567"
    assert fmt_int(None) == "–"
    assert fmt_pct(12.345) == "12.3%"
    assert fmt_pct(12.35) in ("12.3%", "12.4%")  # binary rounding; one decimal place either way
    assert fmt_pct(7) == "7.0%"
    assert fmt_number(107.0) == "107"
    assert fmt_number(120.5) == "120.5"
    assert fmt_change(14) == "+14"
    assert fmt_change(-1204) == "\u22121,204"
    assert fmt_change(0) == "0"


def test_periods_and_census_dates():
    assert period_label("2023-06") == "June 2023"
    assert str(census_date("2023-06")) == "2023-06-30"
    assert str(census_date("2024-02")) == "2024-02-29"  # leap year


def test_free_text_is_escaped_for_markdown_and_plotly():
    # A link typed into an extract shows as typed, not as a link.
    # (a word joiner, U+2060, between ':' and '//' stops GFM's bare-address links)
    assert escape_md("[x](http://evil)") == "\\[x\\]\\(http\\:\u2060//evil\\)"
    assert escape_md("**bold**") == "\\*\\*bold\\*\\*"
    assert escape_plotly("A & B <b>") == "A &amp; B &lt;b&gt;"
    assert "<" not in escape_plotly("<a href='x'>team</a>")


# --- categories and colours ----------------------------------------------------------------


def test_need_codes_get_dfe_labels():
    assert category_label("primary_need", "ASD") == "Autistic spectrum disorder (ASD)"
    assert category_label("primary_need", "Not recorded") == "Not recorded"
    assert category_label("district", "Thanet") == "Thanet"


def test_same_category_same_colour_whatever_the_filter():
    full = colour_map("care_status")
    narrowed = colour_map("care_status", ["Child in need (CIN)"])
    assert narrowed["Child in need (CIN)"] == full["Child in need (CIN)"]
    assert colour_map("placement_status")["Provision unknown"] == "#F46A25"
    # Gender has three named categories: three palette colours, Not recorded grey.
    gender = colour_map("gender")
    assert len({gender["Female"], gender["Male"], gender["Other"]}) == 3
    assert gender["Not recorded"] == GREY


def test_many_categories_use_one_colour():
    # Twelve districts and Out of county: more than six, so one colour rather than a rainbow.
    assert uses_single_colour("district")
    assert set(colour_map("district").values()) - {GREY} == {SINGLE}
    assert not uses_single_colour("gender")


# --- filters -------------------------------------------------------------------------------


def test_sidebar_values_become_a_cohort_filter():
    state = {
        "district": ["Thanet"],
        "need": ["ASD", "SEMH"],
        "age": (0, 25),  # the full range means no age restriction
        "cin": "Yes",
        "cp": "Any",
        "pla": "No",
        "import": "Imports only",
        "days_from": 98,
        "days_to": None,
        "team": [],
    }
    f = filter_from_state(state, "2023-06")
    assert f.period == "2023-06"
    assert f.districts == ("Thanet",) and f.needs == ("ASD", "SEMH")
    assert f.age_min is None and f.age_max is None
    assert (f.cin, f.cp, f.previously_looked_after) == (True, None, False)
    assert f.is_import is True
    assert (f.days_out_min, f.days_out_max) == (98, None)
    assert f.sen_teams == ()


def test_a_narrowed_age_range_is_a_filter():
    f = filter_from_state({"age": (5, 10)}, "2023-06")
    assert (f.age_min, f.age_max) == (5, 10)


# --- words ---------------------------------------------------------------------------------


def test_active_titles_state_the_main_message():
    data = pd.DataFrame(
        {"category": ["Ashford", "Thanet"], "children": [4, 6], "percent": [40.0, 60.0]}
    )
    title = breakdown_title(data, "district")
    assert title == "Thanet has the most children out of school (60.0%)"
    assert len(title.split()) <= 10
    needs = pd.DataFrame({"category": ["NSA", "SEMH"], "children": [5, 1], "percent": [83.3, 16.7]})
    # A long DfE label is shortened to its code to keep the title short.
    assert breakdown_title(needs, "primary_need") == "NSA is the most common primary need (83.3%)"


def test_trend_title_names_the_biggest_mover():
    data = pd.DataFrame(
        {
            "period": ["2023-05", "2023-05", "2023-06", "2023-06"],
            "category": ["No placement", "Provision unknown"] * 2,
            "children": [7, 0, 6, 4],
        }
    )
    # No placement 7 -> 6 (-1), Provision unknown 0 -> 4 (+4).
    assert trend_title(data, "placement_status") == (
        "Provision unknown rose by 4, the largest change, since May 2023"
    )
    total = pd.DataFrame({"period": ["2023-05", "2023-06"], "category": "All", "children": [7, 5]})
    assert trend_title(total, None) == "Children out of school fell by 2 since May 2023"


def test_crosstab_title_and_pivot_order():
    data = pd.DataFrame(
        {
            "row_category": ["ASD", "ASD", "SEMH", "SEMH"],
            "col_category": ["No placement", "Provision unknown"] * 2,
            "children": [2, 3, 1, 0],
        }
    )
    assert crosstab_title(data, "primary_need", "placement_status") == (
        "Largest group: Autistic spectrum disorder and Provision unknown (3)"
    )
    wide = pivot(data, "primary_need", "placement_status")
    assert list(wide.index) == [
        "Autistic spectrum disorder (ASD)",
        "Social, emotional and mental health (SEMH)",
    ]
    assert wide.loc["Autistic spectrum disorder (ASD)", "Provision unknown"] == 3


def test_briefing_sentences():
    row = {"dimension": "district_placement", "category": "Provision unknown",
           "district": "Thanet", "previous": 30, "current": 44, "change": 14}  # fmt: skip
    assert movement_sentence(row) == "Provision unknown rose by 14 in Thanet (from 30 to 44)"
    row = {"dimension": "district", "category": "Swale", "district": None,
           "previous": 1205, "current": 1200, "change": -5}  # fmt: skip
    assert (
        movement_sentence(row) == "Children out of school fell by 5 in Swale (from 1,205 to 1,200)"
    )


# --- charts --------------------------------------------------------------------------------


def test_bar_chart_orientation_and_labels():
    data = pd.DataFrame(
        {"category": ["Year 2", "Year 11"], "children": [3, 1], "percent": [75.0, 25.0]}
    )
    fig = bar_chart(data, "year_group")
    assert fig.data[0].orientation == "v"  # ordered categories read left to right
    assert list(fig.data[0].x) == ["Year 2", "Year 11"]
    needs = pd.DataFrame({"category": ["ASD"], "children": [3], "percent": [100.0]})
    fig = bar_chart(needs, "primary_need")
    assert fig.data[0].orientation == "h"
    assert list(fig.data[0].y) == ["Autistic spectrum disorder (ASD)"]
    assert fig.layout.template.layout.colorway  # the afcharts template is applied


def test_heatmap_wraps_long_column_headings():
    assert wrap("Previously looked after", 14) == "Previously<br>looked after"
    data = pd.DataFrame(
        {"row_category": ["ASD"], "col_category": ["Previously looked after"], "children": [2]}
    )
    fig = heatmap(data, "primary_need", "care_status")
    assert list(fig.data[0].x) == ["Previously<br>looked<br>after"]  # 10 characters a line
    assert [list(row) for row in fig.data[0].z] == [[2]]


# --- exports -------------------------------------------------------------------------------


def test_formula_like_text_is_neutralised_in_downloads():
    table = pd.DataFrame({"Team": ["=1+1", "@SUM(A1)", "North"], "Children": [1, -2, 3]})
    safe = neutralise_formulas(table)
    assert list(safe["Team"]) == ["'=1+1", "'@SUM(A1)", "North"]
    assert list(safe["Children"]) == [1, -2, 3]  # numbers untouched
    text = csv_bytes(table).decode("utf-8-sig")
    assert text.splitlines() == ["Team,Children", "'=1+1,1", "'@SUM(A1),-2", "North,3"]


def test_excel_download_holds_the_table_as_text_and_numbers():
    table = pd.DataFrame({"Child ID": ["P-0001", "=cmd"], "Days out": [179, None]})
    sheet = load_workbook(io.BytesIO(excel_bytes(table))).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows == [["Child ID", "Days out"], ["P-0001", 179], ["'=cmd", None]]
    assert sheet["A3"].data_type == "s"  # stored as text, never a formula


# --- district map --------------------------------------------------------------------------


def test_map_is_drawn_from_the_geojson_alone():
    names = [name for name, _ in district_shapes()]
    assert len(names) == 12 and "Folkestone and Hythe" in names
    fig = map_figure({"Thanet": 3.0, "Dover": 1.0}, {"Thanet": "Thanet: 3"}, "Children")
    fills = [t for t in fig.data if t.fill == "toself"]
    assert len(fills) == 12
    spec = json.loads(fig.to_json())
    assert "geo" not in spec["layout"] and "mapbox" not in spec["layout"]
    # Thanet (largest) darkest, a district with no value in the no-data grey.
    colours = {t.name: t.fillcolor for t in fills}
    assert colours["Swale"] == "#F2F2F2"
    assert colours["Thanet"] != colours["Dover"]
    assert "Martin Chorley" in ATTRIBUTION and "Crown copyright" in ATTRIBUTION


# --- links ---------------------------------------------------------------------------------


def test_requested_page_is_read_after_the_server_base_path():
    from pages.common.link_check import requested_path

    assert requested_path("http://council:8501/nosuchpage?period=2099-01") == "nosuchpage"
    assert requested_path("http://council:8501/") == ""
    assert requested_path("http://council/send/dash/map?x=1", "send/dash") == "map"
    assert requested_path("http://council/send/dash", "/send/dash/") == ""


def test_link_values_are_written_as_the_bound_widgets_read_them():
    from pages.common import state

    values = {
        "district": ["Thanet", "Dover"],
        "need": ["ASD"],
        "age": (5, 10),
        "cin": "Yes",
        "days_from": 30.0,
        "days_to": None,
        "gender": [],
    }
    assert state.filter_pairs(values) == [
        ("district", "Thanet"),
        ("district", "Dover"),
        ("need", "Autistic spectrum disorder (ASD)"),
        ("age", "5"),
        ("age", "10"),
        ("cin", "Yes"),
        ("days_from", "30"),
    ]
    assert state.describe(values) == [
        "District: Thanet, Dover",
        "Primary need: Autistic spectrum disorder (ASD)",
        "Age at census date (years): 5 to 10",
        "Child in need: yes",
        "Days out of school: 30 or more",
    ]
    # a page's control goes into the link only when drawn this run and not at its default
    session = {
        state.DRAWN_KEY: {"dim": "primary_need", "tab-breakdown-district": "Chart"},
        "dim": "district",
        "order": "Largest first",  # not drawn in this run: left out
        "tab-breakdown-district": "Table",
    }
    assert state.page_pairs(session, "breakdowns") == [
        ("dim", "District"),
        ("tab-breakdown-district", "Table"),
    ]
