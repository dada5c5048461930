"""Children's data stays out of git: an extract saved anywhere in the checkout, a database and
the loader's working files are ignored; the committed synthetic fixtures are not."""

from __future__ import annotations

import subprocess
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent

IGNORED = [
    "june.csv",  # the README's example, saved beside the README
    "data/june.csv",
    "docs/notes/extract.xlsx",
    "pages/cohort.xlsm",
    "old/cohort.xls",
    "downloads/casework.zip",
    "data/oos.duckdb",
    "data/oos.duckdb.wal",
    "data/oos.duckdb.lock",
    "data/.oos.duckdb.loading-4242",
    "data/.oos.duckdb.loading-4242.wal",
    "data/.oos.duckdb.synthetic-4242",
    "data/oos.duckdb.warm.json",
    "data/.oos.duckdb.warm.json.4242",
    ".streamlit/secrets.toml",
]
KEPT = [
    "tests/data/f_casework.csv",
    "config/school_terms.csv",
    ".streamlit/config.toml",
    "data/load.py",
    "docs/extract-spec.md",
]


def ignored(paths: list[str]) -> set[str]:
    # --no-index: judge the rules alone, whether or not a path is tracked
    result = subprocess.run(
        ["git", "check-ignore", "--no-index", "--stdin"],
        cwd=PROJECT,
        input="\n".join(paths),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode in (0, 1), result.stderr
    return set(result.stdout.split())


def test_extracts_databases_and_working_files_are_ignored_anywhere():
    assert ignored(IGNORED) == set(IGNORED)


def test_the_committed_synthetic_fixtures_and_config_are_not_ignored():
    assert ignored(KEPT) == set()
