"""The README's table of load outcomes, checked against the loader (issue 17).

The table under "Reliability: nothing lost, nothing leaked" promises, for each kind of file or
fault, an outcome and an exit status. This test reads the table itself: each item of its first
column (the items are separated by `;`) has a scenario here that runs `python -m data.load`
(its `main`, in this process, or a real process where a signal or kill -9 is part of it), and
the test checks the exit status against the third column and the outcome against the second:

- **refused** / **stopped** / **failed**: the message's first word (`REFUSED.`, `STOPPED by`,
  `FAILED.`); **quarantined**, **warned**, **noted**, **loaded**, **published**: exit 0, the
  database published and the report showing it;
- "nothing changed" (the database file byte for byte), "no copy left" / "copy removed" (no
  `.loading-` file beside it), "named as such", "with the line number", "both counts given",
  "with its reason", "by row and column" (the scenario's words in the message or report).

A row added to the table without a scenario, or a scenario whose row was removed, fails
`test_every_item_of_the_table_has_a_scenario`. Expected words are written by hand.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import io
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pytest

from data import store
from data.load import load_batch, load_caseload, load_casework, load_cohort, main
from data.provenance import MixRefused
from tests.conftest import query
from tests.test_load_hostile_faults import tmpfs
from tests.test_load_hostile_rows import excel_export_with_runaway_quote
from tests.test_load_hostile_signals import (
    AT_THE_RENAME,
    DURING_A_QUERY,
    WHILE_REPORTING,
    million_rows,  # noqa: F401 (a fixture, used by name)
    run_loader,
)

PROJECT = Path(__file__).resolve().parent.parent
README = PROJECT / "README.md"
HEADER = "child_id,date_of_birth,gender,primary_need,district,placement_status"
EVENTS = "child_id,event_date,event_type"


def read_table() -> list[tuple[str, str, str]]:
    """(what, outcome, exit status) of each row of the README's table of load outcomes."""
    lines = README.read_text(encoding="utf-8").splitlines()
    start = lines.index("| what | outcome | exit status |")
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        what, outcome, status = (cell.strip() for cell in line.strip("|").split(" | "))
        rows.append((what, outcome, status))
    return rows


TABLE = read_table()
ITEMS = [
    (item.strip(), outcome, status) for what, outcome, status in TABLE for item in what.split(";")
]


# --- running the loader -------------------------------------------------------------------------


def digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def leftovers(folder: Path) -> list[str]:
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if ".loading-" in p.name)


@dataclass
class Run:
    """One run of the loader: what it said, and what it did to the database."""

    status: int
    out: str
    err: str
    changed: bool
    left: list[str]
    needles: list[str] = field(default_factory=list)  # words the message or report must hold


@dataclass
class Context:
    folder: Path
    monkeypatch: pytest.MonkeyPatch
    million: Callable[[], Path]
    last_month: Path  # a database holding period 2023-05 (T-1 to T-4)
    db: Path = field(init=False)

    def __post_init__(self) -> None:
        """The live database: a copy of last month's, as after last month's load."""
        self.db = self.folder / "live" / "oos.duckdb"
        self.db.parent.mkdir()
        shutil.copyfile(self.last_month, self.db)

    def csv(self, name: str, lines: list[str], header: str = HEADER) -> Path:
        path = self.folder / name
        path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8", newline="")
        return path

    def cli(self, *args: str, db: Path | None = None, needles=()) -> Run:
        """`main` in this process, as `python -m data.load ARGS --db DB` runs it."""
        db = db or self.db
        before = digest(db)
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = main([*args, "--db", str(db)])
        changed = digest(db) != before
        return Run(
            status, out.getvalue(), err.getvalue(), changed, leftovers(db.parent), [*needles]
        )

    def process(self, *args: str, prelude: str = "", needles=()) -> Run:
        """A real loader process (signals), against the live database."""
        before = digest(self.db)
        done = run_loader(*args, "--db", str(self.db), prelude=prelude)
        changed = digest(self.db) != before
        left = leftovers(self.db.parent)
        return Run(done.returncode, done.stdout, done.stderr, changed, left, [*needles])


def row(child: str, placement: str = "No placement") -> str:
    return f"{child},2015-02-01,F,ASD,Dover,{placement}"


def cohort(ctx: Context, path: Path, needles=(), period: str = "2023-06", db=None) -> Run:
    return ctx.cli("cohort", str(path), "--period", period, db=db, needles=needles)


# --- the scenarios, one per item of the table ---------------------------------------------------


def scenario_not_csv_or_xlsx(ctx):
    return [cohort(ctx, ctx.csv("extract.txt", [row("T-1")]), ["not a CSV or XLSX file"])]


def scenario_empty(ctx):
    path = ctx.folder / "empty.csv"
    path.write_text("")
    return [cohort(ctx, path, ["it is empty"])]


def scenario_a_header_but_no_rows(ctx):
    return [cohort(ctx, ctx.csv("header.csv", []), ["no data rows"])]


def scenario_a_required_column_missing_or_repeated(ctx):
    missing = ctx.csv(
        "missing.csv", ["T-1,2015-02-01,F,ASD,Dover"], header=HEADER.rsplit(",", 1)[0]
    )
    twice = ctx.csv("twice.csv", [row("T-1") + ",T-1"], header=HEADER + ",Child ID")
    return [
        cohort(ctx, missing, ["placement_status are missing"]),
        cohort(ctx, twice, ["'child_id' appears more than once"]),
    ]


def scenario_not_utf_8(ctx):
    path = ctx.folder / "latin.csv"
    path.write_bytes((HEADER + "\n" + row("T-1") + "\n").encode() + "T-\u00e9,".encode("latin-1"))
    return [cohort(ctx, path, ["not UTF-8"])]


def scenario_a_damaged_workbook(ctx):
    path = ctx.folder / "damaged.xlsx"
    path.write_text("this is not a workbook")
    return [cohort(ctx, path, ["could not be opened as an Excel workbook"])]


def scenario_a_zip_an_xlsx_or_an(ctx):
    import zipfile

    book = openpyxl.Workbook()
    book.active.append(HEADER.split(","))
    book.save(ctx.folder / "book.csv")
    with zipfile.ZipFile(ctx.folder / "archive.csv", "w") as archive:
        archive.writestr("june.csv", HEADER + "\n")
    (ctx.folder / "old.csv").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    return [
        cohort(ctx, ctx.folder / "book.csv", ["an Excel workbook (.xlsx) renamed .csv"]),
        cohort(ctx, ctx.folder / "archive.csv", ["a zip archive renamed .csv"]),
        cohort(ctx, ctx.folder / "old.csv", ["(.xls, Excel 97-2003) renamed .csv"]),
    ]


def scenario_a_path_that_is_a_folder(ctx):
    (ctx.folder / "folder.csv").mkdir()
    return [
        cohort(ctx, ctx.folder / "folder.csv", ["that path is a folder"]),
        cohort(ctx, ctx.folder / "absent.csv", ["the file does not exist"]),
    ]


def scenario_a_first_line_over_64_kb(ctx):
    flat = ctx.folder / "flat.csv"
    flat.write_text("child_id," + "x" * 100_000)  # no line break at all
    wide = ctx.csv("wide.csv", [row("T-1") + ",z"], header=HEADER + "," + "y" * 200 * 1024)
    needle = ["its first line is longer than 65,536 bytes"]
    return [cohort(ctx, flat, needle), cohort(ctx, wide, needle)]


def scenario_a_bare_carriage_return(ctx):
    path = ctx.csv("cr.csv", [row("T-1"), "T-2,2015-02-01,F,AS\rD,Dover,No placement"])
    return [cohort(ctx, path, ["line 3 holds a carriage return"])]


def scenario_a_quoted_field_running_over_whole(ctx):
    # T-4 (line 6) opens a quote never closed; T-5 to T-10 follow it
    rows = [row(f"T-{i}") for i in range(11)]
    rows[4] = 'T-4,2015-02-01,"F,ASD,Dover,No placement'
    return [cohort(ctx, ctx.csv("quote.csv", rows), ["starts on line 6 runs on over 6 more lines"])]


def scenario_the_same_over_rows_that_dropped(ctx):
    path = excel_export_with_runaway_quote(ctx.folder)
    return [cohort(ctx, path, ["starts on line 302 runs on over 40 more lines"])]


def scenario_a_period_not_yyyy_mm_in(ctx):
    path = ctx.csv("june.csv", [row("T-1")])
    runs = [
        cohort(ctx, path, ["not of the form YYYY-MM"], period="2023-6"),
        cohort(ctx, path, ["outside the plausible range 2000-01"], period="1999-12"),
    ]
    accepted = ctx.cli("cohort", str(path), "--period", "1999-12", "--any-period")
    assert accepted.status == 0, accepted.err
    return runs


def scenario_a_file_with_no_loadable_rows(ctx):
    blank = ctx.csv("blank.csv", [row(f"T-{i}", placement="") for i in range(1, 4)])
    return [
        # 2023-05 holds T-1 to T-4
        cohort(ctx, blank, ["(4) with 0 (3 rows read, 3 quarantined)"], period="2023-05"),
        cohort(ctx, blank, ["holds none yet, with 0 (3 rows read, 3 quarantined)"]),
    ]


def scenario_under_half_the_children_plans_events(ctx):
    one = ctx.csv("one.csv", [row("T-1")])
    plans = HEADER.rsplit(",", 1)[0]
    load_caseload(ctx.csv("plans.csv", [f"P-{i},2015-02-01,F,ASD,Dover" for i in range(4)], plans),
                  "2023-05", ctx.db)  # fmt: skip
    load_casework(ctx.csv("log.csv", [f"T-1,2023-05-0{i},note" for i in range(1, 7)], EVENTS),
                  ctx.db)  # fmt: skip
    one_plan = ctx.csv("one_plan.csv", ["P-1,2015-02-01,F,ASD,Dover"], plans)
    one_event = ctx.csv("one_event.csv", ["T-1,2023-05-01,note"], EVENTS)
    runs = [
        cohort(ctx, one, ["(4) with 1 (1 rows read, 0 quarantined)"], period="2023-05"),
        ctx.cli("caseload", str(one_plan), "--period", "2023-05",
                needles=["plans of period 2023-05 (4) with 1"]),
        ctx.cli("casework", str(one_event), needles=["events (6) with 1"]),
    ]  # fmt: skip
    for args in (
        ["cohort", str(one), "--period", "2023-05"],
        ["cohort", str(ctx.csv("none.csv", [row("T-9", placement="")])), "--period", "2023-08"],
    ):
        replaced = ctx.cli(*args, "--replace")
        assert replaced.status == 0, replaced.err
    return runs


def scenario_real_and_synthetic_never_mix(ctx):
    demo = ctx.folder / "demo" / "demo.duckdb"
    demo.parent.mkdir()
    june = ctx.csv("june.csv", [row("T-1")])
    load_batch(demo, [(june, "2023-05")], synthetic=True)  # a database of synthetic loads
    needles = ["a real extract is never loaded into it", "Load real extracts into the council's"]
    run = cohort(ctx, june, needles, db=demo)
    # synthetic data has no command-line load: the generator's route, refused the same way
    with pytest.raises(MixRefused, match="synthetic data is never added to it"):
        load_batch(ctx.db, [(june, "2023-06")], synthetic=True)
    return [run]


def refuse_db(ctx, db: Path, needle: str) -> Run:
    return cohort(ctx, ctx.csv("june.csv", [row("T-1")]), [needle], db=db)


def scenario_db_naming_a_folder_a_device(ctx):
    folder = ctx.folder / "dbs"
    folder.mkdir()
    (folder / "a_folder").mkdir()
    os.mknod(folder / "device", stat.S_IFCHR | 0o600, os.makedev(1, 3))  # a null device
    os.mkfifo(folder / "pipe")
    (folder / "empty.duckdb").write_bytes(b"")
    (folder / "notes.txt").write_text("minutes of the panel meeting\n")
    return [
        refuse_db(ctx, folder / "a_folder", "is a folder, not a database file"),
        refuse_db(ctx, folder / "device", "is not a regular file"),
        refuse_db(ctx, folder / "pipe", "is not a regular file"),
        refuse_db(ctx, folder / "empty.duckdb", "is empty (0 bytes)"),
        refuse_db(ctx, folder / "notes.txt", "is not a DuckDB database"),
    ]


def scenario_db_in_a_folder_that_is(ctx):
    (ctx.folder / "plain").write_text("a file\n")
    return [refuse_db(ctx, ctx.folder / "plain" / "oos.duckdb", "is a file, not a folder")]


def scenario_a_read_only_folder(ctx):
    with tmpfs(ctx.folder / "ro", "100m") as mounted:
        db = ctx.folder / "ro" / "oos.duckdb"
        shutil.copyfile(ctx.db, db)
        if mounted:
            subprocess.run(["mount", "-o", "remount,ro", str(db.parent)], check=True)
        else:  # no tmpfs here: writes in that folder fail as a read-only file system's do
            real_open = open

            def read_only(path, mode="r", *args, **kwargs):
                if "w" in mode and str(path).startswith(str(db.parent)):
                    raise OSError(errno.EROFS, "Read-only file system")
                return real_open(path, mode, *args, **kwargs)

            ctx.monkeypatch.setattr("builtins.open", read_only)
        return [refuse_db(ctx, db, "cannot be written")]


def scenario_a_full_disk_or_too_little(ctx):
    runs = []
    with tmpfs(ctx.folder / "small", "4m") as mounted:
        if mounted:
            # a real 4 MB disk holding the database: its copy cannot fit. The free-space check
            # would refuse first, so it is set aside to meet the real write failure.
            db = ctx.folder / "small" / "oos.duckdb"
            shutil.copyfile(ctx.db, db)
            ctx.monkeypatch.setattr(store, "check_free_space", lambda *_: None)
        else:
            db = ctx.db

            def full(*_args, **_kwargs):
                raise OSError(errno.ENOSPC, "No space left on device")

            ctx.monkeypatch.setattr(store.shutil, "copyfile", full)
        runs.append(refuse_db(ctx, db, "is full"))
    ctx.monkeypatch.undo()
    size = ctx.db.stat().st_size
    ctx.monkeypatch.setattr(  # room for the database once, not for its working copy
        store.shutil, "disk_usage", lambda _: shutil._ntuple_diskusage(10 * size, 9 * size, size)
    )
    runs.append(refuse_db(ctx, ctx.db, "not enough free space"))
    return runs


def scenario_sigterm_sighup_ctrl_c_during_a(ctx):
    return [
        ctx.process("cohort", str(ctx.million()), "--period", "2023-06",
                    prelude=DURING_A_QUERY.replace("{name}", name))
        for name in ("SIGTERM", "SIGHUP", "SIGINT")
    ]  # fmt: skip


def scenario_sigterm_arriving_as_the_new_file(ctx):
    path = str(ctx.csv("june.csv", [row("T-1")]))
    return [
        ctx.process("cohort", path, "--period", "2023-06", prelude=moment)
        for moment in (AT_THE_RENAME, WHILE_REPORTING)
    ]


def scenario_kill_9_during_a_load(ctx):
    before = digest(ctx.db)
    process = subprocess.Popen(
        [sys.executable, "-m", "data.load", "cohort", str(ctx.million()), "--period", "2023-06",
         "--db", str(ctx.db)],
        cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while not leftovers(ctx.db.parent):
        assert process.poll() is None and time.monotonic() < deadline, "no working copy seen"
        time.sleep(0.01)
    process.kill()
    out, err = process.communicate(timeout=60)
    killed = Run(process.returncode, out, err, digest(ctx.db) != before, leftovers(ctx.db.parent))
    assert killed.left, "the copy a kill -9 leaves behind"
    # what DuckDB leaves when a load spilling to disk is killed: its folder of temporary blocks
    (ctx.db.parent / f".oos.duckdb.loading-{process.pid}.tmp").mkdir(exist_ok=True)
    after = cohort(ctx, ctx.csv("june.csv", [row("T-1")]))
    assert after.status == 0 and after.left == [], after.err
    assert re.search(r"note: removed \d working copies left beside the database", after.out)
    return [killed]


def scenario_an_error_nobody_foresaw(ctx):
    def broken(*_args, **_kwargs):
        raise ZeroDivisionError("something nobody foresaw about T-1")

    ctx.monkeypatch.setattr("data.load._finish_report", broken)
    ctx.monkeypatch.delenv("OOS_DEBUG", raising=False)
    run = cohort(ctx, ctx.csv("june.csv", [row("T-1")]), ["(ZeroDivisionError)"])
    assert "T-1" not in run.err + run.out  # its type only
    return [run]


def scenario_no_child_id(ctx):
    return [cohort(ctx, ctx.csv("noid.csv", [row("T-1"), row("")]), ["1 x no child_id"])]


def scenario_an_id_with_a_character_outside(ctx):
    ids = ["T-1", "T-\u0661", "T-1\u3164", "\u0410-1", "T-\x071", "T\u00a01", "X" * 65]
    return [
        cohort(ctx, ctx.csv("ids.csv", [row(i) for i in ids]),
               ["5 x child_id holds a character outside the ID alphabet",
                "1 x child_id is longer than 64 characters"])
    ]  # fmt: skip


def scenario_one_id_with_different_values(ctx):
    path = ctx.csv("twice.csv", [row("T-1"), row("T-2"), row("T-2", "Provision unknown")])
    return [cohort(ctx, path, ["2 x child_id appears 2 times in the file with different values"])]


def scenario_a_placement_status_that_is_neither(ctx):
    path = ctx.csv("status.csv", [row("T-1"), row("T-2", "Excluded")])
    return [cohort(ctx, path, ["1 x placement_status '…' is neither No placement nor"])]


def scenario_a_casework_event_with_no_readable(ctx):
    path = ctx.csv("log.csv", ["T-1,2023-05-01,note", "T-1,31/13/2023,note",
                               "T-1,2023-05-02,party"], EVENTS)  # fmt: skip
    return [
        ctx.cli("casework", str(path), needles=["1 x event_date '…' is not a date",
                                                "1 x event_type '…' is not one of"])
    ]  # fmt: skip


def scenario_a_record_with_the_wrong_number(ctx):
    path = ctx.csv("cells.csv", [row("T-1"), row("T-2") + ",Smith", "T-3,2015-02-01,F"])
    run = cohort(ctx, path, ["1 x the row could not be read as CSV (too many columns)",
                             "1 x the row could not be read as CSV (missing columns)"])  # fmt: skip
    kept = query(ctx.db, "SELECT raw_values FROM quarantine WHERE period = '2023-06' ORDER BY 1")
    assert kept == [('{"cells_in_row": 3}',), ('{"cells_in_row": 7}',)]
    return [run]


def scenario_a_row_over_2_mb(ctx):
    path = ctx.csv("long.csv", [row("T-1"), row("T-2") + "x" * 3 * 1024 * 1024])
    return [cohort(ctx, path, ["1 x the row is 3.0 MB long, longer than the 2 MB a record"])]


def scenario_a_row_repeated_to_the_letter(ctx):
    path = ctx.csv("again.csv", [row("T-1"), row("\tT-1\u00a0")])
    return [cohort(ctx, path, ["1 x exact repeat of row N (loaded once)"])]


def scenario_an_unreadable_code_flag_or_date(ctx):
    header = HEADER + ",cin,out_of_school_since"
    path = ctx.csv("codes.csv", ["T-1,2015-02-01,F,XYZ,Nowhere,No placement,maybe,31/02/2023"],
                   header)  # fmt: skip
    needles = ["primary_need: 1", "district: 1", "cin: 1", "out_of_school_since: 1"]
    return [cohort(ctx, path, ["warnings (loaded as Not recorded): 4", *needles])]


def scenario_year_group_with_a_minus_sign(ctx):
    rows = [row(f"T-{i}") + f",{year}" for i, year in enumerate(["-1", "Year -1", "Y-1"])]
    path = ctx.csv("years.csv", rows, HEADER + ",year_group")
    return [cohort(ctx, path, ["warnings (loaded as Not recorded): 3", "year_group: 3"])]


def scenario_a_date_of_birth_after_the(ctx):
    # census 30 June 2023: born 1 July 2023 is after it; born 29 June 1997 is 26
    rows = ["T-1,2023-07-01,F,ASD,Dover,No placement", "T-2,1997-06-29,F,ASD,Dover,No placement"]
    return [cohort(ctx, ctx.csv("born.csv", rows), ["date_of_birth: 2"])]


def scenario_out_of_school_since_ehcp_issued(ctx):
    header = HEADER + ",out_of_school_since,ehcp_issued,last_annual_review"
    path = ctx.csv("dates.csv", [row("T-1") + ",1989-12-31,2023-07-01,0001-01-01"], header)
    needles = ["out_of_school_since: 1", "ehcp_issued: 1", "last_annual_review: 1"]
    return [cohort(ctx, path, ["warnings (loaded as Not recorded): 3", *needles])]


def scenario_hours_nan_infinite_negative_or_over(ctx):
    rows = [row(f"T-{i}") + f",{hours}" for i, hours in enumerate(["NaN", "inf", "-1", "169"])]
    path = ctx.csv("hours.csv", rows, HEADER + ",provision_hours")
    return [cohort(ctx, path, ["provision_hours: 4"])]


def scenario_extra_columns(ctx):
    path = ctx.csv("extra.csv", [row("T-1") + ",Alexandra"], HEADER + ",Forename")
    run = cohort(ctx, path, ["extra columns ignored (their values are not stored): Forename"])
    assert "Alexandra" not in run.out
    return [run]


def scenario_sheets_after_the_first_of_a(ctx):
    book = openpyxl.Workbook()
    book.active.title = "June"
    book.active.append(HEADER.split(","))
    book.active.append(row("T-1").split(","))
    book.create_sheet("Notes").append(["not a child"])
    book.save(ctx.folder / "two.xlsx")
    return [cohort(ctx, ctx.folder / "two.xlsx", ["note: the workbook has 2 sheets"])]


def scenario_copies_left_by_an_earlier_stopped(ctx):
    ctx.db.with_name(".oos.duckdb.loading-99999").write_bytes(ctx.db.read_bytes())
    path = ctx.csv("june.csv", [row("T-1")])
    return [cohort(ctx, path, ["note: removed 1 working copy left beside the database"])]


def scenario_lines_ending_crlf_and_lf_in(ctx):
    path = ctx.folder / "mixed.csv"
    path.write_bytes(f"{HEADER}\r\n{row('T-1')}\n{row('T-2')}\r\n{row('T-3')}\n".encode())
    return [cohort(ctx, path, ["rows loaded:      3"])]


def scenario_db_that_is_a_symbolic_link(ctx):
    link = ctx.folder / "current.duckdb"
    link.symlink_to(ctx.db)
    run = cohort(ctx, ctx.csv("june.csv", [row("T-1")]), ["rows loaded:      1"], db=link)
    assert link.is_symlink()  # the run read the file through the link: the target changed
    assert query(ctx.db, "SELECT count(*) FROM cohort WHERE period = '2023-06'") == [(1,)]
    return [run]


# each item of the README's table (its first column, split at ';') and its scenario
SCENARIOS: dict[str, Callable[[Context], list[Run]]] = {
    "not CSV or XLSX": scenario_not_csv_or_xlsx,
    "empty": scenario_empty,
    "a header but no rows": scenario_a_header_but_no_rows,
    "a required column missing or repeated": scenario_a_required_column_missing_or_repeated,
    "not UTF-8": scenario_not_utf_8,
    "a damaged workbook": scenario_a_damaged_workbook,
    "a zip, an `.xlsx` or an old `.xls` renamed `.csv`": scenario_a_zip_an_xlsx_or_an,
    "a path that is a folder or does not exist": scenario_a_path_that_is_a_folder,
    "a first line over 64 KB (a file with no line breaks, a header cell of 200 KB)": (
        scenario_a_first_line_over_64_kb
    ),
    "a bare carriage return": scenario_a_bare_carriage_return,
    "a quoted field running over whole records (unbalanced quote)": (
        scenario_a_quoted_field_running_over_whole
    ),
    "the same over rows that dropped their empty last cells (Excel's CSV export)": (
        scenario_the_same_over_rows_that_dropped
    ),
    "a period not `YYYY-MM` in ASCII digits, or outside 2000-01 to next month "
    "(`--any-period` accepts it)": scenario_a_period_not_yyyy_mm_in,
    "a file with no loadable rows, for a period loaded or not yet loaded": (
        scenario_a_file_with_no_loadable_rows
    ),
    "under half the children / plans / events it replaces (`--replace` accepts both)": (
        scenario_under_half_the_children_plans_events
    ),
    "`--db` naming a folder, a device or pipe, an empty file or a file that is not a DuckDB "
    "database": scenario_db_naming_a_folder_a_device,
    "a real extract into the synthetic demo (its path, or a database of synthetic loads), or "
    "synthetic data into a database holding real loads": scenario_real_and_synthetic_never_mix,
    "`--db` in a folder that is a file": scenario_db_in_a_folder_that_is,
    "a read-only folder": scenario_a_read_only_folder,
    "a full disk or too little free space": scenario_a_full_disk_or_too_little,
    "SIGTERM, SIGHUP, Ctrl-C during a load (a query included)": (
        scenario_sigterm_sighup_ctrl_c_during_a
    ),
    "SIGTERM arriving as the new file is moved into place, or after": (
        scenario_sigterm_arriving_as_the_new_file
    ),
    "`kill -9` during a load": scenario_kill_9_during_a_load,
    "an error nobody foresaw": scenario_an_error_nobody_foresaw,
    "no `child_id`": scenario_no_child_id,
    "an ID with a character outside the ID alphabet (printable ASCII: a control, invisible, "
    "look-alike or unusual space character), or over 64 characters": (
        scenario_an_id_with_a_character_outside
    ),
    "one ID with different values": scenario_one_id_with_different_values,
    "a placement status that is neither category": scenario_a_placement_status_that_is_neither,
    "a casework event with no readable date or type": scenario_a_casework_event_with_no_readable,
    "a record with the wrong number of cells (no value kept)": (
        scenario_a_record_with_the_wrong_number
    ),
    "a row over 2 MB": scenario_a_row_over_2_mb,
    "a row repeated to the letter (IDs trimmed of every Unicode space)": (
        scenario_a_row_repeated_to_the_letter
    ),
    "an unreadable code, flag or date": scenario_an_unreadable_code_flag_or_date,
    "year group with a minus sign (`-1`, `Year -1`, `Y-1`)": scenario_year_group_with_a_minus_sign,
    "a date of birth after the census or an age over 25": scenario_a_date_of_birth_after_the,
    "`out_of_school_since`, `ehcp_issued` or `last_annual_review` before 1990 or after "
    "the census": scenario_out_of_school_since_ehcp_issued,
    "hours NaN, infinite, negative or over 168": scenario_hours_nan_infinite_negative_or_over,
    "extra columns": scenario_extra_columns,
    "sheets after the first of a workbook": scenario_sheets_after_the_first_of_a,
    "copies left by an earlier stopped load": scenario_copies_left_by_an_earlier_stopped,
    "lines ending CRLF and LF in one file": scenario_lines_ending_crlf_and_lf_in,
    "`--db` that is a symbolic link (the file it points to is updated, the link kept)": (
        scenario_db_that_is_a_symbolic_link
    ),
}


# --- the checks -----------------------------------------------------------------------------------

FIRST_WORD = {"**refused**": "REFUSED.", "**stopped**": "STOPPED by ", "**failed**": "FAILED."}


def expected_statuses(column: str, runs: int) -> list[int]:
    if column == "(killed)":
        return [-signal.SIGKILL] * runs
    numbers = [int(n) for n in column.split(",")]
    return numbers if len(numbers) == runs else numbers * runs


def check(outcome: str, run: Run) -> None:
    text = run.out + run.err
    assert "Traceback" not in text
    for word, first in FIRST_WORD.items():
        if word in outcome:
            assert run.err.startswith(first), run.err
            assert run.err.strip().count("\n") == 0, "one paragraph"
    if run.status == 0:
        assert "Published to" in run.out and run.changed, text
    if "**quarantined**" in outcome:
        assert re.search(r"rows quarantined: [1-9]", run.out), run.out
    if "**warned**" in outcome:
        assert re.search(r"warnings \(loaded as Not recorded\): [1-9]", run.out), run.out
    if "**published**" in outcome:
        assert "arrived after the database was published" in run.err, run.err
    if "nothing changed" in outcome:
        assert not run.changed
    if "no copy left" in outcome or "copy removed" in outcome:
        assert run.left == [], run.left
    if "with the line number" in outcome:
        assert re.search(r"line \d", run.err), run.err
    if "both counts given" in outcome:
        assert re.search(r"with \d[\d,]* \(\d[\d,]* rows read, \d[\d,]* quarantined\)", run.err)
    for needle in run.needles:
        assert needle in text, (needle, text)


def test_every_item_of_the_table_has_a_scenario():
    items = {item for item, _, _ in ITEMS}
    assert sorted(items - SCENARIOS.keys()) == [], "items of the README's table with no check"
    assert sorted(SCENARIOS.keys() - items) == [], "checks of items no longer in the table"
    assert len(TABLE) == 16


@pytest.fixture(scope="module")
def last_month(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("last_month")
    may = folder / "may.csv"
    may.write_text("\n".join([HEADER, *(row(f"T-{i}") for i in range(1, 5))]) + "\n")
    load_cohort(may, "2023-05", folder / "oos.duckdb")
    return folder / "oos.duckdb"


@pytest.mark.parametrize(("item", "outcome", "status"), ITEMS, ids=[i[:40] for i, _, _ in ITEMS])
def test_the_loader_does_what_the_readme_table_says(
    item, outcome, status, tmp_path, monkeypatch, request, last_month
):
    million = lambda: request.getfixturevalue("million_rows")  # noqa: E731 (made only when asked)
    ctx = Context(tmp_path, monkeypatch, million, last_month)
    runs = SCENARIOS[item](ctx)
    assert runs, item
    assert [run.status for run in runs] == expected_statuses(status, len(runs)), [
        run.err for run in runs
    ]
    for run in runs:
        check(outcome, run)
