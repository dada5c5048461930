"""The audit trail: append-only, hash-chained, safe with many writers, durable when killed."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from appstore import audit

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def store(tmp_path: Path) -> Path:
    yield tmp_path / "app.sqlite"
    audit.close_connections()


def test_records_chain_and_check_passes(store):
    assert (
        audit.record("a@council.example", "qa_officer", "view", page="Explorer", store=store) == 1
    )
    assert (
        audit.record("b@council.example", "caseworker", "export", file_name="x.csv", store=store)
        == 2
    )
    n, broken = audit.check(store)
    assert (n, broken) == (2, None)
    con = sqlite3.connect(store)
    first, second = con.execute("SELECT prev_hash, hash FROM audit ORDER BY seq").fetchall()
    assert first[0] == "0" * 64
    assert second[0] == first[1]  # the second record carries the first's hash


def test_update_and_delete_are_refused(store):
    audit.record("a", "qa_officer", "view", store=store)
    con = sqlite3.connect(store)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        con.execute("UPDATE audit SET actor = 'someone else'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        con.execute("DELETE FROM audit")


def _tamper(store: Path, sql: str) -> None:
    # What an attacker with file access could do: drop the guard, edit, and restore the guard.
    con = sqlite3.connect(store, isolation_level=None)
    con.execute("DROP TRIGGER audit_no_update")
    con.execute("DROP TRIGGER audit_no_delete")
    con.execute(sql)
    con.close()


def test_check_reports_the_first_edited_record(store):
    for i in range(5):
        audit.record(f"user{i}", "qa_officer", "view", children=i, store=store)
    audit.close_connections()
    _tamper(store, "UPDATE audit SET children = 99 WHERE seq IN (3, 4)")
    n, broken = audit.check(store)
    assert broken == audit.Broken(3, "its contents do not match its hash (edited)")
    assert audit.main(["--store", str(store), "check"]) == 1


def test_check_reports_a_deleted_record(store):
    for i in range(4):
        audit.record(f"user{i}", "qa_officer", "view", store=store)
    audit.close_connections()
    _tamper(store, "DELETE FROM audit WHERE seq = 2")
    assert audit.check(store)[1] == audit.Broken(2, "record 2 is missing")


def test_check_reports_a_rechained_record(store):
    # Rewriting a record and its own hash is caught by the next record's link.
    for i in range(3):
        audit.record(f"user{i}", "qa_officer", "view", store=store)
    audit.close_connections()
    con = sqlite3.connect(store, isolation_level=None)
    row = con.execute("SELECT * FROM audit WHERE seq = 2").fetchone()
    names = [d[0] for d in con.execute("SELECT * FROM audit").description]
    fields = dict(zip(names, row, strict=True))
    fields["actor"] = "nobody"
    new_hash = audit.record_hash(fields["prev_hash"], fields)
    con.close()
    _tamper(store, f"UPDATE audit SET actor = 'nobody', hash = '{new_hash}' WHERE seq = 2")
    assert audit.check(store)[1] == audit.Broken(3, "its link to the record before does not match")


def test_many_threads_write_one_unbroken_chain(store):
    def write(worker: int) -> None:
        for i in range(25):
            audit.record(f"worker{worker}", "qa_officer", "view", children=i, store=store)
        audit.close_connections()

    threads = [threading.Thread(target=write, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert audit.check(store) == (100, None)


def test_search_by_person_child_and_date(store):
    audit.record(
        "Ann.Lead@council.example", "safeguarding_lead", "view", child_ids=["K-1"], store=store
    )
    audit.record(
        "bob@council.example", "caseworker", "view", child_ids=["K-2", "K-10"], store=store
    )
    audit.record("bob@council.example", "caseworker", "export", file_name="a.csv", store=store)
    assert [r["seq"] for r in audit.search(actor="ann.lead", store=store)] == [1]
    assert [r["seq"] for r in audit.search(actor="BOB", store=store)] == [3, 2]
    # K-1 must not match K-10 (exact IDs, not substrings)
    assert [r["seq"] for r in audit.search(child_id="K-1", store=store)] == [1]
    today = dt.datetime.now(dt.UTC).date()
    assert len(audit.search(date_from=today, date_to=today, store=store)) == 3
    assert audit.search(date_to=today - dt.timedelta(days=1), store=store) == []
    # a % in a name is a character to find, not a wildcard
    assert audit.search(actor="%", store=store) == []


WRITER = textwrap.dedent(
    """
    import sys
    from appstore import audit
    store = sys.argv[1]
    i = 0
    while True:
        i += 1
        seq = audit.record("writer", "qa_officer", "view", children=i, child_ids=["X-%d" % i],
                           detail={"pad": "x" * 2000}, store=store)
        print(seq, flush=True)  # reported as written only after COMMIT returned
    """
)


def test_killed_mid_write_keeps_every_reported_record_and_the_chain(store):
    """Two writer processes are killed with SIGKILL while appending; the chain stays valid and
    every record either process had reported as written is there."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(store)], stdout=subprocess.PIPE, text=True, env=env
        )
        for _ in range(2)
    ]
    reported: list[int] = []
    readers = []

    def read(proc):
        for line in proc.stdout:
            reported.append(int(line))

    for proc in procs:
        t = threading.Thread(target=read, args=(proc,), daemon=True)
        t.start()
        readers.append(t)
    deadline = time.monotonic() + 60
    while len(reported) < 150 and time.monotonic() < deadline:
        time.sleep(0.01)
    for proc in procs:
        os.kill(proc.pid, signal.SIGKILL)  # mid-write: the loop never pauses
    for proc in procs:
        proc.wait(timeout=10)
    for t in readers:
        t.join(timeout=10)
    assert len(reported) >= 150
    n, broken = audit.check(store)
    assert broken is None
    con = sqlite3.connect(store)
    present = {row[0] for row in con.execute("SELECT seq FROM audit")}
    assert set(reported) <= present
    assert n == len(present) == max(present)  # no gaps


def test_a_loader_run_is_audited_with_file_checksum_and_rows(tmp_path, monkeypatch):
    import hashlib
    import json

    from data.load import main

    monkeypatch.delenv("OOS_APP_STORE", raising=False)
    extract = ROOT / "tests" / "data" / "p_cohort_2023_06.csv"
    db = tmp_path / "load.duckdb"
    assert main(["cohort", str(extract), "--period", "2023-06", "--db", str(db)]) == 0
    bad = tmp_path / "empty.csv"
    bad.write_text("", encoding="utf-8")
    assert main(["cohort", str(bad), "--period", "2023-07", "--db", str(db)]) == 2
    audit.close_connections()
    rows = audit.search(store=tmp_path / "oos_app.sqlite")[::-1]  # oldest first
    assert [(r["action"], r["file_name"]) for r in rows] == [
        ("load", "p_cohort_2023_06.csv"),
        ("load", "empty.csv"),
    ]
    assert rows[0]["actor"].startswith("loader: ")
    detail = json.loads(rows[0]["detail"])
    # 11 rows read: 10 loaded, the one with no child_id quarantined (tests/test_pages_app.py)
    assert (detail["rows_read"], detail["rows_loaded"], detail["rows_quarantined"]) == (11, 10, 1)
    assert detail["sha256"] == hashlib.sha256(extract.read_bytes()).hexdigest()
    assert json.loads(rows[1]["detail"])["outcome"].startswith("refused")
    assert audit.check(tmp_path / "oos_app.sqlite") == (2, None)
