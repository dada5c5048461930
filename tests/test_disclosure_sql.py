"""Record keys and cell keys in SQL (README, "Disclosure control").

- A child's record key is the first byte of md5(secret || child_id): checked here by Python's
  hashlib, a route independent of DuckDB's md5_number.
- A cell key is the sum of the counted children's record keys mod 256: the sums below were
  added up by hand from the keys of the fixture's children (tests/data/q_snapshot.csv with
  tests.q_fixture.TEST_SECRET), listed in KEYS.
- Every aggregate query that returns a count of children returns its `<count>_ckey` too.
- The secret is made by the first publish and carried by every later one.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from queries import aggregates, casework, runner
from queries.filters import CohortFilter
from tests.q_fixture import TEST_SECRET, build_fixture_db

DATA = Path(__file__).resolve().parent / "data"
QUERY_DIR = Path(__file__).resolve().parent.parent / "queries"
APRIL = CohortFilter("2024-04")

# The fixture's children and their record keys (md5 of TEST_SECRET + ID, first byte): worked
# out once with hashlib and written down; test_record_keys_match_hashlib checks both.
KEYS = {
    "T-0001": 161, "T-0002": 100, "T-0003": 88, "T-0004": 130, "T-0005": 29, "T-0006": 61,
    "T-0007": 42, "T-0008": 191, "T-0009": 1, "T-0010": 181, "T-0011": 123, "T-0012": 118,
    "T-0013": 123, "T-0014": 33, "T-0015": 64,
}  # fmt: skip


def md5_key(secret: str, child_id: str) -> int:
    """A record key by another route: hashlib's digest, first byte (md5_number & 255)."""
    return hashlib.md5((secret + child_id).encode("utf-8")).digest()[0]


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = build_fixture_db(tmp_path_factory.mktemp("disclosure_sql") / "fixture.duckdb")
    yield path
    runner.close_all()


def _rows(db_path: Path, sql: str, params=None) -> list[tuple]:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return con.execute(sql, params or {}).fetchall()
    finally:
        con.close()


def test_record_keys_match_hashlib(db):
    assert {child: md5_key(TEST_SECRET, child) for child in KEYS} == KEYS
    rows = _rows(db, "SELECT DISTINCT child_id, rkey FROM cohort ORDER BY child_id")
    assert dict(rows) == KEYS  # one key per child, the same in every period


def test_cell_keys_of_the_headline_and_a_breakdown_hand_worked(db):
    # April's 13 children: 161+100+88+130+29+61+42+191+1+181+123+118+64 = 1289; 1289 - 5x256 = 9
    assert aggregates.cohort_cell(APRIL, db=db) == (13, 9)
    by_district = aggregates.breakdown(APRIL, "district", db=db).set_index("category")
    # Thanet: T-0001 161, T-0002 100, T-0009 1, T-0010 181, T-0015 64 = 507; 507 - 256 = 251
    assert by_district.loc["Thanet", ["children", "children_ckey"]].tolist() == [5, 251]
    assert by_district.loc["Maidstone", ["children", "children_ckey"]].tolist() == [1, 191]
    # a district with nobody: 0 children, key 0
    assert by_district.loc["Gravesham", ["children", "children_ckey"]].tolist() == [0, 0]
    # the categories split the cohort, so their keys add up to the headline's (mod 256)
    assert int(by_district["children_ckey"].sum()) % 256 == 9


def test_cell_keys_of_a_cross_tab_and_the_headline_measures_hand_worked(db):
    cells = aggregates.crosstab(APRIL, "district", "placement_status", db=db)
    cells = cells.set_index(["row_category", "col_category"])
    # Thanet, Provision unknown: T-0002 100 + T-0009 1 + T-0015 64 = 165
    assert cells.loc[("Thanet", "Provision unknown"), "children_ckey"] == 165
    # Thanet, No placement: T-0001 161 + T-0010 181 = 342; 342 - 256 = 86
    assert cells.loc[("Thanet", "No placement"), "children_ckey"] == 86
    head = aggregates.headline(APRIL, db=db).set_index("measure")
    # No placement in April: 161+130+29+42+181+123+118 = 784; 784 - 3x256 = 16. In February
    # (the period before): T-0001 161, T-0002 100, T-0004 130, T-0007 42, T-0013 123 = 556;
    # 556 - 2x256 = 44
    no_placement = head.loc["no_placement", ["value", "value_ckey", "previous", "previous_ckey"]]
    assert no_placement.tolist() == [7, 16, 5, 44]
    # Provision unknown: 100+88+61+191+1+64 = 505; 505 - 256 = 249
    assert head.loc["provision_unknown", ["value", "value_ckey"]].tolist() == [6, 249]
    # the total row is the page header's count with its key
    assert head.loc["total", ["value", "value_ckey"]].tolist() == [13, 9]
    # the median has no key, but its group: children with days out recorded
    assert pd.isna(head.loc["median_days_out", "value_ckey"])
    assert (
        head.loc["median_days_out", "group_children"]
        == _rows(db, "SELECT count(days_out) FROM cohort WHERE period = '2024-04'")[0][0]
    )


def test_cell_keys_of_a_trend_hand_worked(db):
    trend = aggregates.trend(APRIL, None, "2024-01", "2024-04", db=db).set_index("period")
    # January: T-0001 161, T-0002 100, T-0004 130, T-0006 61, T-0013 123, T-0014 33 = 608;
    # 608 - 2x256 = 96. February adds T-0003 88, T-0007 42, T-0009 1: 608+88+42+1 = 739; 227
    assert trend.loc["2024-01", ["children", "children_ckey"]].tolist() == [6, 96]
    assert trend.loc["2024-02", ["children", "children_ckey"]].tolist() == [9, 227]
    assert trend.loc["2024-04", ["children", "children_ckey"]].tolist() == [13, 9]


def test_the_demo_and_every_publish_key_every_row(tmp_path):
    from data import generate

    path = generate.build_demo_database(
        tmp_path / "demo.duckdb", seed=3, children=40, periods=2, end="2026-10"
    )
    (secret,) = _rows(path, "SELECT secret FROM disclosure_key")[0]
    assert re.fullmatch(r"[0-9a-f]{64}", secret)
    for view in ("cohort", "caseload"):
        rows = _rows(path, f"SELECT DISTINCT child_id, rkey FROM {view}")
        assert rows and all(key == md5_key(secret, child) for child, key in rows)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """A database built by the real loader: a cohort, its casework, a caseload."""
    from data.load import load_caseload, load_casework, load_cohort

    path = tmp_path_factory.mktemp("disclosure_loaded") / "loaded.duckdb"
    load_cohort(DATA / "f_cohort_2024_02.csv", "2024-02", path)
    load_casework(DATA / "f_casework.csv", path)
    load_caseload(DATA / "c_caseload_2023_06.csv", "2023-06", path)
    return path


def test_the_secret_is_made_once_and_carried_by_every_publish(tmp_path):
    from data.load import load_cohort

    path = tmp_path / "keys.duckdb"
    load_cohort(DATA / "f_cohort_2024_02.csv", "2024-02", path)
    first = _rows(path, "SELECT secret FROM disclosure_key")
    keys = _rows(path, "SELECT child_id, rkey FROM cohort ORDER BY child_id")
    assert len(first) == 1 and all(key is not None for _, key in keys)
    # the same period again (a reload), then another period: the secret and the keys stay
    load_cohort(DATA / "f_cohort_2024_02.csv", "2024-02", path)
    load_cohort(DATA / "f_cohort_2024_03.csv", "2024-03", path)
    assert _rows(path, "SELECT secret FROM disclosure_key") == first
    assert _rows(path, "SELECT child_id, rkey FROM cohort WHERE period = '2024-02' "
                       "ORDER BY child_id") == keys  # fmt: skip
    (secret,) = first[0]
    rows = _rows(path, "SELECT child_id, rkey FROM cohort")
    assert all(key == md5_key(secret, child) for child, key in rows)
    # the table holds one row and no other can be added
    con = duckdb.connect(str(path))
    try:
        with pytest.raises(duckdb.ConstraintException):
            con.execute("INSERT INTO disclosure_key VALUES (2, $s)", {"s": "a" * 64})
    finally:
        con.close()


def test_a_database_from_before_keys_gets_them_at_its_next_publish(tmp_path):
    from data.load import load_cohort

    path = tmp_path / "old.duckdb"
    load_cohort(DATA / "f_cohort_2024_02.csv", "2024-02", path)
    con = duckdb.connect(str(path))
    try:  # back to what an earlier version published: no key column, no secret
        con.execute("DROP VIEW cohort")
        con.execute("DROP VIEW caseload")
        con.execute("DROP VIEW case_flags")
        con.execute("ALTER TABLE snapshot DROP COLUMN rkey")
        con.execute("ALTER TABLE caseload_snapshot DROP COLUMN rkey")
        con.execute("DROP TABLE disclosure_key")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    load_cohort(DATA / "f_cohort_2024_03.csv", "2024-03", path)
    (secret,) = _rows(path, "SELECT secret FROM disclosure_key")[0]
    rows = _rows(path, "SELECT period, child_id, rkey FROM cohort")
    assert {period for period, _, _ in rows} == {"2024-02", "2024-03"}
    assert all(key == md5_key(secret, child) for _, child, key in rows)


def test_flag_counts_carry_the_keys_of_the_children_flagged(loaded):
    march = CohortFilter("2024-02")
    (secret,) = _rows(loaded, "SELECT secret FROM disclosure_key")[0]
    flagged = _rows(
        loaded,
        "SELECT child_id, stalled, needs_action FROM case_flags WHERE period = '2024-02'",
    )
    counts = casework.flags_by_period(march, db=loaded).iloc[0]
    for flag, column in (("stalled", 1), ("needs_action", 2)):
        ids = [row[0] for row in flagged if row[column]]
        assert counts[flag] == len(ids)
        assert counts[f"{flag}_ckey"] == sum(md5_key(secret, c) for c in ids) % 256
    caseload = _rows(loaded, "SELECT child_id, rkey FROM caseload")
    assert caseload and all(key == md5_key(secret, child) for child, key in caseload)


# --- every count with its key ------------------------------------------------------------------

# Whole-number output columns that are not counts of children, with the reason: these need no
# cell key. Any other whole-number column of an aggregate query must come with `<name>_ckey`.
NOT_CHILDREN = {
    "children_by_priorities_met": {"met": "a number of priorities (0 to 4), not a count"},
    "dataset_info": {
        "periods": "periods loaded",
        "loads": "loads on record",
        "synthetic_loads": "loads on record (the gate: core/paths.py, data/provenance.py)",
        "real_loads": "loads on record (the gate)",
        "casework_events": "casework events, not children",
        "quarantined_rows": "rows of extract files that were not loaded (in no figure)",
    },
    "flags_by_category": {"terms_without_provision": "terms, summed over the children"},
    "headline_measures": {
        "with_days_out": "the median's group: decides whether the median is shown, never shown",
    },
    "largest_movements": {"change": "current - previous: worked out from the shown values"},
    "flags_by_period": {"terms_without_provision": "terms, summed over the children"},
    "load_history": {
        "load_id": "an identifier",
        "rows_read": "rows of a file as read (the load report)",
        "rows_quarantined": "rows of a file that were not loaded (in no figure)",
        "warnings": "field warnings of a file (counted by child in warnings_by_*)",
    },
    "published_measures": {
        "year": "a year",
        "plans": "published by the DfE (public statistics, not this council's children)",
        "not_in_education_csa": "published by the DfE",
        "other_placement": "published by the DfE",
        "awaiting_provision_old": "published by the DfE",
        "headline_children": "published by the DfE",
        "old_children": "published by the DfE",
    },
    "quarantine_count": {"quarantined": "rows of extract files that were not loaded"},
    "load_file_columns": {"load_id": "an identifier"},
    "warnings_by_load": {"load_id": "an identifier (its warnings come with their key)"},
    "children_by_each_dimension": {"gid": "which breakdown a row counts (grouping_id)"},
    "plans_by_each_dimension": {"gid": "which breakdown a row counts (grouping_id)"},
    "worklist_tier_counts": {"events_after_census": "casework events, not children"},
}


def _output_columns(con, name: str) -> list[tuple[str, str]]:
    """(name, type) of the columns query `name` returns, as DuckDB describes them (parameters
    bound as NULL, template slots filled with their first allowed value)."""
    sql = runner._query_text(name)
    template = {
        slot: sorted(runner._allowed[slot])[0]
        for slot in set(re.findall(r"\{\{\s*([A-Za-z_]\w*)\s*\}\}", sql)) - set(runner._FRAGMENTS)
    }
    rendered = runner.render(name, template)
    names = runner._parameter_names(rendered)
    relation = con.execute(
        f"DESCRIBE SELECT * FROM ({rendered}) LIMIT 0",  # the project's own SQL
        dict.fromkeys(names),
    ).fetchall()
    return [(row[0], row[1]) for row in relation]


WHOLE = re.compile(r"^(U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?|INTEGER)$")


def test_every_count_of_children_comes_with_its_cell_key(loaded):
    import queries.aggregates  # noqa: F401 - these register their template allow-lists
    import queries.casework  # noqa: F401
    import queries.rates  # noqa: F401
    import queries.survival  # noqa: F401

    con = duckdb.connect(str(loaded), read_only=True)
    checked, missing = [], []
    try:
        for path in sorted(QUERY_DIR.glob("*.sql")):
            name = path.stem
            if runner.is_pupil_level(name):
                continue
            columns = dict(_output_columns(con, name))
            counts = [
                c for c, kind in columns.items() if WHOLE.match(kind) and not c.endswith("_ckey")
            ]
            for count in counts:
                if count in NOT_CHILDREN.get(name, {}):
                    continue
                checked.append(f"{name}.{count}")
                if f"{count}_ckey" not in columns:
                    missing.append(f"{name}.{count}")
            # and every key names a count the query returns
            for key in (c for c in columns if c.endswith("_ckey")):
                assert key.removesuffix("_ckey") in columns, f"{name}.{key} keys nothing"
                assert columns[key] == "INTEGER", f"{name}.{key} is {columns[key]}"
    finally:
        con.close()
    assert missing == []
    assert len(checked) >= 60
    for expected in ("cohort_count.children", "children_by_category.children",
                     "children_by_two_dimensions.children", "caseload_by_category.plans",
                     "flags_by_period.stalled", "headline_measures.cla",
                     "flags_raised_cleared.raised", "worklist_tier_counts.act_now",
                     "warnings_by_field.warnings", "not_recorded_share.not_recorded"):  # fmt: skip
        assert expected in checked
    # the allow-list names only columns that exist (so it cannot hide a renamed count)
    con = duckdb.connect(str(loaded), read_only=True)
    try:
        for name, allowed in NOT_CHILDREN.items():
            columns = dict(_output_columns(con, name))
            assert set(allowed) <= set(columns), name
    finally:
        con.close()


def test_the_episodes_carry_each_childs_key_for_survival_counts(loaded):
    import queries.survival  # noqa: F401

    con = duckdb.connect(str(loaded), read_only=True)
    try:
        columns = dict(_output_columns(con, "episodes"))
    finally:
        con.close()
    assert "rkey" in columns and "child_id" in columns and runner.is_pupil_level("episodes")


def test_survival_counts_and_numbers_at_risk_carry_their_keys(tmp_path):
    from data import generate
    from queries import survival

    loaded = generate.build_demo_database(
        tmp_path / "months.duckdb", seed=5, children=60, periods=8, end="2026-10"
    )
    march = CohortFilter("2026-10")
    (secret,) = _rows(loaded, "SELECT secret FROM disclosure_key")[0]
    episodes = survival.episodes(march, None, db=loaded)
    usable = episodes[episodes["problem"].isna()]  # the episodes the figures time
    keys = [md5_key(secret, child) for child in usable["child_id"]]
    assert len(keys) >= 30
    result = survival.survival(march, None, db=loaded)
    row = result.summary.iloc[0]
    assert row["episodes"] == len(usable) and row["episodes_ckey"] == sum(keys) % 256
    returned = [k for k, s in zip(keys, usable["status"], strict=True) if s == "returned"]
    assert row["returned_ckey"] == sum(returned) % 256
    # at risk at 3 months: seen by then (entry) and followed to it or after
    three = 3 * survival.DAYS_PER_MONTH
    at_three = [
        k
        for k, e, d in zip(keys, usable["entry_days"], usable["followed_days"], strict=True)
        if e <= three <= d
    ]
    assert len(at_three) >= 5
    assert result.at_risk.iloc[0]["3 months"] == len(at_three)
    assert result.at_risk_ckey.iloc[0]["3 months"] == sum(at_three) % 256
    # the returns shared into the first band of the hazard: every return whose interval
    # reaches below 3 months
    sharing = [
        k
        for k, lo, up in zip(keys, usable["followed_days"], usable["return_days"], strict=True)
        if not pd.isna(up) and lo < three
    ]
    hazard = survival.hazard_by_time_out(march, db=loaded)
    assert hazard.iloc[0]["returns_ckey"] == sum(sharing) % 256
    assert list(result.at_risk_ckey.columns) == list(result.at_risk.columns)
