"""Benchmark: what sign-in, roles and the audit trail cost.

    python bench/bench_trust.py [--db PATH] [--runs 12]

1. Page re-run after a filter change (AppTest, the whole dashboard script), with trust ON (a
   signed-in QA officer: `[auth]` configured, `at.user` set, the role file read, every
   pupil-level read checked and audited in a fresh app store) and OFF (the gate patched to hand
   back a fixed viewer without reading the role file, and the audit write patched out: what
   the dashboard did before issue 7). Pages: overview (aggregates only) and the cohort
   explorer (pupil-level, audited). Every run uses a district selection not used before, so
   the filtered queries miss the cache and each explorer run writes an audit record. ON and
   OFF alternate run by run in the same process, so both see the same machine load. Target:
   ON within 10% of OFF (ratio of medians <= 1.10).
2. Audit write cost: `appstore.audit.record` of a page view naming 50 children (the explorer's
   page), N times into a fresh store (WAL, synchronous=FULL: each record is on disk when it
   returns). Target: median < 5 ms.

--db defaults to a demo database built in a temporary folder (1,500 children x 24 periods).
A script, not a test: it prints figures. On a shared machine figures move with the load;
the ratio (ON and OFF interleaved) is the steadier figure.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core import vocab  # noqa: E402

ROLE_FILE = """
[identity]
issuer = "https://idp.bench.example"
[[grant]]
role = "qa_officer"
accounts = ["qa@council.example"]
"""
AUTH = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "bench-only",
    "client_id": "bench",
    "client_secret": "bench",
    "server_metadata_url": "http://127.0.0.1:1/.well-known/openid-configuration",
}
PAGES = {"overview": "pages/overview.py", "explorer": "pages/explorer.py"}


def selections():
    names = vocab.DISTRICT_NAMES
    return iter(
        [[d] for d in names]
        + [list(p) for p in itertools.combinations(names, 2)]
        + [list(t) for t in itertools.combinations(names, 3)]
    )


class TrustOff:
    """Patch the gate and the audit write out, for the OFF runs (restored on exit)."""

    def __enter__(self):
        from queries import pupil
        from trust import signin
        from trust.roles import SAFEGUARDING_LEAD
        from trust.viewer import SINGLE_USER, Viewer

        self.saved = (signin.decide, pupil._write)
        fixed = signin.Access(Viewer("bench", "bench", SAFEGUARDING_LEAD, SINGLE_USER))
        signin.decide = lambda synthetic, found="": fixed
        pupil._write = lambda *args, **kwargs: None
        return self

    def __exit__(self, *_exc_info):
        from queries import pupil
        from trust import signin

        signin.decide, pupil._write = self.saved


def app(page: str):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.secrets["auth"] = AUTH
    at.user = {
        "is_logged_in": True,
        "iss": "https://idp.bench.example",
        "sub": "qa-1",
        "email": "qa@council.example",
        "email_verified": True,
        "name": "QA",
    }
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def rerun_ms(at, districts) -> float:
    at.sidebar.multiselect(key="district").set_value(districts)
    start = time.perf_counter()
    at.run()
    elapsed = (time.perf_counter() - start) * 1000
    assert not at.exception, [e.value for e in at.exception]
    return elapsed


def page_reruns(runs: int) -> None:
    print("Page re-run after a filter change (AppTest, median of runs, ON and OFF interleaved)")
    supply = selections()
    for name, page in PAGES.items():
        on_app = app(page)
        with TrustOff():
            off_app = app(page)
        rerun_ms(on_app, next(supply))  # warm both (first run loads the page's modules)
        with TrustOff():
            rerun_ms(off_app, next(supply))
        on, off = [], []
        for _ in range(runs):
            on.append(rerun_ms(on_app, next(supply)))
            with TrustOff():
                off.append(rerun_ms(off_app, next(supply)))
        m_on, m_off = statistics.median(on), statistics.median(off)
        print(
            f"  {name:10s} trust ON {m_on:6.0f} ms   OFF {m_off:6.0f} ms   "
            f"ratio {m_on / m_off:4.2f} (target <= 1.10)"
        )


def audit_writes(n: int) -> None:
    from appstore import audit

    with tempfile.TemporaryDirectory() as folder:
        store = Path(folder) / "bench.sqlite"
        ids = [f"K-{i:05d}" for i in range(50)]
        times = []
        for i in range(n):
            start = time.perf_counter()
            audit.record(
                "qa@council.example",
                "qa_officer",
                "view",
                page="Cohort explorer",
                detail={"query": "cohort_rows", "filters": {"period": "2026-10", "page": i}},
                children=len(ids),
                child_ids=ids,
                store=store,
            )
            times.append((time.perf_counter() - start) * 1000)
        audit.close_connections()
        ordered = sorted(times)
        p95 = ordered[int(0.95 * (len(ordered) - 1))]
        print(
            f"Audit write (record of a 50-child page view, committed, synchronous=FULL), "
            f"{n} records: median {statistics.median(ordered):.2f} ms   p95 {p95:.2f} ms   "
            f"max {ordered[-1]:.2f} ms (target median < 5 ms)"
        )
        result = audit.check(store)
        print(f"  check of {n} records: ok={result.ok} {result.problems}")
        audit.close_connections()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="database (default: a demo database built in a temp folder)")
    parser.add_argument("--runs", type=int, default=12)
    parser.add_argument("--writes", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(args.db) if args.db else Path(folder) / "demo.duckdb"
        if not args.db:
            from data.generate import build_demo_database

            print("building the demo database ...", flush=True)
            build_demo_database(db)
        roles = Path(folder) / "roles.toml"
        roles.write_text(ROLE_FILE, encoding="utf-8")
        os.environ.update(
            OOS_DB=str(db), OOS_ROLES=str(roles), OOS_APP_STORE=str(Path(folder) / "app.sqlite")
        )
        os.environ.pop("OOS_SINGLE_USER", None)
        audit_writes(args.writes)
        page_reruns(args.runs)


if __name__ == "__main__":
    main()
