"""Loader speed against DuckDB's own read_csv of the same file (target ratio <= 3).

    python bench/bench_load.py [--rows 1000000] [--repeats 3] [--workdir /tmp/oos_bench]
                               [--no-next-month]

Writes a synthetic cohort extract of --rows rows (made-up IDs, messy forms included), then
times, in this one process, (a) `CREATE TABLE t AS SELECT * FROM read_csv(file)` into a fresh
database file and (b) the full loader (`data.load.load_cohort`: read, normalise, validate,
quarantine, warnings, publish) into a fresh database file; (c) the month after, into a file
holding casework (skipped with --no-next-month); (d) the same as (a) and (b) as whole
processes (`python -c` running the read_csv, `python -m data.load cohort`), start-up and
imports included, run alternately. Prints medians and ratios, then the loader's peak memory
measured in a child process. Not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from data.load import load_batch, load_cohort  # noqa: E402

# A synthetic extract, written by DuckDB so that making it takes seconds. Some values use the
# other accepted forms (UK dates, labels, mixed case, '&') and some are unreadable, so the
# loader does its real work.
MAKE_EXTRACT = """
COPY (
    SELECT
        'B-' || lpad(i::VARCHAR, 8, '0') AS "Child ID",
        CASE WHEN i % 5 = 0
            THEN strftime(DATE '2004-01-01' + (i % 7000)::INTEGER, '%d/%m/%Y')
            ELSE strftime(DATE '2004-01-01' + (i % 7000)::INTEGER, '%Y-%m-%d')
        END AS "Date of birth",
        ['F', 'M', 'Male', 'female', '', 'Not known'][1 + i % 6] AS "Gender",
        ['ASD', 'SEMH', 'Autism', 'Moderate learning difficulty', 'slcn', 'XYZ'][1 + i % 6]
            AS "Primary need",
        ['Thanet', 'Tonbridge & Malling', 'maidstone', 'Shepway', 'Dover', 'Nowhere'][1 + i % 6]
            AS "District",
        ['No placement', 'Provision unknown', 'PROVISION UNKNOWN'][1 + i % 3] AS "Placement status",
        strftime(DATE '2023-01-01' + (i % 170)::INTEGER, '%Y-%m-%d') AS "Out of school since",
        CASE WHEN i % 4 = 0 THEN 'Year ' || (1 + i % 11) ELSE '' END AS "Year group",
        ['Y', 'N', '', 'yes'][1 + i % 4] AS "CIN",
        ['N', '', '1', 'False'][1 + i % 4] AS "CP",
        ['', 'N', 'Y', ''][1 + i % 4] AS "CLA",
        CASE WHEN i % 50 = 0 THEN 'Medway' ELSE '' END AS "Imported from",
        (i % 25)::VARCHAR AS "Provision hours",
        ['SEN North', 'SEN South', 'SEN East', 'SEN West'][1 + i % 4] AS "SEN team"
    FROM range($first, $first + $rows) t(i)
) TO '{path}' (HEADER, DELIMITER ',')
"""

# Four events per child, in the months before the census date: a consultation, an offer, a
# decline or a start, and a note; providers vary so that some offers repeat after a decline.
MAKE_CASEWORK = """
COPY (
    SELECT
        'B-' || lpad(i::VARCHAR, 8, '0') AS child_id,
        strftime(DATE '2023-01-01' + ((i * 7 + k * 31) % 170)::INTEGER, '%Y-%m-%d')
            AS event_date,
        ['consultation', 'offer', CASE WHEN i % 3 = 0 THEN 'offer_declined'
            ELSE 'provision_started' END, 'note'][1 + k] AS event_type,
        ['Acme Tuition', 'Oak School', 'Fir AP'][1 + (i + k) % 3] AS provider,
        'event ' || k AS detail
    FROM range($rows) t(i), range(4) e(k)
) TO '{path}' (HEADER, DELIMITER ',')
"""


def make_extract(path: Path, rows: int, first: int = 0) -> None:
    con = duckdb.connect()
    con.execute(MAKE_EXTRACT.replace("{path}", str(path)), {"rows": rows, "first": first})
    con.close()


def make_casework(path: Path, rows: int) -> None:
    con = duckdb.connect()
    con.execute(MAKE_CASEWORK.replace("{path}", str(path)), {"rows": rows})
    con.close()


def process_cpu() -> float:
    """CPU seconds (user + system) this process has used, every thread (DuckDB's) included."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def time_raw_read(csv_path: Path, db_path: Path) -> float:
    db_path.unlink(missing_ok=True)
    start = time.perf_counter()
    con = duckdb.connect(str(db_path))
    con.execute("CREATE TABLE t AS SELECT * FROM read_csv($p)", {"p": str(csv_path)})
    con.execute("CHECKPOINT")
    con.close()
    return time.perf_counter() - start


def time_loader(csv_path: Path, db_path: Path) -> float:
    db_path.unlink(missing_ok=True)
    start = time.perf_counter()
    report = load_cohort(csv_path, "2023-06", db_path)
    elapsed = time.perf_counter() - start
    assert report.rows_loaded + report.rows_quarantined == report.rows_read
    return elapsed


def time_next_month(month_db: Path, next_csv: Path, db_path: Path, *, rebuild: bool) -> float:
    """(c): load the next month into a copy of `month_db`; `rebuild`: with the whole case-flag
    basis rebuilt in the same publish, as a casework load would."""
    shutil.copyfile(month_db, db_path)
    start = time.perf_counter()
    if rebuild:
        report = load_batch(db_path, [(next_csv, "2023-07")], rebuild_flag_basis=True)[0]
    else:
        report = load_cohort(next_csv, "2023-07", db_path)
    elapsed = time.perf_counter() - start
    assert report.rows_loaded + report.rows_quarantined == report.rows_read
    return elapsed


# (d): DuckDB's read_csv of the file into a fresh database file, as a process of its own
RAW_READ_PROCESS = (
    "import sys, duckdb; con = duckdb.connect(sys.argv[2]); "
    "con.execute('CREATE TABLE t AS SELECT * FROM read_csv($p)', {'p': sys.argv[1]}); "
    "con.execute('CHECKPOINT'); con.close()"
)
PROJECT = Path(__file__).resolve().parent.parent


def time_process(command: list[str], db_path: Path) -> tuple[float, float]:
    """Wall time and CPU time (user + system, every thread) of one whole process."""
    db_path.unlink(missing_ok=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, cwd=PROJECT, capture_output=True, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def whole_processes(csv_path: Path, work: Path, repeats: int) -> dict[str, tuple[float, float]]:
    """(d): medians (wall, CPU) of the raw read and of the loader's CLI, each a whole process.

    On a machine shared with other jobs the wall time of a 2-thread process swings with their
    load; its CPU time (user + system) barely does, so both are printed.
    """
    raw_db, loaded_db = work / "raw_process.duckdb", work / "loaded_process.duckdb"
    raw_command = [sys.executable, "-c", RAW_READ_PROCESS, str(csv_path), str(raw_db)]
    load_command = [sys.executable, "-m", "data.load", "cohort", str(csv_path),
                    "--period", "2023-06", "--db", str(loaded_db)]  # fmt: skip
    runs: dict[str, list[tuple[float, float]]] = {"raw": [], "loader": []}
    for _ in range(repeats):
        runs["raw"].append(time_process(raw_command, raw_db))
        runs["loader"].append(time_process(load_command, loaded_db))
    return {
        name: (statistics.median(w for w, _ in times), statistics.median(c for _, c in times))
        for name, times in runs.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--workdir", default="/tmp/oos_bench_load")
    parser.add_argument("--no-next-month", action="store_true", help="skip (c)")
    args = parser.parse_args()
    work = Path(args.workdir)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    csv_path = work / "extract.csv"
    make_extract(csv_path, args.rows)
    size_mb = csv_path.stat().st_size / 1e6
    print(f"extract: {args.rows:,} rows, {size_mb:,.0f} MB")

    raw_times, loader_times, raw_cpu, loader_cpu = [], [], [], []
    for _ in range(args.repeats):
        cpu = process_cpu()
        raw_times.append(time_raw_read(csv_path, work / "raw.duckdb"))
        raw_cpu.append(process_cpu() - cpu)
        cpu = process_cpu()
        loader_times.append(time_loader(csv_path, work / "loaded.duckdb"))
        loader_cpu.append(process_cpu() - cpu)
    raw, loader = statistics.median(raw_times), statistics.median(loader_times)
    print(f"(a) read_csv into a table            (median of {args.repeats}): {raw:.2f} s")
    print(f"(b) loader, first month, fresh file  (median of {args.repeats}): {loader:.2f} s")
    print(f"    ratio loader / read_csv: {loader / raw:.2f}  (target <= 3)")
    raw_c, loader_c = statistics.median(raw_cpu), statistics.median(loader_cpu)
    print(
        f"    CPU time (user + system): read_csv {raw_c:.2f} s, loader {loader_c:.2f} s; "
        f"ratio {loader_c / raw_c:.2f}"
    )

    medians = whole_processes(csv_path, work, args.repeats)
    (raw_wall, raw_cpu), (loader_wall, loader_cpu) = medians["raw"], medians["loader"]
    print(
        f"(d) whole processes (median of {args.repeats}): read_csv {raw_wall:.2f} s, "
        f"loader CLI {loader_wall:.2f} s; ratio {loader_wall / raw_wall:.2f}  (target <= 3)"
    )
    print(
        f"    CPU time (user + system): read_csv {raw_cpu:.2f} s, loader CLI "
        f"{loader_cpu:.2f} s; ratio {loader_cpu / raw_cpu:.2f}"
    )
    if args.no_next_month:
        shutil.rmtree(work, ignore_errors=True)
        return

    # (c) the month after, into a file that holds casework too (set up once, not timed)
    month_db = work / "month.duckdb"
    casework_csv = work / "casework.csv"
    next_csv = work / "next.csv"
    make_casework(casework_csv, args.rows + args.rows // 10)
    make_extract(next_csv, args.rows, first=args.rows // 10)
    load_batch(month_db, [(csv_path, "2023-06")], casework_csv)
    kept, rebuilt = [], []
    for _ in range(args.repeats):
        kept.append(time_next_month(month_db, next_csv, work / "next.duckdb", rebuild=False))
        rebuilt.append(time_next_month(month_db, next_csv, work / "next.duckdb", rebuild=True))
    kept_s, rebuilt_s = statistics.median(kept), statistics.median(rebuilt)
    events = 4 * (args.rows + args.rows // 10)
    print(f"(c) next month, {events:,} casework events in the file (median of {args.repeats}):")
    print(f"    cohort load (basis kept, new pairs added): {kept_s:.2f} s")
    print(f"    ratio / read_csv: {kept_s / raw:.2f}  (target <= 3)")
    print(f"    the same with the whole basis rebuilt: {rebuilt_s:.2f} s")
    print(f"    ratio / read_csv: {rebuilt_s / raw:.2f}")

    (work / "loaded.duckdb").unlink(missing_ok=True)
    child = subprocess.run(
        [
            sys.executable,
            "-m",
            "data.load",
            "cohort",
            str(csv_path),
            "--period",
            "2023-06",
            "--db",
            str(work / "loaded.duckdb"),
        ],
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
        check=True,
    )
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"loader peak memory (CLI in a child process): {peak_mb:,.0f} MB")
    print(child.stdout.splitlines()[1:4])
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
