"""Today as a team works from it (issue 18, item 1): owners, "mine" and "by team", triage.

Fixture: the casework fixture (tests/data/f_*.csv, March 2024 compared with February) with the
assignments file tests/data/f_assignments.csv, through the real loader. Each child's tier is
worked out in test_casework_pages.py; act now's working order and each owner in
test_flags_queries.py. By hand, at 31 March 2024:

  team          children  act now  new to it  escalate  no one named  new this month  watch
  East                 6        2          2         0             0               3      1
  West                 7        5          4         1             2               2      0
  Not recorded         1        1          1         0             1               0      0
  (East act now: F-0003, F-0009, both Aisha Khan's; West: F-0004 Ben Osei, F-0006 Ben Osei
  (in act now in February too: escalate), F-0007 C.Jones@Council.example, F-0013 and F-0014
  no one; no team: F-0012, no one.)

Ben Osei (b.osei@council.example, caseworker of West) holds F-0004 (new to act now) and
F-0006 (escalate). Cara Jones (c.jones@council.example) holds F-0007 from 1 January, written
C.Jones@Council.example in the file (an account compared without case), and F-0006 only from
10 April, after the census date.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.util import calc_hash

from data.load import load_batch
from tests.conftest import view_link
from tests.signed_in_app import ISSUER, signed_in_app

DATA = Path(__file__).resolve().parent / "data"
SIGNED = {"iss": ISSUER, "email_verified": True}
ROLE_FILE = f"""
[identity]
issuer = "{ISSUER}"
[[grant]]
role = "safeguarding_lead"
accounts = ["lead@council.example"]
[[grant]]
role = "caseworker"
accounts = ["b.osei@council.example", "c.jones@council.example"]
sen_teams = ["West"]
"""
LEAD = {"email": "lead@council.example", "sub": "lead-1", **SIGNED}
BEN = {"email": "b.osei@council.example", "sub": "ben-1", **SIGNED}
CARA = {"email": "c.jones@council.example", "sub": "cara-1", **SIGNED}
TEAM_COLUMNS = [
    "SEN team", "Act now", "New since February 2024", "Escalate", "No caseworker",
    "New this month", "Watch", "On the worklist", "Children",
]  # fmt: skip


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("today-triage") / "flags.duckdb"
    load_batch(
        path,
        [(DATA / "f_cohort_2024_02.csv", "2024-02"), (DATA / "f_cohort_2024_03.csv", "2024-03")],
        DATA / "f_casework.csv",
        assignments_file=DATA / "f_assignments.csv",
    )
    return path


@pytest.fixture(autouse=True)
def env(sign_in_env, db):
    return sign_in_env(db, ROLE_FILE)


def run(user: dict, **query):

    at = signed_in_app(user, **query)
    at._page_hash = calc_hash("today")  # a shared /today link, opened
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def listed(at):
    return next(d.value for d in at.dataframe if "Why" in d.value.columns)


def teams_table(at):
    return next(d.value for d in at.dataframe if "SEN team" in d.value.columns[:1])


def notices(at) -> list[str]:
    return [w.value.replace("\\", "") for w in at.warning]


def test_a_lead_opens_on_the_teams_with_their_triage():
    at = run(LEAD)
    assert at.button_group(key="today_view").value == "teams"
    teams = teams_table(at)
    assert teams.columns.tolist() == TEAM_COLUMNS
    assert teams.values.tolist() == [
        ["East", 2, 2, 0, 0, 3, 1, 6, 6],
        ["West", 5, 4, 1, 2, 2, 0, 7, 7],
        ["Not recorded", 1, 1, 0, 1, 0, 0, 1, 1],
    ]
    assert any(s.value.replace("\\", "") == "Most in act now: West (5)" for s in at.subheader)
    shown = metrics(at)
    assert [shown["Act now"], shown["New this month"], shown["Watch"]] == ["8", "5", "1"]
    assert shown["New to act now since February 2024"] == "7"
    assert shown["Escalate"] == "1"
    assert shown["Act now, no caseworker named"] == "3"
    # the list names each child's owner, and says which are new to act now or escalate
    table = listed(at).set_index("Child ID")
    assert table["Caseworker"].to_dict() == {
        "F-0012": "Not recorded: no one named",
        "F-0003": "Aisha Khan",
        "F-0009": "Aisha Khan",
        "F-0007": "C.Jones@Council.example",
        "F-0013": "West: no one named",
        "F-0014": "West: no one named",
        "F-0004": "Ben Osei",
        "F-0006": "Ben Osei",
    }
    assert table.loc["F-0006", "Triage"] == "Escalate: act now at two or more extracts"
    assert set(table.drop(index="F-0006")["Triage"]) == {"New since February 2024"}
    assert any("in working order: new to act now" in c.value for c in at.caption)


def test_a_caseworker_opens_on_their_own_children():
    at = run(BEN)
    assert at.button_group(key="today_view").value == "mine"
    shown = metrics(at)
    assert [shown["Act now"], shown["New this month"], shown["Watch"]] == ["2", "0", "0"]
    assert shown["New to act now since February 2024"] == "1"  # F-0004
    assert shown["Escalate"] == "1"  # F-0006
    assert shown["Act now, no caseworker named"] == "0"
    # new to act now first, then the one that escalates
    table = listed(at)
    assert table["Child ID"].tolist() == ["F-0004", "F-0006"]
    assert set(table["Caseworker"]) == {"Ben Osei"}
    assert not [d for d in at.dataframe if "SEN team" in d.value.columns[:1]]  # no team table
    # By team: their own team's row only (a caseworker sees West's children)
    at.button_group(key="today_view").set_value("teams").run()
    assert not at.exception
    assert teams_table(at)["SEN team"].tolist() == ["West"]
    assert metrics(at)["Act now"] == "5"


def test_an_account_in_another_case_and_a_later_handover():
    # C.Jones@Council.example in the file is c.jones@council.example signing in: F-0007 is
    # hers; F-0006 passes to her on 10 April, after the census date: still Ben's in March
    at = run(CARA)
    assert listed(at)["Child ID"].tolist() == ["F-0007"]
    assert metrics(at)["Act now"] == "1"


def test_mine_for_someone_holding_no_child_says_so():
    at = run(LEAD, today_view="Mine")
    assert metrics(at)["Act now"] == "0"
    assert any(
        "No child on the worklist at March 2024 names you (lead@council.example)"
        in i.value.replace("\\", "").replace("\u2060", "")
        for i in at.info
    )


def test_a_view_that_does_not_exist_is_explained():
    at = run(LEAD, today_view="Everything")
    assert (
        "This link asked for view “Everything”, which is not one of the choices here; showing "
        "By team." in notices(at)
    )
    assert teams_table(at)["SEN team"].tolist() == ["East", "West", "Not recorded"]


def test_the_view_goes_into_the_link():
    at = run(LEAD)
    at.button_group(key="today_view").set_value("mine").run()
    assert view_link(at) == "/today?period=2024-03&today_view=Mine"


def test_the_teams_figures_as_published_hide_small_counts():
    # What a senior leader's figures would be (they never reach this page, but the figure is
    # made safe in the figures layer like every other): no count from 1 to 5 is shown.
    from figures.casework import by_team
    from figures.protect import Audience
    from figures.words import small_counts_title
    from queries.filters import CohortFilter

    exact = by_team(CohortFilter(period="2024-03"), audience=Audience.exact()).table.frame()
    safe = by_team(CohortFilter(period="2024-03"), audience=Audience.published())
    assert safe.protected and safe.hidden
    table = safe.table.frame()
    for column in TEAM_COLUMNS[1:]:
        for true, shown in zip(exact[column], table[column], strict=True):
            if 1 <= true <= 5:
                assert shown == "c", (column, true, shown)
            assert not (str(shown).isdigit() and 1 <= int(shown) <= 5), (column, shown)
    # every team's act now is 1 to 5: the title names no team
    assert safe.title == small_counts_title()


def test_a_shared_today_link_opens_today_for_a_caseworker():
    # A lead's copied /today link, opened by a caseworker (who cannot open the Overview, the
    # app's page at "/"): Today at its own path, and the caseworker's own link names it too
    at = run(BEN, period="2024-03", today_tier="Act now")
    assert at.title[0].value.startswith("Today: flags at 31 March 2024")
    assert not [n for n in notices(at) if "does not exist" in n or "cannot open" in n]
    assert view_link(at).startswith("/today?period=2024-03")
