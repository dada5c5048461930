"""The case-flag settings: the config files, their copy in the database, and the view's speed
habits (a period filter reaches the snapshot scan).

Fixture: tests/data/f_*.csv loaded through the real loader (see test_flags_definitions.py for
the hand-worked flags of each child).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import duckdb
import pytest

from data import flag_settings
from data.flag_settings import FlagSettingsError, install_flag_settings, read_settings, read_terms
from data.load import load_batch, load_cohort

DATA = Path(__file__).resolve().parent / "data"
ROOT = Path(__file__).resolve().parent.parent

# Easter Sundays 2015-2030 (Church of England / Gregorian computus, as printed in almanacs).
EASTER = {
    2015: dt.date(2015, 4, 5),
    2016: dt.date(2016, 3, 27),
    2017: dt.date(2017, 4, 16),
    2018: dt.date(2018, 4, 1),
    2019: dt.date(2019, 4, 21),
    2020: dt.date(2020, 4, 12),
    2021: dt.date(2021, 4, 4),
    2022: dt.date(2022, 4, 17),
    2023: dt.date(2023, 4, 9),
    2024: dt.date(2024, 3, 31),
    2025: dt.date(2025, 4, 20),
    2026: dt.date(2026, 4, 5),
    2027: dt.date(2027, 3, 28),
    2028: dt.date(2028, 4, 16),
    2029: dt.date(2029, 4, 1),
    2030: dt.date(2030, 4, 21),
}


@pytest.fixture(scope="module")
def flags_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("flag-settings") / "flags.duckdb"
    load_batch(
        db,
        [(DATA / "f_cohort_2024_02.csv", "2024-02"), (DATA / "f_cohort_2024_03.csv", "2024-03")],
        DATA / "f_casework.csv",
    )
    return db


def test_every_threshold_has_a_value_and_a_reason():
    settings = read_settings()
    assert set(flag_settings.REQUIRED_SETTINGS) <= set(settings)
    for setting in settings.values():
        assert len(setting.reason) > 40, setting.name  # a reason, not a label
    assert settings["flags.s19_days"].value == 21
    assert settings["flags.stall_days"].value == 28
    assert settings["flags.consultation_chain"].value == 10
    assert settings["cost.per_term_low"].value == 900
    assert settings["cost.per_term_high"].value == 2400
    assert "INDICATIVE" in settings["cost.per_term_low"].reason


def test_term_table_has_three_terms_a_year_with_real_easters():
    terms = read_terms()
    by_year = {}
    for term in terms:
        by_year.setdefault(term.start_date.year, {})[term.term] = term
    for year, easter in EASTER.items():
        spring, summer, autumn = (by_year[year][t] for t in ("spring", "summer", "autumn"))
        assert (spring.start_date, spring.end_date) == (
            dt.date(year, 1, 1),
            easter - dt.timedelta(days=1),
        )
        assert (summer.start_date, summer.end_date) == (easter, dt.date(year, 7, 31))
        assert (autumn.start_date, autumn.end_date) == (dt.date(year, 9, 1), dt.date(year, 12, 31))
        assert autumn.academic_year == f"{year}/{str(year + 1)[2:]}"
        assert spring.academic_year == summer.academic_year == f"{year - 1}/{str(year)[2:]}"


def test_settings_and_terms_are_in_the_database_for_analysts(flags_db):
    con = duckdb.connect(str(flags_db), read_only=True)
    try:
        s19 = con.execute(
            "SELECT value, reason FROM flag_settings WHERE name = 'flags.s19_days'"
        ).fetchone()
        spring_2024 = con.execute(
            "SELECT start_date, end_date FROM school_terms "
            "WHERE term = 'spring' AND academic_year = '2023/24'"
        ).fetchone()
    finally:
        con.close()
    assert s19[0] == 21 and "section 19" in s19[1]
    assert spring_2024 == (dt.date(2024, 1, 1), dt.date(2024, 3, 30))


def test_the_database_names_its_flag_definition(flags_db):
    con = duckdb.connect(str(flags_db), read_only=True)
    try:
        stored = con.execute("SELECT definition_sha256 FROM case_flags_info").fetchall()
    finally:
        con.close()
    assert stored == [(flag_settings.definition_hash(),)]


def write_flags(tmp_path: Path, **changes) -> Path:
    """A copy of config/flags.toml with some values changed (name -> new value)."""
    text = (ROOT / "config" / "flags.toml").read_text(encoding="utf-8")
    for name, value in changes.items():
        section, key = name.split(".")
        header = f"[{section}.{key}]\nvalue = "
        start = text.index(header) + len(header)
        end = text.index("\n", start)
        text = text[:start] + str(value) + text[end:]
    path = tmp_path / "flags.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_changed_threshold_changes_the_flags(flags_db, tmp_path):
    # s19 at 60 days: F-0005 (59 days) is no longer due, F-0011 (90 days) still is.
    # stall at 40 days: F-0004 (40 days since its last event) is still stalled, F-0009 (48)
    # too, F-0010 (28) no longer.
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(flags_db, copy)
    con = duckdb.connect(str(copy))
    try:
        con.execute("BEGIN")
        install_flag_settings(
            con,
            flags_path=write_flags(
                tmp_path,
                **{
                    "flags.s19_days": 60,
                    "flags.stall_days": 40,
                },
            ),
        )
        con.execute("COMMIT")
        got = dict(
            con.execute(
                "SELECT child_id, [s19_due, stalled] FROM case_flags WHERE period = '2024-03' "
                "AND child_id IN ('F-0004', 'F-0005', 'F-0009', 'F-0010', 'F-0011')"
            ).fetchall()
        )
    finally:
        con.close()
    assert got == {
        "F-0004": [True, True],
        "F-0005": [False, False],
        "F-0009": [False, True],
        "F-0010": [False, False],
        "F-0011": [True, False],
    }


def test_a_missing_threshold_is_refused(tmp_path):
    text = (ROOT / "config" / "flags.toml").read_text(encoding="utf-8")
    broken = tmp_path / "flags.toml"
    broken.write_text(text.replace("[flags.stall_days]", "[flags.stall_days_typo]"))
    with pytest.raises(FlagSettingsError, match="flags.stall_days"):
        read_settings(broken)


def test_a_threshold_without_a_reason_is_refused(tmp_path):
    broken = tmp_path / "flags.toml"
    broken.write_text('[flags.s19_days]\nvalue = 21\nreason = ""\n')
    with pytest.raises(FlagSettingsError, match="reason"):
        read_settings(broken)


def test_overlapping_terms_are_refused(tmp_path):
    broken = tmp_path / "terms.csv"
    broken.write_text(
        "academic_year,term,start_date,end_date\n"
        "2023/24,autumn,2023-09-01,2023-12-31\n"
        "2023/24,spring,2023-12-20,2024-03-30\n"
    )
    with pytest.raises(FlagSettingsError, match="overlaps"):
        read_terms(broken)


def test_a_broken_config_refuses_the_load_and_changes_nothing(flags_db, tmp_path, monkeypatch):
    copy = tmp_path / "live.duckdb"
    shutil.copyfile(flags_db, copy)
    before = copy.read_bytes()
    broken = tmp_path / "flags.toml"
    broken.write_text("[flags.s19_days]\nvalue = 'soon'\nreason = 'not a number'\n")
    monkeypatch.setattr(flag_settings, "FLAGS_TOML", broken)
    with pytest.raises(FlagSettingsError):
        load_cohort(DATA / "f_cohort_2024_02.csv", "2024-02", copy)
    assert copy.read_bytes() == before


def scan_rows(con, sql: str, params: dict) -> dict[str, int]:
    """Rows each table scan produced when running `sql` (from EXPLAIN ANALYZE)."""
    plan = json.loads(con.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params).fetchall()[0][1])
    found: dict[str, int] = {}

    def walk(node):
        table = node.get("extra_info", {}).get("Table")
        if "SCAN" in node.get("name", "") and table:
            name = table.split(".")[-1].strip('"')
            found[name] = found.get(name, 0) + node["intermediate_rows"]
        for child in node.get("children", []):
            walk(child)

    for node in plan["operator"]:
        walk(node)
    return found


def test_a_period_filter_reaches_the_snapshot_scan(flags_db):
    # 17 snapshot rows in the file, 14 of them in March: a query for March must read 14, both
    # with `period = $p` and with the shared cohort filter's `period BETWEEN ...`. The basis
    # holds one row per (child, out_of_school_since) pair of the children with casework:
    # F-0001, -0002, -0004, -0005, -0009, -0010 and -0011, one pair each (F-0001 and F-0004 keep
    # their date from February to March). The other children share one row per date: the ten
    # distinct dates of March (February's two recur; F-0006's was blanked there).
    con = duckdb.connect(str(flags_db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM snapshot").fetchone()[0] == 17
        assert con.execute("SELECT count(*) FROM case_flag_basis").fetchone()[0] == 7
        assert con.execute("SELECT count(*) FROM case_flag_dates").fetchone()[0] == 10
        equal = scan_rows(con, "SELECT * FROM case_flags WHERE period = $p", {"p": "2024-03"})
        between = scan_rows(
            con,
            "SELECT count(*) FILTER (WHERE s19_due) FROM case_flags "
            "WHERE period BETWEEN $a AND $b AND district = 'Dover'",
            {"a": "2024-03", "b": "2024-03"},
        )
    finally:
        con.close()
    assert equal["snapshot"] == 14
    assert equal["case_flag_basis"] <= 7
    assert between["snapshot"] <= 14
    assert between["case_flag_basis"] <= 7
