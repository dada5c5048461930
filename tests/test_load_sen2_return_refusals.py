"""The SEN2 return route's quarantine, refusals and data minimisation.

Every activeplans row is loaded or quarantined with its reason (as are placementdetail and
senneed rows of no plan, and rows the CSV parser cannot split); a folder or file that cannot be
used is refused with a message naming the problem and the database left byte for byte as it
was; no UPN, ULN, NHS number, name or postcode of the input is anywhere in the database file.
Expected values worked out by hand from tests/data/sen2_return/ (tests/sen2_fixture.py).
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from data.extract_reader import ExtractRefused
from data.load import LoadRefused, load_cohort
from data.sen2_return import load_sen2_return
from tests.conftest import query
from tests.sen2_fixture import (
    EXPORT,
    NAME_STEMS,
    NAMES,
    NHS_NUMBERS,
    PERIOD,
    POSTCODES,
    SSD,
    ULNS,
    UPNS,
    copy_export,
    edit_module,
    module_file,
)

PROJECT = Path(__file__).resolve().parent.parent


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def loaded(db_path):
    reports = load_sen2_return(EXPORT, PERIOD, db_path, ssd_folder=SSD)
    return db_path, reports


# --- quarantine -------------------------------------------------------------------------------


def test_each_quarantine_reason(loaded):
    db, _ = loaded
    rows = query(
        db,
        "SELECT source_row, child_id, reason, raw_values FROM quarantine "
        "WHERE kind = 'caseload' ORDER BY reason",
    )
    reasons = {reason: (row, child) for row, child, reason, _ in rows}
    assert reasons == {
        "activeplans row 4: exact repeat of activeplans row 2 (loaded once)": (4, "T-01"),
        "activeplans row 13: the person has 2 active plans (one expected)": (13, "T-11"),
        "activeplans row 14: the person has 2 active plans (one expected)": (14, "T-11"),
        "activeplans row 15: a plan without its request (its requeststableid is not in the "
        "requests file)": (15, None),
        "activeplans row 16: a plan without its person (its request's persontableid is not in "
        "the person file)": (16, None),
        "activeplans row 17: a placement of the plan cannot be read: entrydate '2023-02-30' is "
        "not a date": (17, "T-14"),
        "activeplans row 18: a placement of the plan cannot be read: SENsetting 'XYZ' is not a "
        "SEN2 code": (18, "T-15"),
        "placementdetail row 19: a placement without its plan (its activeplanstableid is not "
        "in the activeplans file)": (19, None),
        "senneed row 14: a need without its plan (its activeplanstableid is not in the "
        "activeplans file)": (14, None),
    }
    # the raw values are the export's IDs, enough to find the row; nothing else
    values = {json.loads(raw)["module"]: json.loads(raw) for _, _, _, raw in rows}
    assert values["placementdetail"] == {
        "module": "placementdetail",
        "placementdetailtableid": "PD99",
        "activeplanstableid": "AP99",
    }
    by_reason = {reason: json.loads(raw) for _, _, reason, raw in rows}
    bad_date = next(v for r, v in by_reason.items() if "2023-02-30" in r)
    assert bad_date["placementdetail_row"] == 17 and bad_date["activeplanstableid"] == "AP14"


def test_a_row_the_csv_parser_cannot_split_quarantines_it_and_its_plan(tmp_path):
    folder = copy_export(tmp_path)
    # person 1003's row and placement PD04b lose their trailing cells
    edit_module(folder, "person", "2011-01-05,1,WIRT,ME14 9ZZ,Z999000000103,,", "2011-01-05")
    edit_module(
        folder, "placementdetail", "PD04b,,7,SYN,AP04,,10000004,,,2,2022-09-05,,,0,0,,",
        "PD04b,,7,SYN,AP04,,10000004",
    )  # fmt: skip
    db = tmp_path / "t.duckdb"
    plans, _ = load_sen2_return(folder, PERIOD, db)
    reasons = dict(query(db, "SELECT reason, raw_values FROM quarantine WHERE kind = 'caseload'"))
    mine = {r: v for r, v in reasons.items() if "could not be read" in r}
    assert set(mine) == {
        "activeplans row 5: the plan's person could not be read as CSV (its row is "
        "quarantined too)",
        "activeplans row 6: a placement of the plan could not be read as CSV (its row is "
        "quarantined too)",
        "person row 4: the row could not be read as CSV (missing columns)",
        "placementdetail row 8: the row could not be read as CSV (missing columns)",
    }
    # a rejected person row keeps its IDs only: no name, UPN or postcode
    person = json.loads(mine["person row 4: the row could not be read as CSV (missing columns)"])
    assert person == {"module": "person", "persontableid": "1003", "nativeid": "T-03"}
    # 18 plan rows + 2 rows of no plan + 2 rejected rows; T-03 and T-04 now quarantined
    assert (plans.rows_read, plans.rows_loaded, plans.rows_quarantined) == (22, 9, 13)


# Each further reason: (module edited, text, replacement, activeplans row, reason's ending).
# AP06 is row 8 (T-06, EHE); AP07 row 9 (T-07, 'ola').
REASONS = {
    "no plan ID": (
        "activeplans", "AP06,,6,SYN,R06", ",,6,SYN,R06", 8, "the plan has no activeplanstableid",
    ),
    "one plan ID, two plans": (
        "activeplans", "AP06,,6,SYN,R06", "AP07,,6,SYN,R06", 8,
        "activeplanstableid appears 2 times in the activeplans file with different values",
    ),
    "a request naming two persons": (
        "requests", "R07,,7,SYN,1007,",
        "R07,,77,SYN,1006,2019-Sep-01 00:00:00,0,,A,0,0,\nR07,,7,SYN,1007,", 9,
        "the plan's request names 2 different persons in the requests file",
    ),
    "a person given twice, differently": (
        "person", "1007,T-07,7,SYN,1,", "1007,T-07,7,SYN,1,X,X,2012-12-13,1,,,,,\n"
        "1007,T-07,7,SYN,1,", 9,
        "the plan's person appears in the person file with 2 different sets of values",
    ),
    "a request that cannot be read": (
        "requests", "R07,,7,SYN,1007,2019-Sep-01 00:00:00,0,,A,0,0,", "R07,,7,SYN", 9,
        "the plan's request could not be read as CSV (its row is quarantined too)",
    ),
    "leaving before entry": (
        "placementdetail", "EHE,,1,2021-01-01,,", "EHE,,1,2021-01-01,2020-12-31,", 8,
        "a placement of the plan cannot be read: leavingdate is before entrydate",
    ),
    "a rank that is no number": (
        "placementdetail", "ola,,1,2022-01-01", "ola,,first,2022-01-01", 9,
        "a placement of the plan cannot be read: placementrank 'first' is not a whole number "
        "from 1",
    ),
    "no URN, UKPRN or setting": (
        "placementdetail", "AP06,,,EHE,,1", "AP06,,,,,1", 8,
        "a placement of the plan cannot be read: the placement has no URN, UKPRN or SENsetting",
    ),
    "no entry date": (
        "placementdetail", "ola,,1,2022-01-01", "ola,,1,", 9,
        "a placement of the plan cannot be read: entrydate is blank",
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", list(REASONS))
def test_each_further_reason_quarantines_its_plan(tmp_path, case):
    module, old, new, row, reason = REASONS[case]
    folder = copy_export(tmp_path)
    edit_module(folder, module, old, new.replace("\\n", "\n"))
    db = tmp_path / "t.duckdb"
    plans, _ = load_sen2_return(folder, PERIOD, db)
    found = query(
        db,
        "SELECT reason FROM quarantine WHERE kind = 'caseload' AND source_row = $row "
        "AND reason LIKE 'activeplans row%'",
        {"row": row},
    )
    assert found == [(f"activeplans row {row}: {reason}",)]
    assert plans.rows_loaded + plans.rows_quarantined == plans.rows_read
    # the plan is in neither view
    child = {8: "T-06", 9: "T-07"}[row]
    assert query(db, f"SELECT count(*) FROM caseload WHERE child_id = '{child}'") == [(0,)]


def test_two_persons_with_one_native_id_are_quarantined_as_the_cohort_would(tmp_path):
    folder = copy_export(tmp_path)
    edit_module(folder, "person", "1007,T-07,", "1007,T-06,")
    db = tmp_path / "t.duckdb"
    load_sen2_return(folder, PERIOD, db)
    assert query(
        db,
        "SELECT source_row, reason FROM quarantine WHERE kind = 'caseload' "
        "AND child_id = 'T-06' ORDER BY source_row",
    ) == [
        (8, "child_id appears 2 times in the file with different values"),
        (9, "child_id appears 2 times in the file with different values"),
    ]


# --- refusals ---------------------------------------------------------------------------------


@pytest.fixture
def live(db_path):
    load_sen2_return(EXPORT, PERIOD, db_path, ssd_folder=SSD)
    return db_path


def refused(live: Path, folder, needle: str, **kwargs) -> str:
    before = digest(live)
    with pytest.raises((ExtractRefused, LoadRefused, ValueError)) as error:
        load_sen2_return(folder, kwargs.pop("period", PERIOD), live, **kwargs)
    message = str(error.value)
    assert needle in message, message
    assert "Nothing in the database was changed" in message
    assert digest(live) == before
    assert [p.name for p in live.parent.iterdir() if "loading" in p.name] == []
    return message


@pytest.mark.parametrize(
    ("missing", "named"),
    [
        (["person"], "*_person.csv are missing"),
        (["requests", "activeplans"], "*_requests.csv, *_activeplans.csv are missing"),
        (["placementdetail"], "*_placementdetail.csv are missing"),
    ],
)
def test_a_folder_missing_a_required_module_is_refused_naming_it(live, tmp_path, missing, named):
    folder = copy_export(tmp_path)
    for module in missing:
        module_file(folder, module).unlink()
    refused(live, folder, named)


def test_folder_problems_are_refused(live, tmp_path):
    refused(live, tmp_path / "nowhere", "the folder does not exist")
    refused(live, EXPORT / "Blade-Export_05-07-2023_person.csv", "not a folder")
    two = copy_export(tmp_path, name="two")
    (two / "Blade-Export_06-07-2023_person.csv").write_text("persontableid\n1\n")
    refused(live, two, "2 files for the person module")
    mixed = copy_export(tmp_path, name="mixed")
    module_file(mixed, "senneed").rename(mixed / "Blade-Export_06-07-2023_senneed.csv")
    refused(live, mixed, "different exports (dated 05-07-2023, 06-07-2023)")
    impossible = copy_export(tmp_path, date="31-02-2023", name="impossible")
    refused(live, impossible, "the date in the file name 'Blade-Export_31-02-2023_")
    before = digest(live)
    for period, needle in [("2023-6", "not of the form YYYY-MM"), ("1999-12", "outside the")]:
        with pytest.raises(ValueError, match=needle):
            load_sen2_return(EXPORT, period, live)
    assert digest(live) == before


def test_an_export_made_before_the_month_is_refused(live, tmp_path):
    folder = copy_export(tmp_path, date="31-05-2023")
    refused(live, folder, "exported on 31-05-2023, before 2023-06 began")


def test_an_export_older_than_the_one_loaded_for_the_period_needs_replace(live, tmp_path):
    # the live database holds the export of 05-07-2023 for 2023-06
    earlier = copy_export(tmp_path, date="20-06-2023", name="earlier")
    refused(live, earlier, "holds the export of 05-07-2023, and this one is older (20-06-2023)")
    load_sen2_return(earlier, PERIOD, live, replace=True)
    assert query(live, "SELECT as_at_date FROM period_dates")[0][0].isoformat() == "2023-06-20"
    # a newer export of the month needs nothing
    later = copy_export(tmp_path, date="27-06-2023", name="later")
    load_sen2_return(later, PERIOD, live)
    assert query(live, "SELECT as_at_date FROM period_dates")[0][0].isoformat() == "2023-06-27"


def test_the_readers_refusals_apply_to_every_module_file(live, tmp_path):
    folder = copy_export(tmp_path, name="quote")
    edit_module(folder, "requests", "R05,,5,SYN,1005", 'R05,,5,SYN,"1005')
    refused(live, folder, "opened and never closed")
    folder = copy_export(tmp_path, name="cr")
    edit_module(folder, "activeplans", "AP03,,3", "AP03\r,,3")
    refused(live, folder, "carriage return (CR)")
    folder = copy_export(tmp_path, name="latin")
    path = module_file(folder, "senneed")
    path.write_bytes(path.read_bytes() + "SN99,,99,SYN,AP01,caf\u00e9,3\n".encode("latin-1"))
    refused(live, folder, "not UTF-8")
    folder = copy_export(tmp_path, name="columns")
    edit_module(folder, "placementdetail", ",entrydate,", ",startdate,")
    refused(live, folder, "entrydate are missing from the header")
    folder = copy_export(tmp_path, name="empty")
    path = module_file(folder, "activeplans")
    path.write_text(path.read_text().splitlines()[0] + "\n")
    refused(live, folder, "no data rows")


def test_ssd_and_postcode_lookup_problems_are_refused(live, tmp_path):
    ssd = tmp_path / "ssd"
    ssd.mkdir()
    for path in SSD.iterdir():
        if path.name != "ssd_cp_plans.csv":
            (ssd / path.name).write_bytes(path.read_bytes())
    refused(live, EXPORT, "ssd_cp_plans.csv missing", ssd_folder=ssd)
    refused(live, EXPORT, "The SSD folder 'nowhere' was not used", ssd_folder=tmp_path / "nowhere")
    lookup = tmp_path / "lookup.csv"
    refused(live, EXPORT, "the file does not exist", postcodes=lookup)
    lookup.write_bytes("prefix,district\nCT1,Th\u00e9net\n".encode("latin-1"))
    refused(live, EXPORT, "it is not UTF-8 text", postcodes=lookup)
    lookup.write_text("prefix,district\n")
    refused(live, EXPORT, "it holds no prefixes", postcodes=lookup)
    for text, needle in [
        ("prefix,district\nCT1,Medway\n", "line 2: 'Medway' is not one of Kent's twelve"),
        ("prefix,district\nCT1 1A,Thanet\n", "line 2: 'CT1 1A' is not a postcode area"),
        ("prefix,district\nCT1,Thanet\nct1,Dover\n", "given two districts (Thanet and Dover)"),
        ("postcode,area\nCT1,Thanet\n", "must name the columns prefix and district"),
    ]:
        lookup.write_text(text)
        refused(live, EXPORT, needle, postcodes=lookup)


def test_a_return_with_under_half_the_plans_is_refused_unless_replace(live, tmp_path):
    folder = copy_export(tmp_path)
    path = module_file(folder, "activeplans")
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines[:3]) + "\n")  # AP01 and AP02 only
    message = refused(live, folder, "would replace the plans of period 2023-06 (11) with 2")
    assert "--replace" in message
    plans, cohort_report = load_sen2_return(folder, PERIOD, live, replace=True)
    assert (plans.rows_loaded, cohort_report.rows_loaded) == (2, 2)


# --- data minimisation ------------------------------------------------------------------------


def _identifying_values() -> list[str]:
    values = UPNS + ULNS + NHS_NUMBERS + NAME_STEMS + [f"-{name}" for name in NAMES]
    for postcode in POSTCODES:
        values += [postcode, postcode.upper(), postcode.replace(" ", "").upper()]
    return values


def _files_beside(db: Path) -> list[Path]:
    return [p for p in db.parent.iterdir() if p.is_file() and p.name.startswith(db.name)]


def test_no_upn_uln_name_or_postcode_is_in_the_database_files_bytes(loaded, tmp_path):
    db, _ = loaded
    for path in _files_beside(db):
        data = path.read_bytes()
        found = [v for v in _identifying_values() if v.encode() in data]
        assert found == [], (path.name, found)
    # and in no text column of any table, however DuckDB stores it
    con = duckdb.connect(str(db), read_only=True)
    try:
        columns = con.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'main' AND data_type = 'VARCHAR'"
        ).fetchall()
        for table, column in columns:
            text = " ".join(
                str(v[0]) for v in con.execute(f'SELECT "{column}" FROM "{table}"').fetchall()
            ).upper()
            assert [v for v in _identifying_values() if v.upper() in text] == [], (table, column)
    finally:
        con.close()


def test_the_byte_search_finds_a_upn_a_loader_did_store(tmp_path):
    """The check above can fail: a bespoke extract carrying a UPN, a name and a postcode in
    its columns puts them in the file, and the same search finds them."""
    extract = tmp_path / "careless.csv"
    extract.write_text(
        "child_id,date_of_birth,gender,primary_need,district,placement_status,sen_team\n"
        f"{UPNS[0]},2012-01-01,F,ASD,Thanet,No placement,Fakesurname-Alder\n"
        f"{UPNS[1]},2012-01-01,F,ASD,Thanet,No placement,{POSTCODES[0]}\n"
    )
    db = tmp_path / "careless.duckdb"
    load_cohort(extract, PERIOD, db)
    data = db.read_bytes()
    assert UPNS[0].encode() in data
    assert b"Fakesurname-Alder" in data and POSTCODES[0].encode() in data


def test_the_command_line_prints_no_identifying_value(tmp_path):
    db = tmp_path / "cli.duckdb"
    result = subprocess.run(
        [sys.executable, "-m", "data.load", "sen2-return", str(EXPORT), "--period", PERIOD,
         "--ssd", str(SSD), "--db", str(db)],
        cwd=PROJECT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Load report: caseload (SEN2 return)" in result.stdout
    assert "Load report: cohort (SEN2 return)" in result.stdout
    printed = (result.stdout + result.stderr).upper()
    assert [v for v in _identifying_values() if v.upper() in printed] == []
    # the audit trail records the run with the plans' counts
    from appstore.audit import store_path

    con = __import__("sqlite3").connect(store_path(db))
    try:
        details = [json.loads(r[0]) for r in con.execute("SELECT detail FROM audit")]
    finally:
        con.close()
    load = [d for d in details if d.get("kind") == "sen2-return"]
    assert load and load[-1]["rows_read"] == 20 and load[-1]["rows_loaded"] == 11


def test_a_refusal_on_the_command_line_exits_2_and_names_the_missing_module(live, tmp_path):
    folder = copy_export(tmp_path)
    module_file(folder, "placementdetail").unlink()
    before = digest(live)
    result = subprocess.run(
        [sys.executable, "-m", "data.load", "sen2-return", str(folder), "--period", PERIOD,
         "--db", str(live)],
        cwd=PROJECT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 2
    assert "REFUSED" in result.stderr and "*_placementdetail.csv are missing" in result.stderr
    assert "Traceback" not in result.stderr
    assert digest(live) == before
