"""Opening the app store from many threads at once (appstore/connection.py).

A new store file is switched to WAL by the first connection that opens it. Connections that
open a new file together each asked to switch, and SQLite answered some of them "database is
locked" at once, without waiting out the busy timeout: the CI run that found it lost one
thread's 25 audit records (tests/test_audit.py, many threads). Here eight threads open each
of 60 new files at the same moment, as the sessions of a freshly started server do.
"""

from __future__ import annotations

import sqlite3
import threading

from appstore.connection import open_connection


def test_threads_opening_a_new_store_together_all_get_a_wal_connection(tmp_path):
    failures: list[str] = []
    modes: set[str] = set()
    for round_ in range(60):
        path = tmp_path / f"store-{round_}.sqlite"
        start = threading.Barrier(8)

        def open_it(path=path, start=start) -> None:
            start.wait()
            try:
                con = open_connection(path)
            except sqlite3.Error as error:
                failures.append(repr(error))
                return
            modes.add(con.execute("PRAGMA journal_mode").fetchone()[0])
            con.close()

        threads = [threading.Thread(target=open_it) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert failures == []
    assert modes == {"wal"}
