"""Time to return to school: episodes from snapshots, Kaplan-Meier by hand, hazard of return.

Snapshot fixture, periods 2024-01 to 2024-06 (census dates 31 Jan, 29 Feb, 31 Mar, 30 Apr,
31 May, 30 Jun 2024); each child's out_of_school_since in brackets:

  A  Jan Feb Mar          (15 Jan)  absent from April: returned, end 30 Apr.
                                    duration 16+29+31+30 = 106 days, entry 31 Jan - 15 Jan = 16
  B  Jan Feb              (1 Dec 2023) absent Mar, Apr: returned, end 31 Mar: 30+31+29+31 =
                                    121 days, entry 61.
     May Jun              (10 May)  re-entry: a second episode, censored 30 Jun: 51 days,
                                    entry 21, began inside the loaded months
  C  Jan --- Mar Apr      (5 Jan)   one missing month, same date: ONE episode, end 31 May:
                                    26+29+31+30+31 = 147 days, entry 26
  D  Jan                  (20 Jan)  one missing month but a new date in March: returned, end
                                    29 Feb: 11+29 = 40 days, entry 11
     Mar Apr May Jun      (1 Mar)   second episode, censored 30 Jun: 30+30+31+30 = 121, entry 30
  E  Feb                  (1 Feb)   in March with a date after the February census: returned
                                    before 10 Mar (the next start), 38 days, entry 28
     Mar Apr              (10 Mar)  second episode, end 31 May: 21+30+31 = 82 days, entry 21
"""

from __future__ import annotations

import datetime as dt

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
]


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
                "VALUES ($p, $c, $id, 10, $g, 'Year 5', 'ASD', 'Dover', 'No placement', 'None', "
                "false, false, false, false, false, $since, 1, 1)",
                {"p": period, "c": CENSUS[period], "id": child, "since": since,
                 "g": "Female" if child in "AB" else "Male"},
            )  # fmt: skip
    con.close()
    runner.clear_cache()
    return path


def test_episodes_follow_the_rules(db):
    frame = sv.episodes(CohortFilter(period="2024-06"), db=db)
    got = sorted(
        (r.child_id, r.episode_start.date().isoformat(), bool(r.returned), r.duration_days,
         r.entry_days, bool(r.started_in_window))
        for r in frame.itertuples()
    )  # fmt: skip
    assert got == [
        ("A", "2024-01-15", True, 106, 16, False),
        ("B", "2023-12-01", True, 121, 61, False),
        ("B", "2024-05-10", False, 51, 21, True),
        ("C", "2024-01-05", True, 147, 26, False),
        ("D", "2024-01-20", True, 40, 11, False),
        ("D", "2024-03-01", False, 121, 30, True),
        ("E", "2024-02-01", True, 38, 28, True),
        ("E", "2024-03-10", True, 82, 21, True),
    ]
    ends = {(r.child_id, r.episode_start.date()): r.end_date for r in frame.itertuples()}
    assert ends[("E", dt.date(2024, 2, 1))].date() == dt.date(2024, 3, 10)
    assert ends[("C", dt.date(2024, 1, 5))].date() == dt.date(2024, 5, 31)


def test_kaplan_meier_matches_the_hand_worked_curve():
    # 6 children: returns at 2, 3, 5, 8; still out (censored) at 3 and 7
    # t=2: 6 at risk, 1 returns -> 5/6; t=3: 5 at risk, 1 returns -> 5/6 * 4/5 = 2/3
    # t=5: 3 at risk -> 2/3 * 2/3 = 4/9; t=8: 1 at risk -> 0. Median: 5 (first S <= 0.5).
    curve, median = sv.kaplan_meier([2, 3, 3, 5, 7, 8], [1, 1, 0, 1, 0, 1], [0] * 6)
    by_day = dict(zip(curve["days"], curve["still_out"], strict=True))
    assert by_day[2.0] == pytest.approx(5 / 6)
    assert by_day[3.0] == pytest.approx(2 / 3)
    assert by_day[5.0] == pytest.approx(4 / 9)
    assert by_day[7.0] == pytest.approx(4 / 9)
    assert by_day[8.0] == pytest.approx(0.0)
    assert median == 5
    # 95% band at t=2 (exponential Greenwood): sum d/(n(n-d)) = 1/30, v = (1/30)/ln(5/6)^2,
    # bounds S^exp(+-1.96 sqrt v) = 0.2732 and 0.9747
    row = curve[curve["days"] == 2.0].iloc[0]
    assert (row["lower"], row["upper"]) == pytest.approx((0.2732, 0.9747), abs=1e-3)


def test_delayed_entry_keeps_late_comers_out_of_the_early_risk_set():
    # returns at 4 (entered 0), 6 (entered 3), 6 (entered 5); still out at 9 (entered 0).
    # t=4: at risk the three seen by then (the one entering at 5 is not) -> 2/3;
    # t=6: three at risk, two return -> 2/3 * 1/3 = 2/9.
    curve, median = sv.kaplan_meier([4, 6, 6, 9], [1, 1, 1, 0], [0, 3, 5, 0])
    by_day = dict(zip(curve["days"], curve["still_out"], strict=True))
    assert by_day[4.0] == pytest.approx(2 / 3) and by_day[6.0] == pytest.approx(2 / 9)
    assert median == 6


def test_survival_by_group_and_at_risk(db):
    result = sv.survival(CohortFilter(period="2024-06"), "gender", db=db)
    summary = result.summary.set_index("group")
    # girls: A and B's two episodes; boys: C, D (2) and E (2)
    assert summary.loc["Female"].tolist()[:3] == [3, 2, 1]
    assert summary.loc["Male"].tolist()[:3] == [5, 4, 1]
    risk = result.at_risk.set_index("group")
    # at 0 months nobody has been seen yet (every entry is after the start)
    assert risk.loc["Female", "0 months"] == 0
    # at 3 months (91.3 days): A (106, entry 16), B1 (121, entry 61) are out and seen
    assert risk.loc["Female", "3 months"] == 2
    assert "log-rank" in result.logrank["words"] or "Too few" in result.logrank["words"]


def test_hazard_of_return_counts_child_months(db):
    hazard = sv.hazard_by_time_out(CohortFilter(period="2024-06"), db=db).set_index("band")
    first = hazard.loc["under 3 months"]
    # under 3 months (91.31 days): returns at 38 and 40 and 82 days
    assert first["returns"] == 3
    # exposure in days: each episode from entry to min(duration, 91.31):
    # A 75.31, B1 30.31, B2 30, C 65.31, D1 29, D2 61.31, E1 10, E2 61 = 362.25 days
    assert first["child_months"] == pytest.approx(362.25 / (365.25 / 12), abs=1e-3)
    assert hazard.loc["3 to 6 months", "returns"] == 3  # 106, 121, 147 days


def test_a_curve_that_cannot_be_estimated_is_reported_not_drawn():
    from lifelines.exceptions import StatError

    # a return at 4 days with the only other child entering at 6: nobody at risk in between
    with pytest.raises(StatError):
        sv.kaplan_meier([4, 10], [1, 1], [0, 6])
