"""Words that agree with their own charts (issue 18, item 6), on a small hand-made fixture.

June 2023, loaded through the real loader (synthetic, so the demo viewer applies):

  caseload (children with a plan)   Dover 100, Thanet 100, district blank 10  (210)
  cohort (children out of school)   Dover 10,  Thanet 12,  district blank 8   (30)

  rate per 100 plans: Dover 10.0, Thanet 12.0, Not recorded 80.0 (the longest bar)
  share out / share of plans:
    Dover        10/30 ÷ 100/210 = 0.70   interval includes 1 (Katz: 0.10 against 20/110)
    Thanet       12/30 ÷ 100/210 = 0.84   interval includes 1
    Not recorded  8/30 ÷  10/210 = 5.60   interval excludes 1 (0.80 against 22/200), but
                                          Not recorded is a data-quality category: not tested
  So: 2 groups tested, 0 differ; the chart draws one interval clear of 1 (Not recorded), and
  the title must say which.

Care status: nobody is CIN, CP, CLA or previously looked after, so every child's care status
is "No care status" (never "None", which pandas reads back as a blank).
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from data.load import load_caseload, load_cohort

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 60
COHORT_HEADER = "child_id,date_of_birth,gender,primary_need,district,placement_status\n"
CASELOAD_HEADER = "child_id,date_of_birth,gender,primary_need,district\n"


def _rows(prefix: str, n: int, district: str, out: int) -> tuple[list[str], list[str]]:
    """n children with a plan in `district`, the first `out` of them out of school."""
    ids = [f"{prefix}-{i:03d}" for i in range(n)]
    plans = [f"{c},2012-01-01,F,ASD,{district}" for c in ids]
    cohort = [f"{c},2012-01-01,F,ASD,{district},No placement" for c in ids[:out]]
    return plans, cohort


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("words")
    plans, out = [], []
    for prefix, n, district, k in (("DV", 100, "Dover", 10), ("TH", 100, "Thanet", 12),
                                   ("NR", 10, "", 8)):  # fmt: skip
        p, c = _rows(prefix, n, district, k)
        plans += p
        out += c
    (folder / "caseload.csv").write_text(CASELOAD_HEADER + "\n".join(plans) + "\n")
    (folder / "cohort.csv").write_text(COHORT_HEADER + "\n".join(out) + "\n")
    db = folder / "words.duckdb"
    load_cohort(folder / "cohort.csv", "2023-06", db, synthetic=True)
    load_caseload(folder / "caseload.csv", "2023-06", db, synthetic=True)
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
    return at


def subheads(at: AppTest) -> list[str]:
    return [s.value.replace("\\", "") for s in at.subheader]


def test_rates_title_says_what_is_compared_beside_a_longer_not_recorded_bar(monkeypatch, db):
    at = app(monkeypatch, db, "pages/rates.py", period="2023-06", rate_dim="District")
    titles = subheads(at)
    rate_title = next(t for t in titles if "per 100 plans" in t)
    # Thanet is the highest of the districts recorded, but Not recorded's bar is longer: the
    # title says what it compares, and gives the longer bar's rate
    assert rate_title == (
        "Thanet has the highest rate of the groups recorded: 12.0 per 100 plans "
        "(Not recorded: 80.0)"
    )
    bars = json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]
    drawn = dict(zip(bars["y"], bars["x"], strict=True))
    assert (drawn["Thanet"], drawn["Not recorded"]) == (12.0, 80.0)


def test_ratio_title_agrees_with_the_intervals_drawn(monkeypatch, db):
    at = app(monkeypatch, db, "pages/rates.py", period="2023-06", rate_dim="District")
    ratio_title = next(t for t in subheads(at) if "share of plans" in t)
    assert ratio_title.startswith("0 of 2 groups tested differ from their share of plans")
    # the one interval drawn clear of 1 is named, as not tested
    assert "Not recorded" in ratio_title and "not tested" in ratio_title
    spec = json.loads(at.get("plotly_chart")[1].proto.spec)
    dots = spec["data"][0]
    labels = dots["y"]
    marker = dict(zip(labels, dots["marker"]["symbol"], strict=True))
    # not drawn as a finding (diamond), nor as "in proportion" (open circle)
    assert marker["Not recorded"] not in ("diamond", "circle-open")
    assert marker["Dover"] == marker["Thanet"] == "circle-open"
    # and the words under the chart do not say every group is in proportion
    words = " ".join(m.value for m in at.markdown)
    assert "every group is out of school in proportion" not in words
    assert "every group tested is out of school in proportion" in words


def test_care_status_reads_no_care_status_and_survives_pandas(monkeypatch, db):
    at = app(monkeypatch, db, "pages/breakdowns.py", period="2023-06", dim="Care status")
    table = at.dataframe[0].value
    first = table.columns[0]
    assert "No care status" in set(table[first])
    assert "None" not in set(table[first].astype(str))
    # the CSV as a spreadsheet or pandas reads it back: no blank where the care status was
    csv = table.to_csv(index=False)
    back = pd.read_csv(io.StringIO(csv))
    assert not back[first].isna().any()
    assert not any("None" in t for t in subheads(at))


def test_a_database_holding_none_is_renamed_by_its_next_load(db, tmp_path):
    import shutil

    import duckdb

    old = tmp_path / "old.duckdb"
    shutil.copy(db, old)
    con = duckdb.connect(str(old))
    con.execute("UPDATE snapshot SET care_status = 'None'")
    con.execute("UPDATE caseload_snapshot SET care_status = 'None'")
    con.close()
    extract = tmp_path / "may.csv"
    extract.write_text(COHORT_HEADER + "MAY-1,2012-01-01,F,ASD,Dover,No placement\n")
    load_cohort(extract, "2023-05", old, synthetic=True)
    con = duckdb.connect(str(old), read_only=True)
    try:
        for table in ("snapshot", "caseload_snapshot"):
            found = con.execute(f"SELECT DISTINCT care_status FROM {table}").fetchall()
            assert found == [("No care status",)], table
    finally:
        con.close()


def test_a_group_with_no_plans_has_an_empty_rate_not_none(monkeypatch, db):
    # Ashford: no child out of school and no child with a plan, so no rate at all
    at = app(monkeypatch, db, "pages/breakdowns.py", period="2023-06", dim="District")
    table = at.dataframe[0].value.set_index("District")
    rate = "Out of school per 100 with a plan"
    assert pd.api.types.is_numeric_dtype(table[rate])
    assert pd.isna(table.loc["Ashford", rate])
    assert table.loc["Dover", rate] == 10.0 and table.loc["Not recorded", rate] == 80.0
    assert "None" not in table[rate].astype(str).tolist()


def test_role_names_are_capitalised_where_shown(monkeypatch, db, tmp_path):
    monkeypatch.setenv("OOS_APP_STORE", str(tmp_path / "app.sqlite"))
    monkeypatch.setenv("OOS_ROLES", str(tmp_path / "no-roles.toml"))
    monkeypatch.delenv("OOS_SINGLE_USER", raising=False)
    at = app(monkeypatch, db, "pages/data_quality.py", role="QA officer")
    banner = " ".join(w.body for w in at.warning)
    assert "Viewing as a QA officer" in banner
    # the audit trail names the role as people do, not by the store's key
    app(monkeypatch, db, "pages/explorer.py")  # a safeguarding lead's view, audited
    at = app(monkeypatch, db, "pages/audit.py")
    roles = set(at.dataframe[0].value["Role"])
    assert "Safeguarding lead" in roles
    assert not any("_" in r or r[:1].islower() for r in roles)
    # a refusal names the role as people do
    from queries.pupil import AccessDenied, quarantine_rows
    from trust.viewer import Viewer, acting_as

    with acting_as(Viewer("sl", "sl", "senior_leader")):
        with pytest.raises(AccessDenied, match="not available to senior leaders"):
            quarantine_rows(db)


def test_the_cross_tab_table_scrolls_under_fixed_row_and_column_headings(monkeypatch, db):
    at = app(monkeypatch, db, "pages/crosstab.py", period="2023-06", rows="District",
             cols="Care status")  # fmt: skip
    frame = at.dataframe[0]
    table = frame.value
    # every column is in the table, the widest ("No care status": all 30 children) included
    assert list(table.columns[-2:]) == ["No care status", "Total"]
    assert table.set_index("District").loc["Total", "No care status"] == 30
    # the row headings are pinned: scrolling sideways keeps them beside the counts (the
    # column headings stay on top of a Streamlit table as it scrolls down)
    config = json.loads(frame.proto.columns)
    assert config["District"]["pinned"] is True
    assert not any(v.get("pinned") for k, v in config.items() if k != "District")


def test_a_trend_title_starts_with_a_capital_and_names_no_care_status():
    from figures.words import trend_title

    # May: no care status 10, CIN 5; June: 39 and 6. The largest change: +29, no care status
    data = pd.DataFrame(
        {
            "period": ["2023-05", "2023-05", "2023-06", "2023-06"],
            "category": ["No care status", "Child in need (CIN)"] * 2,
            "children": [10, 5, 39, 6],
        }
    )
    title = trend_title(data, "care_status")
    assert title.startswith("Children with no care status rose by 29"), title
    assert title[0].isupper()
