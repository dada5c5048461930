"""A caseworker sees their teams' counts everywhere, and page numbers never run past the end.

Fixture: the casework fixture (tests/data/f_*.csv: 14 children in March 2024, 3 in February)
through the real loader, signed in as a caseworker of team West. West in March (f_cohort_2024_
03.csv, column sen_team): F-0004, F-0006, F-0007, F-0008, F-0011, F-0013, F-0014 = 7 children
of 14. Their worklist tiers (each child's tier worked out in test_casework_pages.py):
  act now        F-0004, F-0006, F-0007, F-0013, F-0014 = 5 (county: 8)
  new this month F-0008, F-0011 = 2                         (county: 5)
  watch          none = 0                                    (county: 1)
Priorities met (test_casework_pages.py's list): F-0011 2, F-0014 1, F-0006 1; the other four
meet none: by number met 0..4 -> 4, 2, 1, 0, 0; 3 of 7 meet a priority (county: 7 of 14).
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.util import calc_hash

from data.load import load_batch
from pages.common.exports import csv_bytes, info_lines
from tests.signed_in_app import ISSUER, signed_in_app

SIGNED = {"iss": ISSUER, "email_verified": True}

DATA = Path(__file__).resolve().parent / "data"
ROLE_FILE = f"""
[identity]
issuer = "{ISSUER}"
[[grant]]
role = "caseworker"
accounts = ["cw@council.example"]
sen_teams = ["West"]
[[grant]]
role = "qa_officer"
accounts = ["qa@council.example"]
"""
WEST = {"email": "cw@council.example", "sub": "cw-1", **SIGNED}
QA = {"email": "qa@council.example", "sub": "qa-1", **SIGNED}
WEST_CHILDREN = {"F-0004", "F-0006", "F-0007", "F-0008", "F-0011", "F-0013", "F-0014"}


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("caseworker-pages") / "flags.duckdb"
    load_batch(
        path,
        [(DATA / "f_cohort_2024_02.csv", "2024-02"), (DATA / "f_cohort_2024_03.csv", "2024-03")],
        DATA / "f_casework.csv",
    )
    return path


@pytest.fixture(autouse=True)
def env(sign_in_env, db):
    return sign_in_env(db, ROLE_FILE)


def run(user: dict, script: str, **query):

    at = signed_in_app(user, **query)
    # opened at the page's own path, as a shared link is (the page's URL-path hash)
    at._page_hash = calc_hash(Path(script).stem)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def header(at) -> str:
    return " ".join(h.proto.body for h in at.get("html") if "oos-context" in h.proto.body)


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def notices(at) -> list[str]:
    return [w.value for w in at.warning]


def captions(at) -> str:
    return "\n".join(c.value for c in at.caption)


class Downloads:
    """Records what each pupil-level download button would write: its rows are read on the
    click, as the viewer who drew the page (pages/common/pupil_export.py), and written with the
    header the page gave it."""

    def __init__(self, monkeypatch):
        import pages.common.child_lists as child_lists
        import pages.common.pupil_export as module

        self.files: dict[str, bytes] = {}
        real = module.pupil_download

        def record(label, rows, file_name, *, info=None, **kwargs):
            from dataclasses import replace

            from trust.viewer import acting_as, current

            viewer = current()
            with acting_as(replace(viewer, export_file=file_name)):
                table = rows()
            if file_name.endswith(".csv"):
                from pages.common.exports import export_info

                title = label.removeprefix("Download ").split(" (")[0]
                made = info or export_info(title[:1].upper() + title[1:], pupil_level=True)
                self.files[file_name] = csv_bytes(table, info=made)
            return real(label, rows, file_name, info=info, **kwargs)

        monkeypatch.setattr(module, "pupil_download", record)
        # the pages' shared list helpers hold their own name for it
        monkeypatch.setattr(child_lists, "pupil_download", record)

    def read(self, name: str) -> tuple[list[str], pd.DataFrame]:
        text = self.files[name].decode("utf-8-sig")
        skip = info_lines(text)
        return text.splitlines()[:skip], pd.read_csv(io.StringIO(text), skiprows=skip)


def worklist_table(at):
    """Today's list of children (after the by-team table in that view)."""
    return next(d.value for d in at.dataframe if "Why" in d.value.columns)


def test_todays_tiers_page_numbers_and_rows_are_the_teams(monkeypatch):
    files = Downloads(monkeypatch)
    # Today opens on "mine" for a caseworker; this database has no assignments file, so the
    # team's children are under "By team"
    at = run(WEST, "pages/today.py", today_view="By team")
    assert "<strong>7</strong> children in your SEN teams (West)" in header(at)
    tiers = metrics(at)
    assert (tiers["Act now"], tiers["New this month"], tiers["Watch"]) == ("5", "2", "0")
    assert "7 of 7 children are on the worklist at March 2024" in captions(at).replace("\\", "")
    table = worklist_table(at)
    assert set(table["Child ID"]) == {"F-0004", "F-0006", "F-0007", "F-0013", "F-0014"}
    assert "Children 1 to 5 of 5" in captions(at)
    # the whole worklist file: the team's 7 children, and its header says whose they are
    head, rows = files.read("worklist_2024-03.csv")
    assert set(rows["Child ID"]) == WEST_CHILDREN
    assert "# Filters: SEN team: West" in head
    at.button_group(key="today_tier").set_value("new_this_month").run()
    assert set(worklist_table(at)["Child ID"]) == {"F-0008", "F-0011"}


def test_a_page_past_the_end_says_so_and_shows_the_last_page():
    # West's act-now tier holds 5 children: one page of 50. (Today's own county count, 8,
    # would have offered the same single page; the URL asks for page 5.)
    at = run(WEST, "pages/today.py", today_page="5", today_view="By team")
    assert any(
        "asked for page 5, but there is only 1 page; showing page 1" in n for n in notices(at)
    )
    assert len(worklist_table(at)) == 5
    assert "Children 1 to 5 of 5" in captions(at)


def test_the_explorer_counts_and_pages_the_teams_children(monkeypatch):
    files = Downloads(monkeypatch)
    at = run(WEST, "pages/explorer.py", rows_per_page="25", page="999")
    assert "<strong>7</strong> children in your SEN teams (West)" in header(at)
    assert any(
        "asked for page 999, but there is only 1 page; showing page 1" in n for n in notices(at)
    )
    assert set(at.dataframe[0].value["Child ID"]) == WEST_CHILDREN
    assert "Children 1 to 7 of 7" in captions(at)
    assert "Downloads hold all 7 children" in captions(at)
    head, rows = files.read("cohort_2024-03.csv")
    assert set(rows["Child ID"]) == WEST_CHILDREN
    assert "# Filters: SEN team: West" in head


def test_priority_counts_are_the_teams():
    at = run(WEST, "pages/priority.py")
    assert at.subheader[0].value == "3 of 7 children meet a priority for return"
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert chart["data"][0]["y"] == [4, 2, 1, 0, 0]
    assert at.dataframe[-1].value["Child ID"].tolist() == ["F-0011", "F-0014", "F-0006"]


def test_a_caseworker_asking_for_another_team_still_sees_their_own():
    # an edited link: team=East. The sidebar offers West only, says East is left out, and
    # the figures keep to West.
    at = run(WEST, "pages/today.py", team="East", today_view="By team")
    assert at.sidebar.multiselect(key="team").options == ["West"]
    assert any("sen team “East”, which is not one of the choices" in n for n in notices(at))
    tiers = metrics(at)
    assert (tiers["Act now"], tiers["New this month"]) == ("5", "2")
    assert set(worklist_table(at)["Child ID"]) <= WEST_CHILDREN


def test_the_figures_layer_keeps_a_caseworker_to_their_teams_whatever_it_is_asked():
    # what a page cannot bypass: the figure functions narrow every filter to the viewer's
    # teams, and a team that is not theirs counts nobody (as the choke point gives no rows)
    from figures.casework import worklist
    from figures.frame import frame
    from figures.links import CohortFilter
    from figures.protect import of_viewer
    from trust.roles import CASEWORKER
    from trust.viewer import SIGN_IN, Viewer, acting_as

    viewer = Viewer("cw@council.example", "CW", CASEWORKER, SIGN_IN, sen_teams=("West",))
    audience = of_viewer(viewer)
    march = CohortFilter(period="2024-03")
    with acting_as(viewer):
        assert frame(march, audience).count == 7
        assert frame(march, audience).filters == ("SEN team: West",)
        east = CohortFilter(period="2024-03", sen_teams=("East",))
        assert frame(east, audience).count == 0
        assert [t.value for t in worklist(march, audience=audience).tiers] == ["5", "2", "0"]


def test_a_county_wide_role_sees_the_county(monkeypatch):
    # the same page for a QA officer: the county's 14 children and tiers 8 / 5 / 1
    at = run(QA, "pages/today.py")
    tiers = metrics(at)
    assert (tiers["Act now"], tiers["New this month"], tiers["Watch"]) == ("8", "5", "1")
    assert "<strong>14</strong> children in the cohort" in header(at)


def test_an_explorer_page_past_the_end_after_the_filters_narrow():
    # page 3 of 25 a page exists for no one here (14 children): the last page instead
    at = run(QA, "pages/explorer.py", rows_per_page="25", page="3")
    assert any("asked for page 3, but there is only 1 page" in n for n in notices(at))
    assert len(at.dataframe[0].value) == 14
    assert "Children 1 to 14 of 14" in captions(at)
