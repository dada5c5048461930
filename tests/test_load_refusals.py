"""Files that cannot be used at all are refused, with a clear message, changing nothing."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from data.extract_reader import ExtractRefused
from data.load import load_batch, load_cohort
from tests.conftest import query

PROJECT = Path(__file__).resolve().parent.parent
HEADER = "child_id,date_of_birth,gender,primary_need,district,placement_status\n"
GOOD_ROW = "T-0501,2015-02-01,F,ASD,Dover,No placement\n"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def loaded_db(db_path, test_data):
    load_cohort(test_data / "load_cohort_forms.csv", "2023-06", db_path)
    return db_path


def _bad_files(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    files = {
        "not csv": ("extract.txt", HEADER + GOOD_ROW, "not a CSV or XLSX file"),
        "empty": ("empty.csv", "", "empty"),
        "no rows": ("header_only.csv", HEADER, "no data rows"),
        "missing column": (
            "missing.csv",
            "child_id,date_of_birth,gender,primary_need,placement_status\n"
            "T-1,2015-01-01,F,ASD,No placement\n",
            "district",
        ),
        "repeated column": (
            "twice.csv",
            HEADER.strip() + ",Child ID\n" + GOOD_ROW.strip() + ",x\n",
            "more than once",
        ),
        "damaged xlsx": ("damaged.xlsx", "this is not a workbook", "Excel workbook"),
    }
    made = {}
    for name, (file_name, text, needle) in files.items():
        path = tmp_path / file_name
        path.write_text(text, encoding="utf-8")
        made[name] = (path, needle)
    latin = tmp_path / "latin1.csv"
    latin.write_bytes(
        (HEADER + "T-0502,2015-02-01,F,ASD,Dover,No placement\n").encode()
        + "T-0503,2015-02-01,F,ASD,Tonbridge and Malling \u00e9,No placement\n".encode("latin-1")
    )
    made["not utf-8"] = (latin, "not UTF-8")
    return made


def test_each_refusal_names_the_problem_and_changes_nothing(loaded_db, tmp_path):
    before = _digest(loaded_db)
    for name, (path, needle) in _bad_files(tmp_path).items():
        with pytest.raises(ExtractRefused) as refused:
            load_cohort(path, "2023-07", loaded_db)
        message = str(refused.value)
        assert needle in message, name
        assert path.name in message and "Nothing in the database was changed" in message
        assert _digest(loaded_db) == before, name
    # no temporary copies are left behind
    assert [p.name for p in loaded_db.parent.iterdir() if "loading" in p.name] == []


def test_a_refused_file_in_a_batch_loads_none_of_the_batch(loaded_db, tmp_path, test_data):
    before = _digest(loaded_db)
    bad = tmp_path / "bad.csv"
    bad.write_text("child_id\nT-1\n")
    with pytest.raises(ExtractRefused):
        # the first file is fine and is loaded inside the transaction before the second fails
        load_batch(
            loaded_db, [(test_data / "load_cohort_problems.csv", "2023-07"), (bad, "2023-08")]
        )
    assert _digest(loaded_db) == before
    assert query(loaded_db, "SELECT DISTINCT period FROM cohort") == [("2023-06",)]


def test_a_malformed_period_is_refused(loaded_db, test_data):
    with pytest.raises(ValueError, match="YYYY-MM"):
        load_cohort(test_data / "load_cohort_forms.csv", "2023-13", loaded_db)


def test_cli_exit_status_and_report(loaded_db, tmp_path, test_data):
    bad = tmp_path / "bad.csv"
    bad.write_text("child_id\nT-1\n")
    refused = subprocess.run(
        [
            sys.executable,
            "-m",
            "data.load",
            "cohort",
            str(bad),
            "--period",
            "2023-07",
            "--db",
            str(loaded_db),
        ],
        cwd=PROJECT,
        capture_output=True,
        text=True,
    )
    assert refused.returncode != 0
    assert "missing" in refused.stderr and "bad.csv" in refused.stderr
    assert "rows loaded: 0" in refused.stdout
    accepted = subprocess.run(
        [
            sys.executable,
            "-m",
            "data.load",
            "cohort",
            str(test_data / "load_cohort_problems.csv"),
            "--period",
            "2023-07",
            "--db",
            str(loaded_db),
        ],
        cwd=PROJECT,
        capture_output=True,
        text=True,
    )
    assert accepted.returncode == 0, accepted.stderr
    assert "rows read:        13" in accepted.stdout
    assert "rows quarantined: 8" in accepted.stdout


def test_cli_database_path_rule(tmp_path, test_data):
    """--db beats OOS_DB, which beats the default."""
    env_db = tmp_path / "from_env.duckdb"
    flag_db = tmp_path / "from_flag.duckdb"
    import os

    env = dict(os.environ, OOS_DB=str(env_db))
    source = str(test_data / "load_casework_forms.csv")
    subprocess.run(
        [sys.executable, "-m", "data.load", "casework", source],
        cwd=PROJECT,
        env=env,
        check=True,
        capture_output=True,
    )
    assert env_db.exists() and not flag_db.exists()
    subprocess.run(
        [sys.executable, "-m", "data.load", "casework", source, "--db", str(flag_db)],
        cwd=PROJECT,
        env=env,
        check=True,
        capture_output=True,
    )
    assert flag_db.exists()
