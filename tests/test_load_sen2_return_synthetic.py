"""The synthetic SEN2 returns and SSD (data/synth_blade.py) read back through the loader.

The generator writes Blade exports from the demo's simulation (data/generate.py `simulate`);
loading one must give back what the simulation says about that period: the same children out
of school, each with the same placement status, out-of-school date and care status, and the
same plans. The expected values come from the simulation's arrays, not from the loader.
Also: the demo built through this route, a signal in the middle of a load, and the command
that writes the files.
"""

from __future__ import annotations

import hashlib
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from core import vocab
from data import synth_blade
from data import synth_caseload as sl
from data.generate import build_demo_database, simulate
from data.load import load_cohort
from data.sen2_return import load_sen2_return
from tests.conftest import query

PROJECT = Path(__file__).resolve().parent.parent
CARE = ["Looked after (CLA)", "Child protection (CP)", "Child in need (CIN)",
        "Previously looked after", "No care status"]  # fmt: skip


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    out = tmp_path_factory.mktemp("synthetic-sen2")
    sim = simulate(seed=7, children=150, periods=3, end="2024-03")
    folder = synth_blade.write_export(sim, 1, out)  # 2024-02
    ssd = synth_blade.write_ssd(sim, out)
    db = out / "synthetic.duckdb"
    reports = load_sen2_return(folder, "2024-02", db, ssd_folder=ssd, synthetic=True)
    return sim, folder, db, reports


def _child_id(sim, number) -> str:
    return f"SYN{int(number):0{sim.width}d}"


def test_the_cohort_read_back_is_the_simulated_cohort(synthetic):
    sim, folder, db, _ = synthetic
    ep, kids = sim.ep, sim.kids
    out = np.flatnonzero((ep.first_period <= 1) & (1 < ep.stop_period))
    # a child whose school leaving date is no date (the bespoke extract's unreadable 'since')
    # is quarantined with its plan
    readable = out[kids.since_fault[out] != 2]
    assert folder.name == "Blade-Export_05-03-2024"  # five days after 29 February
    expected = {}
    for k in readable:
        blank = kids.since_fault[k] == 1
        status = vocab.PLACEMENT_STATUSES[kids.placement[k]]
        # no 'since' and no placement open: blank; no 'since' with a NIEO placement: its
        # entry, 30 days before the census (synth_blade.py)
        if blank and status == "Provision unknown":
            since = None
        else:
            since = sy_day(sim.census[1] - 30 if blank else ep.start[k])
        expected[_child_id(sim, kids.number[k])] = (status, since, CARE[kids.care[k]])
    loaded = {
        row[0]: row[1:]
        for row in query(
            db,
            "SELECT child_id, placement_status, out_of_school_since, care_status FROM cohort",
        )
    }
    assert len(expected) > 100
    assert loaded == expected


def sy_day(day) -> object:
    return (np.datetime64("1970-01-01") + np.timedelta64(int(day), "D")).astype(object)


def test_the_caseload_read_back_is_every_simulated_plan(synthetic):
    sim, _, db, (plans, cohort) = synthetic
    ep, kids, pool = sim.ep, sim.kids, sim.pool
    out = np.flatnonzero((ep.first_period <= 1) & (1 < ep.stop_period))
    in_school = sl.pool_rows(pool, int(sim.census[1]), int(sim.census[-1]))
    unreadable = int((kids.since_fault[out] == 2).sum())
    loaded = query(db, "SELECT count(*), count(DISTINCT child_id) FROM caseload")[0]
    assert loaded == (len(out) + len(in_school) - unreadable,) * 2
    # quarantined: those plans, the plan exported twice now and then, the orphan placement
    repeats = int(((np.concatenate([kids.number[out], pool.number[in_school]]) * 7919)
                   % 2000 == 1).sum())  # fmt: skip
    assert plans.rows_quarantined == unreadable + repeats + 1
    assert plans.rows_loaded + plans.rows_quarantined == plans.rows_read
    # the pool is in school: none of it is in the cohort
    assert cohort.rows_loaded == len(out) - unreadable


def test_the_synthetic_files_hold_no_value_the_database_keeps(synthetic):
    sim, folder, db, _ = synthetic
    data = db.read_bytes()
    number = int(sim.kids.number[0])
    for value in (f"Z999{number:09d}", f"Synth-Surname-{number}", "Synth-Forename-", " 9ZZ"):
        assert value.encode() not in data, value


def test_the_demo_builds_through_the_sen2_return_route(tmp_path, monkeypatch):
    db = tmp_path / "demo.duckdb"
    build_demo_database(db, children=60, periods=3, sen2_return=True)
    rows = query(
        db,
        "SELECT kind, count(*), bool_and(synthetic) FROM load_log GROUP BY kind ORDER BY kind",
    )
    assert rows == [("caseload", 3, True), ("casework", 1, True), ("cohort", 3, True)]
    assert query(db, "SELECT count(*), bool_and(care_status_supplied) FROM period_info") == [
        (3, True)
    ]
    # casework matches the children: the worklist has flags other than "no recent action"
    assert query(
        db, "SELECT count(*) > 0 FROM case_flags WHERE repeated_offer OR consultations > 0"
    )[0][0]
    monkeypatch.setenv("OOS_DB", str(db))
    for page in ("pages/today.py", "pages/rates.py", "pages/data_quality.py"):
        at = AppTest.from_file(str(PROJECT / "dashboard.py"), default_timeout=60)
        at.run()
        at.switch_page(page)
        at.run()
        assert not at.exception, (page, [e.value for e in at.exception])
        assert not at.error, (page, [e.value for e in at.error])


def test_the_command_writes_the_files_to_try_by_hand(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "data.generate", "--children", "20", "--periods", "2",
         "--end", "2024-03", "--write-sen2-return", str(tmp_path / "files")],
        cwd=PROJECT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    written = sorted(p.name for p in (tmp_path / "files").iterdir())
    assert written == [
        "Blade-Export_05-03-2024", "Blade-Export_05-04-2024", "send_oos_casework_2024-03.csv",
        "ssd",
    ]  # fmt: skip
    assert len(list((tmp_path / "files" / "Blade-Export_05-04-2024").iterdir())) == 7
    assert len(list((tmp_path / "files" / "ssd").iterdir())) == 4


def test_a_signal_mid_load_leaves_the_database_as_it_was(tmp_path):
    """SIGTERM while the return is published: exit status 143, no working copy left, the live
    database byte for byte as it was."""
    sim = simulate(seed=3, children=1800, periods=1, end="2024-03")  # about 25,000 plans
    folder = synth_blade.write_export(sim, 0, tmp_path)
    db = tmp_path / "live" / "oos.duckdb"
    db.parent.mkdir()
    (tmp_path / "small.csv").write_text(
        "child_id,date_of_birth,gender,primary_need,district,placement_status\n"
        "T-1,2015-02-01,F,ASD,Dover,No placement\n"
    )
    load_cohort(tmp_path / "small.csv", "2024-02", db)
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    process = subprocess.Popen(
        [sys.executable, "-m", "data.load", "sen2-return", str(folder), "--period", "2024-03",
         "--db", str(db)],
        cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while not [p for p in db.parent.iterdir() if ".loading-" in p.name]:
        assert process.poll() is None, "the load finished before the working copy was seen"
        assert time.monotonic() < deadline, "no working copy appeared"
        time.sleep(0.01)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 128 + 15, err
    assert "STOPPED" in err and "Traceback" not in err
    assert [p.name for p in db.parent.iterdir() if ".loading-" in p.name] == []
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_data_quality_names_the_return_and_its_fields(synthetic):
    # issue 18 item 5: the return's two extracts on their own, named as the return, each
    # column named by the return's module and field (data/sen2_return.py FILE_COLUMNS)
    from data.sen2_return import FILE_COLUMNS
    from figures.protect import Audience
    from figures.quality import sources

    _, folder, db, _ = synthetic
    held = sources("2024-02", audience=Audience.exact(), db=db)
    assert [(s.name, s.file_name) for s in held] == [
        ("SEN2 return: children out of school", folder.name),
        ("SEN2 return: EHC plan caseload", folder.name),
    ]
    named = set(FILE_COLUMNS.values())
    shown = [s.warnings.frame() for s in held if not s.warnings.empty]
    assert shown, "the synthetic return carries faults the loader warns about"
    for table in shown:
        assert set(table["Column in the file"]) <= named
    assert query(
        db,
        "SELECT file_column FROM load_columns JOIN load_log USING (load_id) "
        "WHERE kind = 'cohort' AND column_name = 'gender'",
    ) == [("person: gendercurrent (else sex)",)]
