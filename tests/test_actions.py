"""The action plan store: versions kept, stale saves refused, imports accepted or refused."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pandas as pd
import pytest

from appstore import actions
from appstore.connection import connect

BASE = {
    "title": "Find a placement for every child out over a term",
    "owner": "Head of SEN",
    "due_date": "2026-12-31",
    "status": "not started",
    "measure_kind": "view",
    "measure": "http://dash/overview?period=2026-10&placement=No+placement",
    "notes": "",
}


@pytest.fixture
def store(tmp_path):
    return tmp_path / "app.sqlite"


def test_every_change_is_a_new_version_and_nothing_is_lost(store):
    opened = actions.Opened("2026-10", 42.0, "42 children")
    action_id = actions.create(BASE, user="ann", opened=opened, store=store)
    v2 = actions.save(action_id, 1, {**BASE, "status": "in progress"}, user="bob", store=store)
    v3 = actions.save(action_id, 2, {**BASE, "status": "in progress", "notes": "x"}, store=store)
    assert (v2, v3) == (2, 3)
    versions = actions.history(action_id, store=store)
    assert versions["version"].tolist() == [1, 2, 3]
    assert versions["status"].tolist() == ["not started", "in progress", "in progress"]
    assert versions["changed_by"].tolist()[:2] == ["ann", "bob"]
    assert versions["change"].tolist()[:3] == [
        "opened",
        "status not started → in progress",
        "notes changed",
    ]
    # The figure at opening belongs to the action: every version carries it unchanged.
    assert versions["opened_value"].tolist() == [42.0, 42.0, 42.0]
    now = actions.current(store).iloc[0]
    assert (now["version"], now["status"], now["notes"]) == (3, "in progress", "x")


def test_dropping_is_a_version_and_the_store_refuses_updates_and_deletes(store):
    action_id = actions.create(BASE, user="ann", store=store)
    assert actions.drop(action_id, 1, user="ann", store=store) == 2
    assert actions.current(store).iloc[0]["status"] == "dropped"
    with connect(store) as con, pytest.raises(sqlite3.IntegrityError, match="never deleted"):
        con.execute("DELETE FROM action_versions")
    with connect(store) as con, pytest.raises(sqlite3.IntegrityError, match="never changed"):
        con.execute("UPDATE action_versions SET title = 'x'")
    assert len(actions.history(action_id, store=store)) == 2


def test_a_stale_save_is_refused_with_who_changed_it(store):
    action_id = actions.create(BASE, user="ann", store=store)
    # Ann and Bob both open version 1; Bob saves first.
    actions.save(action_id, 1, {**BASE, "owner": "Bob"}, user="bob", store=store)
    with pytest.raises(actions.StaleVersion, match=r"changed by bob at .*\(version 2\)"):
        actions.save(action_id, 1, {**BASE, "notes": "Ann's note"}, user="ann", store=store)
    latest = actions.history(action_id, store=store)
    assert latest["version"].tolist() == [1, 2]
    assert latest.iloc[-1]["owner"] == "Bob" and latest.iloc[-1]["notes"] == ""


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": "  "}, "needs a title"),
        ({"owner": ""}, "needs an owner"),
        ({"due_date": "31 Dec"}, "not a date"),
        ({"status": "finished"}, "not one of"),
        ({"measure": ""}, "measure is empty"),
    ],
)
def test_bad_values_are_refused(store, change, message):
    with pytest.raises(actions.ActionError, match=message):
        actions.create({**BASE, **change}, store=store)
    assert actions.current(store).empty


def test_overdue_lists_open_actions_past_their_date_oldest_first(store):
    today = dt.date(2026, 11, 30)
    a = actions.create({**BASE, "due_date": "2026-11-01"}, store=store)
    actions.create({**BASE, "due_date": "2026-12-01"}, store=store)  # not yet due
    c = actions.create({**BASE, "due_date": "2026-10-01", "status": "in progress"}, store=store)
    actions.create({**BASE, "due_date": "2026-09-01", "status": "done"}, store=store)
    d = actions.create({**BASE, "due_date": "2026-08-01"}, store=store)
    actions.drop(d, 1, store=store)
    assert actions.overdue(today, store=store)["action_id"].tolist() == [c, a]
    pack = actions.plan_for_pack(today, store=store)
    assert pack["action_id"].tolist()[:2] == [c, a]
    assert pack["overdue"].tolist() == [True, True, False, False, False]
    assert pack["status"].tolist()[2:] == ["not started", "done", "dropped"]


def test_import_accepts_good_rows_and_refuses_bad_ones_with_reasons(store):
    actions.create({**BASE, "title": "Already there", "owner": "Ann"}, store=store)
    csv = (
        b"Title,Owner,Due date,Status,Notes\n"
        b"Review every import,QA officer,2027-01-31,In progress,from the review\n"  # row 2 ok
        b",Ann,2027-01-31,,\n"  # row 3: no title
        b"Audit section 19,Ann,next week,,\n"  # row 4: bad date
        b"Call schools,Ann,31/01/2027,finished,\n"  # row 5: bad status
        b"Already there,ann,2027-02-01,,\n"  # row 6: duplicate of an existing action
        b"Train caseworkers,Bob,15/02/2027,,\n"  # row 7 ok (UK date, default status)
        b"Review every import,QA officer,2027-01-31,,\n"  # row 8: duplicate within the file
    )
    frame = actions.read_spreadsheet(csv, "plan.csv")
    result = actions.import_plan(frame, user="importer", store=store)
    assert [r["row"] for r in result.accepted] == [2, 7]
    reasons = {r["row"]: r["reason"] for r in result.refused}
    assert set(reasons) == {3, 4, 5, 6, 8}
    assert "needs a title" in reasons[3]
    assert "not a date" in reasons[4]
    assert "not one of" in reasons[5]
    assert "already holds" in reasons[6] and "already holds" in reasons[8]
    plan = actions.current(store).set_index("title")
    assert plan.loc["Review every import", "status"] == "in progress"
    assert plan.loc["Train caseworkers", "due_date"] == "2027-02-15"
    assert plan.loc["Train caseworkers", "status"] == "not started"
    assert len(plan) == 3
    table = result.table()
    assert table["result"].tolist() == [
        "accepted",
        "refused",
        "refused",
        "refused",
        "refused",
        "accepted",
        "refused",
    ]


def test_import_reads_excel_and_refuses_a_sheet_without_the_columns(store, tmp_path):
    path = tmp_path / "plan.xlsx"
    pd.DataFrame(
        {"Title": ["Map provision"], "Owner": ["Ann"], "Due date": [dt.datetime(2027, 3, 1)]}
    ).to_excel(path, index=False)
    frame = actions.read_spreadsheet(path.read_bytes(), "plan.xlsx")
    result = actions.import_plan(frame, store=store)
    assert [r["row"] for r in result.accepted] == [2]
    assert actions.current(store).iloc[0]["due_date"] == "2027-03-01"
    with pytest.raises(actions.ActionError, match="no column for: owner"):
        actions.import_plan(pd.DataFrame({"title": ["x"], "due date": ["2027-01-01"]}), store=store)


def test_a_measure_given_without_its_kind_is_read_as_a_link_or_an_id(store):
    link = actions.create(
        {**BASE, "measure_kind": "", "measure": "https://dash/?period=2026-10"}, store=store
    )
    child = actions.create({**BASE, "measure_kind": "", "measure": "SYN0001"}, store=store)
    plan = actions.current(store).set_index("action_id")
    assert plan.loc[link, "measure_kind"] == "view"
    assert (plan.loc[child, "measure_kind"], plan.loc[child, "measure"]) == ("child", "SYN0001")


def test_a_title_marked_safe_to_publish_is_a_versioned_field(store):
    action_id = actions.create(BASE, user="ann", store=store)
    assert actions.current(store).iloc[0]["title_safe"] == 0  # free text: not safe until said
    actions.save(action_id, 1, {**BASE, "title_safe": True}, user="ann", store=store)
    actions.save(action_id, 2, {**BASE, "title_safe": False}, user="bob", store=store)
    versions = actions.history(action_id, store=store)
    assert versions["title_safe"].tolist() == [0, 1, 0]
    assert versions["change"].tolist()[1:] == [
        "title marked safe to publish",
        "title no longer marked safe to publish",
    ]


def test_a_store_made_before_titles_could_be_marked_keeps_every_title_unpublished(store):
    # the action plan as stores held it before the title_safe column: no such column
    with connect(store) as con:
        con.executescript(
            actions.SCHEMA.replace("    title_safe    INTEGER NOT NULL DEFAULT 0,\n", "").replace(
                "-- 1: the author", "-- (old) 1: the author"
            )
        )
        con.execute(
            "INSERT INTO action_versions (action_id, version, title, owner, due_date, status, "
            "changed_by, changed_at, change) VALUES (1, 1, 'Chase KC1', 'Ann', '2026-12-31', "
            "'not started', 'ann', '2026-01-01T00:00:00+00:00', 'opened')"
        )
        con.commit()
    now = actions.current(store)  # the column is added; the old action stays unpublished
    assert now.iloc[0]["title"] == "Chase KC1" and now.iloc[0]["title_safe"] == 0
    assert actions.save(1, 1, {**BASE, "title": "Chase KC1"}, user="ann", store=store) == 2


def test_an_imported_plan_can_mark_titles_safe(store):
    frame = pd.DataFrame(
        {"title": ["Tuition contract", "Chase KC2"], "owner": ["Bo", "Bo"],
         "due date": ["2026-12-31", "2026-12-31"], "title safe": ["yes", ""]}
    )  # fmt: skip
    result = actions.import_plan(frame, user="bo", store=store)
    assert len(result.accepted) == 2
    assert actions.current(store)["title_safe"].tolist() == [1, 0]
