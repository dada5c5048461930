"""`python -m briefing --period YYYY-MM [--out FILE] [--db PATH] [--marking TEXT]`.

Writes the briefing pack as FILE.pdf and FILE.html (default briefing-pack-YYYY-MM.*), so it can
be produced on a schedule (cron: see the README). Exit 0 when written, 2 when refused.
"""

from __future__ import annotations

import argparse
import sys
import time

from briefing.build import build, marking_from_env
from core.paths import resolve_db_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m briefing", description="Write the monthly briefing pack (PDF and HTML)."
    )
    parser.add_argument("--period", required=True, help="reporting period, YYYY-MM")
    parser.add_argument("--out", help="output file (FILE.pdf and FILE.html are written)")
    parser.add_argument("--db", help="database file (default: $OOS_DB or data/oos.duckdb)")
    parser.add_argument(
        "--marking", help="protective marking (default: $OOS_MARKING or OFFICIAL-SENSITIVE)"
    )
    args = parser.parse_args(argv)
    db = resolve_db_path(args.db)
    if not db.exists():
        print(f"REFUSED. No database at {db}.", file=sys.stderr)
        return 2
    started = time.monotonic()
    try:
        pdf, html = build(args.period, args.out, db=db, marking=args.marking or marking_from_env())
    except ValueError as problem:
        print(f"REFUSED. {problem}", file=sys.stderr)
        return 2
    print(f"Wrote {pdf} and {html} in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
