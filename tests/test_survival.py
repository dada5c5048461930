"""Time to return to school: episodes from snapshots (each rule by hand), the page's counts,
the numbers at risk and the chance of return by time already out.

Snapshot fixture, periods 2024-01 to 2024-06 (census dates 31 Jan, 29 Feb, 31 Mar, 30 Apr,
31 May, 30 Jun 2024); each child's out_of_school_since in brackets. Days: 31 Jan -> 29 Feb 29,
-> 31 Mar 31, -> 30 Apr 30, -> 31 May 31, -> 30 Jun 30. (entry, lower, upper) are days from
the start to the first census seen, the last census seen, and the census (or new start) by
which the child had returned.

  A  Jan Feb Mar       (15 Jan)  gone Apr-Jun: returned between 31 Mar and 30 Apr.
                                 entry 16, lower 16+29+31 = 76, upper 76+30 = 106
  B  Jan Feb           (1 Dec 23) gone Mar, Apr: returned by 31 Mar (its next start, 10 May,
                                 is later): entry 61, lower 61+29 = 90, upper 90+31 = 121
     May Jun           (10 May)  two periods missing: a new episode; still out.
                                 entry 21, lower 21+30 = 51
  C  Jan --- Mar Apr   (5 Jan)   one missing month, same date: ONE episode; returned by
                                 31 May: entry 26, lower 26+29+31+30 = 116, upper 147
  D  Jan               (20 Jan)  one missing month but a date (1 Mar) after the January census:
                                 returned by 29 Feb: entry 11, lower 11, upper 40
     Mar Apr May Jun   (1 Mar)   still out: entry 30, lower 30+30+31+30 = 121
  E  Feb               (1 Feb)   in March with a date after the February census: returned
                                 before the new start, 10 Mar: entry 28, lower 28, upper 38
     Mar Apr           (10 Mar)  returned by 31 May: entry 21, lower 51, upper 82
  F  Jan               (5 Jan)   TWO missing months, date unchanged: a return (kept, by 29 Feb:
                                 entry 26, lower 26, upper 55) ...
     Apr May Jun       (5 Jan)   ... and a second episode whose date is not after the first
                                 one's last census: start unknown, counted as a problem
  G  Jan               (20 Jan)  one missing month, the date CORRECTED to an earlier one (a date
     Mar Apr May Jun   (10 Jan)  on or before a census the child was out at cannot start a new
                                 spell): ONE episode from the earliest date, 10 Jan, still out:
                                 entry 21, lower 21+29+31+30+31+30 = 172
  H  Jun               (1 Jun)   first seen in the latest month: counted, still out: entry 29,
                                 lower 29 (no time followed yet)
  I  Apr May           (15 Apr)  absent only from the latest month: "not seen", censored at
                                 31 May, not a return: entry 15, lower 15+31 = 46
  J  Mar Apr           (none)    no start date: a problem
  K  Jun               (15 Jul)  a start after the census the child was out at: a problem

For the estimates, follow-up ends at 31 May, the census before the latest, for every child
(followed_days, return_days): the latest census only confirms returns.
"""

from __future__ import annotations

import datetime as dt
import math

import duckdb
import pytest

from queries import runner
from queries import survival as sv
from queries.filters import CohortFilter
from tests.q_fixture import SCHEMA

CENSUS = {
    "2024-01": "2024-01-31", "2024-02": "2024-02-29", "2024-03": "2024-03-31",
    "2024-04": "2024-04-30", "2024-05": "2024-05-31", "2024-06": "2024-06-30",
}  # fmt: skip
ROWS = [
    ("A", "2024-01-15", ["2024-01", "2024-02", "2024-03"]),
    ("B", "2023-12-01", ["2024-01", "2024-02"]),
    ("B", "2024-05-10", ["2024-05", "2024-06"]),
    ("C", "2024-01-05", ["2024-01", "2024-03", "2024-04"]),
    ("D", "2024-01-20", ["2024-01"]),
    ("D", "2024-03-01", ["2024-03", "2024-04", "2024-05", "2024-06"]),
    ("E", "2024-02-01", ["2024-02"]),
    ("E", "2024-03-10", ["2024-03", "2024-04"]),
    ("F", "2024-01-05", ["2024-01"]),
    ("F", "2024-01-05", ["2024-04", "2024-05", "2024-06"]),
    ("G", "2024-01-20", ["2024-01"]),
    ("G", "2024-01-10", ["2024-03", "2024-04", "2024-05", "2024-06"]),
    ("H", "2024-06-01", ["2024-06"]),
    ("I", "2024-04-15", ["2024-04", "2024-05"]),
    ("J", None, ["2024-03", "2024-04"]),
    ("K", "2024-07-15", ["2024-06"]),
]
F = CohortFilter(period="2024-06")


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("survival") / "s.duckdb"
    con = duckdb.connect(str(path))
    con.execute(SCHEMA.read_text(encoding="utf-8"))
    for child, since, periods in ROWS:
        for period in periods:
            con.execute(
                "INSERT INTO snapshot (period, census_date, child_id, age, gender, year_group, "
                "primary_need, district, placement_status, care_status, cin, cp, cla, "
                "previously_looked_after, is_import, out_of_school_since, source_row, load_id) "
                "VALUES ($p, $c, $id, 10, $g, 'Year 5', 'ASD', 'Dover', 'No placement', "
                "'No care status', false, false, false, false, false, $since, 1, 1)",
                {"p": period, "c": CENSUS[period], "id": child, "since": since,
                 "g": "Female" if child in "AB" else "Male"},
            )  # fmt: skip
    con.close()
    runner.clear_cache()
    return path


def _day(value):
    return None if value is None or value != value else int(value)


def test_each_episode_rule_by_hand(db):
    frame = sv.episodes(F, db=db)
    got = sorted(
        (r.child_id, None if r.episode_start is None or r.episode_start != r.episode_start
         else r.episode_start.date().isoformat(), r.status, r.problem, _day(r.entry_days),
         _day(r.lower_days), _day(r.upper_days), _day(r.followed_days), _day(r.return_days))
        for r in frame.astype(object).where(frame.notna(), None).itertuples()
    )  # fmt: skip
    # the last two: follow-up for the estimates ends at 31 May, the census before the latest
    # (B2 first seen then, 21; D2 and G followed to it, 91 and 142; H first seen on 30 June:
    # no time followed, 29 - 0 = its entry; F2 and K are problems, not timed)
    assert got == [
        ("A", "2024-01-15", "returned", None, 16, 76, 106, 76, 106),
        ("B", "2023-12-01", "returned", None, 61, 90, 121, 90, 121),
        ("B", "2024-05-10", "still_out", None, 21, 51, None, 21, None),
        ("C", "2024-01-05", "returned", None, 26, 116, 147, 116, 147),
        ("D", "2024-01-20", "returned", None, 11, 11, 40, 11, 40),
        ("D", "2024-03-01", "still_out", None, 30, 121, None, 91, None),
        ("E", "2024-02-01", "returned", None, 28, 28, 38, 28, 38),
        ("E", "2024-03-10", "returned", None, 21, 51, 82, 51, 82),
        ("F", "2024-01-05", "returned", None, 26, 26, 55, 26, 55),
        # 5 Jan to 30 Apr 116 days, to 31 May 147, to 30 Jun 177: counted, start not known
        ("F", "2024-01-05", "still_out", "start_not_after_previous", 116, 177, None, 147, None),
        ("G", "2024-01-10", "still_out", None, 21, 172, None, 142, None),
        ("H", "2024-06-01", "still_out", None, 29, 29, None, 29, None),
        ("I", "2024-04-15", "not_seen", None, 15, 46, None, 46, None),
        ("J", None, "returned", "no_start", None, None, None, None, None),
        ("K", "2024-07-15", "still_out", "start_after_census", -15, -15, None, -15, None),
    ]
    ends = {(r.child_id, r.first_seen.date()): r.return_by for r in frame.itertuples()}
    assert ends[("E", dt.date(2024, 2, 29))].date() == dt.date(2024, 3, 10)  # the new start
    assert ends[("B", dt.date(2024, 1, 31))].date() == dt.date(2024, 3, 31)  # the next census
    changed = frame.loc[frame["start_changed"], "child_id"].tolist()
    assert changed == ["G"]
    assert frame.loc[frame["first_seen_latest"], "child_id"].sort_values().tolist() == ["H", "K"]


def test_every_row_is_in_exactly_one_episode(db):
    # each of the 33 snapshot rows lies between the first and last census of exactly one of
    # its child's episodes (15 episodes of 11 children)
    frame = sv.episodes(F, db=db)
    assert len(frame) == 15 and frame["child_id"].nunique() == 11
    for child, _, periods in ROWS:
        mine = frame[frame["child_id"] == child]
        for period in periods:
            census = dt.date.fromisoformat(CENSUS[period])
            holding = [
                r for r in mine.itertuples()
                if r.first_seen.date() <= census <= r.last_seen.date()
            ]  # fmt: skip
            assert len(holding) == 1, (child, period)


def test_every_child_out_in_the_latest_month_is_still_out_or_a_counted_problem(db):
    result = sv.survival(F, db=db)
    # June: B, D, F, G, H, K. Still out and timed: B, D, G, H (4); problems: F, K (2)
    june = sum("2024-06" in periods for _, _, periods in ROWS)
    frame = sv.episodes(F, db=db)
    latest_problems = int(((frame["status"] == "still_out") & frame["problem"].notna()).sum())
    summary = result.summary.iloc[0]
    assert summary["still_out_censored"] - summary["not_seen"] == 4
    assert summary["still_out_censored"] - summary["not_seen"] + latest_problems == june == 6


def test_the_data_problems_note_counts_and_explains(db):
    problems = sv.survival(F, db=db).problems
    assert problems.episodes == 15 and problems.untimed == 3
    assert problems.by_problem == {
        "no_start": 1, "start_after_census": 1, "start_not_after_previous": 1,
    }  # fmt: skip
    assert (problems.not_seen, problems.first_seen_latest, problems.start_changed) == (1, 1, 1)
    words = " ".join(problems.sentences())
    assert "3 episodes cannot be timed" in words
    assert "1 with no 'out of school since' date recorded" in words
    assert "1 children seen out of school last month are not in this month's data" in words
    assert "not as returned" in words
    assert "1 children were first seen out of school this month" in words


def test_summary_by_group_and_numbers_at_risk(db):
    result = sv.survival(F, "gender", db=db)
    summary = result.summary.set_index("group")
    # girls: A, B (2 episodes): 2 returned, 1 still out. Boys, timed: C, D (2), E (2), F's
    # first, G, H, I = 9: returned C, D1, E1, E2, F1 = 5; censored D2, G, H, I = 4 (I not seen)
    cols = ["episodes", "returned", "still_out_censored", "not_seen"]
    assert summary.loc["Female", cols].tolist() == [3, 2, 1, 0]
    assert summary.loc["Male", cols].tolist() == [9, 5, 4, 1]
    risk = result.at_risk.set_index("group")
    # at 0 months nobody has been seen yet (every entry is after the start)
    assert risk.loc["Male", "0 months"] == 0 and risk.loc["Female", "0 months"] == 0
    # at 3 months (91.31 days): first seen by then and followed to it or after, to 31 May at
    # the latest: C (26, 116), G (21, 142); D2 is followed to 91 days; among the girls B1 was
    # last seen at 90 days: nobody
    assert risk.loc["Male", "3 months"] == 2 and risk.loc["Female", "3 months"] == 0
    assert risk.loc["Male", "6 months"] == 0  # 182.6 days: G's 142 falls short
    # the test between the groups uses exactly the curves' episodes
    assert result.logrank["episodes"] == 12 == summary["episodes"].sum()
    assert "the 12 episodes of the curves above" in result.logrank["words"]
    assert 0 <= result.logrank["p_value"] <= 1 and result.logrank["df"] == 1


def test_chance_of_return_by_time_out(db):
    hazard = sv.hazard_by_time_out(F, db=db).set_index("band")
    # every timed return is shared out between the bands its interval spans: 7 in all
    # (A, B1, C, D1, E1, E2, F1)
    assert hazard["returns"].sum() == pytest.approx(7.0)
    # wholly under 3 months (91.31 days): D1 (11-40), E1 (28-38), E2 (51-82), F1 (26-55);
    # A (76-106) and B1 (90-121) straddle 3 months; C (116-147) is wholly in 3 to 6
    assert 4 < hazard.loc["under 3 months", "returns"] < 6
    assert 1 < hazard.loc["3 to 6 months", "returns"] < 3
    # child-months known out under 3 months, min(followed, 91.3125) - entry for each timed
    # episode: A 60, B1 29, C 65.3125, D2 61, E2 30, G 70.3125, I 31 (B2, D1, E1, F1, H:
    # none) = 346.625 days = 11.388 months; the expected time inside intervals adds more
    assert hazard.loc["under 3 months", "child_months"] > 346.625 / (365.25 / 12)
    rates = hazard["returns"] / hazard["child_months"]
    assert hazard["rate_per_month"].dropna().to_numpy() == pytest.approx(rates.dropna().to_numpy())
    # nobody was followed two years: no rate, not a rate of 0
    assert math.isnan(hazard.loc["2 years or more", "rate_per_month"])


def test_the_download_of_problem_episodes_goes_through_the_choke_point(db):
    import json
    import sqlite3

    from appstore.connection import store_path
    from queries import pupil
    from trust.roles import SENIOR_LEADER
    from trust.viewer import Viewer, acting_as

    def audit():
        if not store_path(db).exists():
            return []
        with sqlite3.connect(store_path(db)) as con:
            con.row_factory = sqlite3.Row
            return [dict(r) for r in con.execute("SELECT * FROM audit ORDER BY seq")]

    senior = Viewer("sl@council.example", "SL", SENIOR_LEADER, page="Time to return")
    with acting_as(senior), pytest.raises(pupil.AccessDenied):
        sv.problem_episodes(F, db=db)
    with acting_as(None), pytest.raises(pupil.AccessDenied):
        sv.problem_episodes(F, db=db)
    assert audit()[-1]["action"] == "denied"
    # a role that may see pupils (the tests' default viewer, a safeguarding lead): only the
    # three problem episodes, and the audit record names exactly those children
    rows = sv.problem_episodes(F, db=db)
    assert rows["child_id"].tolist() == ["F", "J", "K"]
    assert rows["problem"].tolist()[1] == "no 'out of school since' date recorded"
    last = audit()[-1]
    assert json.loads(last["detail"])["query"] == "episodes"
    assert sorted(json.loads(last["child_ids"])) == ["F", "J", "K"]


def test_every_about_sentence_says_how_returns_are_dated(db):
    what, caveats = sv.about_sentences()
    assert "between those two censuses" in what and "about a month" in what
    assert "95% pointwise confidence interval" in caveats
    # small numbers hidden: the note's counts through the page's formatter
    hidden = sv.survival(F, db=db).problems.sentences(count=lambda n, key: "c" if n <= 5 else n)
    assert hidden[0].startswith("c episodes cannot be timed") and "1 with" not in hidden[0]


def test_survival_refuses_unknown_dimensions(db):
    with pytest.raises(ValueError, match="no survival split"):
        sv.survival(F, "child_id", db=db)


def test_the_page_test_is_the_late_entry_score_test_on_the_curves_episodes(db):
    # The page's log-rank-type test (by gender) must be the life table's score test
    # (tests/test_life_table.py works its statistic by hand, with late entry) on exactly the
    # episodes listed by hand in this module's notes: (entry, followed to, returned by) in
    # days, follow-up ending on 31 May. Girls A, B1, B2; boys C, D1, D2, E1, E2, F1, G, H, I.
    from queries import life_table as lt

    month = 365.25 / 12
    girls = [(16, 76, 106), (61, 90, 121), (21, 21, math.inf)]
    boys = [(26, 116, 147), (11, 11, 40), (30, 91, math.inf), (28, 28, 38), (21, 51, 82),
            (26, 26, 55), (21, 142, math.inf), (29, 29, math.inf), (15, 46, math.inf)]  # fmt: skip

    def sample(rows, late_entry=True):
        entry, lower, upper = zip(*rows, strict=True)
        entry = [e / month if late_entry else 0.0 for e in entry]
        return lt.Sample.of(entry, [x / month for x in lower], [x / month for x in upper])

    by_hand = lt.score_test({"Female": sample(girls), "Male": sample(boys)})
    page = sv.survival(F, "gender", db=db).logrank
    assert page["episodes"] == 12 and page["df"] == 1
    assert page["statistic"] == pytest.approx(by_hand["statistic"], rel=1e-6)  # Newton's tolerance
    assert page["p_value"] == pytest.approx(by_hand["p_value"], rel=1e-6)
    # attack: the same episodes without late entry (everyone followed from their start, as
    # the old test took them) give another statistic, so the page's one is the late-entry one
    no_entry = lt.score_test({"Female": sample(girls, False), "Male": sample(boys, False)})
    assert abs(no_entry["statistic"] - page["statistic"]) > 1e-3
