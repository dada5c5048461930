"""queries/casework.py against the hand-built fixture (tests/data/f_*.csv through the loader).

The flags of each child at 31 March 2024 are worked out in test_flags_definitions.py; the
figures here follow from them:
  needs action: every child but F-0002 (13); out of sight: F-0003, F-0009, F-0012;
  s19 due: F-0003, F-0004, F-0005, F-0011, F-0012, F-0013, F-0014 (7; February: F-0001, F-0004);
  stalled: F-0003, F-0004, F-0006, F-0007, F-0008, F-0009, F-0010, F-0012, F-0013, F-0014 (10);
  terms without provision: F-0001 1, F-0004 2, F-0005 1, F-0011 1, F-0013 1, F-0014 1 (7).
Districts: Dover F-0001, F-0003, F-0005; Thanet F-0002, F-0009, F-0010; Swale F-0004, F-0006,
F-0007, F-0008; Ashford F-0011 to F-0014.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from data.load import load_batch
from figures.flag_words import reason_text
from queries import casework
from queries import pupil as pupil_module
from queries.filters import CohortFilter
from queries.flag_settings import FlagSettingsMissing, read_flag_settings

DATA = Path(__file__).resolve().parent / "data"
MARCH = CohortFilter(period="2024-03")


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("flag-queries") / "flags.duckdb"
    load_batch(
        path,
        [(DATA / "f_cohort_2024_02.csv", "2024-02"), (DATA / "f_cohort_2024_03.csv", "2024-03")],
        DATA / "f_casework.csv",
        assignments_file=DATA / "f_assignments.csv",
    )
    return path


def test_today_list_in_severity_order(db):
    # Out of sight first: F-0012 (2 flags, 45 days), F-0003 (2, 21), F-0009 (1, 0 days);
    # then 3 flags: F-0014 (97 days), F-0004 (71); 2 flags: F-0013 (98), F-0006 (6), F-0007
    # (unknown: its import review and stalled; regulation 15, so not the annual review too);
    # 1 flag: F-0011 (90), F-0005 (59), F-0001 (0), F-0008 and F-0010 (unknown, by ID).
    rows = casework.children_needing_action(MARCH, db=db)
    assert rows["child_id"].tolist() == [
        "F-0012", "F-0003", "F-0009", "F-0014", "F-0004", "F-0013", "F-0006", "F-0007",
        "F-0011", "F-0005", "F-0001", "F-0008", "F-0010",
    ]  # fmt: skip
    # pages of 5: the second holds the 6th to 10th children of the list above
    second = casework.children_needing_action(MARCH, page=2, page_size=5, db=db)
    assert second["child_id"].tolist() == ["F-0013", "F-0006", "F-0007", "F-0011", "F-0005"]


def test_today_list_respects_the_cohort_filter(db):
    thanet = CohortFilter(period="2024-03", districts=("Thanet",))
    rows = casework.children_needing_action(thanet, db=db)
    assert rows["child_id"].tolist() == ["F-0009", "F-0010"]


def test_reason_text_of_listed_children(db):
    rows = casework.children_needing_action(MARCH, db=db).set_index("child_id", drop=False)
    assert reason_text(rows.loc["F-0004"]) == (
        # 71 days before 31 March: since 20 January; the 2 terms count every gap
        "no provision for 71 days, since 20 January; 2 terms without provision, counting "
        "every gap since leaving school; 10 consultations since leaving school on "
        "1 September 2023; no action for 40 days"
    )
    assert reason_text(rows.loc["F-0001"]) == (
        # provision started 11 March: 0 days now, the term in the gap before
        "1 term without provision in earlier gaps, with provision since; offered ACME "
        "tuition again on 10 February after it withdrew on 10 January"
    )
    assert reason_text(rows.loc["F-0009"]) == (
        "out of sight: provision unknown and a child in need; no action for 48 days"
    )


def test_flags_by_period(db):
    trend = casework.flags_by_period(MARCH, "2024-02", "2024-03", db=db)
    assert trend["period"].tolist() == ["2024-02", "2024-03"]
    assert trend["children"].tolist() == [3, 14]
    assert trend["needs_action"].tolist() == [3, 13]
    assert trend["s19_due"].tolist() == [2, 7]
    assert trend["stalled"].tolist() == [1, 10]
    assert trend["out_of_sight"].tolist() == [0, 3]
    # February: F-0001 1 term, F-0004 1 term
    assert trend["terms_without_provision"].tolist() == [2, 7]
    assert trend["children_with_terms"].tolist() == [2, 6]


def test_flags_by_district_and_team(db):
    districts = casework.flags_by_category(MARCH, "district", db=db).set_index("category")
    columns = ["children", "s19_due", "terms_without_provision"]
    assert districts.loc["Ashford", columns].tolist() == [4, 4, 3]
    assert districts.loc["Dover", columns].tolist() == [3, 2, 2]
    assert districts.loc["Thanet", "out_of_sight"] == 1
    assert districts.loc["Canterbury", "children"] == 0  # listed with zeros, natural order
    assert districts.index[0] == "Ashford" and districts.index[-1] == "Not recorded"
    teams = casework.flags_by_category(MARCH, "sen_team", db=db)
    # East: F-0001, F-0002, F-0003, F-0005, F-0009, F-0010; West: F-0004, F-0006, F-0007,
    # F-0008, F-0011, F-0013, F-0014; F-0012 has no team.
    assert teams["category"].tolist() == ["East", "West", "Not recorded"]
    assert teams["children"].tolist() == [6, 7, 1]
    assert teams["s19_due"].tolist() == [2, 4, 1]
    with pytest.raises(ValueError):
        casework.flags_by_category(MARCH, "child_id", db=db)


def test_priority_counts_and_list(db):
    counts = casework.priority_counts(MARCH, db=db)
    assert counts["priority_recent"] == 6  # F-0003, F-0005, F-0006, F-0011, F-0012, F-0014
    assert counts["priority_primary"] == 3  # F-0003, F-0010, F-0012
    assert counts["priority_looked_after"] == 2  # F-0010, F-0012
    assert counts["priority_previously_looked_after"] == 2  # F-0011, F-0012
    met = casework.children_by_priorities_met(MARCH, db=db)
    assert met["children"].tolist() == [7, 3, 3, 0, 1]
    assert met["met"].tolist() == [0, 1, 2, 3, 4]
    assert round(met["percent"].iloc[0], 6) == round(100 * 7 / 14, 6)
    rows = casework.children_meeting_priorities(MARCH, db=db)
    # 4: F-0012; 2: F-0011 (90 days out), F-0003 (21), F-0010 (unknown); 1: F-0014 (97),
    # F-0005 (59), F-0006 (6)
    assert rows["child_id"].tolist() == [
        "F-0012", "F-0011", "F-0003", "F-0010", "F-0014", "F-0005", "F-0006",
    ]  # fmt: skip


def test_child_offers_joined_to_outcomes(db):
    offers = casework.child_offers("F-0001", db=db)
    # offered 10 Feb 2024 after Acme withdrew on 10 Jan; Acme tuition started on 11 Mar:
    # 19 + 11 = 30 days later
    assert len(offers) == 1
    offer = offers.iloc[0]
    assert offer["outcome"] == "provision_started"
    assert offer["outcome_date"].date() == dt.date(2024, 3, 11)
    assert offer["days_to_outcome"] == 30
    assert bool(offer["repeat"]) is True
    assert offer["refused_before"].date() == dt.date(2024, 1, 10)
    # F-0002: Birch offered and declined on the same day: that decline is the offer's outcome,
    # and the offer is not a repeat. Cedar AP's offer (2 Apr) came after its decline (1 Feb).
    offers = casework.child_offers("F-0002", db=db)
    assert offers["provider"].tolist() == ["Birch Academy", "Cedar AP"]
    assert offers["outcome"].tolist()[0] == "offer_declined"
    assert offers["days_to_outcome"].tolist()[0] == 0
    assert offers["repeat"].tolist() == [False, True]


def test_child_periods_events_and_ids(db):
    periods = casework.child_periods("F-0001", db=db)
    assert periods["period"].tolist() == ["2024-02", "2024-03"]
    assert periods["days_without_provision"].tolist() == [120, 0]
    events = casework.child_events("F-0002", db=db)
    assert len(events) == 7
    assert events["detail"].iloc[0] == "<b>Family asked for a <i>local</i> school</b>"
    assert casework.child_ids(CohortFilter(period="2024-02"), db=db) == [
        "F-0001", "F-0004", "F-0006",
    ]  # fmt: skip


def test_pupil_level_reads_go_through_the_choke_point(db, monkeypatch):
    seen = []
    real = pupil_module.run_pupil_query

    def spy(name, params=None, **kwargs):
        seen.append(name)
        return real(name, params, **kwargs)

    monkeypatch.setattr(casework, "run_pupil_query", spy)
    casework.children_needing_action(MARCH, db=db)
    casework.children_meeting_priorities(MARCH, db=db)
    casework.child_ids(MARCH, db=db)
    casework.child_periods("F-0001", db=db)
    casework.child_events("F-0001", db=db)
    casework.child_offers("F-0001", db=db)
    casework.worklist_children(MARCH, db=db)
    assert seen == [
        "children_needing_action",
        "children_meeting_priorities",
        "casework_child_ids",
        "casework_child_periods",
        "casework_child_events",
        "casework_child_offers",
        "worklist_children",
    ]


def test_settings_are_read_from_the_database(db):
    values = read_flag_settings(db)
    assert values.s19_days == 21
    assert values.per_term_high == 2400
    assert values.act_now_within_days == 7
    assert casework.flags_available(db) is True


def test_a_missing_setting_is_refused_not_guessed(tmp_path):
    # no copy of the thresholds in code: a database without one says so
    path = tmp_path / "old.duckdb"
    load_batch(path, [(DATA / "f_cohort_2024_02.csv", "2024-02")])
    con = duckdb.connect(str(path))
    con.execute("DELETE FROM flag_settings WHERE name = 'flags.stall_days'")
    con.close()
    with pytest.raises(FlagSettingsMissing, match="flags.stall_days"):
        read_flag_settings(path)


# --- Today's worklist tiers (fragments/worklist.sql) ----------------------------------------
# Worked out by hand from the flags in test_flags_definitions.py; see test_casework_pages.py
# for each child's tier. March compared with February (F-0001, F-0004, F-0006).


def test_worklist_tier_counts(db):
    counts = casework.worklist_counts(MARCH, db=db)
    assert counts["previous_period"] == "2024-02"
    assert [counts[k] for k in ("act_now", "new_this_month", "watch", "on_list")] == [8, 5, 1, 14]
    # new this month: all five joined since February; nobody present then gained a flag
    # (F-0001 kept its repeated offer and lost section 19; F-0004 and F-0006 act now)
    assert (counts["joined_cohort"], counts["gained_flag"]) == (5, 0)
    assert counts["records_disagree"] == 1  # F-0009
    # events after 31 March: F-0002 on 1 and 2 April
    assert counts["events_after_census"] == 2
    # act now in February: F-0006 alone (annual review due 28 Feb, no casework). Of March's 8,
    # F-0006 was there before (escalate); the other 7 entered since February (F-0004 was in
    # February's cohort but had acted 9 days before its census: not stalled, not act now).
    assert (counts["act_now_entered"], counts["act_now_escalate"]) == (7, 1)
    # no caseworker named in March (tests/data/f_assignments.csv): F-0012, F-0013, F-0014
    assert counts["act_now_unassigned"] == 3


def test_worklist_first_period_has_no_new_tier(db):
    counts = casework.worklist_counts(CohortFilter(period="2024-02"), db=db)
    assert counts["previous_period"] is None
    assert [counts[k] for k in ("act_now", "new_this_month", "watch")] == [1, 0, 2]
    # nothing to compare with: nobody entered act now, nobody escalates
    assert (counts["act_now_entered"], counts["act_now_escalate"]) == (0, 0)


def test_worklist_children_by_tier(db):
    assert casework.worklist_children(MARCH, "watch", db=db)["child_id"].tolist() == ["F-0001"]
    every = casework.worklist_children(MARCH, db=db)
    assert every["tier"].tolist() == ["act_now"] * 8 + ["new_this_month"] * 5 + ["watch"]
    disagree = casework.worklist_children(MARCH, disagree_only=True, db=db)
    assert disagree["child_id"].tolist() == ["F-0009"]
    f2 = every.set_index("child_id").loc["F-0002"]
    assert f2["events_after_census"] == 2
    with pytest.raises(ValueError):
        casework.worklist_children(MARCH, "everyone", db=db)


def test_act_now_in_working_order(db):
    # Entered act now since February first (all but F-0006), out of sight first among them,
    # then by the clock passed longest ago (test_flags_definitions.py works the dates out):
    #   out of sight: F-0012 (s19 due 7 Mar 2024: out since 15 Feb + 21 days), F-0003 (s19 due
    #     31 Mar), F-0009 (provision started 12 Feb: no s19 clock; review due 1 Jul 2024);
    #   the rest: F-0007 (import review due 1 Sep 2023), F-0013 (s19 due 14 Jan 2024: out
    #     since 24 Dec), F-0014 (s19 due 15 Jan: out since 25 Dec), F-0004 (s19 due 10 Feb).
    # Then the one in act now at both extracts: F-0006 (review due 28 Feb 2024).
    rows = casework.worklist_children(MARCH, "act_now", db=db)
    assert rows["child_id"].tolist() == [
        "F-0012", "F-0003", "F-0009", "F-0007", "F-0013", "F-0014", "F-0004", "F-0006",
    ]  # fmt: skip
    assert rows["entered_act_now"].tolist() == [True] * 7 + [False]
    assert rows["escalate"].tolist() == [False] * 7 + [True]
    assert rows["clock_due_date"].dt.date.tolist()[:4] == [
        dt.date(2024, 3, 7), dt.date(2024, 3, 31), dt.date(2024, 7, 1), dt.date(2023, 9, 1),
    ]  # fmt: skip
    assert rows["clock"].tolist()[3:] == [
        "import_review", "s19", "s19", "s19", "annual_review",
    ]  # fmt: skip
    # the same order when the whole list is read in pages of 3
    paged = [
        casework.worklist_children(MARCH, "act_now", page, 3, db=db)["child_id"].tolist()
        for page in (1, 2, 3)
    ]
    assert sum(paged, []) == rows["child_id"].tolist()


def test_every_child_on_the_worklist_has_an_owner(db):
    # tests/data/f_assignments.csv at 31 March 2024: F-0003 Aisha Khan (from the start);
    # F-0004 Ben Osei from 15 Mar; F-0006 Ben Osei, then Cara Jones from 10 Apr (after the
    # census: still Ben); F-0007 C.Jones@Council.example from 1 Jan (no name given: the
    # account is shown); F-0009 Aisha Khan from 1 Jan. The others: their SEN team only.
    rows = casework.worklist_children(MARCH, db=db).set_index("child_id")
    named = rows["caseworker_name"].dropna().to_dict()
    assert named == {
        "F-0003": "Aisha Khan",
        "F-0004": "Ben Osei",
        "F-0006": "Ben Osei",
        "F-0007": "C.Jones@Council.example",
        "F-0009": "Aisha Khan",
    }
    assert rows.loc["F-0013", "sen_team"] == "West"
    assert rows.loc["F-0012", "sen_team"] == "Not recorded"  # blank in the extract
    assert rows["sen_team"].notna().all()
    # in February Ben Osei did not yet hold F-0004 (from 15 March); F-0006 he did
    february = casework.worklist_children(CohortFilter(period="2024-02"), db=db)
    owners = dict(zip(february["child_id"], february["caseworker_name"], strict=True))
    assert owners["F-0006"] == "Ben Osei"
    assert pd.isna(owners["F-0004"])


def test_worklist_by_team(db):
    # East: F-0001 (watch), F-0002, F-0005, F-0010 (new), F-0003, F-0009 (act now, both new
    # to it, both with Aisha Khan); West: F-0004, F-0006, F-0007, F-0013, F-0014 (act now; F-0006
    # was in February too; F-0013 and F-0014 have no caseworker), F-0008, F-0011 (new);
    # no team: F-0012 (act now, new to it, no caseworker).
    teams = casework.worklist_by_team(MARCH, db=db)
    assert teams["sen_team"].tolist() == ["East", "West", "Not recorded"]
    columns = [
        "children", "act_now", "act_now_entered", "act_now_escalate", "act_now_unassigned",
        "new_this_month", "watch", "on_list",
    ]  # fmt: skip
    assert teams[columns].values.tolist() == [
        [6, 2, 2, 0, 0, 3, 1, 6],
        [7, 5, 4, 1, 2, 2, 0, 7],
        [1, 1, 1, 0, 1, 0, 0, 1],
    ]
    # the sidebar filter narrows it: Swale holds F-0004, F-0006, F-0007, F-0008 (all West)
    swale = casework.worklist_by_team(CohortFilter(period="2024-03", districts=("Swale",)), db=db)
    assert swale[["sen_team", "act_now", "act_now_escalate"]].values.tolist() == [["West", 3, 1]]


def test_a_caseworkers_own_worklist(db):
    # Ben Osei in March: F-0004 (entered act now) and F-0006 (act now at both extracts)
    mine = casework.worklist_counts(MARCH, caseworker="b.osei@council.example", db=db)
    assert [mine[k] for k in ("children", "act_now", "act_now_entered", "act_now_escalate")] == [
        2, 2, 1, 1,
    ]  # fmt: skip
    rows = casework.worklist_children(MARCH, caseworker="b.osei@council.example", db=db)
    assert rows["child_id"].tolist() == ["F-0004", "F-0006"]
    # accounts compared without case: the file wrote C.Jones@Council.example for F-0007;
    # F-0006 is hers only from 10 April
    rows = casework.worklist_children(MARCH, caseworker="  c.jones@COUNCIL.example ", db=db)
    assert rows["child_id"].tolist() == ["F-0007"]
    # nobody by that name: an empty list, not everyone's
    assert (
        casework.worklist_counts(MARCH, caseworker="nobody@council.example", db=db)["children"] == 0
    )
    with pytest.raises(ValueError):
        casework.worklist_children(MARCH, caseworker="   ", db=db)


def test_one_flag_by_district_with_its_share(db):
    # section 19 due: Ashford 4 of its 4 children, Dover 2 of 3 (F-0003, F-0005 of F-0001,
    # F-0003, F-0005), Swale 1 of 4 (F-0004), Thanet 0 of 3
    shown = casework.flag_by_category(MARCH, "district", "s19_due", db=db).set_index("category")
    assert shown.loc["Ashford", ["children", "flagged", "percent"]].tolist() == [4, 4, 100.0]
    assert shown.loc["Dover", "percent"] == pytest.approx(200 / 3)
    assert shown.loc["Swale", "percent"] == 25.0
    assert shown.loc["Thanet", "percent"] == 0.0
    assert shown.loc["Canterbury", "percent"] == 0.0  # no children: 0, not a division error
    with pytest.raises(ValueError):
        casework.flag_by_category(MARCH, "district", "children; DROP TABLE x", db=db)


def test_cost_of_delay_and_terms_by_district(db):
    # 7 terms across 6 children (module docstring); 7 x 900 = 6,300; 7 x 2,400 = 16,800,
    # rounded up to 17,000
    cost = casework.cost_of_delay(MARCH, 900, 2400, db=db)
    assert cost.pop("children_with_terms_ckey") in range(256)  # tests/test_disclosure_sql.py
    assert cost == {
        "terms": 7,
        "children_with_terms": 6,
        "cost_low": 6300,
        "cost_high": 17000,
    }
    # Ashford F-0011, F-0013, F-0014 one term each: 3 of the 7 terms
    by_district = casework.terms_by_district(MARCH, 900, 2400, db=db).set_index("category")
    assert by_district.loc["Ashford", "terms_without_provision"] == 3
    assert by_district.loc["Ashford", "percent"] == pytest.approx(300 / 7)
    assert by_district.loc["Ashford", ["cost_low", "cost_high"]].tolist() == [2700, 7200]
    assert "Canterbury" not in by_district.index  # districts with no children are left out


def test_event_counts_of_a_child(db):
    # F-0004: 10 consultations in the log plus the one on 20 Aug 2023 before leaving school,
    # 2 provision starts and 2 ends
    counts = casework.event_counts(casework.child_events("F-0004", db=db))
    assert counts == {"consultation": 11, "provision_started": 2, "provision_ended": 2}
    assert casework.event_counts(casework.child_events("F-0003", db=db)) == {}
