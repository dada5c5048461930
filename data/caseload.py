"""The third extract: the EHC plan caseload (every child with a plan, in school or not).

    python -m data.load caseload FILE --period YYYY-MM [--db PATH]

Same rules as the cohort snapshot (docs/extract-spec.md): read by extract_reader, normalised by
the cohort's own staging SQL (stage_cohort.sql) so that a gender, need, district or year group
is read exactly as the cohort reads it, quarantined for the same reasons, published in the
loader's transaction. The caseload has no placement status and no out-of-school date: an
adapter view gives the staging SQL a constant placement status and NULL for the columns the
caseload does not have, and publish_caseload.sql keeps only the caseload's columns.
"""

from __future__ import annotations

from data import extract_reader, store

CASELOAD_COLUMNS = [
    "child_id",
    "date_of_birth",
    "gender",
    "primary_need",
    "district",
    "year_group",
    "sen_team",
    "cin",
    "cp",
    "cla",
    "previously_looked_after",
]
CASELOAD_REQUIRED = ["child_id", "date_of_birth", "gender", "primary_need", "district"]

# Registered here rather than written into extract_reader's table, so the reader stays about
# file formats and this module owns the caseload contract.
extract_reader.LAYOUTS["caseload"] = (CASELOAD_COLUMNS, CASELOAD_REQUIRED)

# Stands in for the placement status the staging SQL requires; never published.
_PLACEHOLDER_STATUS = "No placement"


def _adapter_sql() -> str:
    """The view `raw` the cohort staging reads, over the caseload's own view `caseload_raw`.

    Column names come from the two contracts' lists (code constants), never from a file.
    """
    columns = []
    for column in extract_reader.LAYOUTS["cohort"][0]:
        if column in CASELOAD_COLUMNS:
            columns.append(f'"{column}"')
        elif column == "placement_status":
            columns.append(f"'{_PLACEHOLDER_STATUS}' AS placement_status")
        else:
            columns.append(f'NULL::VARCHAR AS "{column}"')
    return (
        "CREATE OR REPLACE TEMP VIEW raw AS SELECT src_row, "  # noqa: S608
        + ", ".join(columns)
        + ", extras FROM caseload_raw"
    )


def stage_and_publish(
    con, *, period: str, census, load_id: int, file_name: str, guard=None
) -> None:
    """Stage the extract read into `raw` and replace `period`'s caseload with it.

    `guard(held, incoming)` (optional) sees the plans held for the period and the rows about to
    replace them before anything is written, and raises to refuse the load.
    """
    con.execute("ALTER VIEW raw RENAME TO caseload_raw")
    con.execute(_adapter_sql())
    store.run_sql_file(con, "stage_cohort.sql", {"census_date": census})
    if guard is not None:
        held, incoming = con.execute(
            "SELECT (SELECT count(*) FROM caseload_snapshot WHERE period = $period), "
            "(SELECT count(*) FROM staged WHERE quarantine_reason IS NULL)",
            {"period": period},
        ).fetchone()
        guard(held, incoming)
    store.run_sql_file(
        con,
        "publish_caseload.sql",
        {"period": period, "census_date": census, "load_id": load_id, "file_name": file_name},
    )
    con.execute("DROP TABLE staged; DROP VIEW raw; DROP VIEW caseload_raw")


__all__ = ["CASELOAD_COLUMNS", "CASELOAD_REQUIRED", "stage_and_publish"]
