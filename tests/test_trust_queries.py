"""The pupil-level choke point: roles, caseworkers' teams, the runner's refusal, audit records.

Fixture: tests/data/q_snapshot.csv, period 2024-04 (13 children). SEN teams there:
East Kent 01 02 07 09 10 15; North Kent 11 12; South Kent 03 05; West Kent 06 08; none 04.
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import duckdb
import pytest

from appstore import audit
from appstore.connection import store_path
from queries import pupil, runner
from queries.filters import CohortFilter
from tests.q_fixture import build_fixture_db
from trust.roles import CASEWORKER, QA_OFFICER, SAFEGUARDING_LEAD, SENIOR_LEADER
from trust.viewer import Viewer, acting_as

APRIL = CohortFilter("2024-04")
BASE_TABLES = {"cohort", "snapshot", "case_flags", "casework", "quarantine", "load_log"}
QUERY_DIR = Path(__file__).resolve().parent.parent / "queries"


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = build_fixture_db(tmp_path_factory.mktemp("trust_q") / "fixture.duckdb")
    yield path
    runner.close_all()
    audit.close_connections()


def records(db) -> list[dict]:
    audit.close_connections()
    if not store_path(db).exists():
        return []
    con = sqlite3.connect(store_path(db))
    con.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in con.execute("SELECT * FROM audit ORDER BY seq")]
    finally:
        con.close()


def ids(*numbers: int) -> list[str]:
    return [f"T-{n:04d}" for n in numbers]


def test_no_viewer_and_senior_leader_are_refused(db):
    with acting_as(None), pytest.raises(pupil.AccessDenied):
        pupil.cohort_page(APRIL, db=db)
    before = len(records(db))
    senior = Viewer("sl@council.example", "SL", SENIOR_LEADER, page="Cohort explorer")
    with acting_as(senior), pytest.raises(pupil.AccessDenied):
        pupil.cohort_page(APRIL, db=db)
    last = records(db)[-1]
    assert len(records(db)) == before + 1
    assert (last["actor"], last["role"], last["action"]) == (
        "sl@council.example",
        "senior_leader",
        "denied",
    )
    no_role = Viewer("x@council.example", "X", None)
    with acting_as(no_role), pytest.raises(pupil.AccessDenied):
        pupil.quarantine_rows(db=db)


def test_the_runner_refuses_pupil_level_files_without_the_key(db):
    with pytest.raises(runner.PupilLevelRefused):
        runner.run("cohort_rows", {**APRIL.params(), "limit": 5, "offset": 0}, db=db,
                   template={"sort_expr": "child_id", "sort_direction": "ASC"})  # fmt: skip
    with pytest.raises(runner.PupilLevelRefused):
        runner.run("casework_child_events", {"child_id": "T-0001"}, db=db, pupil_key=object())
    with pytest.raises(RuntimeError):
        runner.claim_pupil_key()  # queries/pupil.py holds it; nobody else can claim it
    # aggregates are unaffected
    assert runner.run("cohort_count", APRIL.params(), db=db)["children"].iloc[0] == 13


def test_a_view_is_audited_with_who_what_and_which_children(db):
    qa = Viewer("qa@council.example", "QA", QA_OFFICER, page="Cohort explorer", session="s1")
    thanet = CohortFilter("2024-04", districts=("Thanet",))
    with acting_as(qa):
        rows = pupil.cohort_page(thanet, "child_id", False, 1, 50, db=db)
        assert rows["child_id"].tolist() == ids(1, 2, 9, 10, 15)
        n = len(records(db))
        # the same rows again in the same session (another widget clicked): not repeated
        pupil.cohort_page(thanet, "child_id", False, 1, 50, db=db)
        assert len(records(db)) == n
    last = records(db)[-1]
    assert (last["actor"], last["role"], last["action"], last["page"]) == (
        "qa@council.example",
        "qa_officer",
        "view",
        "Cohort explorer",
    )
    assert last["children"] == 5
    assert json.loads(last["child_ids"]) == ids(1, 2, 9, 10, 15)
    detail = json.loads(last["detail"])
    assert detail["query"] == "cohort_rows"
    assert detail["filters"]["districts"] == ["Thanet"]
    assert audit.check(store_path(db)).ok


def test_an_export_is_audited_with_its_file_name_every_time(db):
    lead = Viewer("lead@council.example", "Lead", SAFEGUARDING_LEAD, session="s2")
    n = len(records(db))
    for _ in range(2):
        frame = pupil.cohort_export(APRIL, db=db, viewer=lead, file_name="cohort_2024-04.csv")
    assert len(frame) == 13
    new = records(db)[n:]
    assert [(r["action"], r["file_name"], r["children"]) for r in new] == [
        ("export", "cohort_2024-04.csv", 13),
        ("export", "cohort_2024-04.csv", 13),
    ]


def test_a_caseworker_sees_only_their_teams_children(db):
    north = Viewer("cw@council.example", "CW", CASEWORKER, sen_teams=("North Kent",))
    with acting_as(north):
        assert pupil.cohort_page(APRIL, "child_id", db=db)["child_id"].tolist() == ids(11, 12)
        # asking for another team's children gives none of them
        east = CohortFilter("2024-04", sen_teams=("East Kent",))
        assert pupil.cohort_page(east, db=db).empty
        assert len(pupil.cohort_export(APRIL, db=db, viewer=north)) == 2
        # a child of the team: allowed; another team's child or an unknown ID: refused
        assert pupil.run_pupil_query("child_sen_team", {"child_id": "T-0011"}, db=db)[
            "sen_team"
        ].tolist() == ["North Kent"]
        for child in ("T-0001", "T-0004", "NOBODY"):
            with pytest.raises(pupil.AccessDenied):
                pupil.run_pupil_query("child_sen_team", {"child_id": child}, db=db)
        # raw quarantine rows are not a team's: refused
        with pytest.raises(pupil.AccessDenied):
            pupil.quarantine_rows(db=db)
    two = Viewer("cw2", "CW2", CASEWORKER, sen_teams=("South Kent", "West Kent"))
    with acting_as(two):
        got = pupil.cohort_page(APRIL, "child_id", db=db)["child_id"].tolist()
    assert got == ids(3, 5, 6, 8)


def _output_columns(con, name: str) -> list[str]:
    """The columns query `name` returns, from DuckDB's own description of it (parameters
    bound as NULL, template slots filled with their first allowed value)."""
    sql = runner._query_text(name)
    template = {
        slot: sorted(runner._allowed[slot])[0]
        for slot in set(re.findall(r"\{\{\s*([A-Za-z_]\w*)\s*\}\}", sql)) - set(runner._FRAGMENTS)
    }
    rendered = runner.render(name, template)
    names = runner._parameter_names(rendered)
    description = con.execute(
        f"SELECT * FROM ({rendered}) LIMIT 0",  # noqa: S608 - the project's own SQL
        dict.fromkeys(names),
    ).description
    return [d[0] for d in description]


@pytest.fixture(scope="module")
def loaded_db(tmp_path_factory):
    """A database built by the real loader, with the casework log: every view a query may
    read (cohort, case_flags, ...) exists, so DuckDB can describe every query's output."""
    from data.load import load_casework, load_cohort

    data = Path(__file__).resolve().parent / "data"
    path = tmp_path_factory.mktemp("trust_q_loaded") / "loaded.duckdb"
    load_cohort(data / "f_cohort_2024_02.csv", "2024-02", path)
    load_casework(data / "f_casework.csv", path)
    return path


def test_every_query_returning_child_id_is_marked_pupil_level(loaded_db):
    import queries.aggregates  # noqa: F401 - these register their template allow-lists
    import queries.casework  # noqa: F401

    con = duckdb.connect(str(loaded_db), read_only=True)
    marked, unmarked = [], []
    try:
        for path in sorted(QUERY_DIR.glob("*.sql")):
            columns = _output_columns(con, path.stem)  # DuckDB's own description
            if "child_id" in columns:
                assert runner.is_pupil_level(path.stem), (
                    f"{path.name} returns child_id: mark it PUPIL-LEVEL in its header"
                )
                marked.append(path.stem)
            else:
                unmarked.append(path.stem)
    finally:
        con.close()
    assert len(marked) + len(unmarked) >= 25
    for name in ("cohort_rows", "cohort_export", "quarantine_rows", "casework_child_ids"):
        assert name in marked
    assert "cohort_count" in unmarked and "children_by_category" in unmarked


def test_no_pupil_level_query_selects_star_or_date_of_birth():
    for path in QUERY_DIR.glob("*.sql"):
        if not runner.is_pupil_level(path.stem):
            continue
        text = runner._strip(path.read_text(encoding="utf-8"), keep_text=False)
        # SELECT * only over the query's own narrower CTEs, never over a table or view
        for star in re.finditer(r"select\s+\*.*?\bfrom\s+(\w+)", text, re.IGNORECASE | re.DOTALL):
            assert star.group(1).lower() not in BASE_TABLES, path.name
        assert "date_of_birth" not in text, path.name
