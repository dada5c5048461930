"""The Data quality page, one extract at a time (issue 18, item 5), and who may see its rows.

Fixture, through the real loader, June 2023 (tests/data/dq_*.csv), each file naming its columns
its own way:

  cohort extract (header 'Child ID', 'Gender', 'District', ...), 4 rows read:
    row 2  D-01  District blank          -> loaded, District Not recorded
    row 3  D-02  Gender blank            -> loaded, Gender Not recorded
    row 4  D-03  clean
    row 5  (no child ID)                 -> quarantined ("no child_id")
  caseload extract (header 'child id', 'GENDER', 'DISTRICT', 'primary need'), 6 rows read:
    row 2  D-01  DISTRICT blank
    row 3  D-03  DISTRICT blank
    row 4  D-04  DISTRICT 'Atlantis'     -> not a Kent district or Out of county
    row 5  D-05  clean
    row 6  D-02  GENDER blank
    row 7  D-06  primary need blank

So district is Not recorded for 1 cohort row and 3 caseload rows: the page must show 1 and 2 + 1
under their own extracts, never 4 under one label, and name the columns 'District' and
'DISTRICT' as the files do.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from appstore import audit
from data.load import load_caseload, load_cohort
from figures import quality
from queries.pupil import AccessDenied
from tests.signed_in_app import ISSUER, signed_in_app
from trust.viewer import Viewer, acting_as

DATA = Path(__file__).resolve().parent / "data"
PAGE = "pages/data_quality.py"
ROLE_FILE = f"""
[identity]
issuer = "{ISSUER}"
[[grant]]
role = "safeguarding_lead"
accounts = ["lead@council.example"]
[[grant]]
role = "qa_officer"
accounts = ["qa@council.example"]
[[grant]]
role = "caseworker"
accounts = ["cw@council.example"]
sen_teams = ["SEN South"]
[[grant]]
role = "senior_leader"
accounts = ["sl@council.example"]
"""
QA = "qa@council.example"
LEADER = "sl@council.example"
CASEWORKER = "cw@council.example"


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("dq-pages") / "fixture.duckdb"
    load_cohort(DATA / "dq_cohort_2023_06.csv", "2023-06", db)
    load_caseload(DATA / "dq_caseload_2023_06.csv", "2023-06", db)
    return db


@pytest.fixture
def env(sign_in_env, db):
    return sign_in_env(db, ROLE_FILE)


def run(email: str, page: str = PAGE, **query) -> AppTest:
    at = signed_in_app(
        {"iss": ISSUER, "sub": email, "email": email, "email_verified": True}, **query
    )
    at.run()
    try:
        at.switch_page(page)
    except ValueError:  # a page the navigation does not offer: asked for by its URL
        from streamlit.util import calc_hash

        at._page_hash = calc_hash(Path(page).stem)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [m.value for m in at.caption]
    parts += [m.value for m in at.title] + [m.value for m in at.subheader]
    parts += [m.body for m in at.warning] + [m.body for m in at.info] + [m.body for m in at.success]
    # Markdown escapes (\( \. \_) taken out: the words as a reader sees them
    return "\n".join(str(p) for p in parts).replace("\\", "")


def frames_with(at: AppTest, column: str) -> list:
    return [f.value for f in at.dataframe if column in f.value.columns]


def shown_ids(at: AppTest) -> set[str]:
    found = set()
    for frame in at.dataframe:
        table = frame.value
        for column in ("Child ID", "child_id"):
            if column in table:
                found |= set(table[column].dropna().astype(str))
    return found


def downloads(at: AppTest) -> list[str]:
    return [b.label for b in at.get("download_button")]


def warning_tables(at: AppTest) -> list[list[tuple]]:
    """The per-extract summaries (Column in the file, Column, Reason, Rows), in page order."""
    return [
        [tuple(r) for r in t[["Column in the file", "Column", "Reason", "Rows"]].itertuples(
            index=False)]
        for t in frames_with(at, "Column in the file")
        if "Rows" in t.columns
    ]  # fmt: skip


def test_each_extract_on_its_own_with_its_own_column_names(env):
    at = run(QA, period="2023-06")
    page = text(at)
    # one heading per extract, never one label over both
    assert "**Cohort extract (children out of school), June 2023**" in page
    assert "**EHC plan caseload extract, June 2023**" in page
    assert "dq_cohort_2023_06.csv: 4 rows read, 3 loaded, 1 quarantined" in page
    assert "dq_caseload_2023_06.csv: 6 rows read, 6 loaded, 0 quarantined" in page
    cohort, caseload = warning_tables(at)
    # most frequent first, then by column: district 1 and gender 1 in the cohort file
    assert cohort == [("District", "District", "blank", 1), ("Gender", "Gender", "blank", 1)]
    assert caseload == [
        ("DISTRICT", "District", "blank", 2),
        ("DISTRICT", "District", "not a Kent district or Out of county", 1),
        ("GENDER", "Gender", "blank", 1),
        ("primary need", "Primary need", "blank", 1),
    ]


def test_qa_officer_gets_the_child_ids_and_the_downloads(env):
    at = run(QA, period="2023-06")
    rows = [t for t in frames_with(at, "Child ID") if "Value as written" in t.columns]
    assert len(rows) == 2
    cohort, caseload = rows
    assert list(zip(cohort["Row in the file"], cohort["Child ID"], cohort["Column in the file"],
                    strict=True)) == [(2, "D-01", "District"), (3, "D-02", "Gender")]  # fmt: skip
    assert list(zip(caseload["Row in the file"], caseload["Child ID"],
                    caseload["Column in the file"], strict=True)) == [
        (2, "D-01", "DISTRICT"), (3, "D-03", "DISTRICT"), (4, "D-04", "DISTRICT"),
        (6, "D-02", "GENDER"), (7, "D-06", "primary need"),
    ]  # fmt: skip
    assert caseload["Value as written"].tolist() == ["", "", "Atlantis", "", ""]
    # the quarantine: the cohort's row 5 with no child ID, under its own extract
    quarantine = [t for t in frames_with(at, "Raw values")][0]
    assert quarantine[["Extract", "Period", "Row in the file", "Reason"]].values.tolist() == [
        ["Cohort extract (children out of school)", "June 2023", 5, "no child_id"]
    ]
    labels = downloads(at)
    assert "Download every quarantined row (1, CSV)" in labels
    assert "Download the rows concerned in dq_cohort_2023_06.csv (CSV)" in labels
    assert "Download the rows concerned in dq_caseload_2023_06.csv (CSV)" in labels
    # each view of children's rows is in the audit trail, with their IDs
    viewed = [r for r in _records(env) if r["action"] == "view" and r["actor"] == QA]
    assert any('"D-04"' in (r["child_ids"] or "") for r in viewed)


def test_the_download_holds_every_row_with_its_extract(env):
    qa = Viewer(QA, "QA", "qa_officer", export_file="not_recorded.csv")
    with acting_as(qa):
        every = quality.warning_rows(None, "2023-06").frame()
        quarantine = quality.quarantine_rows(None, 1).frame()
    # 2 cohort + 5 caseload rows; the newest load (the caseload) first
    assert len(every) == 7
    assert (
        every["Extract"].tolist()
        == ["EHC plan caseload extract"] * 5 + ["Cohort extract (children out of school)"] * 2
    )
    assert set(every["File"]) == {"dq_cohort_2023_06.csv", "dq_caseload_2023_06.csv"}
    assert set(every["Child ID"]) == {"D-01", "D-02", "D-03", "D-04", "D-06"}
    assert len(quarantine) == 1 and quarantine["Row in the file"].iloc[0] == 5
    exports = [r for r in _records(env) if r["action"] == "export"]
    assert {r["file_name"] for r in exports} == {"not_recorded.csv"}


def test_senior_leader_gets_counts_as_published_and_no_child(env):
    at = run(LEADER, period="2023-06")
    assert at.title[0].value == "Data quality"
    assert not shown_ids(at)
    assert "D-0" not in text(at)
    assert not any("row" in label.lower() for label in downloads(at))
    assert not frames_with(at, "Raw values") and not frames_with(at, "Value as written")
    # the summaries are there, each count of 1 to 5 children shown as c
    cohort, caseload = warning_tables(at)
    assert [r[3] for r in cohort] == ["c", "c"]
    assert [r[3] for r in caseload] == ["c", "c", "c", "c"]
    assert "listed for safeguarding leads and QA officers only" in text(at)


@pytest.mark.parametrize(
    "query",
    [
        {"quarantine_page": "1"},
        {"child": "D-01"},
        {"load": "2", "load_id": "2", "download": "1", "role": "qa_officer"},
    ],
)
def test_an_edited_link_gets_a_senior_leader_no_child(env, query):
    at = run(LEADER, period="2023-06", **query)
    assert not shown_ids(at)
    assert "D-0" not in text(at)
    assert not any("row" in label for label in downloads(at))


def test_the_rows_are_refused_to_a_senior_leader_and_a_caseworker_and_audited(env):
    for email, role, teams in ((LEADER, "senior_leader", ()),
                               (CASEWORKER, "caseworker", ("SEN South",))):  # fmt: skip
        with acting_as(Viewer(email, email, role, sen_teams=teams)):
            with pytest.raises(AccessDenied):
                quality.warning_rows(2)
            with pytest.raises(AccessDenied):
                quality.quarantine_rows(None, 100)
    denied = [r for r in _records(env) if r["action"] == "denied"]
    assert {r["actor"] for r in denied} == {LEADER, CASEWORKER}


def test_a_caseworker_cannot_open_the_page_by_its_url(env):
    at = run(CASEWORKER, period="2023-06")
    assert at.title[0].value != "Data quality"
    assert not (shown_ids(at) & {"D-01", "D-03", "D-04", "D-06"})


def test_a_database_loaded_before_file_columns_were_kept_names_the_contract_column(
    env, db, tmp_path, monkeypatch
):
    old = tmp_path / "old.duckdb"
    shutil.copy(db, old)
    con = duckdb.connect(str(old))
    con.execute("DROP TABLE load_columns")
    con.close()
    monkeypatch.setenv("OOS_DB", str(old))
    cohort, _ = warning_tables(run(QA, period="2023-06"))
    assert cohort == [("district", "District", "blank", 1), ("gender", "Gender", "blank", 1)]


def _records(store: Path) -> list[dict]:
    import sqlite3

    audit.close_connections()
    if not store.exists():
        return []
    con = sqlite3.connect(store)
    con.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in con.execute("SELECT * FROM audit ORDER BY seq")]
    finally:
        con.close()
