"""The audit trail: append-only, authenticated with a key held outside the store, anchored
outside it, safe with many writers, durable when killed; and `check` on tampered copies."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from appstore import audit, audit_key

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
    result = audit.check(store)
    assert (result.records, result.problems) == (2, [])
    con = sqlite3.connect(store)
    first, second = con.execute("SELECT prev_mac, mac FROM audit ORDER BY seq").fetchall()
    assert first[0] == "0" * 64
    assert second[0] == first[1]  # the second record carries the first's MAC
    # the key was made for the new trail, beside the store, readable by its owner alone
    key_file = store.with_name("app.audit-key")
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = bytes.fromhex(key_file.read_text().strip())
    assert len(key) == 32
    # the MAC is HMAC-SHA256 with that key, not a plain hash anyone could recompute
    row = con.execute("SELECT * FROM audit WHERE seq = 1").fetchone()
    names = [d[0] for d in con.execute("SELECT * FROM audit").description]
    fields = dict(zip(names, row, strict=True))
    payload = json.dumps(["0" * 64] + [fields[k] for k in audit.FIELDS], ensure_ascii=False)
    assert first[1] == hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()
    assert first[1] != hashlib.sha256(payload.encode()).hexdigest()
    # the anchor: a header naming the key, then one line per record with its MAC
    lines = store.with_name("app.audit-anchor").read_text().splitlines()
    assert lines[0] == f"# oos-audit-anchor v1 key={audit_key.key_id(key)} start=1"
    assert [line.split()[:2] for line in lines[1:]] == [["1", first[1]], ["2", second[1]]]


def test_update_and_delete_are_refused(store):
    audit.record("a", "qa_officer", "view", store=store)
    con = sqlite3.connect(store)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        con.execute("UPDATE audit SET actor = 'someone else'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        con.execute("DELETE FROM audit")


# --- tampered copies: each is what someone with the store file (and sometimes the key) could
# do; `python -m appstore.audit check` must fail, naming it, exit status 1 ------------------


@pytest.fixture
def trail(tmp_path: Path) -> Path:
    """A trail of six records (store, key and anchor in one folder)."""
    folder = tmp_path / "original"
    folder.mkdir()
    store = folder / "app.sqlite"
    for i in range(1, 7):
        audit.record(f"user{i}@council.example", "qa_officer", "view", children=i, store=store)
    audit.close_connections()
    return store


def _copy(trail: Path, name: str) -> Path:
    folder = trail.parent.parent / name
    shutil.copytree(trail.parent, folder)
    return folder / trail.name


def _tamper(store: Path, *statements: str, params=()) -> None:
    # What an attacker with file access could do: drop the guard, change rows, restore nothing.
    con = sqlite3.connect(store, isolation_level=None)
    con.execute("DROP TRIGGER IF EXISTS audit_no_update")
    con.execute("DROP TRIGGER IF EXISTS audit_no_delete")
    for statement in statements:
        con.execute(statement, params) if params else con.execute(statement)
    con.close()


def _failed(store: Path, capsys, *expected: str) -> list[str]:
    """Run the CLI check on `store`: exit 1, and every expected phrase in what it printed."""
    capsys.readouterr()
    assert audit.main(["--store", str(store), "check"]) == 1
    printed = capsys.readouterr().out
    assert "FAILED" in printed
    for phrase in expected:
        assert phrase in printed, (phrase, printed)
    return audit.check(store).problems


def _rows(store: Path) -> list[dict]:
    con = sqlite3.connect(store)
    con.row_factory = sqlite3.Row
    rows = [dict(r) for r in con.execute("SELECT * FROM audit ORDER BY seq")]
    con.close()
    return rows


def _rewrite(store: Path, rows: list[dict], key: bytes) -> None:
    """Replace the whole table by `rows`, renumbered and re-chained with `key`."""
    _tamper(store, "DELETE FROM audit")
    con = sqlite3.connect(store, isolation_level=None)
    prev = "0" * 64
    for seq, row in enumerate(rows, start=1):
        fields = {**{k: row[k] for k in audit.FIELDS}, "seq": seq}
        mac = audit.record_mac(key, prev, fields)
        con.execute(
            "INSERT INTO audit VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [fields[k] for k in audit.FIELDS] + [prev, mac],
        )
        prev = mac
    con.close()


def _key(store: Path) -> bytes:
    return bytes.fromhex(store.with_name("app.audit-key").read_text().strip())


def test_the_untouched_trail_checks(trail, capsys):
    assert audit.main(["--store", str(trail), "check"]) == 0
    assert "6 records, every MAC checks, and the store agrees with its anchor" in (
        capsys.readouterr().out
    )


def test_a_missing_store_fails(tmp_path, capsys):
    assert audit.main(["--store", str(tmp_path / "nowhere.sqlite"), "check"]) == 1
    assert "there is no audit store at" in capsys.readouterr().out


def test_an_edited_record_fails(trail, capsys):
    copy = _copy(trail, "edited")
    _tamper(copy, "UPDATE audit SET children = 99 WHERE seq IN (3, 4)")
    assert audit.check(copy).first_bad == 3
    _failed(copy, capsys, "record 3's MAC does not match its contents")


def test_a_truncated_tail_fails(trail, capsys):
    copy = _copy(trail, "truncated")
    _tamper(copy, "DELETE FROM audit WHERE seq > 4")
    _failed(copy, capsys, "the store ends at record 4, but the anchor's head is record 6",
            "records 5 to 6 were removed")  # fmt: skip


def test_every_record_deleted_fails(trail, capsys):
    copy = _copy(trail, "emptied")
    _tamper(copy, "DELETE FROM audit")
    _failed(copy, capsys, "the store holds no records, but the anchor's head is record 6")
    dropped = _copy(trail, "dropped")
    _tamper(dropped, "DROP TABLE audit")
    _failed(dropped, capsys, "every record was deleted")


def test_a_deleted_middle_record_fails(trail, capsys):
    copy = _copy(trail, "gap")
    _tamper(copy, "DELETE FROM audit WHERE seq = 2")
    _failed(copy, capsys, "record 2 is missing (deleted)")


def test_an_inserted_record_fails(trail, capsys):
    # a record slipped in after record 2, the later ones renumbered, MACs made up
    copy = _copy(trail, "inserted")
    rows = _rows(copy)
    forged = {**rows[1], "actor": "someone@council.example"}
    _rewrite(copy, rows[:2] + [forged] + rows[2:], b"not the key" * 3)
    _failed(copy, capsys, "record 1's MAC does not match its contents")


def test_a_chain_recomputed_without_the_key_fails(trail, capsys):
    # record 3 deleted, and every record renumbered and re-chained: with plain SHA-256 (the old
    # design) ...
    copy = _copy(trail, "sha")
    rows = [r for r in _rows(copy) if r["seq"] != 3]
    _tamper(copy, "DELETE FROM audit")
    con = sqlite3.connect(copy, isolation_level=None)
    prev = "0" * 64
    for seq, row in enumerate(rows, start=1):
        fields = {**{k: row[k] for k in audit.FIELDS}, "seq": seq}
        payload = json.dumps([prev] + [fields[k] for k in audit.FIELDS], ensure_ascii=False)
        mac = hashlib.sha256(payload.encode()).hexdigest()
        con.execute(
            "INSERT INTO audit VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [fields[k] for k in audit.FIELDS] + [prev, mac],
        )
        prev = mac
    con.close()
    _failed(copy, capsys, "record 1's MAC does not match",
            "recomputed without the audit key")  # fmt: skip
    # ... or with a key of the attacker's own
    other = _copy(trail, "other-key")
    _rewrite(other, [r for r in _rows(other) if r["seq"] != 3], b"\x01" * 32)
    _failed(other, capsys, "record 1's MAC does not match")


def test_an_invented_record_appended_fails(trail, capsys):
    copy = _copy(trail, "appended")
    last = _rows(copy)[-1]
    forged = {**last, "seq": 7, "actor": "cover@council.example", "prev_mac": last["mac"]}
    forged["mac"] = hashlib.sha256(b"a guess").hexdigest()
    _tamper(copy, "INSERT INTO audit VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            params=[forged[k] for k in (*audit.FIELDS, "prev_mac", "mac")])  # fmt: skip
    _failed(copy, capsys, "record 7's MAC does not match",
            "records 7 to 7 (the last written")  # fmt: skip


def test_a_rewrite_with_the_key_disagrees_with_the_anchor(trail, capsys):
    """Someone holding the key (the app's own account) re-chains the trail without record 2,
    or appends a record straight into the store: every MAC checks, the anchor does not."""
    copy = _copy(trail, "insider")
    _rewrite(copy, [r for r in _rows(copy) if r["seq"] != 2], _key(copy))
    problems = _failed(copy, capsys, "record 2 differs from the one anchored at")
    assert not any("MAC does not match" in p for p in problems)
    appended = _copy(trail, "insider-appended")
    rows = _rows(appended)
    _rewrite(appended, rows + [{**rows[-1], "actor": "cover@council.example"}], _key(appended))
    _failed(appended, capsys, "records 7 to 7 (the last written",
            "in the store but not in the anchor")  # fmt: skip


def test_a_head_that_disagrees_with_the_anchor_fails(trail, capsys):
    # the anchor of another trail (another key), and an anchor cut short
    other = _copy(trail, "other-anchor")
    elsewhere = other.parent / "elsewhere.sqlite"
    audit.record("x", "qa_officer", "view", store=elsewhere)
    audit.close_connections()
    shutil.copy(elsewhere.with_name("elsewhere.audit-anchor"), other.with_name("app.audit-anchor"))
    _failed(other, capsys, "is not the key this trail was written with")
    short = _copy(trail, "short-anchor")
    anchor = short.with_name("app.audit-anchor")
    anchor.write_text("".join(anchor.read_text().splitlines(keepends=True)[:4]))
    _failed(short, capsys, "records 4 to 6", "not in the anchor")
    missing = _copy(trail, "no-anchor")
    missing.with_name("app.audit-anchor").unlink()
    _failed(missing, capsys, "there is no anchor at")


def test_the_key_is_refused_when_others_can_read_it_or_when_it_is_lost(trail):
    key_file = trail.with_name("app.audit-key")
    key_file.chmod(0o644)
    with pytest.raises(audit_key.AuditKeyError, match="chmod 600"):
        audit.record("a", "qa_officer", "view", store=trail)
    assert "can be read or written by other users" in audit.check(trail).problems[0]
    key_file.chmod(0o600)
    key_file.unlink()  # a trail with records never gets a second, unrelated key
    with pytest.raises(audit_key.AuditKeyError, match="No audit key"):
        audit.record("a", "qa_officer", "view", store=trail)
    assert not key_file.exists()
    assert audit.check(trail).problems[0].startswith("cannot check the records: No audit key")


def test_the_key_and_anchor_can_live_elsewhere(tmp_path, monkeypatch):
    secrets_dir, log_dir = tmp_path / "etc", tmp_path / "log"
    monkeypatch.setenv("OOS_AUDIT_KEY", str(secrets_dir / "audit.key"))
    monkeypatch.setenv("OOS_AUDIT_ANCHOR", str(log_dir / "audit.anchor"))
    store = tmp_path / "data" / "app.sqlite"
    audit.record("a", "qa_officer", "view", store=store)
    audit.close_connections()
    assert (secrets_dir / "audit.key").exists() and (log_dir / "audit.anchor").exists()
    assert sorted(p.name for p in store.parent.iterdir() if "audit" in p.name) == []
    assert audit.check(store).ok
    monkeypatch.delenv("OOS_AUDIT_KEY")
    assert not audit.check(store).ok  # beside the store there is no key


def test_an_append_only_anchor_takes_records_and_refuses_rewriting(store):
    """The deployment marks the anchor append-only (chattr +a, as root): the dashboard keeps
    appending, and nobody without root can truncate or rewrite it."""
    audit.record("a", "qa_officer", "view", store=store)
    anchor = store.with_name("app.audit-anchor")
    subprocess.run(["chattr", "+a", str(anchor)], check=True)
    try:
        audit.record("b", "qa_officer", "view", store=store)
        assert len(anchor.read_text().splitlines()) == 3
        with pytest.raises(PermissionError):
            anchor.write_text("# a fresh start\n")
        with pytest.raises(PermissionError):
            anchor.unlink()
        result = audit.check(store)
        assert result.ok and any("is append-only (chattr +a)" in n for n in result.notes)
    finally:
        subprocess.run(["chattr", "-a", str(anchor)], check=True)
    assert any("is not marked append-only" in n for n in audit.check(store).notes)


def test_a_store_from_before_authentication_is_set_aside(tmp_path):
    store = tmp_path / "old.sqlite"
    con = sqlite3.connect(store, isolation_level=None)
    con.executescript(
        "CREATE TABLE audit (seq INTEGER PRIMARY KEY, at TEXT, actor TEXT, role TEXT, "
        "action TEXT, page TEXT, detail TEXT, children INTEGER, child_ids TEXT, "
        "file_name TEXT, prev_hash TEXT, hash TEXT);"
        "INSERT INTO audit VALUES (1, 't', 'old', 'qa_officer', 'view', NULL, '{}', NULL, "
        "NULL, NULL, 'x', 'y');"
    )
    con.close()
    assert "written before records were authenticated" in audit.check(store).problems[0]
    assert audit.record("new", "qa_officer", "view", store=store) == 1
    audit.close_connections()
    result = audit.check(store)
    assert result.ok and "1 earlier records" in result.notes[0]
    con = sqlite3.connect(store)
    assert con.execute("SELECT actor FROM audit_unkeyed").fetchall() == [("old",)]
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        con.execute("DELETE FROM audit_unkeyed")


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
    result = audit.check(store)
    assert (result.records, result.problems) == (100, [])


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
    from appstore import audit, audit_key
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
    result = audit.check(store)
    # Every record's MAC checks. A writer killed between committing its record and anchoring
    # it leaves at most one record unanchored (the anchor's lock lets one writer at a time be
    # there), which check names ...
    assert not any("MAC" in p or "missing" in p or "link" in p for p in result.problems)
    if result.problems:
        (problem,) = result.problems
        assert "in the store but not in the anchor" in problem
        assert f"records {result.records} to {result.records}" in problem
    con = sqlite3.connect(store)
    present = {row[0] for row in con.execute("SELECT seq FROM audit")}
    assert set(reported) <= present
    assert result.records == len(present) == max(present)  # no gaps
    # ... and the next record anchors, marked late
    audit.record("after", "qa_officer", "view", store=store)
    audit.close_connections()
    after = audit.check(store)
    assert after.ok, after.problems
    assert bool(result.problems) == any("anchored late" in n for n in after.notes)


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
    result = audit.check(tmp_path / "oos_app.sqlite")
    assert (result.records, result.problems) == (2, [])
