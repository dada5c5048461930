"""Tests of the synthetic demonstration data (data/generate.py and its synth_* modules).

Small builds (a few hundred children, a few months) through the real loader: determinism,
plausibility for Kent, the Ombudsman-like cases the casework must hold, the synthetic flag and
the command line's --db rule.
"""

from __future__ import annotations

import csv
import tempfile

import duckdb
import pytest

from core import vocab
from data import generate

SMALL = {"children": 300, "periods": 8, "end": "2026-10"}


def _query(db, sql, params=None):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or {}).fetchall()


# rkey: each database has its own disclosure-control secret (README, "Disclosure control")
COHORT_ROWS = "SELECT * EXCLUDE (load_id, rkey) FROM cohort ORDER BY period, child_id"
CASEWORK_ROWS = (
    "SELECT * EXCLUDE (load_id, source_row) FROM casework "
    "ORDER BY child_id, event_date, event_type, source_row"
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    db = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    generate.build_demo_database(db, seed=7, **SMALL)
    return db


def test_same_seed_same_database_other_seed_differs(demo, tmp_path):
    again = generate.build_demo_database(tmp_path / "again.duckdb", seed=7, **SMALL)
    other = generate.build_demo_database(tmp_path / "other.duckdb", seed=8, **SMALL)
    for sql in (COHORT_ROWS, CASEWORK_ROWS):
        assert _query(demo, sql) == _query(again, sql)
        assert _query(demo, sql) != _query(other, sql)


def test_latest_snapshot_holds_about_the_children_asked_for(demo):
    (latest,) = _query(demo, "SELECT count(*) FROM cohort WHERE period = '2026-10'")[0]
    assert 0.97 * SMALL["children"] <= latest <= SMALL["children"]
    periods = [p for (p,) in _query(demo, "SELECT DISTINCT period FROM cohort ORDER BY 1")]
    assert periods == [f"2026-{m:02d}" for m in range(3, 11)]


def test_about_two_boys_to_each_girl(demo):
    boys, girls = _query(
        demo,
        "SELECT count(*) FILTER (gender = 'Male'), count(*) FILTER (gender = 'Female') FROM cohort",
    )[0]
    assert 1.6 <= boys / girls <= 2.5


def test_autism_and_semh_are_the_largest_needs(demo):
    needs = _query(
        demo,
        "SELECT primary_need FROM cohort WHERE primary_need <> 'Not recorded' "
        "GROUP BY 1 ORDER BY count(*) DESC LIMIT 2",
    )
    assert {n for (n,) in needs} == {"ASD", "SEMH"}


def test_more_secondary_than_primary_age(demo):
    secondary, primary = _query(
        demo,
        "SELECT count(*) FILTER (year_group IN ('Year 7','Year 8','Year 9','Year 10','Year 11')),"
        " count(*) FILTER (year_group IN ('R','Year 1','Year 2','Year 3','Year 4','Year 5',"
        "'Year 6')) FROM cohort",
    )[0]
    assert secondary > primary > 0


def test_every_district_present_and_data_quality_faults_to_show(demo):
    districts = {d for (d,) in _query(demo, "SELECT DISTINCT district FROM cohort")}
    assert set(vocab.DISTRICT_NAMES) <= districts
    assert {"Out of county", "Not recorded"} <= districts
    assert _query(demo, "SELECT count(*) FROM cohort WHERE gender = 'Not recorded'")[0][0] > 0
    warned = {c for (c,) in _query(demo, "SELECT DISTINCT column_name FROM load_warnings")}
    assert {"date_of_birth", "district", "gender", "out_of_school_since"} <= warned


def test_care_and_import_rates_are_plausible(demo):
    cla, cp, cin, pla, imports = _query(
        demo,
        "SELECT avg(cla::INT), avg(cp::INT), avg(cin::INT), avg(previously_looked_after::INT),"
        " avg(is_import::INT) FROM cohort",
    )[0]
    assert 0.03 < cla < 0.09 and 0.01 < cp < 0.05 and 0.06 < cin < 0.14 and 0.01 < pla < 0.05
    assert 0.04 < imports < 0.09
    statuses = {s for (s,) in _query(demo, "SELECT DISTINCT placement_status FROM cohort")}
    assert statuses == set(vocab.PLACEMENT_STATUSES)


def test_a_child_out_for_months_keeps_identity_in_consecutive_snapshots(demo):
    changed = _query(
        demo,
        "SELECT count(*) FROM (SELECT child_id FROM cohort GROUP BY child_id HAVING"
        " count(DISTINCT date_of_birth) > 1 OR count(DISTINCT district) > 1"
        " OR count(DISTINCT out_of_school_since) > 1)",
    )[0][0]
    assert changed == 0
    # each child's months form one unbroken run (a row lost to quarantine can break one)
    gaps = _query(
        demo,
        "SELECT count(*) FROM (SELECT child_id FROM cohort GROUP BY child_id HAVING"
        " date_diff('month', min(census_date), max(census_date)) + 1 <> count(*))",
    )[0][0]
    lost = _query(
        demo, "SELECT count(*) FROM quarantine WHERE kind = 'cohort' AND child_id IS NULL"
    )[0][0]
    assert gaps <= lost
    (spanning,) = _query(
        demo, "SELECT count(*) FROM (SELECT child_id FROM cohort GROUP BY 1 HAVING count(*) = 8)"
    )[0]
    assert spanning > 0


def test_some_children_out_four_and_a_half_terms(demo):
    # a term is counted as 98 days, as in the days-out bands
    assert (
        _query(demo, "SELECT count(DISTINCT child_id) FROM cohort WHERE days_out >= 441")[0][0] > 5
    )


def test_casework_has_ombudsman_like_cases(demo):
    long_chains = _query(
        demo,
        "SELECT count(*) FROM (SELECT child_id FROM casework WHERE event_type = 'consultation'"
        " GROUP BY 1 HAVING count(*) BETWEEN 10 AND 23)",
    )[0][0]
    repeated = _query(
        demo,
        "SELECT count(DISTINCT later.child_id) FROM casework later JOIN casework refused"
        " ON refused.child_id = later.child_id AND refused.provider_key = later.provider_key"
        " AND refused.event_type IN ('offer_declined', 'offer_withdrawn')"
        " AND refused.event_date < later.event_date WHERE later.event_type = 'offer'",
    )[0][0]
    assert long_chains > 0 and repeated > 0
    types = {t for (t,) in _query(demo, "SELECT DISTINCT event_type FROM casework")}
    assert types == set(vocab.EVENT_TYPES)
    spellings = _query(
        demo,
        "SELECT max(n) FROM"
        " (SELECT count(DISTINCT provider) n FROM casework GROUP BY provider_key)",
    )[0][0]
    assert spellings > 1  # the same provider typed differently
    html = _query(
        demo, "SELECT count(*) FROM casework WHERE detail LIKE '%<b>%&%' OR detail LIKE '%\"%'"
    )
    assert html[0][0] > 0


def test_no_event_after_the_last_census_and_every_child_known(demo):
    (last,) = _query(demo, "SELECT max(event_date) FROM casework")[0]
    assert str(last) <= "2026-10-31"
    strangers = _query(
        demo,
        "SELECT count(*) FROM (SELECT DISTINCT child_id FROM casework) ANTI JOIN "
        "(SELECT DISTINCT child_id FROM cohort) USING (child_id)",
    )[0][0]
    # a child whose only rows were quarantined may still have casework; nobody else
    assert strangers <= _query(demo, "SELECT count(*) FROM quarantine WHERE kind = 'cohort'")[0][0]


def test_every_load_is_flagged_synthetic(demo):
    flags = _query(demo, "SELECT synthetic, count(*) FROM load_log GROUP BY 1")
    # a cohort snapshot and a caseload per period, the casework log and the assignments
    assert flags == [(True, 2 * SMALL["periods"] + 2)]


def test_demo_caseworkers_are_made_up_and_within_the_childs_team(demo):
    # every assignment names a synthetic worker of the child's own SEN team (at any period
    # the child is in), and some children have none: their owner is the team alone
    rows = _query(
        demo,
        "SELECT a.caseworker, a.caseworker_name, c.sen_team FROM assignment a "
        "JOIN (SELECT DISTINCT child_id, sen_team FROM cohort) c USING (child_id)",
    )
    assert rows
    assert all(worker.endswith("@synthetic.example") for worker, _, _ in rows)
    teams = {team for _, _, team in rows}
    assert all(
        name.startswith(team.removeprefix("SEN ") + " caseworker ")
        for _, name, team in rows
        if team != "Not recorded"
    ), teams
    unassigned = _query(
        demo,
        "SELECT count(DISTINCT child_id) FROM cohort WHERE child_id NOT IN "
        "(SELECT child_id FROM assignment)",
    )[0][0]
    assert unassigned > 0


def test_extract_files_vary_like_a_real_system(tmp_path):
    files, casework = generate.write_extracts(tmp_path, seed=3, **SMALL)
    assert [p for _, p in files] == [f"2026-{m:02d}" for m in range(3, 11)]
    headers = set()
    text = ""
    for path, _ in files:
        with open(path, newline="", encoding="utf-8") as handle:
            headers.add(next(csv.reader(handle))[0])
            text += handle.read()
    assert {"Child ID", "CHILD-ID", "child_id"} <= headers
    for form in ("Shepway", "/20", "-20", ",Y,", ",Yes,", "Autism", ",ASD,"):
        assert form in text, form
    assert casework.stat().st_size > 0


def test_temporary_files_are_removed(tmp_path, monkeypatch):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    generate.build_demo_database(tmp_path / "db.duckdb", children=40, periods=2)
    assert list(scratch.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["db.duckdb", "db.duckdb.lock", "scratch"]


def test_progress_is_reported_up_to_done(tmp_path):
    seen = []
    generate.build_demo_database(
        tmp_path / "db.duckdb", children=40, periods=2, progress=lambda f, m: seen.append(f)
    )
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) > 3


def test_cli_db_flag_beats_environment(tmp_path, monkeypatch, capsys):
    from_env = tmp_path / "env.duckdb"
    monkeypatch.setenv("OOS_DB", str(from_env))
    flagged = tmp_path / "flag.duckdb"
    assert generate.main(["--db", str(flagged), "--children", "30", "--periods", "2"]) == 0
    assert flagged.exists() and not from_env.exists()
    assert "Synthetic database ready" in capsys.readouterr().out
    assert generate.main(["--children", "30", "--periods", "2"]) == 0
    assert from_env.exists()


def test_a_database_with_real_loads_is_not_overwritten(tmp_path):
    db = tmp_path / "real.duckdb"
    generate.build_demo_database(db, children=30, periods=1)
    with duckdb.connect(str(db)) as con:
        con.execute("UPDATE load_log SET synthetic = false")
    with pytest.raises(ValueError, match="real extract"):
        generate.build_demo_database(db, children=30, periods=1)
    assert generate.main(["--db", str(db), "--children", "30", "--periods", "1"]) == 2
