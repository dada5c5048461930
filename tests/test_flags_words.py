"""The pure functions behind the casework pages: reasons in words (figures/flag_words.py),
no-action gaps and cost ranges (queries/delay.py)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from figures.flag_words import day_words, flag_explanations, reason_text, reasons
from queries.delay import Gap, cost_range, longest_gap, no_action_gaps
from queries.flag_settings import FlagSettings

D = dt.date
CENSUS = D(2024, 3, 31)
# the thresholds as in config/flags.toml
CONFIG_VALUES = FlagSettings(
    s19_days=21,
    stall_days=28,
    consultation_chain=10,
    annual_review_months=12,
    import_months_from_review=12,
    import_months_from_transfer=3,
    term_share_without_provision=0.5,
    act_now_within_days=7,
    recent_max_days=97,
    primary_last_year_group=6,
    primary_max_age=10,
    per_term_low=900,
    per_term_high=2400,
)


def test_day_words_leaves_out_the_census_year():
    assert day_words(D(2024, 3, 3), CENSUS) == "3 March"
    assert day_words(D(2023, 11, 1), CENSUS) == "1 November 2023"
    assert day_words(pd.Timestamp("2024-02-10"), CENSUS) == "10 February"
    assert day_words(None, CENSUS) == "an unknown date"


def test_the_issue_example_in_words():
    # The issue's example: no provision for 96 days; Acme Tuition offered again after it
    # withdrew on 3 March; no action for 41 days.
    row = {
        "census_date": D(2024, 6, 30),
        "s19_due": True,
        "days_without_provision": 96,
        "repeated_offer": True,
        "repeated_offers": 1,
        "repeat_provider": "  Acme   Tuition ",
        "repeat_offer_date": D(2024, 5, 20),
        "repeat_refusal_date": D(2024, 3, 3),
        "repeat_refusal_type": "offer_withdrawn",
        "stalled": True,
        "days_since_last_event": 41,
        "terms_without_provision": 0,
    }
    assert reason_text(row) == (
        "no provision for 96 days; offered Acme Tuition again on 20 May after it withdrew on "
        "3 March; no action for 41 days"
    )


def test_out_of_sight_leads_and_names_the_care_status():
    row = {
        "census_date": CENSUS,
        "out_of_sight": True,
        "cla": False,
        "cp": True,
        "cin": True,
        "stalled": True,
        "days_since_last_event": pd.NA,  # no casework at all
    }
    assert reasons(row) == [
        "out of sight: provision unknown and on a child protection plan and a child in need",
        "no casework recorded",
    ]


def test_declined_chain_reviews_and_plurals():
    row = {
        "census_date": CENSUS,
        "terms_without_provision": 1,
        "repeated_offer": True,
        "repeated_offers": 3,
        "repeat_provider": "Oak School",
        "repeat_offer_date": D(2024, 1, 5),
        "repeat_refusal_date": D(2023, 12, 1),
        "repeat_refusal_type": "offer_declined",
        "consultation_chain": True,
        "consultations": 23,
        "out_of_school_since": D(2023, 9, 1),
        "stalled": True,
        "days_since_last_event": 1,
        "annual_review_overdue": True,
        "annual_review_due_date": D(2024, 2, 28),
        "import_review_due": True,
        "import_review_due_date": D(2023, 9, 1),
    }
    assert reasons(row) == [
        # no days without provision in the row: the term was in an earlier gap
        "1 term without provision in earlier gaps, with provision since",
        "offered Oak School again on 5 January after the family declined it on "
        "1 December 2023 (3 repeated offers in all)",
        "23 consultations since leaving school on 1 September 2023",
        "no action for 1 day",
        "annual review overdue (due 28 February)",
        "transferred-in plan not reviewed (due by 1 September 2023)",
    ]


def test_no_reasons_for_a_child_with_no_flags():
    assert reasons({"census_date": CENSUS, "terms_without_provision": 0}) == []


def test_no_action_gaps_between_events_and_to_the_census_date():
    # F-0001 at 31 Mar 2024: out since 1 Nov 2023; events 10 Jan, 10 Feb, 15 Feb, 11 Mar.
    # 1 Nov -> 10 Jan = 30 + 31 + 9 = 70 days; 10 Jan -> 10 Feb = 31; the rest are shorter
    # (5, 25, and 20 to the census date).
    events = [D(2024, 1, 10), D(2024, 2, 10), D(2024, 2, 15), D(2024, 3, 11)]
    gaps = no_action_gaps(events, CENSUS, stall_days=28, out_of_school_since=D(2023, 11, 1))
    assert gaps == [Gap(D(2023, 11, 1), D(2024, 1, 10)), Gap(D(2024, 1, 10), D(2024, 2, 10))]
    assert [g.days for g in gaps] == [70, 31]


def test_no_action_gaps_ignore_later_events_and_handle_no_events():
    # An event after the census date does not end the last stretch: 3 Mar -> 31 Mar = 28.
    gaps = no_action_gaps([D(2024, 3, 3), D(2024, 4, 2)], CENSUS, stall_days=28)
    assert gaps == [Gap(D(2024, 3, 3), CENSUS)]
    # 4 Mar -> 31 Mar = 27 days: below the threshold.
    assert no_action_gaps([D(2024, 3, 4)], CENSUS, stall_days=28) == []
    # No events: from out_of_school_since (1 Jan 2024, 90 days), or nothing to measure from.
    assert no_action_gaps([], CENSUS, out_of_school_since=D(2024, 1, 1)) == [
        Gap(D(2024, 1, 1), CENSUS)
    ]
    assert no_action_gaps([], CENSUS) == []


def test_cost_is_a_range_rounded_outwards():
    # 7 terms: 7 x 900 = 6,300 (2 significant figures already); 7 x 2,400 = 16,800 -> 17,000.
    assert cost_range(7, 900, 2400) == (6300, 17000)
    # 13 terms: 11,700 -> 11,000 (down); 31,200 -> 32,000 (up).
    assert cost_range(13, 900, 2400) == (11000, 32000)
    assert cost_range(1, 900, 2400) == (900, 2400)
    assert cost_range(0, 900, 2400) == (0, 0)


def test_each_flag_explained_with_its_rule():
    # F-0004 at 31 Mar 2024 (test_flags_definitions.py): 71 days since 20 Jan, 10
    # consultations, last event 20 Feb (40 days), 2 terms; settings as in config/flags.toml.
    row = {
        "census_date": CENSUS,
        "s19_due": True,
        "days_without_provision": 71,
        "no_provision_since": D(2024, 1, 20),
        "repeated_offer": False,
        "repeated_offers": 0,
        "consultation_chain": True,
        "consultations": 10,
        "stalled": True,
        "last_event_date": D(2024, 2, 20),
        "days_since_last_event": 40,
        "annual_review_overdue": False,
        "annual_review_due_date": D(2024, 5, 1),
        "import_review_due": False,
        "import_review_due_date": None,
        "terms_without_provision": 2,
        "out_of_sight": False,
        "placement_status": "No placement",
    }
    table = {e["flag"]: e for e in flag_explanations(row, CONFIG_VALUES)}
    assert table["Section 19 provision due"] == {
        "flag": "Section 19 provision due",
        "raised": True,
        "facts": "71 days without provision since 20 January",
        "rule": "21 days or more without provision",
    }
    assert table["No action recorded recently"]["facts"] == (
        "last event 20 February, 40 days before the census date"
    )
    assert table["No action recorded recently"]["rule"] == (
        "no casework event in the 28 days up to the census date"
    )
    assert table["Long chain of consultations"]["facts"] == "10 consultations since leaving school"
    assert table["Annual review overdue"]["facts"] == "due 1 May"
    assert table["Imported plan review due"]["facts"] == "not an import awaiting review"
    assert table["Terms without provision"]["facts"] == "2 terms"
    assert [e["raised"] for e in table.values()] == [
        True,
        False,
        True,
        True,
        False,
        False,
        True,
        False,
    ]


def test_longest_gap():
    gaps = no_action_gaps(
        [D(2024, 1, 10), D(2024, 2, 10)], CENSUS, out_of_school_since=D(2023, 11, 1)
    )
    # 1 Nov -> 10 Jan (70 days), 10 Jan -> 10 Feb (31), 10 Feb -> 31 Mar (50)
    assert longest_gap(gaps) == 70
    assert longest_gap([]) == 0
