"""Published DfE figures on EHC plans (SEN2, "Education, health and care plans" on Explore
Education Statistics) as reference tables in the database, with the release named.

    python -m data.load sen2 FILE --release "reporting year 2026" [--db PATH]

The shipped extract (data/reference/sen2/, reporting year 2025) is installed at every load
when the database does not hold it yet, so every database the loader publishes has it. A newer
release file, when the DfE publishes one, is loaded the same way: known columns only (those of
the DfE's `caseload.csv`); a file with any other column, or without the columns the dashboard
uses, is refused (exit status 2, database unchanged). Loading a release again replaces it.
Suppressed or not-applicable cells (`x`, `z`, `c`, `:`, `low`, blank) load as NULL.
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb

from core.paths import PROJECT_ROOT
from data import store
from data.extract_reader import ExtractRefused, normalise_header

REFERENCE = PROJECT_ROOT / "data" / "reference" / "sen2"
SHIPPED_FILE = REFERENCE / "sen2_caseload_all_plans_kent_england_sn_2019_2025.csv"
SHIPPED_RELEASE = (
    "DfE Education, health and care plans, reporting year 2025 (published 26 June 2025)"
)

# Every column of the DfE caseload.csv (reporting year 2025), as normalised header names.
KNOWN_COLUMNS = [
    "time_period", "time_identifier", "geographic_level", "country_code", "country_name",
    "region_code", "region_name", "new_la_code", "old_la_code", "la_name", "breakdown_topic",
    "breakdown", "ehcplans", "mainstream_la_maintained",
    "mainstream_la_maintained_resourced_provision", "mainstream_la_maintained_senunit",
    "mainstream_academy", "mainstream_academy_resourced_provision", "mainstream_academy_senunit",
    "mainstream_free_school", "mainstream_free_school_resourced_provision",
    "mainstream_free_school_senunit", "mainstream_independent", "mainstream_total",
    "mainstream_total_pc", "special_la_maintained", "special_academy_free",
    "special_independent", "special_non_maintained", "special_total", "special_total_pc",
    "ap_pru_academy", "ap_pru_free_school", "ap_pru_la_maintained", "ap_pru_total",
    "ap_pru_total_pc", "general_fe_tertiary_colleges", "specialist_post_16_institutions",
    "ukrlp_provider", "fe_total", "fe_total_pc", "elective_home_education",
    "other_arrangements_la", "other_arrangements_parents", "online_provider", "w_settings",
    "other_schools", "other_placement_settings", "neet", "neet_ntci", "neet_other",
    "neet_other_csa", "ed_elsewhere", "ed_elsewhere_pc", "nm_early_years", "nm_early_years_pc",
    "placement_unknown", "placement_unknown_pc", "await_prov_2022", "perm_ex_2022",
]  # fmt: skip
REQUIRED_COLUMNS = [
    "time_period", "geographic_level", "country_name", "region_name", "la_name", "ehcplans",
    "neet_other_csa", "other_placement_settings",
]  # fmt: skip
# The counts the dashboard keeps (whole numbers; NULL when not published).
COUNT_COLUMNS = [
    "ehcplans", "neet", "neet_other_csa", "other_placement_settings", "await_prov_2022",
    "elective_home_education", "ed_elsewhere", "placement_unknown",
]  # fmt: skip


def _refuse(path: Path, problem: str, action: str) -> ExtractRefused:
    return ExtractRefused(
        f"The file '{path.name}' was not loaded: {problem} {action} "
        "Nothing in the database was changed."
    )


def _check_header(path: Path) -> list[str]:
    """The file's normalised header; refuse unknown, repeated or missing columns."""
    if path.suffix.lower() != ".csv" or not path.is_file():
        raise _refuse(path, "it is not a CSV file that exists.", "Use the DfE's caseload.csv.")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle), [])
    names = [normalise_header(h) for h in header]
    unknown = [h for h, n in zip(header, names, strict=True) if n not in KNOWN_COLUMNS]
    if unknown:
        raise _refuse(
            path,
            "it has columns this dashboard does not know: " + ", ".join(unknown) + ".",
            "Only the DfE 'caseload.csv' of the EHC plans release can be loaded; if the DfE has "
            "changed its columns, the dashboard must be updated to read them.",
        )
    if len(set(names)) != len(names):
        raise _refuse(path, "a column appears more than once.", "Use the file as published.")
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise _refuse(path, "it lacks the column(s) " + ", ".join(missing) + ".", "")
    return names


def _insert(con: duckdb.DuckDBPyConnection, path: Path, release: str, names: list[str]) -> int:
    columns = "{" + ", ".join(f"'{n}': 'VARCHAR'" for n in names) + "}"
    counts = ", ".join(
        f"try_cast(nullif(trim({c}), '') AS BIGINT) AS {c}" if c in names else f"NULL AS {c}"
        for c in COUNT_COLUMNS
    )
    # identifiers come from KNOWN_COLUMNS (checked above); the path and release are bound
    con.execute("DELETE FROM published_ehcp WHERE release = $release", {"release": release})
    con.execute(
        "INSERT INTO published_ehcp SELECT $release, $file, now()::TIMESTAMP, "  # noqa: S608
        "try_cast(time_period AS INTEGER), 2000 + try_cast(right(time_period, 2) AS INTEGER), "
        "geographic_level, CASE geographic_level WHEN 'National' THEN country_name "
        "WHEN 'Regional' THEN region_name ELSE la_name END, region_name, "
        + ("new_la_code" if "new_la_code" in names else "NULL")
        + ", "
        + ("old_la_code" if "old_la_code" in names else "NULL")
        + ", "
        + ("breakdown" if "breakdown" in names else "'All EHC plans'")
        + f", {counts} "
        f"FROM read_csv($path, header=true, auto_detect=false, columns={columns})",
        {"release": release, "file": path.name, "path": str(path)},
    )
    return con.execute(
        "SELECT count(*) FROM published_ehcp WHERE release = $release", {"release": release}
    ).fetchone()[0]


def install_shipped(con: duckdb.DuckDBPyConnection) -> None:
    """Install the shipped release when the database does not hold it (inside a transaction)."""
    held = con.execute(
        "SELECT count(*) FROM published_ehcp WHERE release = $r", {"r": SHIPPED_RELEASE}
    ).fetchone()[0]
    if not held:
        _insert(con, SHIPPED_FILE, SHIPPED_RELEASE, _check_header(SHIPPED_FILE))


def load_release(file_path, release: str, db_path=None) -> int:
    """Load a DfE caseload.csv as `release` (replacing a release of that name); rows loaded."""
    from core.paths import load_target

    path = Path(file_path)
    if not release or not release.strip():
        raise ValueError("name the release, e.g. --release 'reporting year 2026'")
    names = _check_header(path)
    with store.publishing(load_target(db_path)) as con:
        with store.transaction(con):
            install_shipped(con)
            rows = _insert(con, path, release.strip(), names)
    return rows


__all__ = ["SHIPPED_RELEASE", "install_shipped", "load_release", "KNOWN_COLUMNS"]
