"""Build the synthetic demonstration database through the same loader as a real extract.

    python -m data.generate [--db PATH] [--seed N] [--children N] [--periods N] [--end YYYY-MM]

Writes one cohort snapshot CSV per monthly period and one casework CSV into a temporary folder,
exported the way a case-management system would (an older export format for the earlier months,
a newer one later: UK or ISO dates, need labels or codes, Y/blank or Yes/No flags, 'Shepway',
a few unreadable values), loads them all with `data.load.load_batch(..., synthetic=True)` in one
atomic publish, and deletes the files. The same seed gives the same database on any day.

The children and their cases are simulated in synth_cohort.py and synth_casework.py; this
module turns them into extract files. `--children N` is the number of children out of school
in the latest snapshot; each earlier snapshot holds about as many (a gentle upward trend).
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from data import synth_casework as sc
from data import synth_cohort as sy
from data import vocab
from data.paths import resolve_db_path

DEFAULT_SEED = 20231115
DEFAULT_CHILDREN = 1500
DEFAULT_PERIODS = 24
DEFAULT_END = "2026-10"  # fixed, so that a seed gives the same database whenever it is built

Progress = Callable[[float, str], None]

# ---- export formats -------------------------------------------------------------------------
# Each SQL reads the period's rows from the registered arrow table `r` and names the columns as
# that export format does. Strings arrive already chosen (dictionary columns); the SQL formats
# identifiers and dates. Bound: $path, $datefmt, $width (digits of the child number), $run.

_COMMON = """
    CASE WHEN pad THEN ' ' || 'SYN' || lpad(number::VARCHAR, $width, '0') || ' '
         ELSE 'SYN' || lpad(number::VARCHAR, $width, '0') END"""

LEGACY_SQL = f"""COPY (SELECT
    CASE WHEN blank_id THEN NULL ELSE {_COMMON} END AS "Child ID",
    coalesce(dob_text, strftime(dob, $datefmt)) AS "Date of Birth",
    gender AS "Gender", need AS "Primary Need", district AS "District",
    placement AS "Placement Status",
    coalesce(since_text, strftime(since, $datefmt)) AS "Out of School Since",
    cin AS "CIN", cp AS "CP", cla AS "CLA", pla AS "Previously Looked After",
    imported_from AS "Imported From", strftime(import_date, $datefmt) AS "Import Date",
    strftime(ehcp_issued, $datefmt) AS "EHCP Issued",
    strftime(last_review, $datefmt) AS "Last Annual Review",
    CASE WHEN hours_tbc THEN 'TBC' ELSE hours::VARCHAR END AS "Provision Hours",
    team AS "SEN Team", $run AS "Extract Run"
FROM r) TO $path (HEADER)"""

INTERIM_SQL = f"""COPY (SELECT
    CASE WHEN blank_id THEN NULL ELSE {_COMMON} END AS "CHILD-ID",
    coalesce(dob_text, strftime(dob, $datefmt)) AS "DATE-OF-BIRTH",
    gender AS "GENDER", need AS "PRIMARY-NEED", district AS "DISTRICT",
    placement AS "PLACEMENT-STATUS",
    coalesce(since_text, strftime(since, $datefmt)) AS "OUT-OF-SCHOOL-SINCE",
    cin AS "CIN", cp AS "CP", cla AS "CLA", pla AS "PREVIOUSLY-LOOKED-AFTER",
    imported_from AS "IMPORTED-FROM", strftime(import_date, $datefmt) AS "IMPORT-DATE",
    strftime(ehcp_issued, $datefmt) AS "EHCP-ISSUED",
    strftime(last_review, $datefmt) AS "LAST-ANNUAL-REVIEW",
    CASE WHEN hours_tbc THEN 'TBC' ELSE hours::VARCHAR END AS "PROVISION-HOURS",
    team AS "SEN-TEAM", NULL AS "CASE-NOTES"
FROM r) TO $path (HEADER)"""

CURRENT_SQL = f"""COPY (SELECT
    CASE WHEN blank_id THEN NULL ELSE {_COMMON} END AS child_id,
    coalesce(dob_text, strftime(dob, $datefmt)) AS date_of_birth,
    gender, year_group, need AS primary_need, district, placement AS placement_status,
    coalesce(since_text, strftime(since, $datefmt)) AS out_of_school_since,
    cin, cp, cla, pla AS previously_looked_after,
    imported_from, strftime(import_date, $datefmt) AS import_date,
    strftime(ehcp_issued, $datefmt) AS ehcp_issued,
    strftime(last_review, $datefmt) AS last_annual_review,
    CASE WHEN hours_tbc THEN 'TBC' ELSE hours::VARCHAR END AS provision_hours,
    team AS sen_team
FROM r) TO $path (HEADER)"""

CASEWORK_SQL = f"""COPY (SELECT
    CASE WHEN blank_id THEN NULL ELSE {_COMMON} END AS "Child ID",
    coalesce(day_text, strftime(day, $datefmt)) AS "Event Date",
    event AS "Event Type", provider AS "Provider", ptype AS "Provision Type",
    hours AS "Hours Per Week", detail AS "Detail"
FROM r) TO $path (HEADER)"""


@dataclass(frozen=True)
class ExportFormat:
    sql: str
    datefmt: str
    gender: tuple  # spelling of each of synth_cohort.GENDER_VALUES; None = blank
    need: str  # 'label', 'code' or 'lower label'
    flags: tuple  # (false, true); None = blank
    shepway: float  # share of Folkestone and Hythe rows exported as 'Shepway'
    year_group: bool


LEGACY = ExportFormat(LEGACY_SQL, "%d/%m/%Y", ("M", "F", "Other", None, "Not known"), "label",
                      (None, "Y"), 0.7, False)  # fmt: skip
INTERIM = ExportFormat(INTERIM_SQL, "%Y-%m-%d", ("male", "female", "other", None, "not known"),
                       "lower label", ("False", "True"), 0.2, False)  # fmt: skip
CURRENT = ExportFormat(CURRENT_SQL, "%Y-%m-%d", ("Male", "Female", "Non-binary", None, "Not known"),
                       "code", ("No", "Yes"), 0.0, True)  # fmt: skip


def export_format(index: int, periods: int) -> ExportFormat:
    """The old system's export for the first 40% of the months, one interim month, then the new."""
    switch = int(periods * 0.4)
    return LEGACY if index < switch else INTERIM if index == switch else CURRENT


BAD_DATES = ["31/02/2011", "2012-13-01", "00/00/0000", "unknown"]
UNREADABLE_DISTRICTS = ["Unknown", "Medway"]


def _strings(codes: np.ndarray, dictionary: list) -> pa.DictionaryArray:
    """Column of strings from indices into `dictionary`; index -1 or a None entry is blank."""
    values = [v if v is not None else "" for v in dictionary]
    blank = np.array([v is None for v in dictionary] + [True])[codes]
    indices = pa.array(np.where(blank, 0, codes).astype(np.int32), mask=blank)
    return pa.DictionaryArray.from_arrays(indices, pa.array(values or [""], pa.string()))


def _dates(days: np.ndarray, blank: np.ndarray | None = None) -> pa.Array:
    mask = days < -30000 if blank is None else blank
    return pa.array(np.where(mask, 0, days).astype(np.int32), pa.int32(), mask=mask).cast(pa.date32())


def _variant(rng, n: int, share: float, choices: int) -> np.ndarray:
    """0 for most rows; 1..choices for `share` of them."""
    return np.where(rng.random(n) < share, rng.integers(1, choices + 1, n), 0)


def _need_strings(fmt: ExportFormat) -> list[str]:
    codes = sy.NEED_CODES
    if fmt.need == "code":
        base = codes
    else:
        base = [vocab.NEED_LABELS[c] if c != "ASD" else "Autism" for c in codes]
        base = [b.lower() for b in base] if fmt.need == "lower label" else base
    return base + [c.lower() for c in codes]  # the second half: a code typed in lower case


def _district_strings(fmt: ExportFormat) -> list:
    names = [d if d != "blank" else None for d in sy.DISTRICTS[:-1]]
    if fmt is INTERIM:
        names = [n.upper() if n else n for n in names]
    variants = [n.lower() if n else n for n in names]
    variants[list(sy.DISTRICT_POPULATION).index("Tonbridge and Malling")] = "Tonbridge & Malling"
    return names + UNREADABLE_DISTRICTS + variants + ["Shepway"]


def _cohort_table(rng, kids: sy.Children, cw: sc.Casework, rows: np.ndarray, census_day: int,
                  fmt: ExportFormat, last_census: int) -> pa.Table:  # fmt: skip
    """The rows of one snapshot, as the export format spells them."""
    n = len(rows)
    # data-quality faults of the export itself: a lost child_id, an exact repeat of a row
    repeat = rows[rng.random(n) < 0.001]
    blank_id = np.concatenate([rng.random(n) < 0.0002, np.zeros(len(repeat), bool)])
    rows = np.concatenate([rows, repeat])
    order = np.argsort(kids.number[rows], kind="stable")
    rows, blank_id, n = rows[order], blank_id[order], len(rows)

    dob = np.where(kids.dob_fault[rows] == 2, last_census + 40, kids.dob[rows])
    dob_text = np.where(kids.dob_fault[rows] == 1, rng.integers(0, len(BAD_DATES), n), -1)
    since_text = np.where(kids.since_fault[rows] == 2, rng.integers(0, len(BAD_DATES), n), -1)
    district = kids.district[rows]
    unknown = district == sy.DISTRICTS.index("unknown")
    district_code = np.where(unknown, len(sy.DISTRICTS) - 1 + kids.number[rows] % 2, district)
    district_code = np.where(
        rng.random(n) < 0.03, district_code + len(sy.DISTRICTS) + 1, district_code
    )
    fh = (district == sy.DISTRICTS.index("Folkestone and Hythe")) & (rng.random(n) < fmt.shepway)
    district_code = np.where(fh, 2 * (len(sy.DISTRICTS) + 1), district_code)
    need = kids.need[rows]
    need = np.where((need >= 0) & (rng.random(n) < 0.02), need + len(sy.NEED_CODES), need)

    care = kids.care[rows]
    issued = np.where(kids.amended[rows] <= census_day, kids.amended[rows], kids.ehcp_issued[rows])
    review = sy.last_review(kids, rows, np.full(n, census_day))
    hours = sc.hours_on(cw, rows, census_day)
    hours = np.where(np.isnan(hours) & ~kids.blank_hours[rows], 0.0, hours)
    imported = kids.import_from[rows]
    flag_words = list(fmt.flags)
    columns = {
        "number": kids.number[rows],
        "pad": rng.random(n) < 0.01,
        "blank_id": blank_id,
        "dob": _dates(dob),
        "dob_text": _strings(dob_text, BAD_DATES),
        "gender": _strings(kids.gender[rows], list(fmt.gender)),
        "need": _strings(need, _need_strings(fmt)),
        "district": _strings(district_code, _district_strings(fmt)),
        "placement": _strings(
            kids.placement[rows] + 2 * _variant(rng, n, 0.05, 1),
            sy.PLACEMENT_STATUSES + ["NO PLACEMENT", "provision unknown"],
        ),
        "since": _dates(sy.EPOCH_DAYS_NONE_IF(kids.start_of(rows)) if False else kids_since(kids, rows),
                        kids.since_fault[rows] == 1),
        "since_text": _strings(since_text, BAD_DATES),
        "cla": _strings((care == 0).astype(np.int64), flag_words),
        "cp": _strings((care == 1).astype(np.int64), flag_words),
        "cin": _strings((care == 2).astype(np.int64), flag_words),
        "pla": _strings((care == 3).astype(np.int64), flag_words),
        "imported_from": _strings(imported, list(sy.IMPORT_FROM)),
        "import_date": _dates(kids.import_date[rows], imported < 0),
        "ehcp_issued": _dates(issued),
        "last_review": _dates(review, review < 0),
        "hours": pa.array(hours, pa.float64(), mask=np.isnan(hours)),
        "hours_tbc": kids.hours_fault[rows],
        "team": _strings(kids.team[rows], sy.SEN_TEAMS),
    }
    if fmt.year_group:
        group = sy.year_group_index(np.where(kids.dob_fault[rows] == 0, kids.dob[rows], 0), census_day)
        short = [g.replace("Year ", "Y") for g in vocab.YEAR_GROUPS]
        bare = [g.replace("Year ", "") if g.startswith("Year") else g for g in vocab.YEAR_GROUPS]
        bare[vocab.YEAR_GROUPS.index("R")] = "Reception"
        k = len(vocab.YEAR_GROUPS)
        code = group + k * _variant(rng, n, 0.1, 2)
        code = np.where((rng.random(n) < 0.02) | (kids.dob_fault[rows] > 0), -1, code)
        columns["year_group"] = _strings(code, vocab.YEAR_GROUPS + short + bare)
    return pa.table(columns)
