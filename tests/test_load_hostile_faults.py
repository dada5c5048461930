"""Faults during a load leave nothing behind and say what happened.

Signals (SIGTERM, SIGINT, kill -9) against a real loader process; a full disk and a read-only
folder on a small temporary file system (tmpfs) where this machine lets the tests mount one,
otherwise through the same OSError a full or read-only disk raises; `--db` naming a folder or a
file that is not a DuckDB database. Each refusal: exit status 2, one paragraph, no traceback,
the live database byte for byte as it was, and no working copy left beside it.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from data import store
from data.load import load_cohort

PROJECT = Path(__file__).resolve().parent.parent
HEADER = "child_id,date_of_birth,gender,primary_need,district,placement_status\n"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def copies_beside(db: Path) -> list[str]:
    return sorted(p.name for p in db.parent.iterdir() if ".loading-" in p.name)


def small_extract(folder: Path, children: int = 3) -> Path:
    path = folder / "june.csv"
    path.write_text(
        HEADER + "".join(f"T-{i},2015-02-01,F,ASD,Dover,No placement\n" for i in range(children))
    )
    return path


def big_extract(folder: Path, children: int = 400_000) -> Path:
    """Big enough that the loader is still working when the signal arrives."""
    path = folder / "big.csv"
    line = "{},2015-02-01,F,ASD,Dover,No placement\n"
    with path.open("w") as handle:
        handle.write(HEADER)
        handle.writelines(line.format(f"T-{i:07d}") for i in range(children))
    return path


def loader(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "data.load", *args],
        cwd=PROJECT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "data.load", *args],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def wait_for_working_copy(db: Path, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not copies_beside(db):
        assert process.poll() is None, "the load finished before the working copy was seen"
        assert time.monotonic() < deadline, "no working copy appeared"
        time.sleep(0.02)


def assert_refused_cleanly(result, needle: str) -> None:
    assert result.returncode == 2, result.stderr
    assert needle in result.stderr, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stderr.strip().count("\n") == 0, "one paragraph"


@pytest.fixture
def live(tmp_path) -> Path:
    db = tmp_path / "live" / "oos.duckdb"
    db.parent.mkdir()
    load_cohort(small_extract(tmp_path), "2023-05", db)
    return db


@pytest.mark.parametrize(("signum", "status"), [(signal.SIGTERM, 128 + 15), (signal.SIGINT, 130)])
def test_a_signal_mid_load_removes_the_working_copy(live, tmp_path, signum, status):
    before = digest(live)
    process = loader("cohort", str(big_extract(tmp_path)), "--period", "2023-06", "--db", str(live))
    wait_for_working_copy(live, process)
    process.send_signal(signum)
    out, err = process.communicate(timeout=120)
    assert process.returncode == status, err
    assert "STOPPED" in err and "Traceback" not in err
    assert copies_beside(live) == []
    assert digest(live) == before


def test_a_copy_left_by_kill_9_is_removed_by_the_next_load(live, tmp_path):
    before = digest(live)
    process = loader("cohort", str(big_extract(tmp_path)), "--period", "2023-06", "--db", str(live))
    wait_for_working_copy(live, process)
    process.kill()  # SIGKILL: nothing can clean up
    process.communicate(timeout=60)
    assert copies_beside(live) != []  # what the next load must deal with
    assert digest(live) == before
    result = run("cohort", str(small_extract(tmp_path)), "--period", "2023-06", "--db", str(live))
    assert result.returncode == 0, result.stderr
    assert "note: removed 1 working copy left beside the database" in result.stdout
    assert copies_beside(live) == []


def test_too_little_free_space_is_refused_before_copying(live, tmp_path, monkeypatch):
    before = digest(live)
    size = live.stat().st_size

    def nearly_full(_path):
        # room for the database once, not for a working copy beside it
        return shutil._ntuple_diskusage(10 * size, 9 * size, size)

    monkeypatch.setattr(store.shutil, "disk_usage", nearly_full)
    with pytest.raises(store.StoreRefused) as refused:
        load_cohort(small_extract(tmp_path), "2023-06", live)
    assert "not enough free space" in str(refused.value)
    assert digest(live) == before and copies_beside(live) == []


@contextlib.contextmanager
def tmpfs(folder: Path, size: str) -> Iterator[bool]:
    """Mount a small tmpfs at `folder`; yield whether it could be mounted."""
    folder.mkdir()
    mounted = (
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
            capture_output=True,
        ).returncode
        == 0
    )
    try:
        yield mounted
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def test_a_full_disk_is_a_message_and_leaves_nothing(live, tmp_path, monkeypatch):
    before = digest(live)
    with tmpfs(tmp_path / "small", "4m") as mounted:
        db = tmp_path / "small" / "oos.duckdb"
        if mounted:
            # a real 4 MB disk holding the 3 MB database: the copy cannot fit. The free-space
            # check would refuse first, so it is set aside to meet the real write failure.
            shutil.copyfile(live, db)
            monkeypatch.setattr(store, "check_free_space", lambda *_: None)
        else:
            # no tmpfs here: the copy fails as a full disk makes it fail
            db = live

            def full(*_args, **_kwargs):
                raise OSError(errno.ENOSPC, "No space left on device")

            monkeypatch.setattr(store.shutil, "copyfile", full)
        kept = digest(db)
        with pytest.raises(store.StoreRefused) as refused:
            load_cohort(small_extract(tmp_path), "2023-06", db)
        assert "is full" in str(refused.value)
        assert digest(db) == kept and copies_beside(db) == []
    assert digest(live) == before


def test_a_full_disk_on_the_command_line_exits_2(live, tmp_path):
    # the free-space check against the real disk: ask for more than any disk holds
    code = (
        "import sys; from data import store; store.FREE_SPACE_MARGIN = 10**18; "
        "from data.load import main; sys.exit(main(sys.argv[1:]))"
    )
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            code,
            "cohort",
            str(small_extract(tmp_path)),
            "--period",
            "2023-06",
            "--db",
            str(live),
        ],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert_refused_cleanly(result, "not enough free space")


def test_a_read_only_folder_is_a_message(tmp_path, monkeypatch):
    with tmpfs(tmp_path / "ro", "100m") as mounted:
        db = tmp_path / "ro" / "oos.duckdb"
        load_cohort(small_extract(tmp_path), "2023-05", db)
        before = digest(db)
        if mounted:
            subprocess.run(["mount", "-o", "remount,ro", str(db.parent)], check=True)
            result = run(
                "cohort", str(small_extract(tmp_path)), "--period", "2023-06", "--db", str(db)
            )
            assert_refused_cleanly(result, "cannot be written")
        else:
            real_open = open

            def read_only(path, mode="r", *args, **kwargs):
                if "w" in mode and str(path).startswith(str(db.parent)):
                    raise OSError(errno.EROFS, "Read-only file system")
                return real_open(path, mode, *args, **kwargs)

            monkeypatch.setattr("builtins.open", read_only)
            with pytest.raises(store.StoreRefused, match="cannot be written"):
                load_cohort(small_extract(tmp_path), "2023-06", db)
        assert digest(db) == before and copies_beside(db) == []


def test_db_naming_a_folder_or_a_file_that_is_not_duckdb(tmp_path):
    extract = small_extract(tmp_path)
    folder = tmp_path / "a_folder"
    folder.mkdir()
    assert_refused_cleanly(
        run("cohort", str(extract), "--period", "2023-06", "--db", str(folder)), "is a folder"
    )
    notes = tmp_path / "notes.txt"
    notes.write_text("minutes of the panel meeting\n")
    result = run("cohort", str(extract), "--period", "2023-06", "--db", str(notes))
    assert_refused_cleanly(result, "is not a DuckDB database")
    assert notes.read_text() == "minutes of the panel meeting\n"
    assert copies_beside(notes) == []
    assert os.listdir(folder) == []
