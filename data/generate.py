"""Build the synthetic demonstration database through the same loader as a real extract.

    python -m data.generate [--db PATH] [--seed N] [--children N] [--periods N] [--end YYYY-MM]
                            [--no-caseload] [--sen2-return] [--write-sen2-return DIR]

Writes one cohort snapshot CSV and one EHC plan caseload CSV per monthly period, one
casework CSV and one caseworker assignments CSV into a temporary folder, exported the way a
case-management system would (an older export format for the earlier months, a newer one
later: UK or ISO dates, need labels or codes, Y/blank or Yes/No flags, 'Shepway', a few
unreadable values), loads them all with
`data.load.load_batch(..., synthetic=True)` in one atomic publish, and deletes the files. The
same seed gives the same database on any day.

The children and their cases are simulated in synth_cohort.py, synth_casework.py and
synth_caseload.py (the plans of children in school); this
module turns them into extract files. `--children N` is the number of children out of school
in the latest snapshot; each earlier snapshot holds about as many (a gentle upward trend).

`--sen2-return` builds the same demo from synthetic SEN2 returns and an SSD instead
(data/synth_blade.py, loaded by data/sen2_return.py); `--write-sen2-return DIR` writes those
files without building anything.
"""

from __future__ import annotations

import argparse
import contextlib
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

from core import vocab
from core.paths import demo_target
from data import store, synth_blade
from data import synth_caseload as sl
from data import synth_casework as sc
from data import synth_cohort as sy

DEFAULT_SEED = 20231115
DEFAULT_CHILDREN = 1500
DEFAULT_PERIODS = 24
DEFAULT_END = "2026-10"  # fixed, so that a seed gives the same database whenever it is built

Progress = Callable[[float, str], None]

# ---- export formats -------------------------------------------------------------------------
# Each SQL reads the period's rows from the registered arrow table `r` and names the columns as
# that export format does. Strings arrive already chosen (dictionary columns); the SQL formats
# the child_id and dates. Bound: $path, $datefmt, $width (digits of the child number), $run.

# The child_id as exported: 'SYN' and the child's number; now and then padded with spaces, or
# lost (a fault the loader quarantines).
CHILD_ID_MACRO = """CREATE OR REPLACE TEMP MACRO child_id(number, pad, lost, width) AS
    CASE WHEN lost THEN NULL
         WHEN pad THEN ' SYN' || lpad(number::VARCHAR, width, '0') || ' '
         ELSE 'SYN' || lpad(number::VARCHAR, width, '0') END"""

LEGACY_SQL = """COPY (SELECT
    child_id(number, pad, blank_id, $width) AS "Child ID",
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

INTERIM_SQL = """COPY (SELECT
    child_id(number, pad, blank_id, $width) AS "CHILD-ID",
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

CURRENT_SQL = """COPY (SELECT
    child_id(number, pad, blank_id, $width) AS child_id,
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

# The EHC plan caseload (every child with a plan): the newer system's export, ISO dates.
CASELOAD_SQL = """COPY (SELECT
    child_id(number, false, blank_id, $width) AS child_id,
    strftime(dob, '%Y-%m-%d') AS date_of_birth,
    gender, need AS primary_need, district, team AS sen_team, cin, cp, cla,
    pla AS previously_looked_after
FROM r) TO $path (HEADER)"""

CASEWORK_SQL = """COPY (SELECT
    child_id(number, pad, blank_id, $width) AS "Child ID",
    coalesce(day_text, strftime(day, $datefmt)) AS "Event Date",
    event AS "Event Type", provider AS "Provider", ptype AS "Provision Type",
    hours AS "Hours Per Week", detail AS "Detail"
FROM r) TO $path (HEADER)"""


# Caseworker assignments (data/assignments.py): made-up workers, named as such.
ASSIGNMENT_SQL = """COPY (SELECT
    child_id(number, false, false, $width) AS "Child ID",
    worker AS "Caseworker", worker_name AS "Caseworker Name",
    strftime(day, '%Y-%m-%d') AS "Assigned From"
FROM r) TO $path (HEADER)"""
WORKERS_PER_TEAM = 5
ASSIGNED_SHARE = 0.75  # children whose case a named caseworker holds; the rest: the team
REASSIGNED_SHARE = 0.1  # of those, handed to another worker of the team later
ASSIGNMENTS_FILE = "send_caseworker_assignments.csv"


@dataclass(frozen=True)
class ExportFormat:
    sql: str
    datefmt: str
    gender: tuple  # spelling of each of synth_cohort.GENDER_VALUES; None = blank
    need: str  # 'label', 'code' or 'lower label'
    flags: tuple  # (false, true); None = blank
    shepway: float  # share of Folkestone and Hythe rows exported as 'Shepway'
    year_group: bool


LEGACY = ExportFormat(
    LEGACY_SQL, "%d/%m/%Y", ("M", "F", "Other", None, "Not known"), "label", (None, "Y"), 0.7, False
)
INTERIM = ExportFormat(
    INTERIM_SQL,
    "%Y-%m-%d",
    ("male", "female", "other", None, "not known"),
    "lower label",
    ("False", "True"),
    0.2,
    False,
)
CURRENT = ExportFormat(
    CURRENT_SQL,
    "%Y-%m-%d",
    ("Male", "Female", "Non-binary", None, "Not known"),
    "code",
    ("No", "Yes"),
    0.0,
    True,
)


def export_format(index: int, periods: int) -> ExportFormat:
    """The old system's export for the first 40% of the months, one interim month, then the new."""
    switch = int(periods * 0.4)
    return LEGACY if index < switch else INTERIM if index == switch else CURRENT


BAD_DATES = ["31/02/2011", "2012-13-01", "00/00/0000", "unknown"]
UNREADABLE_DISTRICTS = ["Unknown", "Medway"]
# Layout of the district dictionary: the names (with Out of county and blank), the unreadable
# values, the same names typed differently, then 'Shepway'.
N_NAMES = len(sy.DISTRICTS) - 1
VARIANTS_AT = N_NAMES + len(UNREADABLE_DISTRICTS)
SHEPWAY_AT = VARIANTS_AT + N_NAMES


def _strings(codes: np.ndarray, dictionary: list) -> pa.DictionaryArray:
    """Column of strings from indices into `dictionary`; index -1 or a None entry is blank."""
    values = [v if v is not None else "" for v in dictionary]
    blank = np.array([v is None for v in dictionary] + [True])[codes]
    indices = pa.array(np.where(blank, 0, codes).astype(np.int32), mask=blank)
    return pa.DictionaryArray.from_arrays(indices, pa.array(values, pa.string()))


def _dates(days: np.ndarray, blank: np.ndarray) -> pa.Array:
    days = np.where(blank, 0, days).astype(np.int32)
    return pa.array(days, pa.int32(), mask=blank).cast(pa.date32())


def _some(rng, n: int, share: float) -> np.ndarray:
    return rng.random(n) < share


def _need_strings(fmt: ExportFormat) -> list[str]:
    codes = sy.NEED_CODES
    if fmt.need == "code":
        base = codes
    else:
        base = [vocab.NEED_LABELS[c] if c != "ASD" else "Autism" for c in codes]
        base = [b.lower() for b in base] if fmt.need == "lower label" else base
    return base + [c.lower() for c in codes]  # the second half: a code typed in lower case


def _district_strings(fmt: ExportFormat) -> list:
    names = [d if d != "blank" else None for d in sy.DISTRICTS[:N_NAMES]]
    if fmt is INTERIM:
        names = [n.upper() if n else n for n in names]
    variants = [n.lower() if n else n for n in names]
    variants[list(sy.DISTRICT_POPULATION).index("Tonbridge and Malling")] = "Tonbridge & Malling"
    return names + UNREADABLE_DISTRICTS + variants + ["Shepway"]


def _year_group_strings() -> list[str]:
    short = [g.replace("Year ", "Y") for g in vocab.YEAR_GROUPS]
    bare = [g.replace("Year ", "") for g in vocab.YEAR_GROUPS]
    bare[vocab.YEAR_GROUPS.index("R")] = "Reception"
    return vocab.YEAR_GROUPS + short + bare


def _flag(on: np.ndarray, fmt: ExportFormat) -> pa.DictionaryArray:
    return _strings(on.astype(np.int64), list(fmt.flags))


def cohort_table(
    rng,
    ep: sy.Episodes,
    kids: sy.Children,
    cw: sc.Casework,
    rows: np.ndarray,
    census_day: int,
    fmt: ExportFormat,
    last_census: int,
) -> pa.Table:
    """The rows of one snapshot (`rows` index the children out on `census_day`), as exported."""
    rows = rows[np.argsort(kids.number[rows])]
    n = len(rows)

    dob_fault, since_fault = kids.dob_fault[rows], kids.since_fault[rows]
    dob = np.where(dob_fault == 2, last_census + 40, kids.dob[rows])  # a date in the future
    district = kids.district[rows]
    code = np.where(
        district == sy.DISTRICTS.index("unknown"), N_NAMES + kids.number[rows] % 2, district
    )
    code = np.where((district < N_NAMES) & _some(rng, n, 0.03), VARIANTS_AT + district, code)
    shepway = district == sy.DISTRICTS.index("Folkestone and Hythe")
    code = np.where(shepway & _some(rng, n, fmt.shepway), SHEPWAY_AT, code)
    need = kids.need[rows]
    need = np.where((need >= 0) & _some(rng, n, 0.02), need + len(sy.NEED_CODES), need)
    placement = kids.placement[rows] + np.where(_some(rng, n, 0.05), 2, 0)

    care = kids.care[rows]
    amended = kids.amended[rows] <= census_day
    issued = np.where(amended, kids.amended[rows], kids.ehcp_issued[rows])
    review = sy.last_review(kids, rows, np.full(n, census_day))
    hours = sc.hours_on(cw, rows, census_day)
    hours = np.where(np.isnan(hours) & ~kids.blank_hours[rows], 0.0, hours)
    imported = kids.import_from[rows]
    columns = {
        "number": kids.number[rows],
        "pad": _some(rng, n, 0.01),
        "blank_id": _some(rng, n, 0.0002),  # a fault of the export: a lost child_id
        "dob": _dates(dob, dob_fault == 1),
        "dob_text": _strings(np.where(dob_fault == 1, kids.number[rows] % 4, -1), BAD_DATES),
        "gender": _strings(kids.gender[rows], list(fmt.gender)),
        "need": _strings(need, _need_strings(fmt)),
        "district": _strings(code, _district_strings(fmt)),
        "placement": _strings(
            placement, sy.PLACEMENT_STATUSES + ["NO PLACEMENT", "provision unknown"]
        ),
        "since": _dates(ep.start[rows], since_fault > 0),
        "since_text": _strings(np.where(since_fault == 2, kids.number[rows] % 4, -1), BAD_DATES),
        "cla": _flag(care == 0, fmt),
        "cp": _flag(care == 1, fmt),
        "cin": _flag(care == 2, fmt),
        "pla": _flag(care == 3, fmt),
        "imported_from": _strings(imported, list(sy.IMPORT_FROM)),
        "import_date": _dates(kids.import_date[rows], imported < 0),
        "ehcp_issued": _dates(issued, np.zeros(n, bool)),
        "last_review": _dates(review, review < 0),
        "hours": pa.array(hours, pa.float64(), mask=np.isnan(hours)),
        "hours_tbc": kids.hours_fault[rows],
        "team": _strings(kids.team[rows], sy.SEN_TEAMS),
    }
    if fmt.year_group:
        group = sy.year_group_index(kids.dob[rows], census_day)
        group += len(vocab.YEAR_GROUPS) * np.where(_some(rng, n, 0.1), rng.integers(1, 3, n), 0)
        group = np.where(_some(rng, n, 0.02) | (dob_fault > 0), -1, group)
        columns["year_group"] = _strings(group, _year_group_strings())
    return _with_repeats(rng, pa.table(columns), 0.001)


def caseload_table(rng, kids: sy.Children, rows: np.ndarray, pool: sl.Pool, members) -> pa.Table:
    """One period's caseload: the cohort's children (`rows`) and the pool's (`members`)."""

    def both(kid_values, pool_values):
        return np.concatenate([kid_values[rows], pool_values[members]])

    number, care = both(kids.number, pool.number), both(kids.care, pool.care)
    order = np.argsort(number, kind="stable")
    n = len(number)
    districts = [d if d not in ("blank", "unknown") else None for d in sy.DISTRICTS]
    districts[sy.DISTRICTS.index("unknown")] = "Unknown"
    flags = ["No", "Yes"]
    table = pa.table(
        {
            "number": number,
            "blank_id": _some(rng, n, sl.LOST_ID_SHARE),
            "dob": _dates(both(kids.dob, pool.dob), np.zeros(n, bool)),
            "gender": _strings(both(kids.gender, pool.gender), list(CURRENT.gender)),
            "need": _strings(both(kids.need, pool.need), sy.NEED_CODES),
            "district": _strings(both(kids.district, pool.district), districts),
            "team": _strings(both(kids.team, pool.team), sy.SEN_TEAMS),
            "cla": _strings((care == 0).astype(np.int64), flags),
            "cp": _strings((care == 1).astype(np.int64), flags),
            "cin": _strings((care == 2).astype(np.int64), flags),
            "pla": _strings((care == 3).astype(np.int64), flags),
        }
    ).take(order)
    return _with_repeats(rng, table, 0.0005)


def _with_repeats(rng, table: pa.Table, share: float) -> pa.Table:
    """The table with `share` of its rows exported twice (a fault of the export)."""
    n = table.num_rows
    twice = np.flatnonzero(_some(rng, n, share))
    return table.take(np.sort(np.concatenate([np.arange(n), twice]), kind="stable"))


def _event_strings() -> list[str]:
    names = vocab.EVENT_TYPES
    return (
        names
        + [n.replace("_", " ").capitalize() for n in names]
        + [n.replace("_", " ").upper() for n in names]
    )


def _provider_strings() -> list[str]:
    """Each provider as typed, then in capitals, in lower case, and with stray spaces."""
    names = sc.PROVIDERS
    return (
        names + [n.upper() for n in names] + [n.lower() for n in names] + [f" {n}  " for n in names]
    )


def casework_table(rng, kids: sy.Children, cw: sc.Casework) -> pa.Table:
    """The casework log as exported: one row per event, UK dates, a few faults."""
    n = len(cw.child)
    kinds = len(vocab.EVENT_TYPES)
    event = cw.event + kinds * np.where(_some(rng, n, 0.3), rng.integers(1, 3, n), 0)
    provider = cw.provider
    spelled = (provider >= 0) & _some(rng, n, 0.1)
    provider = np.where(spelled, provider + len(sc.PROVIDERS) * rng.integers(1, 4, n), provider)
    hours = cw.hours
    bad_day = _some(rng, n, 0.0002)
    table = pa.table(
        {
            "number": kids.number[cw.child],
            "pad": _some(rng, n, 0.005),
            "blank_id": _some(rng, n, 0.0002),
            "day": _dates(cw.day, bad_day),
            "day_text": _strings(
                np.where(bad_day, rng.integers(0, len(BAD_DATES), n), -1), BAD_DATES
            ),
            "event": _strings(event, _event_strings()),
            "provider": _strings(provider, _provider_strings()),
            "ptype": _strings(cw.ptype, vocab.PROVISION_TYPES),
            "hours": pa.array(hours, pa.float64(), mask=np.isnan(hours)),
            "detail": _strings(cw.detail, sc.DETAIL_TEXTS),
        }
    )
    return _with_repeats(rng, table, 0.0005)


def _workers() -> list[tuple[str, str]]:
    """(account, name) of each made-up caseworker, team by team (index team * per team + k)."""
    workers = []
    for team in sy.SEN_TEAMS:
        area = team.removeprefix("SEN ")
        slug = area.lower().replace(" ", "-")
        for k in range(1, WORKERS_PER_TEAM + 1):
            workers.append((f"{slug}.{k}@synthetic.example", f"{area} caseworker {k}"))
    return workers


def assignments_table(rng, ep: sy.Episodes, kids: sy.Children) -> pa.Table:
    """Who holds each case: most children a worker of their team from a few weeks after they
    left school, some handed to another worker of the team later; the rest no one named."""
    n = len(ep.start)
    chosen = np.flatnonzero(_some(rng, n, ASSIGNED_SHARE))
    k = rng.integers(0, WORKERS_PER_TEAM, len(chosen))
    day = ep.start[chosen] + rng.integers(0, 60, len(chosen))
    moved = _some(rng, len(chosen), REASSIGNED_SHARE)
    later = chosen[moved]
    k_later = (k[moved] + rng.integers(1, WORKERS_PER_TEAM, len(later))) % WORKERS_PER_TEAM
    day_later = day[moved] + rng.integers(60, 400, len(later))
    episode = np.concatenate([chosen, later])
    worker = kids.team[episode] * WORKERS_PER_TEAM + np.concatenate([k, k_later])
    workers = _workers()
    return pa.table(
        {
            "number": kids.number[episode],
            "worker": _strings(worker, [account for account, _ in workers]),
            "worker_name": _strings(worker, [name for _, name in workers]),
            "day": _dates(np.concatenate([day, day_later]), np.zeros(len(episode), bool)),
        }
    )


def assignments_file(out_dir) -> Path | None:
    """The caseworker assignments file write_extracts wrote into `out_dir`, if any."""
    path = Path(out_dir) / ASSIGNMENTS_FILE
    return path if path.is_file() else None


def _copy(con, sql: str, table: pa.Table, path: Path, **params) -> None:
    con.execute("SET enable_progress_bar = false")
    con.execute(CHILD_ID_MACRO)
    # in batches, so that DuckDB scans the table on every core
    con.register("r", pa.Table.from_batches(table.to_batches(max_chunksize=1 << 17)))
    try:
        con.execute(sql, {"path": str(path), **params})
    finally:
        con.unregister("r")


def _quiet(fraction: float, message: str) -> None:
    pass


@dataclass
class Simulation:
    """The simulated children, cases and plans every export is written from."""

    labels: list[str]  # the periods, oldest first
    census: np.ndarray  # their census days
    ep: sy.Episodes
    kids: sy.Children
    cw: sc.Casework
    pool: sl.Pool
    width: int  # digits of the child number in a child_id
    streams: list  # numpy generators: [3] formats the extracts, [4] the caseloads


def simulate(
    *, seed: int, children: int, periods: int, end: str, progress: Progress | None = None
) -> Simulation:
    """Simulate the children out of school, their casework and the plans of those in school."""
    progress = progress or _quiet
    if children < 1:
        raise ValueError("children must be at least 1")
    # a sixth stream for the caseworker assignments: spawn(6) begins with the same five
    # streams as spawn(5) did, so the other extracts stay as they were for a seed
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(6)]
    labels, census = sy.census_days(end, periods)
    last_census = int(census[-1])
    progress(0.02, "Simulating out-of-school episodes")
    ep = sy.simulate_episodes(streams[0], census, children)
    kids = sy.make_children(streams[1], ep)
    progress(0.08, f"Simulating casework for {len(ep.start):,} children")
    cw = sc.make_casework(streams[2], ep, kids, last_census)
    pool = sl.make_pool(streams[4], children, len(ep.start) + 1, last_census)
    width = max(7, len(str(len(ep.start) + len(pool.number))))
    return Simulation(labels, census, ep, kids, cw, pool, width, streams)


def write_casework(out_dir: Path, sim: Simulation) -> Path:
    """The casework log of every simulated child, as the case-management system exports it."""
    path = Path(out_dir) / f"send_oos_casework_{sim.labels[-1]}.csv"
    with duckdb.connect() as con:
        _copy(
            con,
            CASEWORK_SQL,
            casework_table(sim.streams[3], sim.kids, sim.cw),
            path,
            datefmt="%d/%m/%Y",
            width=sim.width,
        )
    return path


def write_assignments(out_dir: Path, sim: Simulation) -> Path:
    """Who holds each simulated child's case, as the case-management system exports it."""
    path = Path(out_dir) / ASSIGNMENTS_FILE
    with duckdb.connect() as con:
        table = assignments_table(sim.streams[5], sim.ep, sim.kids)
        _copy(con, ASSIGNMENT_SQL, table, path, width=sim.width)
    return path


def write_extracts(
    out_dir,
    *,
    seed: int = DEFAULT_SEED,
    children: int = DEFAULT_CHILDREN,
    periods: int = DEFAULT_PERIODS,
    end: str = DEFAULT_END,
    progress: Progress | None = None,
    caseload: bool = True,
) -> tuple[list[tuple[Path, str]], Path]:
    """Write one cohort CSV per period and one casework CSV into `out_dir`.

    Returns ([(cohort file, period), ...] oldest first, casework file). `progress` (optional)
    is called with (fraction done 0..0.8, message).
    """
    progress = progress or _quiet
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    sim = simulate(seed=seed, children=children, periods=periods, end=end, progress=progress)
    labels, census, ep, kids, cw, pool = (
        sim.labels, sim.census, sim.ep, sim.kids, sim.cw, sim.pool
    )  # fmt: skip
    streams, width, rng = sim.streams, sim.width, sim.streams[3]
    last_census = int(census[-1])

    files = []
    for i, (label, census_day) in enumerate(zip(labels, census, strict=True)):
        progress(0.15 + 0.45 * i / periods, f"Writing the {label} snapshot")
        rows = np.flatnonzero((ep.first_period <= i) & (i < ep.stop_period))
        fmt = export_format(i, periods)
        table = cohort_table(rng, ep, kids, cw, rows, int(census_day), fmt, last_census)
        path = out_dir / f"send_oos_cohort_{label}.csv"
        run = str(np.datetime64(int(census_day) + 3, "D")) + " 06:00"
        params = {"datefmt": fmt.datefmt, "width": width}
        if fmt is LEGACY:
            params["run"] = run
        with duckdb.connect() as con:
            _copy(con, fmt.sql, table, path, **params)
        files.append((path, label))
        if not caseload:
            continue
        plans = out_dir / f"send_ehcp_caseload_{label}.csv"
        members = sl.pool_rows(pool, int(census_day), last_census)
        with duckdb.connect() as con:
            _copy(
                con,
                CASELOAD_SQL,
                caseload_table(streams[4], kids, rows, pool, members),
                plans,
                width=width,
            )
    progress(0.62, f"Writing the casework log ({len(cw.child):,} events)")
    casework = write_casework(out_dir, sim)
    write_assignments(out_dir, sim)
    return files, casework


def write_sen2_returns(
    out_dir,
    *,
    seed: int = DEFAULT_SEED,
    children: int = DEFAULT_CHILDREN,
    periods: int = DEFAULT_PERIODS,
    end: str = DEFAULT_END,
    progress: Progress | None = None,
) -> tuple[list[tuple[Path, str]], Path, Path]:
    """Write one synthetic Blade export per period, the SSD and the casework log into `out_dir`
    (data/synth_blade.py). Returns ([(export folder, period), ...] oldest first, SSD folder,
    casework file)."""
    progress = progress or _quiet
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    sim = simulate(seed=seed, children=children, periods=periods, end=end, progress=progress)
    exports = []
    for i, label in enumerate(sim.labels):
        progress(0.15 + 0.45 * i / periods, f"Writing the SEN2 return for {label}")
        exports.append((synth_blade.write_export(sim, i, out_dir), label))
    progress(0.6, "Writing the SSD and the casework log")
    return exports, synth_blade.write_ssd(sim, out_dir), write_casework(out_dir, sim)


def caseload_files(out_dir) -> list[tuple[Path, str]]:
    """The caseload files write_extracts wrote into `out_dir`, [(file, period)] oldest first."""
    prefix = "send_ehcp_caseload_"
    found = sorted(Path(out_dir).glob(f"{prefix}*.csv"))
    return [(path, path.stem.removeprefix(prefix)) for path in found]


def _holds_real_data(db_path: Path) -> bool:
    if not db_path.exists():
        return False
    with duckdb.connect(str(db_path), read_only=True) as con:
        try:
            return bool(
                con.execute("SELECT count(*) FROM load_log WHERE NOT synthetic").fetchone()[0]
            )
        except duckdb.CatalogException:
            return False


def build_demo_database(
    db_path=None,
    *,
    seed: int = DEFAULT_SEED,
    children: int = DEFAULT_CHILDREN,
    periods: int = DEFAULT_PERIODS,
    end: str = DEFAULT_END,
    progress: Progress | None = None,
    caseload: bool = True,
    sen2_return: bool = False,
) -> Path:
    """Replace the database at `db_path` with a freshly built synthetic one; return its path.

    The extract files go through `data.load.load_batch(..., synthetic=True)` into a new file
    beside the target, which then replaces the target in one atomic step (under the loader's
    lock), so no period of an earlier build lingers. A database holding real loads is refused.
    `sen2_return`: build it from synthetic SEN2 returns and an SSD instead of the bespoke
    cohort and caseload extracts (the route of `python -m data.load sen2-return`).
    """
    from data.load import load_batch

    progress = progress or _quiet
    db_path = demo_target(db_path)
    if _holds_real_data(db_path):
        raise ValueError(f"{db_path} holds real extract loads; build the demo in another file")
    db_path.parent.mkdir(parents=True, exist_ok=True)
    fresh = db_path.with_name(f".{db_path.name}.synthetic-{os.getpid()}")
    work_dir = Path(tempfile.mkdtemp(prefix="oos-synthetic-"))
    try:
        if sen2_return:
            _load_sen2_returns(fresh, work_dir, seed, children, periods, end, progress)
        else:
            files, casework = write_extracts(
                work_dir,
                seed=seed,
                children=children,
                periods=periods,
                end=end,
                progress=progress,
                caseload=caseload,
            )
            progress(0.8, f"Loading {len(files)} snapshots and the casework log")
            load_batch(
                fresh,
                files,
                casework,
                synthetic=True,
                caseload_files=caseload_files(work_dir),
                assignments_file=assignments_file(work_dir),
            )
        with store.writer_lock(db_path):
            store.swap_in(fresh, db_path)
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
        for leftover in (fresh, Path(f"{fresh}.wal"), fresh.with_name(fresh.name + ".lock")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
    progress(1.0, f"Synthetic database ready: {db_path}")
    return db_path


def _load_sen2_returns(fresh, work_dir, seed, children, periods, end, progress) -> None:
    """Write the synthetic returns and load each period through the SEN2 return route."""
    from data.load import load_batch
    from data.sen2_return import Sen2Return

    exports, ssd, casework = write_sen2_returns(
        work_dir, seed=seed, children=children, periods=periods, end=end, progress=progress
    )
    loads = []
    for i, (folder, period) in enumerate(exports):
        progress(0.62 + 0.18 * i / len(exports), f"Reading the SEN2 return for {period}")
        with Sen2Return(folder, ssd_folder=ssd) as sen2:
            loads.append(sen2.derive(period))
    progress(0.8, f"Loading {len(loads)} SEN2 returns and the casework log")
    load_batch(fresh, [], casework, synthetic=True, derived=loads)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m data.generate",
        description="Build the synthetic demonstration database (made-up children only).",
    )
    parser.add_argument("--db", help="database file (default: $OOS_DB or data/demo/demo.duckdb)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--children",
        type=int,
        default=DEFAULT_CHILDREN,
        help="children out of school in each monthly snapshot",
    )
    parser.add_argument("--periods", type=int, default=DEFAULT_PERIODS, help="monthly snapshots")
    parser.add_argument("--end", default=DEFAULT_END, help="latest period, YYYY-MM")
    parser.add_argument(
        "--no-caseload",
        action="store_true",
        help="leave out the EHC plan caseloads (about 14 plans per child out, every period): "
        "for national-scale builds that time the cohort alone",
    )
    parser.add_argument(
        "--sen2-return",
        action="store_true",
        help="build the demo from synthetic SEN2 returns (one Blade export a period) and an "
        "SSD, through the route of python -m data.load sen2-return",
    )
    parser.add_argument(
        "--write-sen2-return",
        metavar="DIR",
        help="only write the synthetic Blade exports, SSD and casework log into DIR (no "
        "database): to try python -m data.load sen2-return by hand",
    )
    args = parser.parse_args(argv)
    started = time.monotonic()

    def report(fraction: float, message: str) -> None:
        print(f"[{fraction:4.0%} {time.monotonic() - started:6.1f}s] {message}", flush=True)

    if args.write_sen2_return:
        exports, ssd, casework = write_sen2_returns(
            args.write_sen2_return, seed=args.seed, children=args.children,
            periods=args.periods, end=args.end, progress=report,
        )  # fmt: skip
        print(f"Wrote {len(exports)} Blade exports, {ssd} and {casework.name}.")
        return 0
    try:
        build_demo_database(
            args.db,
            seed=args.seed,
            children=args.children,
            periods=args.periods,
            end=args.end,
            progress=report,
            caseload=not args.no_caseload,
            sen2_return=args.sen2_return,
        )
    except ValueError as problem:
        print(f"REFUSED. {problem}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
