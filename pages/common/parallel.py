"""Run a page's independent queries at the same time.

DuckDB releases Python's lock while a query runs and the query runner gives each call its own
cursor, so a page that needs three unrelated results (the overview's headline figures, largest
movements and trend) can wait for the slowest instead of the sum. Only query functions run in
these threads: Streamlit calls stay in the script's own thread.
"""

from __future__ import annotations

import contextvars
from concurrent.futures import ThreadPoolExecutor

# One small pool for the whole server: bounded, so many sessions cannot start many threads.
_POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="oos-query")


def fetch_all(*calls):
    """Call each zero-argument function concurrently; return their results in order.

    An exception in any call is raised here, in the page's thread, as if called directly. Each
    call runs in a copy of the page's context, so it sees the run's viewer (trust/viewer.py)
    and makes its figures for the same audience as the page.
    """
    futures = [_POOL.submit(contextvars.copy_context().run, call) for call in calls]
    return [future.result() for future in futures]
