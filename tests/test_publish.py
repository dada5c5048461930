"""Atomic publishing: a period is replaced whole, and readers never see half a load."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import duckdb

from data.load import load_cohort
from tests.conftest import query

PROJECT = Path(__file__).resolve().parent.parent


def _children(db: Path, period: str) -> list[str]:
    return [
        r[0]
        for r in query(
            db, "SELECT child_id FROM cohort WHERE period = $p ORDER BY 1", {"p": period}
        )
    ]


def test_loading_a_period_again_replaces_it_whole(db_path, test_data):
    load_cohort(test_data / "load_cohort_forms.csv", "2023-06", db_path)
    load_cohort(test_data / "load_cohort_forms.csv", "2023-05", db_path)
    # 5 children replacing 14: under half, so the command says it means it (--replace)
    load_cohort(test_data / "load_cohort_problems.csv", "2023-06", db_path, replace=True)
    # June now holds only the second file's five loaded children; May is untouched (14)
    assert _children(db_path, "2023-06") == ["T-0201", "T-0202", "T-0203", "T-0204", "T-0205"]
    assert len(_children(db_path, "2023-05")) == 14
    # June's quarantine and warnings are the second file's; the log keeps all three loads
    assert query(db_path, "SELECT count(*) FROM quarantine WHERE period = '2023-06'") == [(8,)]
    assert query(db_path, "SELECT count(*) FROM load_warnings WHERE period = '2023-05'") == [(2,)]
    assert query(db_path, "SELECT count(*) FROM load_log") == [(3,)]


def test_a_load_succeeds_while_a_reader_holds_the_database_open(db_path, test_data):
    load_cohort(test_data / "load_cohort_forms.csv", "2023-06", db_path)
    reader = duckdb.connect(str(db_path), read_only=True)  # as the dashboard holds it
    try:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "data.load",
                "cohort",
                str(test_data / "load_cohort_problems.csv"),
                "--period",
                "2023-06",
                "--db",
                str(db_path),
                "--replace",  # 5 children replacing 14
            ],
            cwd=PROJECT,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr
        # the open reader keeps a consistent view of the old file ...
        assert reader.execute("SELECT count(*) FROM cohort").fetchone() == (14,)
    finally:
        reader.close()
    # ... and once it reconnects it sees the new one
    assert len(_children(db_path, "2023-06")) == 5


def test_readers_during_a_load_see_the_old_data_or_the_new_never_a_mix(db_path, test_data):
    load_cohort(test_data / "load_cohort_forms.csv", "2023-06", db_path)
    old = _children(db_path, "2023-06")
    seen: list[list[str]] = []
    stop = threading.Event()

    def read_repeatedly() -> None:
        while not stop.is_set():
            seen.append(_children(db_path, "2023-06"))

    thread = threading.Thread(target=read_repeatedly)
    thread.start()
    overlapped = []  # reads made while each load ran: proves the reads overlapped the loads
    try:
        for _ in range(3):
            for source in ("load_cohort_problems.csv", "load_cohort_forms.csv"):
                before = len(seen)
                subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "data.load",
                        "cohort",
                        str(test_data / source),
                        "--period",
                        "2023-06",
                        "--db",
                        str(db_path),
                        "--replace",  # 5 children replacing 14, on purpose
                    ],
                    cwd=PROJECT,
                    check=True,
                    capture_output=True,
                    timeout=120,
                )
                overlapped.append(len(seen) - before)
    finally:
        stop.set()
        thread.join(timeout=30)
    assert not thread.is_alive()
    new = ["T-0201", "T-0202", "T-0203", "T-0204", "T-0205"]
    assert len(seen) > 5
    assert all(n > 0 for n in overlapped), overlapped
    assert all(state in (old, new) for state in seen)
