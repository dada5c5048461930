"""The SEN2 return route (data/sen2_return.py): each derivation rule, worked out by hand from
the synthetic Blade export and SSD in tests/data/sen2_return/ (tests/sen2_fixture.py).

Census date R = 30 June 2023 (period 2023-06); the export is dated 05-07-2023, after R, so the
plans are read at R. Ages are at R; year groups from the age on 31 August 2022.
"""

from __future__ import annotations

import datetime as dt

import pytest

from data.sen2_return import load_sen2_return
from tests.conftest import query
from tests.sen2_fixture import EXPORT, PERIOD, SSD, copy_export, edit_module

D = dt.date


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    db = tmp_path_factory.mktemp("sen2") / "sen2.duckdb"
    reports = load_sen2_return(EXPORT, PERIOD, db, ssd_folder=SSD)
    return db, reports


def _rows(db, sql):
    return {row[0]: row[1:] for row in query(db, sql)}


def cohort(db, columns: str):
    return _rows(db, f"SELECT child_id, {columns} FROM cohort WHERE period = '{PERIOD}'")


def test_caseload_is_every_plan_linked_through_its_request_to_a_person(loaded):
    db, _ = loaded
    children = sorted(r[0] for r in query(db, "SELECT child_id FROM caseload"))
    # 18 activeplans rows: AP01 (and its exact repeat), AP02..AP10, AP16 are usable; T-11 has
    # two plans, AP12 has no request, AP13 no person, AP14 and AP15 unreadable placements.
    # T-20 has a request but no active plan: not on the caseload, and not quarantined.
    assert children == [
        "1008", "T-01", "T-02", "T-03", "T-04", "T-05", "T-06", "T-07", "T-09", "T-10", "T-16",
    ]  # fmt: skip


def test_child_id_is_the_native_id_else_the_person_table_id(loaded):
    db, _ = loaded
    # person 1008 has no NativeId
    ids = {r[0] for r in query(db, "SELECT child_id FROM caseload")}
    assert "1008" in ids and "T-01" in ids and not ids & {"1001", "1002"}


def test_cohort_is_the_plans_with_no_placement_or_a_not_in_education_setting_open_at_r(loaded):
    db, _ = loaded
    status = cohort(db, "placement_status")
    assert status == {
        # NIEO open since 1 April (the school left 31 March)
        "T-01": ("No placement",),
        # the school left 20 May, nothing open
        "T-02": ("Provision unknown",),
        # rank 1 NEET beats the rank 2 college (UKPRN) open beside it
        "T-04": ("No placement",),
        # the school's leaving date is R itself (not open at R); a school entered 3 July, after
        # R, is not open either
        "T-05": ("Provision unknown",),
        # no placementdetail rows at all
        "1008": ("Provision unknown",),
        # the school left 20 December, the NIEC placement closed 1 March: nothing open
        "T-09": ("Provision unknown",),
        # NIEO open, entry date written as COLLECT writes dates
        "T-10": ("No placement",),
        "T-16": ("Provision unknown",),
    }
    # in provision, so not in the cohort: T-03 (rank 1 school, leaving 20 July, after R, beats
    # a rank 2 NIEO), T-06 (EHE), T-07 ('ola', a code in lower case)
    assert not {"T-03", "T-06", "T-07"} & set(status)


def test_out_of_school_since_and_days_out(loaded):
    db, _ = loaded
    since = cohort(db, "out_of_school_since, days_out")
    assert since == {
        # the latest leaving date of a placement in provision on or before R: 30 April + 31 May
        # + 30 June = 91 days
        "T-01": (D(2023, 3, 31), 91),
        "T-02": (D(2023, 5, 20), 41),  # 11 days of May + 30
        # no placement in provision ever left: the entry date of the open NEET placement
        # (16 + 28 + 31 + 30 + 31 + 30 = 166)
        "T-04": (D(2023, 1, 15), 166),
        "T-05": (D(2023, 6, 30), 0),  # left on R
        "1008": (None, None),  # no placement at all: blank
        # the NIEC placement (January to March) is not provision: the school's leaving date
        # counts (11 days of December + 181 = 192)
        "T-09": (D(2022, 12, 20), 192),
        "T-10": (D(2023, 5, 2), 59),  # only the NIEO placement: its entry date
        "T-16": (None, None),
    }


def test_imports_reviews_and_plan_issue_dates(loaded):
    db, _ = loaded
    rows = cohort(db, "is_import, imported_from, last_annual_review, ehcp_issued")
    # transferla 886; lastreview as COLLECT writes it; the named plan through its assessment,
    # UK date form
    assert rows["T-02"] == (True, "886", D(2023, 1, 15), D(2021, 3, 15))
    # two named plans for the request: 1 July 2019 and 10 July 2023 (after R): the latest on
    # or before R
    assert rows["T-01"] == (False, None, D(2022, 9, 28), D(2019, 7, 1))
    assert rows["T-04"][2] == D(2022, 5, 5)  # 05/05/2022, UK form
    assert rows["T-16"][:2] == (False, None)  # transferla holds two spaces: not an import
    assert rows["T-09"][2] is None  # lastreview 2022-13-01 is no date (warned below)


def test_primary_need_is_the_need_of_rank_1(loaded):
    db, _ = loaded
    needs = cohort(db, "primary_need")
    assert needs["T-01"] == ("ASD",)  # rank 1 ASD, rank 2 SLCN
    assert needs["T-04"] == ("SLCN",)  # written 'slcn'
    assert needs["1008"] == ("Not recorded",)  # two different needs of rank 1
    assert needs["T-09"] == ("Not recorded",)  # XYZ is no need code
    assert needs["T-16"] == ("Not recorded",)  # no senneed row
    warned = query(
        db,
        "SELECT source_row, raw_value, reason FROM load_warnings "
        "WHERE kind = 'cohort' AND column_name = 'primary_need' ORDER BY source_row",
    )
    assert warned == [
        (10, "ASD / SEMH (2 needs of rank 1)", "not a DfE primary need code or label"),
        (11, "XYZ", "not a DfE primary need code or label"),
        (19, None, "blank"),
    ]


def test_gender_date_of_birth_age_and_year_group(loaded):
    db, _ = loaded
    rows = cohort(db, "gender, date_of_birth, age, year_group")
    assert rows["T-01"] == ("Female", D(2012, 3, 15), 11, "Year 6")  # 2, COLLECT date form
    assert rows["T-02"] == ("Male", D(2010, 11, 2), 12, "Year 7")  # 1
    assert rows["T-05"] == ("Male", D(2014, 9, 1), 8, "Year 3")  # UK date 01/09/2014
    assert rows["1008"] == ("Not recorded", D(2016, 2, 29), 7, "Year 2")  # 9: not specified
    # 0 not known; 31/02/2011 is no date: age and year group not recorded
    assert rows["T-09"] == ("Not recorded", None, None, "Not recorded")
    assert rows["T-10"] == ("Not recorded", D(2009, 6, 30), 14, "Year 9")  # code 7
    assert rows["T-16"][0] == "Not recorded"  # blank
    warned = query(
        db,
        "SELECT source_row, column_name, raw_value FROM load_warnings WHERE kind = 'cohort' "
        "AND column_name IN ('gender', 'date_of_birth') ORDER BY source_row, column_name",
    )
    # 0 and 9 are the return's own "not known" codes: no warning; 7 and blank are warned
    assert warned == [
        (11, "date_of_birth", "31/02/2011"),
        (12, "gender", "gendercurrent code 7"),
        (19, "gender", None),
    ]


def test_district_from_the_starter_postcode_lookup(loaded):
    db, _ = loaded
    districts = _rows(db, "SELECT child_id, district FROM caseload")
    assert districts == {
        "T-01": ("Thanet",),  # CT9
        "T-02": ("Thanet",),  # 'ct10 9zz': CT10 is Thanet; CT1 (Canterbury) must not match
        "T-03": ("Maidstone",),  # ME14
        "T-04": ("Ashford",),  # TN23
        "T-05": ("Gravesham",),  # DA11
        "T-06": ("Out of county",),  # ME7: Medway, a unitary council
        "T-07": ("Canterbury",),  # CT1
        "1008": ("Out of county",),  # SW1A matches no prefix
        "T-09": ("Not recorded",),  # blank postcode
        "T-10": ("Not recorded",),  # 'not known' is no postcode
        "T-16": ("Tunbridge Wells",),  # TN12 (approximate: it straddles Maidstone)
    }
    warned = query(
        db,
        "SELECT source_row, raw_value, reason FROM load_warnings WHERE kind = 'caseload' "
        "AND column_name = 'district' ORDER BY source_row",
    )
    assert warned == [
        (11, None, "blank"),
        (12, "(postcode not readable)", "not a Kent district or Out of county"),
    ]


def test_postcode_lookup_longest_prefix_wins(tmp_path):
    lookup = tmp_path / "our_postcodes.csv"
    lookup.write_text(
        "prefix,district\n"
        "CT,Canterbury\n"  # an area
        "CT9,thanet\n"  # a district, written in lower case
        "TN12,Tunbridge Wells\n"
        "tn12 0,Maidstone\n"  # a sector: longer than TN12, so it wins for TN12 0ZZ
        "TN239ZZ,Shepway\n"  # a whole postcode without its space; Shepway's current name
        "ME14,Maidstone\n",
        encoding="utf-8",
    )
    db = tmp_path / "t.duckdb"
    load_sen2_return(EXPORT, PERIOD, db, postcodes=lookup, ssd_folder=SSD)
    districts = _rows(db, "SELECT child_id, district FROM caseload")
    assert districts["T-16"] == ("Maidstone",)  # TN12 0ZZ: the sector beats TN12
    assert districts["T-04"] == ("Folkestone and Hythe",)  # the whole postcode TN23 9ZZ
    assert districts["T-01"] == ("Thanet",)  # CT9 beats the area CT
    assert districts["T-02"] == ("Canterbury",)  # CT10 is not CT9 or CT1: the area CT
    assert districts["T-05"] == ("Out of county",)  # DA11 is in no line of this lookup
    notes = " ".join(load_sen2_return(EXPORT, PERIOD, db, postcodes=lookup)[0].notes)
    assert "our_postcodes.csv (6 prefixes)" in notes and "APPROXIMATE" not in notes


def test_care_status_from_the_ssd_episodes_open_at_r(loaded):
    db, _ = loaded
    care = cohort(db, "care_status, cin, cp, cla, previously_looked_after")
    # a CIN episode referred 10 January, not closed
    assert care["T-01"] == ("Child in need (CIN)", True, False, False, False)
    # a CLA episode open since 2022 (UPN written 'z999000000102 ' in the SSD: matched); the CP
    # plan ended in 2021
    assert care["T-02"] == ("Looked after (CLA)", False, False, True, False)
    assert care["T-04"] == ("Child protection (CP)", False, True, False, False)  # open CP plan
    # a CLA episode that ceased 1 May 2021 (UK dates): previously looked after
    assert care["T-05"] == ("Previously looked after", False, False, False, True)
    # a CP plan ending ON R is not open at R
    assert care["T-16"] == ("No care status", False, False, False, False)
    # a CIN episode closed 1 February
    assert care["T-10"] == ("No care status", False, False, False, False)
    # no UPN to match (1008); a UPN the SSD does not hold (T-09)
    assert care["1008"][0] == "No care status" and care["T-09"][0] == "No care status"
    plans, _ = loaded[1]
    assert any("6 of 11 children with a plan matched" in n and "1 have no UPN" in n
               for n in plans.notes)  # fmt: skip


def test_care_status_not_supplied_without_the_ssd(tmp_path):
    db = tmp_path / "t.duckdb"
    plans, cohort_report = load_sen2_return(EXPORT, PERIOD, db)
    assert any("care status NOT SUPPLIED" in note for note in plans.notes)
    assert query(db, "SELECT DISTINCT care_status FROM cohort") == [("No care status",)]
    assert query(db, "SELECT period, care_status_supplied FROM period_dates") == [(PERIOD, False)]
    # with the SSD, loaded again: supplied
    load_sen2_return(EXPORT, PERIOD, db, ssd_folder=SSD)
    assert query(db, "SELECT care_status_supplied FROM period_dates") == [(True,)]


def test_a_bespoke_cohort_load_of_the_period_clears_what_the_return_said(tmp_path, test_data):
    from data.load import load_cohort

    db = tmp_path / "t.duckdb"
    load_sen2_return(EXPORT, PERIOD, db)
    load_cohort(SEN2_EQUIVALENT_COHORT, PERIOD, db)
    assert query(db, "SELECT * FROM period_info") == []
    assert query(db, "SELECT as_at_date, care_status_supplied, source FROM period_dates") == [
        (D(2023, 6, 30), True, "cohort extract")
    ]


def test_the_load_reports_add_up_and_name_the_source(loaded):
    _, (plans, cohort_report) = loaded
    # 18 activeplans rows + 1 placementdetail row and 1 senneed row of no plan
    assert (plans.rows_read, plans.rows_loaded, plans.rows_quarantined) == (20, 11, 9)
    assert (cohort_report.rows_read, cohort_report.rows_loaded) == (8, 8)
    assert plans.file_name == cohort_report.file_name == "Blade-Export_05-07-2023"
    text = plans.text()
    assert "plans read as at 30 June 2023 (the census date)" in text
    assert "dated 05-07-2023" in text


def test_optional_modules_may_be_absent(tmp_path):
    folder = copy_export(tmp_path)
    for module in ("senneed", "namedplan", "sen2", "plandetail"):
        next(folder.glob(f"*_{module}.csv")).unlink()
    # an assessment file holding only its header is an empty module, not a refusal
    assessment = next(folder.glob("*_assessment.csv"))
    assessment.write_text(assessment.read_text().splitlines()[0] + "\n")
    db = tmp_path / "t.duckdb"
    plans, _ = load_sen2_return(folder, PERIOD, db)
    assert query(db, "SELECT DISTINCT primary_need FROM caseload") == [("Not recorded",)]
    assert query(db, "SELECT count(*) FROM cohort WHERE ehcp_issued IS NOT NULL") == [(0,)]
    assert "no senneed file in the export: primary need is Not recorded" in plans.notes
    # without the senneed file, its orphan row is gone: 18 plan rows + 1 placement row
    assert plans.rows_read == 19


def test_the_newer_sex_column_is_read_when_gendercurrent_is_absent(tmp_path):
    folder = copy_export(tmp_path)
    edit_module(folder, "person", ",gendercurrent,", ",sex,")
    edit_module(folder, "person", "1001,T-01,1,SYN,1,Fakesurname-Alder,Fakeforename-Ada,"
                "2012-Mar-15 00:00:00,2,", "1001,T-01,1,SYN,1,Fakesurname-Alder,"
                "Fakeforename-Ada,2012-Mar-15 00:00:00,F,")  # fmt: skip
    db = tmp_path / "t.duckdb"
    load_sen2_return(folder, PERIOD, db)
    assert _rows(db, "SELECT child_id, gender FROM caseload WHERE child_id = 'T-01'") == {
        "T-01": ("Female",)
    }


SEN2_EQUIVALENT_COHORT = EXPORT.parent / "equivalent_cohort_2023_06.csv"
SEN2_EQUIVALENT_CASELOAD = EXPORT.parent / "equivalent_caseload_2023_06.csv"


def test_the_views_equal_those_from_the_equivalent_bespoke_extracts(loaded, tmp_path):
    """The cohort and caseload views from the Blade export and the SSD equal, column for
    column, those the cohort and caseload loaders give the hand-written equivalent files."""
    from data.load import load_batch

    db, _ = loaded
    bespoke = tmp_path / "bespoke.duckdb"
    load_batch(
        bespoke,
        [(SEN2_EQUIVALENT_COHORT, PERIOD)],
        caseload_files=[(SEN2_EQUIVALENT_CASELOAD, PERIOD)],
    )
    for view in ("cohort", "caseload"):
        # rkey is the disclosure-control record key, made from a secret that each database
        # draws for itself (figures/disclosure.py), so two databases differ there by design
        sql = f"SELECT * EXCLUDE (load_id, rkey) FROM {view} ORDER BY child_id"
        from_return, from_files = query(db, sql), query(bespoke, sql)
        assert len(from_return) == {"cohort": 8, "caseload": 11}[view]
        assert from_return == from_files, view
