"""Work out the views people open first before they open them: after a publish, and at start-up.

A page's first visit at national scale waits on the server: the case flags of a year of
months (Service), every child-month's episodes (Time to return), the caseload compared with
the cohort (Data quality) take seconds each for the latest month with no filter, although
the answer is the same for everybody until the next publish. The runner (queries/runner.py)
keeps every answer for the data version it was worked out on, so once one person has opened a
page the next gets it at once; this module makes the first person after a publish (or after a
restart) that second person.

- `record`: the runner calls it for each aggregate query it works out. A query of the latest
  month (or of no month: the load history, the caseload against the cohort) with no cohort
  filter (the view a page opens on) is remembered: its name, its
  parameters with each period written as months before the latest (so it still means "the
  latest month" after the next publish) and its template. Pupil-level queries are never
  remembered (their rows leave the database only through queries/pupil.py, for a viewer), nor
  anything naming a caseworker.
- `start`: the frame calls it on every run; the first run on a data version (a publish, a
  restart) starts one background thread that works the remembered queries out again on that
  version, filling the runner's cache. A query that fails (a page changed) is dropped.
- `record_call`: a few functions of the query layer keep answers of their own beside the
  runner's (Time to return's episodes of every child-month, built once per data version and
  the longest first visit of all: `CALLS`, an allow-list). Each records its call for the view
  a page opens on (the latest month, no filter) and `start` makes the call again, so the
  first visitor after a restart or a publish finds the episodes built and the curves fitted.
- The list is kept beside the database (`<database>.warm.json`, at most `MAX_QUERIES`,
  written atomically) so that a restarted server warms at once. It holds query names,
  period offsets and code-chosen values (dimension expressions, category lists), never a
  child or a person.

Nothing here imports streamlit: the pages, the tests and the benchmarks share it.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import re
import threading
from collections import OrderedDict
from pathlib import Path

from queries.filters import CohortFilter

LOG = logging.getLogger(__name__)

MAX_QUERIES = 300
SUFFIX = ".warm.json"
_PERIOD = re.compile(r"^([0-9]{4})-(0[1-9]|1[0-2])$")
# The shared filter's parameters other than the period: a remembered query has them all unset.
_FILTER_KEYS = frozenset(CohortFilter(period="2000-01").params()) - {
    "period",
    "period_from",
    "period_to",
}
# Parameters that would name a person: a query setting one is never remembered.
_PERSONAL_KEYS = frozenset({"caseworker", "child_id", "child_ids"})

# Functions that keep their own cache beside the runner's, by the name a remembered call uses:
# (module, function), each called as function(filter, db=..., **arguments). An allow-list, so
# a list beside the database can name nothing else.
CALLS = {
    "survival": ("queries.survival", "survival"),
    "hazard": ("queries.survival", "hazard_by_time_out"),
}

_lock = threading.Lock()
_queries: dict[str, OrderedDict[str, dict]] = {}  # database path -> key -> entry
_loaded: set[str] = set()
_warmed: dict[str, tuple] = {}  # database path -> data version warmed (or warming)
_latest_seen: dict[tuple, int | None] = {}  # (database path, data version) -> latest month
_local = threading.local()


def _months(period: str) -> int:
    match = _PERIOD.match(period)
    return int(match.group(1)) * 12 + int(match.group(2)) - 1


def _period(months: int) -> str:
    return f"{months // 12:04d}-{months % 12 + 1:02d}"


def _encode(value, latest: int):
    """A parameter with each period written as {"months": offset from the latest}."""
    if isinstance(value, str) and _PERIOD.match(value):
        return {"months": _months(value) - latest}
    if isinstance(value, list | tuple):
        return [_encode(v, latest) for v in value]
    return value


def _decode(value, latest: int):
    if isinstance(value, dict) and set(value) == {"months"}:
        return _period(latest + int(value["months"]))
    if isinstance(value, list):
        return [_decode(v, latest) for v in value]
    return value


def _file(path: str) -> Path:
    return Path(f"{path}{SUFFIX}")


def _latest(db) -> int | None:
    """The latest loaded period of the database's current version, in months (read once per
    version, outside the runner's cache, so remembering changes nothing there)."""
    from queries import runner

    key = (str(runner.database_path(db)), runner.data_version(db))
    if key not in _latest_seen:
        _local.inside = True
        try:
            periods = runner.run("periods", db=db, cache=False)["period"].tolist()
        finally:
            _local.inside = False
        _latest_seen[key] = _months(periods[-1]) if periods else None
    return _latest_seen[key]


def _load(path: str) -> OrderedDict[str, dict]:
    """The remembered queries of a database (read from its file once per process)."""
    queries = _queries.setdefault(path, OrderedDict())
    if path not in _loaded:
        _loaded.add(path)
        try:
            listed = json.loads(_file(path).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            listed = []  # no file yet, or one this version cannot read: start afresh
        for entry in listed if isinstance(listed, list) else []:
            try:
                queries.setdefault(_key(entry), entry)
            except (KeyError, TypeError):
                continue  # an entry this version does not know (another version's): skipped
    return queries


def _key(entry: dict) -> str:
    if "call" in entry:
        return json.dumps(["call", entry["call"], entry["params"]], sort_keys=True)
    return json.dumps([entry["name"], entry["params"], entry["template"]], sort_keys=True)


def _save(path: str, queries: OrderedDict[str, dict]) -> None:
    """Write the list beside the database, atomically; a read-only folder just skips it."""
    target = _file(path)
    temporary = target.with_name(f".{target.name}.{os.getpid()}")
    try:
        temporary.write_text(json.dumps(list(queries.values())), encoding="utf-8")
        os.replace(temporary, target)
    except OSError:
        LOG.info("could not keep the warm-up list beside %s", path)
        temporary.unlink(missing_ok=True)


def remembered(params: dict, pupil_level: bool) -> bool:
    """Whether a query with these bound parameters may be a view to work out in advance: not
    pupil-level, no cohort filter set, nobody named (the month is checked by `record`)."""
    if pupil_level or getattr(_local, "inside", False):
        return False
    return not any(params.get(k) is not None for k in _FILTER_KEYS | _PERSONAL_KEYS)


def record(name: str, params: dict, template: dict | None, path: str, db) -> None:
    """Remember a query the runner has just worked out for the latest month (see the
    module's docstring); the runner calls this only when `remembered` says so."""
    latest = _latest(db)
    if latest is None:
        return
    period = params.get("period_to", params.get("period"))
    if period is not None and (not _PERIOD.match(str(period)) or _months(period) != latest):
        return  # only the latest month (or no month at all): the views pages open on
    entry = {
        "name": name,
        "params": {k: _encode(v, latest) for k, v in sorted(params.items())},
        "template": dict(sorted((template or {}).items())),
    }
    _remember(path, entry)


def record_call(name: str, f: CohortFilter, arguments: dict, db) -> None:
    """Remember a call of one of `CALLS` made for the view a page opens on: the latest month
    and no filter. `arguments` are code-chosen values (a dimension from the page's list)."""
    if name not in CALLS or getattr(_local, "inside", False):
        return
    if f != CohortFilter(period=f.period):
        return  # a filter is set: not a view pages open on
    latest = _latest(db)
    if latest is None or _months(f.period) != latest:
        return
    from queries import runner

    entry = {"call": name, "params": {"period": {"months": 0}, **dict(sorted(arguments.items()))}}
    _remember(str(runner.database_path(db)), entry)


def _remember(path: str, entry: dict) -> None:
    key = _key(entry)
    with _lock:
        queries = _load(path)
        new = key not in queries
        queries[key] = entry
        queries.move_to_end(key)
        while len(queries) > MAX_QUERIES:
            queries.popitem(last=False)
        if new:
            _save(path, queries)


def start(db=None) -> threading.Thread | None:
    """On the first call for the database's current data version, work the remembered
    queries out on it in a background thread (returned, for tests); None when that version
    is warm or warming, or nothing is remembered."""
    from queries import runner

    path = str(runner.database_path(db))
    try:
        version = runner.data_version(db)
    except runner.DatabaseMissing:
        return None
    with _lock:
        if _warmed.get(path) == version:
            return None
        _warmed[path] = version
        entries = list(_load(path).values())
    if not entries:
        return None
    thread = threading.Thread(
        target=_replay, args=(path, entries, db), name="oos-warm", daemon=True
    )
    thread.start()
    return thread


def _replay(path: str, entries: list[dict], db) -> None:
    from queries import runner

    latest = _latest(db)
    if latest is None:
        return
    done = 0
    # the runner's queries first: the calls' own work reads some of them
    for entry in sorted(entries, key=lambda e: "call" in e):
        params = {k: _decode(v, latest) for k, v in entry["params"].items()}
        try:
            if "call" in entry:
                _call(entry["call"], params, db)
            else:
                runner.run(entry["name"], params, db=db, template=entry["template"] or None)
            done += 1
        except Exception:  # noqa: BLE001 - a query a page no longer runs: forget it
            with _lock:
                _load(path).pop(_key(entry), None)
    LOG.info("warm-up: %d of %d views worked out for %s", done, len(entries), path)


def _call(name: str, params: dict, db) -> None:
    """Make a remembered call again (only a function `CALLS` lists)."""
    module, function = CALLS[name]
    arguments = dict(params)
    f = CohortFilter(period=arguments.pop("period"))
    getattr(importlib.import_module(module), function)(f, db=db, **arguments)


def forget(path: str | None = None) -> None:
    """Forget what is remembered and warmed (tests): the files stay."""
    with _lock:
        _latest_seen.clear()
        for store in (_queries, _warmed):
            if path is None:
                store.clear()
            else:
                store.pop(path, None)
        if path is None:
            _loaded.clear()
        else:
            _loaded.discard(path)
