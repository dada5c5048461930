"""Each case flag's definition on hand-built casework (tests/data/f_*.csv, through the loader).

Periods: 2024-02 (census date Thursday 29 February 2024, a leap day) and 2024-03 (census date
Sunday 31 March 2024, which is Easter Sunday: the summer term starts on the census date).
Terms used below (config/school_terms.csv): autumn 2023 = 1 Sep to 31 Dec 2023, 122 days
(30 + 31 + 30 + 31); spring 2024 = 1 Jan to 30 Mar 2024, 90 days (31 + 29 + 30); summer 2024
starts 31 Mar 2024. "More than half" is more than 61 days of autumn, more than 45 of spring.
No-provision days are counted from the day a gap starts up to, not including, the day provision
starts again or the census date.

The hand calculation for each child is written beside its assertions.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from data.load import load_batch

DATA = Path(__file__).resolve().parent / "data"
D = dt.date


@pytest.fixture(scope="module")
def flags_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("flags") / "flags.duckdb"
    load_batch(
        db,
        [(DATA / "f_cohort_2024_02.csv", "2024-02"), (DATA / "f_cohort_2024_03.csv", "2024-03")],
        DATA / "f_casework.csv",
    )
    return db


@pytest.fixture(scope="module")
def rows(flags_db) -> dict[tuple[str, str], dict]:
    """Every case_flags row, keyed (period, child_id), read as an analyst would."""
    con = duckdb.connect(str(flags_db), read_only=True)
    try:
        cursor = con.execute("SELECT * FROM case_flags")
        names = [d[0] for d in cursor.description]
        return {(r[0], r[2]): dict(zip(names, r, strict=True)) for r in cursor.fetchall()}
    finally:
        con.close()


def row(rows, child: str, period: str = "2024-03") -> dict:
    return rows[(period, child)]


def test_one_row_per_child_per_period(rows):
    # 3 children in February, 14 in March
    assert sum(1 for p, _ in rows if p == "2024-02") == 3
    assert sum(1 for p, _ in rows if p == "2024-03") == 14


# --- days without provision and section 19 ---------------------------------------------------


def test_days_counted_from_out_of_school_since(rows):
    # F-0001 in February: out since 1 Nov 2023, no provision_ended, the provision_started on
    # 11 Mar 2024 is after the census date and ignored: 30 + 31 + 31 + 28 = 120 days to 29 Feb.
    r = row(rows, "F-0001", "2024-02")
    assert r["days_without_provision"] == 120
    assert r["no_provision_since"] == D(2023, 11, 1)
    assert r["s19_due"] is True


def test_provision_started_after_both_dates_gives_zero(rows):
    # F-0001 in March: provision_started 11 Mar 2024 comes after out_of_school_since.
    r = row(rows, "F-0001")
    assert r["last_provision_started"] == D(2024, 3, 11)
    assert r["days_without_provision"] == 0
    assert r["s19_due"] is False


def test_days_counted_from_the_later_provision_ended(rows):
    # F-0004: out since 1 Sep 2023, last provision_ended 20 Jan 2024 (the last start, 1 Dec
    # 2023, is before it): March: 11 + 29 + 31 = 71 days; February: 11 + 29 = 40 days.
    assert row(rows, "F-0004")["no_provision_since"] == D(2024, 1, 20)
    assert row(rows, "F-0004")["days_without_provision"] == 71
    assert row(rows, "F-0004", "2024-02")["days_without_provision"] == 40


def test_same_day_hand_over_is_not_a_gap(rows):
    # F-0009: Elm Tuition ended and Fir AP started on 12 Feb 2024: a start on or after the
    # gap's first day closes it, so 0 days, not 48.
    r = row(rows, "F-0009")
    assert r["last_provision_ended"] == D(2024, 2, 12)
    assert r["days_without_provision"] == 0
    assert r["s19_due"] is False


def test_no_dates_known_gives_null(rows):
    # F-0002, F-0007, F-0008, F-0010: no out_of_school_since and no provision_ended.
    for child in ("F-0002", "F-0007", "F-0008", "F-0010"):
        assert row(rows, child)["days_without_provision"] is None
        assert row(rows, child)["s19_due"] is False
    # F-0006 in February: out_of_school_since 25 Mar 2024 is after the census date, so the
    # loader records it as not recorded.
    assert row(rows, "F-0006", "2024-02")["days_without_provision"] is None


def test_s19_threshold_is_inclusive(rows):
    # F-0003: out since 10 Mar 2024: 31 - 10 = 21 days, exactly the threshold: due.
    # F-0006: out since 25 Mar 2024: 6 days: not due.
    assert row(rows, "F-0003")["days_without_provision"] == 21
    assert row(rows, "F-0003")["s19_due"] is True
    assert row(rows, "F-0006")["days_without_provision"] == 6
    assert row(rows, "F-0006")["s19_due"] is False


def test_child_with_no_events(rows):
    # F-0003 has no casework at all: days from out_of_school_since, nothing repeated or
    # consulted, no last event, and stalled (no action recorded in the last 28 days).
    r = row(rows, "F-0003")
    assert r["events_to_census"] == 0
    assert r["last_event_date"] is None
    assert r["days_since_last_event"] is None
    assert r["consultations"] == 0
    assert r["repeated_offer"] is False
    assert r["stalled"] is True
    assert r["terms_without_provision"] == 0


# --- repeated offers -------------------------------------------------------------------------


def test_offer_again_after_withdrawal_with_different_case_and_spaces(rows):
    # F-0001: Acme Tuition withdrew on 10 Jan 2024; "  ACME   tuition " was offered on 10 Feb.
    r = row(rows, "F-0001")
    assert r["repeated_offer"] is True
    assert r["repeated_offers"] == 1
    assert r["repeat_provider"] == "ACME   tuition"  # as written on the offer, trimmed
    assert r["repeat_offer_date"] == D(2024, 2, 10)
    assert r["repeat_refusal_date"] == D(2024, 1, 10)
    assert r["repeat_refusal_type"] == "offer_withdrawn"
    # in February too: both events are before 29 Feb
    assert row(rows, "F-0001", "2024-02")["repeated_offer"] is True


def test_offer_on_the_same_day_as_a_decline_is_not_a_repeat(rows):
    # F-0002: Birch Academy declined and offered on 5 Jan 2024 (same day: not "after");
    # Cedar AP declined 1 Feb 2024 and offered again on 2 Apr 2024, after the March census.
    r = row(rows, "F-0002")
    assert r["repeated_offer"] is False
    assert r["repeated_offers"] == 0
    assert r["repeat_provider"] is None


# --- consultations ---------------------------------------------------------------------------


def test_consultations_since_out_of_school(rows):
    # F-0004: 11 consultations, one (20 Aug 2023) before out_of_school_since 1 Sep 2023: 10,
    # which reaches the chain threshold of 10. All 10 are on or before 29 Feb as well.
    assert row(rows, "F-0004")["consultations"] == 10
    assert row(rows, "F-0004")["consultation_chain"] is True
    assert row(rows, "F-0004", "2024-02")["consultations"] == 10


def test_consultations_all_counted_when_out_of_school_since_is_blank(rows):
    # F-0002: no out_of_school_since: 1 Jun 2023 and 31 Mar 2024 (the census date itself)
    # count; 1 Apr 2024 is after the census date.
    assert row(rows, "F-0002")["consultations"] == 2
    assert row(rows, "F-0002")["consultation_chain"] is False
    assert row(rows, "F-0001")["consultations"] == 1


# --- stalled ---------------------------------------------------------------------------------


def test_stalled_at_28_days_not_at_27(rows):
    # F-0010: last event 3 Mar 2024, 28 days before 31 Mar: nothing in the 28 days up to the
    # census date (4 Mar .. 31 Mar): stalled. F-0011: last event 4 Mar, 27 days: not stalled.
    assert row(rows, "F-0010")["days_since_last_event"] == 28
    assert row(rows, "F-0010")["stalled"] is True
    assert row(rows, "F-0011")["days_since_last_event"] == 27
    assert row(rows, "F-0011")["stalled"] is False


def test_stalled_ignores_events_after_the_census_date(rows):
    # F-0004: last event 20 Feb 2024. February (29 Feb): 9 days, not stalled. March: 9 + 31 =
    # 40 days, stalled. F-0002: its 1 and 2 April events do not count: last event 31 Mar, 0 days.
    assert row(rows, "F-0004", "2024-02")["days_since_last_event"] == 9
    assert row(rows, "F-0004", "2024-02")["stalled"] is False
    assert row(rows, "F-0004")["days_since_last_event"] == 40
    assert row(rows, "F-0004")["stalled"] is True
    assert row(rows, "F-0002")["last_event_date"] == D(2024, 3, 31)
    assert row(rows, "F-0002")["events_to_census"] == 5  # 7 events, 2 after 31 March


# --- annual reviews and imports ---------------------------------------------------------------


def test_annual_review_overdue_on_the_leap_day(rows):
    # F-0006: plan issued 28 Feb 2023, never reviewed: due 28 Feb 2024; 29 Feb 2024 is more
    # than 12 months later: overdue in February already.
    r = row(rows, "F-0006", "2024-02")
    assert r["annual_review_due_date"] == D(2024, 2, 28)
    assert r["annual_review_overdue"] is True


def test_annual_review_exactly_twelve_months_is_not_overdue(rows):
    # F-0013: plan issued 31 Mar 2023, never reviewed: due 31 Mar 2024, the census date
    # itself: exactly 12 months, not more: not overdue.
    # F-0014: plan issued 30 Mar 2023, no review: due 30 Mar 2024, one day before: overdue.
    assert row(rows, "F-0013")["annual_review_due_date"] == D(2024, 3, 31)
    assert row(rows, "F-0013")["annual_review_overdue"] is False
    assert row(rows, "F-0014")["annual_review_due_date"] == D(2024, 3, 30)
    assert row(rows, "F-0014")["annual_review_overdue"] is True
    # F-0010: neither date recorded: not flagged (cannot tell)
    assert row(rows, "F-0010")["annual_review_overdue"] is False


def test_import_review_due(rows):
    # F-0007: from Surrey on 1 Jun 2023, plan issued 10 Jan 2022, no review: due by the later
    # of 10 Jan 2023 and 1 Sep 2023 = 1 Sep 2023: due.
    r = row(rows, "F-0007")
    assert r["import_review_due_date"] == D(2023, 9, 1)
    assert r["import_review_due"] is True
    # F-0005: from Medway on 10 Oct 2023, last review 31 Mar 2023: later of 31 Mar 2024 and
    # 10 Jan 2024 = 31 Mar 2024, which is the census date itself: not yet due.
    assert row(rows, "F-0005")["import_review_due_date"] == D(2024, 3, 31)
    assert row(rows, "F-0005")["import_review_due"] is False
    # F-0008: from Essex on 1 Jun 2023, reviewed on 1 Aug 2023 (after the transfer): the
    # import rule no longer applies; its annual review is due 12 months on, 1 Aug 2024.
    assert row(rows, "F-0008")["import_review_due_date"] is None
    assert row(rows, "F-0008")["import_review_due"] is False
    assert row(rows, "F-0008")["annual_review_due_date"] == D(2024, 8, 1)
    assert row(rows, "F-0008")["annual_review_overdue"] is False
    # not an import
    assert row(rows, "F-0001")["import_review_due"] is False


def test_an_import_not_reviewed_since_transfer_has_one_review_date(rows):
    # Regulation 15: until an imported plan is reviewed, its review is due by the later of
    # 12 months from the last review (or issue) and 3 months from the transfer; the annual
    # review's own 12-month date does not apply. F-0007's 12-month date (10 Jan 2023) passed
    # long ago, but only the import's date (1 Sep 2023) is its review date, flagged once.
    r = row(rows, "F-0007")
    assert r["annual_review_due_date"] is None
    assert r["annual_review_overdue"] is False
    assert r["import_review_due"] is True
    # F-0005: its 12-month date is 31 Mar 2024 and its transfer + 3 months 10 Jan 2024: the
    # later, 31 Mar 2024, is the one date; the census date itself, so not yet due.
    r = row(rows, "F-0005")
    assert r["annual_review_due_date"] is None
    assert r["annual_review_overdue"] is False
    assert r["import_review_due"] is False
    # no row holds both flags
    both = [
        c for (p, c), r in rows.items() if r["annual_review_overdue"] and r["import_review_due"]
    ]
    assert both == []


def test_imported_plan_in_act_now_only_once_its_transfer_date_is_near(tmp_path):
    # An import transferred on 20 Mar 2024 whose plan was issued on 1 Jan 2023: its 12-month
    # date (1 Jan 2024) has passed, but regulation 15 gives until 20 Jun 2024 (transfer + 3
    # months), so at 31 Mar 2024 no clock is near and, with no casework, it is stalled but not
    # in act now. Before this rule it was "annual review overdue" and in act now.
    cohort = tmp_path / "cohort.csv"
    cohort.write_text(
        "child_id,date_of_birth,gender,primary_need,district,placement_status,"
        "imported_from,import_date,ehcp_issued\n"
        "F-0901,2012-01-01,F,ASD,Dover,No placement,Medway,2024-03-20,2023-01-01\n",
        encoding="utf-8",
    )
    db = tmp_path / "one.duckdb"
    load_batch(db, [(cohort, "2024-03")])
    con = duckdb.connect(str(db), read_only=True)
    try:
        got = con.execute(
            "SELECT annual_review_overdue, import_review_due_date, import_review_due, "
            "statutory_clock_near, stalled, act_now FROM case_flags"
        ).fetchone()
    finally:
        con.close()
    assert got == (False, D(2024, 6, 20), False, False, True, False)


# --- the statutory clock that passed first -----------------------------------------------------


def test_s19_due_date(rows):
    # F-0003: out since 10 Mar 2024, no casework: due 10 Mar + 21 days = 31 Mar 2024.
    # F-0004: no provision since 20 Jan 2024: due 10 Feb 2024.
    # F-0001 (March): provision started 11 Mar after its gap began: no s19 clock running.
    # F-0002: no date known: none.
    assert row(rows, "F-0003")["s19_due_date"] == D(2024, 3, 31)
    assert row(rows, "F-0004")["s19_due_date"] == D(2024, 2, 10)
    assert row(rows, "F-0001")["s19_due_date"] is None
    assert row(rows, "F-0002")["s19_due_date"] is None


def test_clock_that_passed_first(rows):
    # F-0004: s19 10 Feb 2024, annual review (plan issued 1 May 2023) 1 May 2024: s19 first;
    # 10 Feb -> 29 Feb is 19 days, -> 31 Mar 31 more: 50 days past.
    r = row(rows, "F-0004")
    assert (r["clock"], r["clock_due_date"], r["days_past_clock"]) == ("s19", D(2024, 2, 10), 50)
    # F-0007: no out-of-school date, import review 1 Sep 2023: to 1 Oct 30 days, 1 Nov 31,
    # 1 Dec 30, 1 Jan 31, 1 Feb 31, 1 Mar 29, then 30 to 31 Mar: 212 days past.
    r = row(rows, "F-0007")
    assert (r["clock"], r["clock_due_date"], r["days_past_clock"]) == (
        "import_review",
        D(2023, 9, 1),
        212,
    )
    # F-0006: out since 25 Mar (s19 on 15 Apr), plan issued 28 Feb 2023 (review 28 Feb
    # 2024): the review came first, 1 + 31 = 32 days past (29 Feb .. 31 Mar).
    r = row(rows, "F-0006")
    assert (r["clock"], r["clock_due_date"], r["days_past_clock"]) == (
        "annual_review",
        D(2024, 2, 28),
        32,
    )
    # F-0008: reviewed 1 Aug 2023, no out-of-school date: next review 1 Aug 2024, 123 days to
    # go (30 + 31 + 30 + 31 + 1: April, May, June, July and 1 August).
    r = row(rows, "F-0008")
    assert (r["clock"], r["days_past_clock"]) == ("annual_review", -123)
    # F-0010: no date known at all: no clock
    r = row(rows, "F-0010")
    assert (r["clock"], r["clock_due_date"], r["days_past_clock"]) == (None, None, None)


# --- terms without provision ------------------------------------------------------------------


def test_exactly_half_a_term_does_not_count(rows):
    # F-0001 (March): autumn 1 Nov..31 Dec = 61 of 122 days (exactly half: no); spring
    # 1 Jan..10 Mar = 31 + 29 + 10 = 70 of 90 (yes); summer starts on the census date: 0.
    assert row(rows, "F-0001")["terms_without_provision"] == 1
    # F-0012: out since 15 Feb: spring 15 + 30 = 45 of 90 days, exactly half: no.
    assert row(rows, "F-0012")["terms_without_provision"] == 0


def test_current_term_counts_once_more_than_half_has_gone(rows):
    # F-0001 (February): spring so far 1 Jan..28 Feb = 59 days, already more than 45 of the
    # whole 90-day term: counts. F-0004 (February): 20 Jan..28 Feb = 12 + 28 = 40: not yet.
    r = row(rows, "F-0001", "2024-02")
    assert r["current_term_days_without_provision"] == 59
    assert r["terms_without_provision"] == 1
    r = row(rows, "F-0004", "2024-02")
    assert r["current_term_days_without_provision"] == 40
    assert r["terms_without_provision"] == 1  # autumn only (next test)


def test_two_gaps_in_one_term_add_up(rows):
    # F-0004: autumn: 1 Sep..15 Oct = 30 + 15 = 45 days, then 1 Nov..30 Nov = 30 days: 75 of
    # 122 counts although neither gap alone is more than half. Spring: 20 Jan..30 Mar = 12 + 29
    # + 30 = 71 of 90 counts. March total 2.
    assert row(rows, "F-0004")["terms_without_provision"] == 2


def test_terms_across_the_year_end_and_easter(rows):
    # F-0013: out since 24 Dec: autumn 8 days (no), spring all 90 (yes): 1.
    # F-0009: autumn 1..31 Dec = 31 days, spring 1..7 Jan = 7 days: 0.
    # F-0005: out since 1 Feb: spring 29 + 30 = 59 of 90 (yes); summer (from Easter Sunday
    # 31 Mar) has no days yet: 1.
    assert row(rows, "F-0013")["terms_without_provision"] == 1
    assert row(rows, "F-0009")["terms_without_provision"] == 0
    assert row(rows, "F-0005")["terms_without_provision"] == 1
    assert row(rows, "F-0005")["current_term_days_without_provision"] == 0


# --- out of sight, priorities, needs action ---------------------------------------------------


def test_out_of_sight(rows):
    # provision unknown and CP (F-0003), CIN (F-0009), looked after (F-0012)
    shown = sorted(c for (p, c), r in rows.items() if p == "2024-03" and r["out_of_sight"])
    assert shown == ["F-0003", "F-0009", "F-0012"]


def test_priority_criteria(rows):
    # recent: days out <= 97 (F-0014 at 97 yes, F-0013 at 98 no); primary: Year 6 (F-0003),
    # reception (F-0010), year group not recorded but aged 9 (F-0012); looked after F-0010,
    # F-0012; previously looked after F-0011, F-0012.
    assert row(rows, "F-0014")["priority_recent"] is True
    assert row(rows, "F-0013")["priority_recent"] is False
    assert row(rows, "F-0003")["priority_primary"] is True
    assert row(rows, "F-0010")["priority_primary"] is True
    assert row(rows, "F-0012")["priority_primary"] is True
    assert row(rows, "F-0008")["priority_primary"] is False  # Year 9
    met = {c: r["priority_criteria_met"] for (p, c), r in rows.items() if p == "2024-03"}
    assert met == {
        "F-0001": 0,
        "F-0002": 0,
        "F-0003": 2,
        "F-0004": 0,
        "F-0005": 1,
        "F-0006": 1,
        "F-0007": 0,
        "F-0008": 0,
        "F-0009": 0,
        "F-0010": 2,
        "F-0011": 2,
        "F-0012": 4,
        "F-0013": 0,
        "F-0014": 1,
    }


def test_flags_raised_and_needs_action(rows):
    # flags per child in March (s19, repeated, chain, stalled, annual review, import review):
    raised = {c: r["flags_raised"] for (p, c), r in rows.items() if p == "2024-03"}
    assert raised == {
        "F-0001": 1,  # repeated
        "F-0002": 0,
        "F-0003": 2,  # s19, stalled
        "F-0004": 3,  # s19, chain, stalled
        "F-0005": 1,  # s19
        "F-0006": 2,  # stalled, annual review
        "F-0007": 2,  # stalled, import review (regulation 15: not the annual review too)
        "F-0008": 1,  # stalled
        "F-0009": 1,  # stalled
        "F-0010": 1,  # stalled
        "F-0011": 1,  # s19
        "F-0012": 2,  # s19, stalled
        "F-0013": 2,  # s19, stalled
        "F-0014": 3,  # s19, stalled, annual review
    }
    assert not row(rows, "F-0002")["needs_action"]
    assert all(r["needs_action"] for (p, c), r in rows.items() if p == "2024-03" and c != "F-0002")
