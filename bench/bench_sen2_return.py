"""SEN2 return load against DuckDB's own read_csv of the same files (target ratio <= 3).

    python bench/bench_sen2_return.py [--plans 25000] [--repeats 5] [--workdir /tmp/oos_bench_sen2]

Writes one synthetic Blade export of about --plans active plans (a large county; Kent has
about 21,000) and its SSD set (data/synth_blade.py), then times, in this one process:
(a) `CREATE TABLE t_i AS SELECT * FROM read_csv(file_i)` for every file of the export and the
SSD into a fresh database file (checkpointed), and (b) the whole load
(`data.sen2_return.load_sen2_return`: read every file through the project's reader, derive the
caseload and cohort in memory, stage, quarantine, publish atomically) into a fresh database
file. Prints medians, the ratio, and where the load's time goes. Not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from data import synth_caseload  # noqa: E402
from data.generate import simulate  # noqa: E402
from data.sen2_return import Sen2Return, load_sen2_return  # noqa: E402
from data.synth_blade import write_export, write_ssd  # noqa: E402


def time_raw_read(files: list[Path], db_path: Path) -> float:
    db_path.unlink(missing_ok=True)
    start = time.perf_counter()
    con = duckdb.connect(str(db_path))
    for i, path in enumerate(files):
        con.execute(f"CREATE TABLE t{i} AS SELECT * FROM read_csv($p)", {"p": str(path)})  # noqa: S608
    con.execute("CHECKPOINT")
    con.close()
    return time.perf_counter() - start


def time_load(folder: Path, ssd: Path, period: str, db_path: Path) -> tuple[float, int]:
    db_path.unlink(missing_ok=True)
    start = time.perf_counter()
    plans, cohort = load_sen2_return(folder, period, db_path, ssd_folder=ssd, synthetic=True)
    elapsed = time.perf_counter() - start
    assert plans.rows_loaded + plans.rows_quarantined == plans.rows_read
    return elapsed, plans.rows_read


def time_read_and_derive(folder: Path, ssd: Path, period: str) -> float:
    start = time.perf_counter()
    with Sen2Return(folder, ssd_folder=ssd) as sen2:
        sen2.derive(period)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=25_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--workdir", default="/tmp/oos_bench_sen2")
    args = parser.parse_args()
    work = Path(args.workdir)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    # about PLANS_PER_CHILD_OUT + 1 plans per child out of school (data/synth_caseload.py)
    children = max(1, round(args.plans / (synth_caseload.PLANS_PER_CHILD_OUT + 1)))
    sim = simulate(seed=20231115, children=children, periods=1, end="2026-10")
    folder = write_export(sim, 0, work)
    ssd = write_ssd(sim, work)
    files = sorted(folder.iterdir()) + sorted(ssd.iterdir())
    size_mb = sum(f.stat().st_size for f in files) / 1e6
    period = sim.labels[0]

    raw_times, load_times, derive_times = [], [], []
    plans = 0
    for _ in range(args.repeats):
        raw_times.append(time_raw_read(files, work / "raw.duckdb"))
        elapsed, plans = time_load(folder, ssd, period, work / "loaded.duckdb")
        load_times.append(elapsed)
        derive_times.append(time_read_and_derive(folder, ssd, period))
    raw, load = statistics.median(raw_times), statistics.median(load_times)
    derive = statistics.median(derive_times)
    print(
        f"export: {plans:,} rows read (active plans, and rows of no plan), {len(files)} files "
        f"(7 Blade modules, 4 SSD tables), {size_mb:,.1f} MB"
    )
    print(f"(a) read_csv of every file into a table  (median of {args.repeats}): {raw:.2f} s")
    print(f"(b) sen2-return load, fresh file         (median of {args.repeats}): {load:.2f} s")
    print(f"    ratio load / read_csv: {load / raw:.2f}  (target <= 3)")
    print(f"    of which read and derive in memory: {derive:.2f} s; stage and publish: "
          f"{load - derive:.2f} s")  # fmt: skip
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
