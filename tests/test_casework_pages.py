"""The casework pages through AppTest: today, priority cases, chronology and the service view.

Fixture: tests/data/f_*.csv through the real loader; each child's flags at 31 March 2024 are
worked out by hand in test_flags_definitions.py and the list orders and counts in
test_flags_queries.py. The figures asserted here follow from those.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from data.load import load_batch

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
TIMEOUT = 60


@pytest.fixture(scope="module")
def flags_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("casework-pages") / "flags.duckdb"
    load_batch(
        db,
        [(DATA / "f_cohort_2024_02.csv", "2024-02"), (DATA / "f_cohort_2024_03.csv", "2024-03")],
        DATA / "f_casework.csv",
    )
    return db


def app(monkeypatch, db: Path, page: str, **query) -> AppTest:
    monkeypatch.setenv("OOS_DB", str(db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def spec(at: AppTest, index: int) -> dict:
    return json.loads(at.get("plotly_chart")[index].proto.spec)


def worklist_table(at: AppTest):
    """Today's list of children (the by-team table comes first for a lead)."""
    return next(d.value for d in at.dataframe if "Why" in d.value.columns)


def markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


# --- today -----------------------------------------------------------------------------------


def test_today_tiers_and_list(monkeypatch, flags_db):
    # Tiers at 31 March 2024, compared with February (F-0001, F-0004, F-0006), worked out from
    # the flags in test_flags_definitions.py (act-now window 7 days, stall 28 days):
    #   act now: out of sight F-0003, F-0009, F-0012; stalled with a clock passed or within 7
    #     days: F-0004 (71 days without provision), F-0006 (annual review overdue), F-0007
    #     (imported plan review due), F-0013 (98 days), F-0014 (97 days) = 8. Not F-0008
    #     (review due 1 Aug, no import review: reviewed after the import) nor F-0010 (no
    #     dates): stalled, no clock.
    #   new this month: joined since February F-0002, F-0005, F-0008, F-0010, F-0011 = 5;
    #   watch: F-0001 (repeated offer in both months, no new flag) = 1.
    at = app(monkeypatch, flags_db, "pages/today.py")
    assert at.title[0].value.startswith("Today: flags at 31 March 2024, from data loaded ")
    shown = metrics(at)
    assert [shown["Act now"], shown["New this month"], shown["Watch"]] == ["8", "5", "1"]
    # the flags one by one (expander): the same figures the old page showed at the top
    assert shown["Any flag"] == "13"
    assert shown["Out of sight"] == "3"
    assert shown["Section 19 provision due"] == "7"
    assert shown["No recent action"] == "10"
    assert shown["Offered again after refusing"] == "1"
    assert shown["Long consultation chains"] == "1"
    # F-0007's review is the imported plan's (regulation 15), not also an annual review
    assert shown["Annual review overdue"] == "2"  # F-0006, F-0014
    assert shown["Imported plan review due"] == "1"  # F-0007
    assert shown["Records disagree"] == "1"  # F-0009: provision unknown, Fir AP started 12 Feb
    table = worklist_table(at)
    # act now in working order (tests/test_flags_queries.py works it out): entered since
    # February first, out of sight first among them, F-0012 (s19 due 7 Mar), F-0003 (31 Mar),
    # F-0009 (review 1 Jul); then by the clock passed longest ago, F-0007 (1 Sep 2023),
    # F-0013 (14 Jan), F-0014 (15 Jan), F-0004 (10 Feb); last F-0006, in act now in February
    # too
    assert table["Child ID"].tolist() == [
        "F-0012", "F-0003", "F-0009", "F-0007", "F-0013", "F-0014", "F-0004", "F-0006",
    ]  # fmt: skip
    why = dict(zip(table["Child ID"], table["Why"], strict=True))
    assert why["F-0004"] == (
        # 71 days before 31 March: since 20 January; the 2 terms count every gap
        "no provision for 71 days, since 20 January; 2 terms without provision, counting "
        "every gap since leaving school; 10 consultations since leaving school on "
        "1 September 2023; no action for 40 days"
    )
    assert why["F-0012"] == (
        "out of sight: provision unknown and looked after; no provision for 45 days, since "
        "15 February; no casework recorded"
    )
    assert why["F-0009"].endswith(
        "records disagree: placement says provision unknown, but casework shows provision "
        "started on 12 February (update the placement status or the casework log)"
    )
    links = dict(zip(table["Child ID"], table["Chronology"], strict=True))
    # the link carries the tier and page it was opened from, for the chronology's Back link
    assert links["F-0004"] == (
        "chronology?child=F-0004&period=2024-03&from_tier=Act+now&from_page=1"
    )
    # the detail panel shows the first child's reasons in full, one per line
    texts = [t.value for t in at.text]
    assert "• out of sight: provision unknown and looked after" in texts
    # records that disagree, listed on their own
    disagree = next(
        d.value
        for d in at.dataframe
        if {"Provision started", "Why"} & set(d.value.columns) == {"Provision started"}
    )
    assert disagree["Child ID"].tolist() == ["F-0009"]
    assert str(disagree["Provision started"].iloc[0])[:10] == "2024-02-12"  # Fir AP


def test_today_other_tiers(monkeypatch, flags_db):
    at = app(monkeypatch, flags_db, "pages/today.py", today_tier="New this month")
    table = worklist_table(at)
    # none out of sight; 1 flag each, longest without provision first: F-0011 (s19, 90 days),
    # F-0005 (s19, 59), then unknown days by ID: F-0008, F-0010 (stalled); F-0002 (no flag)
    assert table["Child ID"].tolist() == ["F-0011", "F-0005", "F-0008", "F-0010", "F-0002"]
    why = dict(zip(table["Child ID"], table["Why"], strict=True))
    assert why["F-0002"] == "joined the cohort since February 2024"
    assert why["F-0011"].startswith("joined the cohort since February 2024; no provision for ")
    at = app(monkeypatch, flags_db, "pages/today.py", today_tier="Watch")
    assert worklist_table(at)["Child ID"].tolist() == ["F-0001"]


def test_today_follows_the_sidebar_filters(monkeypatch, flags_db):
    # Thanet: F-0002 (no flags, joined), F-0009 (out of sight), F-0010 (stalled, joined)
    at = app(monkeypatch, flags_db, "pages/today.py", district="Thanet")
    shown = metrics(at)
    assert [shown["Act now"], shown["New this month"], shown["Watch"]] == ["1", "2", "0"]
    assert shown["Any flag"] == "2"
    assert worklist_table(at)["Child ID"].tolist() == ["F-0009"]


def test_today_in_an_earlier_period(monkeypatch, flags_db):
    # February, the first period: nothing to compare with, so no "new this month".
    # F-0001 (s19 120 days, repeated; last event 15 Feb: not stalled) and F-0004 (s19, chain;
    # last event 20 Feb) watch; F-0006 (stalled, annual review due 28 Feb, overdue) acts now.
    at = app(monkeypatch, flags_db, "pages/today.py", period="2024-02")
    shown = metrics(at)
    assert [shown["Act now"], shown["New this month"], shown["Watch"]] == ["1", "0", "2"]
    assert shown["Any flag"] == "3"
    assert shown["Section 19 provision due"] == "2"
    at = app(monkeypatch, flags_db, "pages/today.py", period="2024-02", today_tier="Watch")
    listed = worklist_table(at)
    why = dict(zip(listed["Child ID"], listed["Why"], strict=True))
    assert why["F-0001"] == (
        # out of school since 1 November 2023, 120 days to 29 February; the term is spring
        # 2024 (60 of its 90 days gone without provision by then), in this same gap
        "no provision for 120 days, since 1 November 2023; 1 term without provision, counting "
        "every gap since leaving school; offered ACME tuition again on 10 February after it "
        "withdrew on 10 January"
    )


# --- priority --------------------------------------------------------------------------------


def test_priority_page(monkeypatch, flags_db):
    at = app(monkeypatch, flags_db, "pages/priority.py")
    shown = metrics(at)
    assert shown["Out of school less than a term"] == "6"
    assert shown["Primary age or younger"] == "3"
    assert shown["Looked after"] == "2"
    assert shown["Previously looked after"] == "2"
    assert spec(at, 0)["data"][0]["y"] == [7, 3, 3, 0, 1]  # meeting 0, 1, 2, 3, 4
    assert at.subheader[0].value == "7 of 14 children meet a priority for return"
    table = at.dataframe[-1].value
    assert table["Child ID"].tolist() == [
        "F-0012", "F-0011", "F-0003", "F-0010", "F-0014", "F-0005", "F-0006",
    ]  # fmt: skip
    assert table["Priorities met"].tolist() == [4, 2, 2, 2, 1, 1, 1]
    f12 = table.iloc[0]
    assert [f12[c] for c in ("Out of school less than a term", "Looked after")] == ["Yes", "Yes"]
    # F-0012: out since 15 Feb (45 days to 31 Mar), "Year 99" read as not recorded and born
    # 1 Jun 2014 (age 9 at the census date), looked after and previously looked after
    assert f12["Why"] == (
        "out of school 45 days (at most 97); age 9, year group not recorded: primary age or "
        "younger; looked after; previously looked after"
    )
    assert f12["Chronology"] == "chronology?child=F-0012&period=2024-03"
    # the first child's reasons in full, one per line, in the detail panel
    texts = [t.value for t in at.text]
    assert "• age 9, year group not recorded: primary age or younger" in texts
    labels = [b.label for b in at.get("download_button")]
    assert "Download the whole list (CSV)" in labels
    assert "Download the whole list (Excel)" in labels


# --- chronology ------------------------------------------------------------------------------


def test_chronology_by_url(monkeypatch, flags_db):
    at = app(monkeypatch, flags_db, "pages/chronology.py", child="F-0001", period="2024-03")
    text = markdown(at)
    assert "offered ACME tuition again on 10 February after it withdrew on 10 January" in (
        text.replace("\\", "")
    )
    # gaps with no action (28 days or more): 1 Nov -> 10 Jan (70 days), 10 Jan -> 10 Feb (31)
    assert any("Longest stretch with no action: 70 days" in s.value for s in at.subheader)
    timeline = spec(at, 0)
    shapes = timeline["layout"]["shapes"]
    rects = [s for s in shapes if s.get("type") == "rect"]
    assert [(r["x0"][:10], r["x1"][:10]) for r in rects] == [
        ("2023-11-01", "2024-01-10"),
        ("2024-01-10", "2024-02-10"),
    ]
    # the offer of 10 Feb is joined to its outcome, the tuition started on 11 Mar (30 days)
    # tables: each flag explained, the timeline's table, offers, snapshots
    explained = at.dataframe[0].value.set_index("Flag")
    assert explained.loc["Offered again after a refusal", "Raised"] == "Yes"
    assert explained.loc["Section 19 provision due", "Raised"] == "No"
    assert explained.loc["No action recorded recently", "At the census date"] == (
        "last event 11 March, 20 days before the census date"
    )
    offers = at.dataframe[2].value
    assert offers["Outcome"].tolist() == ["Provision started"]
    assert offers["Days to outcome"].tolist() == [30]
    assert metrics(at)["Consultations since leaving school"] == "1"
    snapshots = at.dataframe[3].value
    assert snapshots["Days without provision"].tolist() == [120, 0]  # February, March


def test_chronology_shows_free_text_as_text(monkeypatch, flags_db):
    at = app(monkeypatch, flags_db, "pages/chronology.py", child="F-0002")
    texts = [t.value for t in at.text]
    assert "<b>Family asked for a <i>local</i> school</b>" in texts
    assert "**Declined** the same day" in texts
    # in the timeline's hover text the markup is escaped for plotly
    hovers = json.dumps(spec(at, 0)["data"])
    assert "&lt;b&gt;Family asked" in hovers
    assert "<b>Family" not in hovers


def test_chronology_for_an_unknown_child(monkeypatch, flags_db):
    at = app(monkeypatch, flags_db, "pages/chronology.py", child="F-9999")
    assert any("No child with this ID" in w.value for w in at.warning)


def test_chronology_without_a_child_asks_for_one(monkeypatch, flags_db):
    at = app(monkeypatch, flags_db, "pages/chronology.py")
    assert any("Pick a child" in i.value for i in at.info)
    assert len(at.get("plotly_chart")) == 0


# --- service ---------------------------------------------------------------------------------


def test_service_view(monkeypatch, flags_db):
    at = app(monkeypatch, flags_db, "pages/service.py")
    # Section 19 due by district, natural order: Ashford 4, Dover 2, Swale 1, the rest 0
    by_district = spec(at, 0)["data"][0]
    assert by_district["x"] == [4, 0, 0, 2, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0]
    subheaders = [s.value.replace("\\", "") for s in at.subheader]
    # each title names the flag it counts
    assert "Section 19 provision due: Most in Ashford (4 children)" in subheaders
    # East 2, West 4, Not recorded 1
    assert "Section 19 provision due: Most in West (4 children)" in subheaders
    assert "Section 19 provision due rose by 5 since February 2024" in subheaders
    assert spec(at, 2)["data"][0]["y"] == [2, 7]
    # cost of delay: 7 terms across 6 children; 7 x 900 = 6,300; 7 x 2,400 = 16,800 -> 17,000
    text = markdown(at)
    assert "7 terms without provision across 6 children" in text
    assert "between £6,300 and £17,000" in text
    cost = at.dataframe[3].value.set_index("District")
    assert cost.loc["Ashford", "Terms without provision"] == 3
    assert cost.loc["Ashford", "Indicative cost, low (£)"] == 2700
    assert cost.loc["Ashford", "Indicative cost, high (£)"] == 7200


def test_service_view_flag_choice_from_the_url(monkeypatch, flags_db):
    # a bound selectbox keeps the option's label in the URL
    at = app(monkeypatch, flags_db, "pages/service.py", flag="No action recorded recently")
    # stalled by district: Ashford F-0012, F-0013, F-0014 = 3; Dover F-0003 = 1; Swale F-0004,
    # F-0006, F-0007, F-0008 = 4; Thanet F-0009, F-0010 = 2
    assert spec(at, 0)["data"][0]["x"][:10] == [3, 0, 0, 1, 0, 0, 0, 0, 4, 2]


def test_data_quality_counts_records_that_disagree(monkeypatch, flags_db):
    # F-0009: placement "Provision unknown", casework shows Fir AP started on 12 February
    at = app(monkeypatch, flags_db, "pages/data_quality.py")
    assert "Records that disagree: 1" in [s.value for s in at.subheader]
    # like the rest of the page, the whole snapshot: F-0009 (Thanet) counts under a Dover filter
    at = app(monkeypatch, flags_db, "pages/data_quality.py", district="Dover")
    assert "Records that disagree: 1" in [s.value for s in at.subheader]
