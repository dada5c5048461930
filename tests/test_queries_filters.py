"""The shared cohort filter: every field alone, combinations, and hostile values.

Fixture: tests/data/q_snapshot.csv. Period 2024-04 (census 2024-04-30) holds 13 children:

  id  gender age year    need district      placement  care    flags      import  days team
  01  F      11  Year 7  ASD  Thanet        No plc     None    -          -        29  East Kent
  02  M      13  Year 8  SEMH Thanet        Prov unk   CLA     cin,cla    -       212  East Kent
  03  M       8  Year 3  SEMH Ashford       Prov unk   CP      cp         Medway   60  South Kent
  04  F      16  Year 12 MLD  Dover         No plc     CIN     cin        -      NULL  (none)
  05  Other   5  R       SLCN Out of county No plc     None    -          Surrey    0  South Kent
  06  NotRec 14  Year 9  NotR NotRec        Prov unk   PLA     pla        -       368  West Kent
  07  M      17  Year 12 ASD  Canterbury    No plc     None    -          -       152  East Kent
  08  F      19  Post-19 PD   Maidstone     Prov unk   None    -          -        90  West Kent
  09  M      10  Year 6  ASD  Thanet        Prov unk   CP      cin,cp     -        89  East Kent
  10  F     NULL NotRec  SEMH Thanet        No plc     None    -          -        30  East Kent
  11  M       4  R       SLD  Swale         No plc     None    -          Medway  242  North Kent
  12  F      15  Year 10 SEMH Dartford      No plc     None    -          -       285  North Kent
  15  F       9  Year 5  VI   Thanet        Prov unk   None    -          -        15  East Kent
"""

from __future__ import annotations

import pytest

from queries import pupil, runner
from queries.filters import CohortFilter
from tests.q_fixture import build_fixture_db


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = build_fixture_db(tmp_path_factory.mktemp("q_filters") / "fixture.duckdb")
    yield path
    runner.close_all()


def ids(*numbers: int) -> list[str]:
    return [f"T-{n:04d}" for n in numbers]


# (filter fields, expected children by hand from the table above)
CASES = {
    "no restriction": ({}, ids(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 15)),
    "district": ({"districts": ("Thanet",)}, ids(1, 2, 9, 10, 15)),
    "two districts": ({"districts": ("Dover", "Swale")}, ids(4, 11)),
    "district not recorded": ({"districts": ("Not recorded",)}, ids(6)),
    "need": ({"needs": ("SEMH",)}, ids(2, 3, 10, 12)),
    "need not recorded": ({"needs": ("Not recorded",)}, ids(6)),
    # ages 11..15: 01 (11), 02 (13), 06 (14), 12 (15); 10 has no age so is left out
    "age range": ({"age_min": 11, "age_max": 15}, ids(1, 2, 6, 12)),
    # age 17 or more: 07 (17), 08 (19)
    "age minimum only": ({"age_min": 17}, ids(7, 8)),
    # age 5 or less: 05 (5), 11 (4)
    "age maximum only": ({"age_max": 5}, ids(5, 11)),
    "year group": ({"year_groups": ("R",)}, ids(5, 11)),
    "year group not recorded": ({"year_groups": ("Not recorded",)}, ids(10)),
    "gender": ({"genders": ("Female",)}, ids(1, 4, 8, 10, 12, 15)),
    "gender other": ({"genders": ("Other",)}, ids(5)),
    "care status": ({"care_statuses": ("Child protection (CP)",)}, ids(3, 9)),
    "care status none": ({"care_statuses": ("No care status",)}, ids(1, 5, 7, 8, 10, 11, 12, 15)),
    "cin yes": ({"cin": True}, ids(2, 4, 9)),
    "cin no": ({"cin": False}, ids(1, 3, 5, 6, 7, 8, 10, 11, 12, 15)),
    "cp yes": ({"cp": True}, ids(3, 9)),
    "cla yes": ({"cla": True}, ids(2)),
    "previously looked after yes": ({"previously_looked_after": True}, ids(6)),
    "placement status": (
        {"placement_statuses": ("Provision unknown",)},
        ids(2, 3, 6, 8, 9, 15),
    ),
    "import yes": ({"is_import": True}, ids(3, 5, 11)),
    "import no": ({"is_import": False}, ids(1, 2, 4, 6, 7, 8, 9, 10, 12, 15)),
    # days out 90 or more: 02 (212), 06 (368), 07 (152), 08 (90), 11 (242), 12 (285)
    "days out minimum": ({"days_out_min": 90}, ids(2, 6, 7, 8, 11, 12)),
    # 29 or less: 01 (29), 05 (0), 15 (15); 04 has no date so is left out
    "days out maximum": ({"days_out_max": 29}, ids(1, 5, 15)),
    # 30..90: 03 (60), 08 (90), 09 (89), 10 (30)
    "days out range": ({"days_out_min": 30, "days_out_max": 90}, ids(3, 8, 9, 10)),
    "sen team": ({"sen_teams": ("East Kent",)}, ids(1, 2, 7, 9, 10, 15)),
    "sen team not recorded": ({"sen_teams": ("Not recorded",)}, ids(4)),
    # Thanet and Provision unknown and Male: 02, 09 (15 is Female)
    "combination": (
        {
            "districts": ("Thanet",),
            "placement_statuses": ("Provision unknown",),
            "genders": ("Male",),
        },
        ids(2, 9),
    ),
    # imports aged 5 or under: 05 (5, Surrey), 11 (4, Medway); 03 is 8
    "combination import and age": ({"is_import": True, "age_max": 5}, ids(5, 11)),
    # CIN and not CLA: 04, 09 (02 is CLA)
    "combination flags": ({"cin": True, "cla": False}, ids(4, 9)),
    # East Kent, more than 97 days out (over a term): 02 (212), 07 (152)
    "combination team and days": ({"sen_teams": ("East Kent",), "days_out_min": 98}, ids(2, 7)),
}


@pytest.mark.parametrize("fields, expected", CASES.values(), ids=CASES.keys())
def test_filter_field_selects_the_children_worked_out_by_hand(db, fields, expected):
    f = CohortFilter("2024-04", **fields)
    assert pupil.cohort_count(f, db=db) == len(expected)
    assert pupil.cohort_export(f, db=db)["child_id"].tolist() == expected


def test_other_period_has_its_own_children(db):
    # 2024-01 holds 01, 02, 04, 06, 13, 14; of them in Thanet: 01, 02, 13
    f = CohortFilter("2024-01", districts=("Thanet",))
    assert pupil.cohort_export(f, db=db)["child_id"].tolist() == ids(1, 2, 13)


def test_injection_text_in_a_filter_value_is_just_a_value_matching_nothing(db):
    hostile = "Thanet' OR '1'='1"
    f = CohortFilter("2024-04", districts=(hostile,), sen_teams=("x'); DROP TABLE snapshot; --",))
    assert pupil.cohort_count(f, db=db) == 0
    # and the table is still there with its 13 children
    assert pupil.cohort_count(CohortFilter("2024-04"), db=db) == 13


def test_unknown_value_matches_nothing(db):
    assert pupil.cohort_count(CohortFilter("2024-04", needs=("XYZ",)), db=db) == 0


def test_filter_accepts_lists_and_a_lone_string_and_stays_hashable():
    f = CohortFilter("2024-04", districts=["Thanet", "Swale"], needs="SEMH")
    assert f.districts == ("Thanet", "Swale")
    assert f.needs == ("SEMH",)
    assert hash(f) == hash(CohortFilter("2024-04", districts=("Thanet", "Swale"), needs=("SEMH",)))


def test_params_bind_none_for_no_restriction_and_lists_otherwise():
    p = CohortFilter("2024-04", districts=("Thanet",), cin=False, age_min=3).params()
    assert p["period_from"] == p["period_to"] == p["period"] == "2024-04"
    assert p["districts"] == ["Thanet"]
    assert p["needs"] is None
    assert p["cin"] is False
    assert p["cp"] is None
    assert p["age_min"] == 3 and p["age_max"] is None


@pytest.mark.parametrize(
    "kwargs",
    [
        {"period": "2024-13"},
        {"period": "April 2024"},
        {"period": "2024-04'; DROP TABLE snapshot; --"},
        {"period": "2024-04", "cin": "yes"},
        {"period": "2024-04", "age_min": "five"},
        {"period": "2024-04", "days_out_max": 2.5},
    ],
)
def test_malformed_filter_is_refused(kwargs):
    with pytest.raises(ValueError):
        CohortFilter(**kwargs)


def test_with_period_and_describe():
    f = CohortFilter("2024-04", districts=("Thanet",), age_min=5, age_max=10, cla=True)
    assert f.with_period("2024-02").period == "2024-02"
    assert f.with_period("2024-02").districts == ("Thanet",)
    # one description of a filter, with the sidebar's labels (figures/links.py)
    from figures.links import describe

    assert describe(f) == [
        "District: Thanet",
        "Age at census date (years): 5 to 10",
        "Looked after: yes",
    ]
