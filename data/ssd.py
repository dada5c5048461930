"""Read care status's sources from the Standard Safeguarding Dataset (SSD).

The SSD (Data to Insight, `data-to-insight/ssd-data-model`) is a standard set of tables
extracted from children's social care systems. Four of them give a child's care status at a
date, matched to the SEN2 return's persons by UPN:

    ssd_person.csv        pers_person_id, pers_upn
    ssd_cla_episodes.csv  clae_person_id, clae_cla_episode_start_date, clae_cla_episode_ceased_date
    ssd_cp_plans.csv      cppl_person_id, cppl_cp_plan_start_date, cppl_cp_plan_end_date
    ssd_cin_episodes.csv  cine_person_id, cine_referral_date, cine_close_date

Column names as in the SSD specification (docs/admin/data_objects_specification.csv; `pers_upn`
as the SSD's deployed `ssd_person` table names it, item PERS006A). Each file goes through the
project's reader (data/extract_reader.py) with its refusals, into the caller's (in-memory)
connection; other columns (names, NHS numbers...) stay in that connection and are never used.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from data import extract_reader
from data.extract_reader import ExtractRefused, read_extract, release


@dataclass(frozen=True)
class SsdTable:
    file: str
    table: str  # the temp table it is read into
    columns: tuple[str, ...]

    @property
    def kind(self) -> str:
        return f"SSD {self.file.removesuffix('.csv')}"


TABLES = (
    SsdTable("ssd_person.csv", "s_person", ("pers_person_id", "pers_upn")),
    SsdTable(
        "ssd_cla_episodes.csv",
        "s_cla",
        ("clae_person_id", "clae_cla_episode_start_date", "clae_cla_episode_ceased_date"),
    ),
    SsdTable(
        "ssd_cp_plans.csv",
        "s_cp",
        ("cppl_person_id", "cppl_cp_plan_start_date", "cppl_cp_plan_end_date"),
    ),
    SsdTable(
        "ssd_cin_episodes.csv", "s_cin", ("cine_person_id", "cine_referral_date", "cine_close_date")
    ),
)
for _table in TABLES:
    extract_reader.LAYOUTS[_table.kind] = (list(_table.columns), list(_table.columns))


def find_ssd(folder: str | Path) -> dict[str, Path]:
    """The four SSD files in `folder` (names matched case-insensitively); refused when one is
    missing."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ExtractRefused(
            f"The SSD folder '{folder.name}' was not used: it "
            + ("is not a folder." if folder.exists() else "does not exist.")
            + " Give the folder holding ssd_person.csv, ssd_cla_episodes.csv, ssd_cp_plans.csv "
            "and ssd_cin_episodes.csv. Nothing in the database was changed."
        )
    by_name = {p.name.lower(): p for p in folder.iterdir() if p.is_file()}
    missing = [t.file for t in TABLES if t.file not in by_name]
    if missing:
        raise ExtractRefused(
            f"The SSD folder '{folder.name}' was not used: " + ", ".join(missing)
            + " missing (care status needs ssd_person and the CLA, CP and CIN tables). Export "
            "them from the SSD, or load without --ssd (care status is then not supplied). "
            "Nothing in the database was changed."
        )  # fmt: skip
    return {t.table: by_name[t.file] for t in TABLES}


def read_ssd(con: duckdb.DuckDBPyConnection, files: dict[str, Path]) -> dict[str, int]:
    """Read the SSD tables into temp tables `s_person`, `s_cla`, `s_cp`, `s_cin`; returns the
    rows read per table. Rows the CSV parser cannot split are counted, not used (they hold
    person IDs, not children of the return)."""
    counts = {}
    for table in TABLES:
        raw = read_extract(con, files[table.table], table.kind)
        # the table name comes from the fixed TABLES list
        con.execute(f"CREATE OR REPLACE TEMP TABLE {table.table} AS SELECT * FROM raw")  # noqa: S608
        release(con)
        counts[table.file] = raw.rows_parsed
        if raw.rejects:
            counts[f"{table.file} (rows that could not be read)"] = len(raw.rejects)
    return counts


def no_ssd(con: duckdb.DuckDBPyConnection) -> None:
    """Empty SSD tables, so the care-status SQL runs the same way without an SSD."""
    for table in TABLES:
        columns = ", ".join(f"NULL::VARCHAR AS {c}" for c in table.columns)
        con.execute(f"CREATE OR REPLACE TEMP TABLE {table.table} AS SELECT {columns} LIMIT 0")  # noqa: S608


__all__ = ["TABLES", "find_ssd", "no_ssd", "read_ssd"]
