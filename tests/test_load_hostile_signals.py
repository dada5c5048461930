"""Faults, round two (issue 17): signals, leftovers and odd `--db` paths against a real loader.

One test per probe of issue 17 about faults: SIGTERM at the moment of the rename (8), a signal
during a query (9), a spill folder left by kill -9 (10), `--db` as a symbolic link (11), files
and paths that ended "unexpected error" rather than a refusal (12), and an audit record for
every ending (13). Each runs `python -m data.load` in its own process, as an operator would;
where a signal must land at one exact moment, the process sends it to itself from inside the
loader (a wrapper around one call), which is the only way to hit that moment every time.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from data.load import load_cohort
from tests.conftest import query

PROJECT = Path(__file__).resolve().parent.parent
HEADER = "child_id,date_of_birth,gender,primary_need,district,placement_status\n"
STOP_STATUS = {signal.SIGTERM: 143, signal.SIGHUP: 129, signal.SIGINT: 130}


def extract(folder: Path, name: str = "june.csv", children: int = 3) -> Path:
    path = folder / name
    path.write_text(
        HEADER + "".join(f"T-{i},2015-02-01,F,ASD,Dover,No placement\n" for i in range(children))
    )
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def leftovers(db: Path) -> list[str]:
    return sorted(p.name for p in db.parent.iterdir() if ".loading-" in p.name)


def audit_outcomes(db: Path) -> list[str]:
    """The loader's audit records beside `db`, oldest first: each one's outcome."""
    store = db.parent / "oos_app.sqlite"
    if not store.exists():
        return []
    con = sqlite3.connect(store)
    try:
        rows = con.execute("SELECT detail FROM audit WHERE action = 'load' ORDER BY seq").fetchall()
    finally:
        con.close()
    return [json.loads(detail)["outcome"] for (detail,) in rows]


def run_loader(*args: str, prelude: str = "") -> subprocess.CompletedProcess:
    """`python -m data.load ARGS`, with `prelude` run first in the same process when given."""
    env = {k: v for k, v in os.environ.items() if k not in ("OOS_APP_STORE", "OOS_DEBUG")}
    if not prelude:
        command = [sys.executable, "-m", "data.load", *args]
    else:
        code = prelude + "\nimport sys\nfrom data.load import main\nsys.exit(main(sys.argv[1:]))\n"
        command = [sys.executable, "-c", code, *args]
    return subprocess.run(
        command, cwd=PROJECT, capture_output=True, text=True, timeout=300, env=env
    )


@pytest.fixture
def live(tmp_path) -> Path:
    """A database holding period 2023-05 (three children), as after last month's load."""
    db = tmp_path / "live" / "oos.duckdb"
    db.parent.mkdir()
    load_cohort(extract(tmp_path, "may.csv"), "2023-05", db)
    return db


# --- probe 8: a signal at the moment of the rename ------------------------------------------

# the signal lands right after os.replace has published the new file (the moment of the rename)
AT_THE_RENAME = """
import os, signal
real_replace = os.replace
def replace(src, dst):
    real_replace(src, dst)
    if str(dst).endswith("oos.duckdb"):
        os.kill(os.getpid(), signal.SIGTERM)
os.replace = replace
"""
# ... or a little later, while the report is being written (the probe's "2-8 ms later")
WHILE_REPORTING = """
import os, signal
import data.load
real_audit = data.load._audit
def audit(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGTERM)
    return real_audit(*args, **kwargs)
data.load._audit = audit
"""


@pytest.mark.parametrize("moment", [AT_THE_RENAME, WHILE_REPORTING], ids=["rename", "report"])
def test_a_signal_after_the_publish_says_published_and_is_audited(live, tmp_path, moment):
    result = run_loader(
        "cohort", str(extract(tmp_path)), "--period", "2023-06", "--db", str(live), prelude=moment
    )
    # the month is in: the message, the status and the audit trail all say so
    assert query(live, "SELECT DISTINCT period FROM cohort ORDER BY 1") == [
        ("2023-05",),
        ("2023-06",),
    ]
    assert result.returncode == 0, result.stderr
    assert "rows loaded:      3" in result.stdout and f"Published to {live}" in result.stdout
    assert "SIGTERM arrived after the database was published" in result.stderr
    assert "unchanged" not in result.stdout + result.stderr
    assert audit_outcomes(live)[-1] == "loaded"
    assert leftovers(live) == []


# --- probe 9: a signal during a query -----------------------------------------------------------

# the signal lands 0.3 s after the reader has read the extract's header and hands the file to
# DuckDB (a million rows: a second or more of reading, then the staging queries)
DURING_A_QUERY = """
import os, signal, threading
import data.extract_reader
real_header = data.extract_reader._read_csv_header
def read_header(path):
    header = real_header(path)
    threading.Timer(0.3, os.kill, (os.getpid(), signal.{name})).start()
    return header
data.extract_reader._read_csv_header = read_header
"""


@pytest.fixture(scope="module")
def million_rows(tmp_path_factory) -> Path:
    """A cohort extract of a million made-up children, written by DuckDB in about a second."""
    path = tmp_path_factory.mktemp("million") / "million.csv"
    con = duckdb.connect()
    con.execute(
        "COPY (SELECT 'M-' || lpad(i::VARCHAR, 7, '0') AS child_id, "
        "'2015-02-01' AS date_of_birth, 'F' AS gender, 'ASD' AS primary_need, "
        "'Dover' AS district, 'No placement' AS placement_status FROM range(1000000) t(i)) "
        f"TO '{path}' (HEADER, DELIMITER ',')"  # a path made here
    )
    con.close()
    return path


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_signal_during_a_query_stops_with_the_documented_message(live, million_rows, signum):
    before = digest(live)
    result = run_loader(
        "cohort", str(million_rows), "--period", "2023-06", "--db", str(live),
        prelude=DURING_A_QUERY.replace("{name}", signum.name),
    )  # fmt: skip
    assert result.returncode == STOP_STATUS[signum], result.stderr
    assert result.stderr.startswith(f"STOPPED by {signum.name}."), result.stderr
    assert "the database is unchanged and the working copy was removed" in result.stderr
    assert "FAILED" not in result.stderr and "Traceback" not in result.stderr
    assert digest(live) == before and leftovers(live) == []


# --- probe 10: a spill folder left by kill -9 -------------------------------------------------


def test_a_spill_folder_left_by_kill_9_does_not_block_later_loads(live, tmp_path):
    # what DuckDB leaves when a load spilling to disk is killed: a folder beside the database
    # named after the working copy, holding temporary blocks (children's IDs among them)
    spill = live.parent / ".oos.duckdb.loading-99999.tmp"
    spill.mkdir()
    (spill / "duckdb_temp_storage-0.tmp").write_bytes(b"T-0001 T-0002" * 1000)
    stale_copy = live.parent / ".oos.duckdb.loading-99999"
    stale_copy.write_bytes(live.read_bytes())
    result = run_loader("cohort", str(extract(tmp_path)), "--period", "2023-06", "--db", str(live))
    assert result.returncode == 0, result.stderr
    assert "note: removed 2 working copies left beside the database" in result.stdout
    assert leftovers(live) == []
    assert query(live, "SELECT count(*) FROM cohort WHERE period = '2023-06'") == [(3,)]


# --- probe 11: --db as a symbolic link --------------------------------------------------------


def test_db_as_a_symbolic_link_updates_the_file_it_points_to(live, tmp_path):
    link = tmp_path / "current.duckdb"
    link.symlink_to(live)
    result = run_loader("cohort", str(extract(tmp_path)), "--period", "2023-06", "--db", str(link))
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and link.resolve() == live.resolve()
    # the target holds the new month (the link read through it too)
    assert query(live, "SELECT count(*) FROM cohort WHERE period = '2023-06'") == [(3,)]
    assert leftovers(live) == [] and sorted(p.name for p in tmp_path.glob(".current*")) == []


# --- probe 12: refusals that used to end "unexpected error" -----------------------------------


def long_line_file(folder: Path) -> Path:
    path = folder / "one_line.csv"
    path.write_bytes(b"child_id," + b"x" * (50 * 1024 * 1024))  # 50 MB, no line break at all
    return path


def wide_header_file(folder: Path) -> Path:
    path = folder / "wide_header.csv"
    cell = "y" * (200 * 1024)  # one header cell of 200 KB
    path.write_text(HEADER.strip() + "," + cell + "\nT-1,2015-02-01,F,ASD,Dover,No placement,z\n")
    return path


@pytest.mark.parametrize(
    ("case", "needle"),
    [
        ("50 MB single line", "its first line is longer than 65,536 bytes"),
        ("200 KB header cell", "its first line is longer than 65,536 bytes"),
        ("zero-byte --db", "is empty (0 bytes)"),
        ("--db whose parent is a file", "is a file, not a folder"),
        ("--db that is a device", "is not a regular file"),
        ("--db that is a named pipe", "is not a regular file"),
    ],
)
def test_bad_files_and_database_paths_are_refusals_not_errors(tmp_path, case, needle):
    folder = tmp_path / "db"
    folder.mkdir()
    db = folder / "oos.duckdb"
    source = extract(tmp_path)
    if case == "50 MB single line":
        source = long_line_file(tmp_path)
    elif case == "200 KB header cell":
        source = wide_header_file(tmp_path)
    elif case == "zero-byte --db":
        db.write_bytes(b"")
    elif case == "--db whose parent is a file":
        (folder / "notes").write_text("a file where a folder should be\n")
        db = folder / "notes" / "oos.duckdb"
    elif case == "--db that is a device":
        os.mknod(db, stat.S_IFCHR | 0o600, os.makedev(1, 3))  # a null device of our own
    else:
        os.mkfifo(db)
    result = run_loader("cohort", str(source), "--period", "2023-06", "--db", str(db))
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("REFUSED."), result.stderr
    assert needle in result.stderr and "Traceback" not in result.stderr
    assert "Nothing in the database was changed" in result.stderr
    assert result.stderr.strip().count("\n") == 0, "one paragraph"
    if case == "--db that is a device":
        assert stat.S_ISCHR(db.stat().st_mode)  # still the device, not replaced by a file
    if case == "--db that is a named pipe":
        assert stat.S_ISFIFO(db.stat().st_mode)
    assert [p.name for p in folder.iterdir() if ".loading-" in p.name] == []


# --- probe 13: every ending is audited ----------------------------------------------------------

UNFORESEEN = """
import data.load
def broken(*args, **kwargs):
    raise ZeroDivisionError("something nobody foresaw")
data.load._finish_report = broken
"""


def test_every_ending_writes_an_audit_record(live, tmp_path, million_rows):
    june = str(extract(tmp_path))
    assert audit_outcomes(live) == []  # the fixture loaded in-process, not through the CLI
    # exit 1: an error nobody foresaw
    failed = run_loader(
        "cohort", june, "--period", "2023-06", "--db", str(live), prelude=UNFORESEEN
    )
    assert failed.returncode == 1, failed.stderr
    # a signal during the load
    stopped = run_loader(
        "cohort", str(million_rows), "--period", "2023-06", "--db", str(live),
        prelude=DURING_A_QUERY.replace("{name}", "SIGTERM"),
    )  # fmt: skip
    assert stopped.returncode == 143, stopped.stderr
    # exit 2 and exit 0, as before
    assert run_loader("cohort", june, "--period", "2023-6", "--db", str(live)).returncode == 2
    assert run_loader("cohort", june, "--period", "2023-06", "--db", str(live)).returncode == 0
    outcomes = audit_outcomes(live)
    assert len(outcomes) == 4, outcomes
    assert outcomes[0] == "failed: ZeroDivisionError (nothing changed)"
    assert outcomes[1] == "stopped by SIGTERM (nothing changed)"
    assert outcomes[2].startswith("refused: the period '2023-6' is not of the form YYYY-MM")
    assert outcomes[3] == "loaded"
