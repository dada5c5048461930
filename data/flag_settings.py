"""Put the case-flag thresholds and the school-term table into the database, and (re)create the
`case_flags` view that reads them.

The view lives in the database so that analysts can query it without Python; its thresholds
therefore live there too, in two small tables copied from the config files on every publish:

    flag_settings (name, value, reason)             <- config/flags.toml
    school_terms (academic_year, term, start_date, end_date)  <- config/school_terms.csv

The loader calls `install_flag_settings(con)` inside its transaction, so a publish carries the
settings, the term table, the case-flag basis and the view together, and a broken config file
refuses the load (nothing changes) instead of publishing flags computed from half a
configuration. The basis (data/sql/case_flag_basis.sql) is rebuilt whole when the casework or
the definition changed, and only added to after a cohort load (basis_pairs_new.sql).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import tomllib
from dataclasses import dataclass
from pathlib import Path

import duckdb

from core.paths import PROJECT_ROOT
from data import store

FLAGS_TOML = PROJECT_ROOT / "config" / "flags.toml"
TERMS_CSV = PROJECT_ROOT / "config" / "school_terms.csv"
SQL = PROJECT_ROOT / "data" / "sql"


@dataclass(frozen=True)
class Stage:
    """One script of the case-flag build: what it reads and the tables it hands on."""

    script: Path
    reads: tuple[str, ...]
    writes: tuple[str, ...]
    # both are checked around the run, so a broken hand-over fails naming its script


# The case-flag basis and view are built by these scripts, in order, inside the publish's
# transaction; each hands the next the (temp) tables named in `writes`.
PAIR_PERIODS = Stage(
    SQL / "basis_pair_periods.sql",
    reads=("snapshot", "casework"),
    writes=("pair_periods",),  # temp: each (child, out_of_school_since) pair, first/last period
)
PAIRS_ALL = Stage(
    SQL / "basis_pairs_all.sql",
    reads=("pair_periods", "snapshot"),
    writes=("basis_pairs",),  # temp: every pair, and one row per out_of_school_since date
)
PAIRS_NEW = Stage(
    SQL / "basis_pairs_new.sql",
    reads=("pair_periods", "snapshot", "case_flag_basis", "case_flag_dates"),
    writes=("basis_pairs",),  # temp: only the pairs and dates the stored basis lacks
)
BASIS = Stage(
    SQL / "case_flag_basis.sql",
    reads=("basis_pairs", "casework", "school_terms", "flag_settings"),
    writes=("basis_rows",),  # temp: one basis row per pair (the census-date-free facts)
)
STORE_ALL = Stage(
    SQL / "basis_store_all.sql",
    reads=("basis_rows",),
    writes=("case_flag_basis", "case_flag_dates"),  # replaced; the temp tables dropped
)
STORE_NEW = Stage(
    SQL / "basis_store_new.sql",
    reads=("case_flag_basis", "pair_periods", "basis_rows"),
    writes=("case_flag_basis", "case_flag_dates"),  # rewritten with the new rows; temps dropped
)
VIEW = Stage(
    SQL / "case_flags.sql",
    reads=(
        "cohort",
        "case_flag_basis",
        "case_flag_dates",
        "school_terms",
        "flag_settings",
        "period_info",
    ),
    writes=("census_terms", "case_flags"),  # the month-end term table and the view
)
# Everything again (casework or definition changed), or only what a cohort load added.
FULL_REBUILD = (PAIR_PERIODS, PAIRS_ALL, BASIS, STORE_ALL, VIEW)
NEW_PAIRS_ONLY = (PAIR_PERIODS, PAIRS_NEW, BASIS, STORE_NEW, VIEW)
DEFINITION_FILES = tuple(dict.fromkeys(stage.script for stage in (*FULL_REBUILD, *NEW_PAIRS_ONLY)))

# Every setting the view and the casework pages read: a config file missing one is refused.
REQUIRED_SETTINGS = (
    "flags.s19_days",
    "flags.stall_days",
    "flags.consultation_chain",
    "flags.annual_review_months",
    "flags.import_months_from_review",
    "flags.import_months_from_transfer",
    "flags.term_share_without_provision",
    "worklist.act_now_within_days",
    "priority.recent_max_days",
    "priority.primary_last_year_group",
    "priority.primary_max_age",
    "cost.per_term_low",
    "cost.per_term_high",
)
TERM_NAMES = ("autumn", "spring", "summer")
MAX_TERMS = 126  # 42 years of three terms


class FlagSettingsError(ValueError):
    """A config file the flags cannot be computed from; the message names the problem."""


@dataclass(frozen=True)
class Setting:
    name: str
    value: float
    reason: str


@dataclass(frozen=True)
class Term:
    academic_year: str
    term: str
    start_date: dt.date
    end_date: dt.date


def read_settings(path: Path | None = None) -> dict[str, Setting]:
    """Read flags.toml into {'section.name': Setting}; every entry needs a number and a reason."""
    path = Path(path or FLAGS_TOML)
    with open(path, "rb") as handle:
        document = tomllib.load(handle)
    settings = {}
    for section, entries in document.items():
        for key, entry in entries.items():
            name = f"{section}.{key}"
            value = entry.get("value") if isinstance(entry, dict) else None
            reason = entry.get("reason", "") if isinstance(entry, dict) else ""
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise FlagSettingsError(f"{path.name}: {name} needs a numeric `value`")
            if not str(reason).strip():
                raise FlagSettingsError(f"{path.name}: {name} needs a `reason` beside its value")
            if value < 0:
                raise FlagSettingsError(f"{path.name}: {name} must not be negative")
            settings[name] = Setting(name, float(value), " ".join(str(reason).split()))
    missing = [name for name in REQUIRED_SETTINGS if name not in settings]
    if missing:
        raise FlagSettingsError(f"{path.name} is missing: {', '.join(missing)}")
    if settings["cost.per_term_low"].value > settings["cost.per_term_high"].value:
        raise FlagSettingsError(f"{path.name}: cost.per_term_low is above cost.per_term_high")
    return settings


def read_terms(path: Path | None = None) -> list[Term]:
    """Read the term table; terms must be well formed and must not overlap."""
    path = Path(path or TERMS_CSV)
    terms = []
    with open(path, newline="", encoding="utf-8") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            try:
                term = Term(
                    row["academic_year"].strip(),
                    row["term"].strip().lower(),
                    dt.date.fromisoformat(row["start_date"].strip()),
                    dt.date.fromisoformat(row["end_date"].strip()),
                )
            except (KeyError, ValueError, AttributeError) as problem:
                raise FlagSettingsError(f"{path.name} line {line}: {problem}") from problem
            if term.term not in TERM_NAMES or term.end_date < term.start_date:
                raise FlagSettingsError(f"{path.name} line {line}: not a valid term")
            terms.append(term)
    terms.sort(key=lambda term: term.start_date)
    for before, after in zip(terms, terms[1:], strict=False):
        if after.start_date <= before.end_date:
            raise FlagSettingsError(
                f"{path.name}: {after.term} {after.academic_year} overlaps the term before it"
            )
    if not terms:
        raise FlagSettingsError(f"{path.name} holds no terms")
    if len(terms) > MAX_TERMS:
        # the view keeps each child's terms as bits of one 128-bit number
        raise FlagSettingsError(f"{path.name} holds more than {MAX_TERMS} terms")
    return terms


def install_flag_settings(
    con: duckdb.DuckDBPyConnection,
    *,
    flags_path: Path | None = None,
    terms_path: Path | None = None,
    casework_changed: bool = True,
) -> None:
    """(Re)create `flag_settings`, `school_terms`, the case-flag basis and the `case_flags` view.

    Runs inside the caller's transaction (the loader's); it opens none of its own. The config
    files are read and checked before anything is written. The basis is rebuilt whole when the
    casework changed, when the flag definition differs from the one the file was built with, or
    when the file has none yet; otherwise (a cohort load) only the pairs the snapshots gained
    are built, the rest kept.
    """
    settings = read_settings(flags_path)
    terms = read_terms(terms_path)
    definition = definition_hash(flags_path, terms_path)
    rebuild = casework_changed or stored_definition(con) != definition
    con.execute(
        "CREATE OR REPLACE TABLE flag_settings ("
        "name VARCHAR PRIMARY KEY, value DOUBLE NOT NULL, reason VARCHAR NOT NULL)"
    )
    con.executemany(
        "INSERT INTO flag_settings VALUES (?, ?, ?)",
        [(s.name, s.value, s.reason) for s in settings.values()],
    )
    # term_number: 1, 2, 3... in date order (the view counts terms by number)
    con.execute(
        "CREATE OR REPLACE TABLE school_terms (term_number INTEGER PRIMARY KEY, "
        "academic_year VARCHAR NOT NULL, term VARCHAR NOT NULL, start_date DATE NOT NULL, "
        "end_date DATE NOT NULL)"
    )
    con.executemany(
        "INSERT INTO school_terms VALUES (?, ?, ?, ?, ?)",
        [
            (number, t.academic_year, t.term, t.start_date, t.end_date)
            for number, t in enumerate(terms, start=1)
        ],
    )
    for stage in FULL_REBUILD if rebuild else NEW_PAIRS_ONLY:
        _check_present(con, stage, stage.reads, "needs")
        store.run_script(con, stage.script.read_text(encoding="utf-8"))
        _check_present(con, stage, stage.writes, "did not create")
    # which definition of the flags this file holds (analysts, the benchmark and the next
    # publish check it)
    con.execute(
        "CREATE OR REPLACE TABLE case_flags_info AS SELECT now()::TIMESTAMP AS installed_at, "
        "$sha AS definition_sha256",
        {"sha": definition},
    )


def _check_present(
    con: duckdb.DuckDBPyConnection, stage: Stage, names: tuple[str, ...], problem: str
) -> None:
    """Fail, naming the script, when a table a stage reads or hands on is not there."""
    present = {
        name
        for (name,) in con.execute(
            "SELECT table_name FROM duckdb_tables() UNION ALL SELECT view_name FROM duckdb_views()"
        ).fetchall()
    }
    missing = [name for name in names if name not in present]
    if missing:
        raise RuntimeError(f"{stage.script.name} {problem} {', '.join(missing)}")


def stored_definition(con: duckdb.DuckDBPyConnection) -> str | None:
    """The flag definition the basis in this file was built with; None when it has no basis."""
    tables = {
        name
        for (name,) in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
        ).fetchall()
    }
    if not {"case_flags_info", "case_flag_basis", "case_flag_dates"} <= tables:
        return None
    rows = con.execute("SELECT definition_sha256 FROM case_flags_info").fetchall()
    return rows[0][0] if rows else None


def definition_hash(flags_path: Path | None = None, terms_path: Path | None = None) -> str:
    """SHA-256 over the flags' SQL, the thresholds and the term table: names the definition of
    the flags a database was built with."""
    digest = hashlib.sha256()
    for path in (*DEFINITION_FILES, Path(flags_path or FLAGS_TOML), Path(terms_path or TERMS_CSV)):
        digest.update(path.read_bytes())
    return digest.hexdigest()
