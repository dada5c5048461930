"""Run the named queries in `queries/*.sql`: read-only, a cursor per call, cached by data version.

    run("children_by_category", params, template={"dimension": expr}) -> pandas.DataFrame

- A query is a file `queries/<name>.sql` (one query per file, header comment first).
- `{{cohort_filter}}`, `{{flag_counts}}`, `{{child_flags}}`, `{{worklist}}` and
  `{{episode_rules}}` in a query are replaced by the shared filter, flag counts, child's flag
  columns, Today's worklist tiers and the episodes out of school in `fragments/` (each
  written once).
- Other `{{slot}}` placeholders take identifiers or expressions from `template`, and only values
  registered for that slot with `allow_template_values` (the modules owning an allow-list register
  it at import), so no user text can become SQL. Anything else raises ValueError.
- User values travel only as bound parameters (`$name`). A query is given just the parameters it
  names, so the shared filter can offer all of its parameters to every query. A fragment's
  optional condition (`AND ($name IS NULL OR ...)`) is left out of the text when $name is NULL
  (it holds for every row): DuckDB otherwise plans and binds all sixteen on every call.
- One read-only DuckDB connection per database path, a new cursor per call (Streamlit runs
  sessions in threads). DuckDB hands back the already-open database for a path in the same
  process, so when the loader has replaced the file (os.replace) the runner waits for running
  queries to finish, closes the old connection and only then reconnects.
- A query whose header comment says PUPIL-LEVEL returns children's rows: `run` refuses it unless
  called with the key that only `queries/pupil.py` holds (it claims it once, at import), so the
  role check and the audit record there cannot be skipped by a new page or module.
- Results are cached in a bounded LRU keyed by (path, data version, query, parameters, template);
  a new data version means new keys, so stale results are never served. The views pages open
  on (the latest month, no filter) are remembered and worked out again after each publish
  and at start-up (queries/warm.py), so the first visitor finds them cached.

This module never imports streamlit: it is shared by the pages, the tests and the benchmark.
"""

from __future__ import annotations

import os
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import duckdb
import pandas as pd

from core.paths import resolve_db_path

QUERY_DIR = Path(__file__).resolve().parent
FRAGMENT_DIR = QUERY_DIR / "fragments"

# Bounds of the result cache: entries, and the largest result worth keeping (a pupil-level
# export of a national cohort must not sit in memory for every session).
CACHE_MAX_ENTRIES = 256
CACHE_MAX_ROWS = 50_000

_QUERY_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
_PARAMETER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
# Placeholders filled from fragments/<name>.sql rather than from `template`: the shared filter
# (bracketed, so that it ANDs safely with a query's own conditions), the shared select-list
# of flag counts and of one child's flag columns (lists of columns, so not bracketed) and
# Today's worklist tiers (CTEs).
_FRAGMENTS = ("cohort_filter", "flag_counts", "worklist", "child_flags", "episode_rules")
_BRACKETED_FRAGMENTS = ("cohort_filter",)


class DatabaseMissing(FileNotFoundError):
    """The database file does not exist (no extract loaded yet, or a wrong OOS_DB path)."""


class PupilLevelRefused(PermissionError):
    """A pupil-level query was asked for other than through queries/pupil.py."""


# --- the pupil-level mark ------------------------------------------------------------------

PUPIL_MARK = "PUPIL-LEVEL"
_pupil_key: object | None = None
_pupil_key_lock = threading.Lock()


def claim_pupil_key() -> object:
    """The key that lets `run` execute PUPIL-LEVEL queries. Handed out once: queries/pupil.py
    claims it at import, and any later claim fails loudly."""
    global _pupil_key
    with _pupil_key_lock:
        if _pupil_key is not None:
            raise RuntimeError("the pupil-level key is held by queries/pupil.py alone")
        _pupil_key = object()
        return _pupil_key


def header_comment(name: str) -> str:
    """The comment lines at the top of a query file (its header)."""
    _query_text(name)  # validates the name and that the file exists
    lines = []
    for line in (QUERY_DIR / f"{name}.sql").read_text(encoding="utf-8").splitlines():
        if not line.lstrip().startswith("--"):
            break
        lines.append(line)
    return "\n".join(lines)


@cache
def is_pupil_level(name: str) -> bool:
    """True when the query's header marks it PUPIL-LEVEL (it returns children's rows)."""
    return PUPIL_MARK in header_comment(name)


# --- template allow-lists ------------------------------------------------------------------

_allowed: dict[str, frozenset[str]] = {}
_allowed_lock = threading.Lock()


def allow_template_values(slot: str, values: Iterable[str]) -> None:
    """Allow `values` (SQL identifiers or expressions built from code) for `{{slot}}`."""
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", slot) or slot in _FRAGMENTS:
        raise ValueError(f"bad template slot name {slot!r}")
    with _allowed_lock:
        _allowed[slot] = _allowed.get(slot, frozenset()) | frozenset(values)


def _check_template(slot: str, value) -> str:
    if not isinstance(value, str) or value not in _allowed.get(slot, frozenset()):
        raise ValueError(f"{value!r} is not an allowed value for template slot {slot!r}")
    return value


# --- SQL text ------------------------------------------------------------------------------


@cache
def _sql_file(path: Path) -> str:
    """A SQL file's text without its comments (so a placeholder or `$name` mentioned in a
    header comment is never filled or bound). Read once per process."""
    return _strip(path.read_text(encoding="utf-8"), keep_text=True)


def _query_text(name: str) -> str:
    if not isinstance(name, str) or not _QUERY_NAME.match(name):
        raise ValueError(f"bad query name {name!r}: use the stem of a file in queries/")
    path = QUERY_DIR / f"{name}.sql"
    if not path.is_file():
        raise ValueError(f"unknown query {name!r}: no file queries/{name}.sql")
    return _sql_file(path)


def _strip(sql: str, *, keep_text: bool) -> str:
    """`sql` without comments; quoted text kept (keep_text) or blanked (to find `$name`s)."""
    out, i, n = [], 0, len(sql)
    while i < n:
        ch = sql[i]
        if sql.startswith("--", i):
            end = sql.find("\n", i)
            i = n if end == -1 else end
        elif sql.startswith("/*", i):
            end = sql.find("*/", i + 2)
            i = n if end == -1 else end + 2
        elif ch in ("'", '"'):
            end = i + 1
            while end < n:
                if sql.startswith(ch * 2, end):
                    end += 2  # a doubled quote inside the text
                elif sql[end] == ch:
                    break
                else:
                    end += 1
            out.append(sql[i : end + 1] if keep_text else " ")
            i = end + 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def render(name: str, template: dict | None = None, unset: frozenset[str] = frozenset()) -> str:
    """The SQL of query `name` with the shared fragments and allow-listed template values in.

    `unset`: parameters that are NULL in this call; a fragment's optional conditions on them
    (`_optional_condition`) are left out, as they hold for every row."""
    template = dict(template or {})
    for slot, value in template.items():
        if slot in _FRAGMENTS:
            raise ValueError(f"{slot!r} is a shared fragment, not a template slot")
        _check_template(slot, value)
    return _render(name, tuple(sorted(template.items())), frozenset(unset))


# A fragment's line `AND ($name IS NULL OR ...)`: a condition that holds for every row when
# $name is NULL (the shared filter's "no restriction"). DuckDB plans and binds every one of
# the filter's sixteen conditions on each call, which cost a filtered count most of its time
# (7 ms against 2 ms with only the conditions set, on the demo data); a condition that always
# holds can be left out of the text without changing any result. Only the shape of the
# filter (which conditions are set) changes the SQL text: values are still bound parameters.
_OPTIONAL = re.compile(r"^\s*AND \(\$([A-Za-z_][A-Za-z0-9_]*) IS NULL OR (.*)\)\s*$")


def _optional_condition(line: str) -> str | None:
    """The parameter guarding `line` when it is a whole optional condition, else None."""
    match = _OPTIONAL.match(line)
    if match is None:
        return None
    depth = 0
    for ch in match.group(2):  # the condition's own brackets must balance (a whole condition)
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            return None
    return match.group(1) if depth == 0 else None


@cache
def optional_parameters() -> frozenset[str]:
    """Parameters guarding an optional condition in any shared fragment."""
    found = set()
    for path in FRAGMENT_DIR.glob("*.sql"):
        for line in _sql_file(path).splitlines():
            name = _optional_condition(line)
            if name is not None:
                found.add(name)
    return frozenset(found)


def _fragment_text(slot: str, unset: frozenset[str]) -> str:
    text = _sql_file(FRAGMENT_DIR / f"{slot}.sql").strip()
    if not unset:
        return text
    return "\n".join(line for line in text.splitlines() if _optional_condition(line) not in unset)


# Rendering is pure (a query file and allow-listed values), and only successful renders are
# cached, so memoising it keeps the per-call cost of the layer in microseconds.
@lru_cache(maxsize=1024)
def _render(
    name: str, template_items: tuple[tuple[str, str], ...], unset: frozenset[str] = frozenset()
) -> str:
    template = dict(template_items)
    used: set[str] = set()

    def fill(match: re.Match) -> str:
        slot = match.group(1)
        if slot in _FRAGMENTS:
            # a fragment may use another (the worklist uses the cohort filter)
            text = _PLACEHOLDER.sub(fill, _fragment_text(slot, unset))
            return f"({text})" if slot in _BRACKETED_FRAGMENTS else text
        if slot not in template:
            raise ValueError(f"query {name!r} needs template slot {slot!r}")
        used.add(slot)
        return template[slot]

    rendered = _PLACEHOLDER.sub(fill, _query_text(name))
    unused = set(template) - used
    if unused:
        raise ValueError(f"query {name!r} has no template slot(s) {sorted(unused)}")
    return rendered


@lru_cache(maxsize=1024)
def _parameter_names(sql: str) -> frozenset[str]:
    return frozenset(_PARAMETER.findall(_strip(sql, keep_text=False)))


def _bindable(value):
    # DuckDB binds a Python list as a LIST; tuples (used so filters stay hashable) become lists.
    if isinstance(value, tuple):
        return [_bindable(v) for v in value]
    return value


def bound_parameters(sql: str, params: dict | None) -> dict:
    """The parameters `sql` names, taken from `params`; ValueError if one is missing.

    DuckDB refuses parameters a statement does not use, and the shared filter offers all of
    its parameters to every query, so the unused ones are dropped here.
    """
    params = params or {}
    wanted = _parameter_names(sql)
    missing = wanted - set(params)
    if missing:
        raise ValueError(f"missing query parameter(s): {sorted(missing)}")
    return {key: _bindable(params[key]) for key in sorted(wanted)}


def unset_parameters(params: dict | None) -> frozenset[str]:
    """The fragments' optional-condition parameters given as NULL in `params` (a parameter
    not given at all is not unset: the query then asks for it, and says it is missing)."""
    params = params or {}
    return frozenset(n for n in optional_parameters() if n in params and params[n] is None)


def prepare(name: str, params: dict | None = None, template: dict | None = None):
    """(sql, bound parameters) exactly as `run` would execute them (used by the benchmark)."""
    sql = render(name, template, unset_parameters(params))
    return sql, bound_parameters(sql, params)


# --- database file and connections ---------------------------------------------------------


def _db_path(db) -> Path:
    return Path(os.path.abspath(resolve_db_path(db)))


def _missing(path: Path) -> DatabaseMissing:
    return DatabaseMissing(
        f"No database at {path}. Load an extract (python -m data.load cohort FILE --period "
        "YYYY-MM), start the dashboard to build the demo database, or point OOS_DB at a file."
    )


def _stat_version(path: Path) -> tuple[int, int, int]:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise _missing(path) from None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def database_path(db=None) -> Path:
    """The absolute path of the database `db` names (the same rule as every query)."""
    return _db_path(db)


def data_version(db=None) -> tuple[int, int, int]:
    """(inode, mtime_ns, size) of the database file: a publish changes it."""
    return _stat_version(_db_path(db))


@dataclass
class _Handle:
    connection: duckdb.DuckDBPyConnection
    version: tuple[int, int, int]
    users: int = 0
    retired: bool = False


_handles: dict[str, _Handle] = {}
# One condition guards the handles: a reconnect waits until the old connection is idle,
# because a new connect() to the path would return the OLD database while it stays open.
_handles_changed = threading.Condition(threading.RLock())


def _open(path: Path) -> _Handle:
    while True:
        before = _stat_version(path)
        try:
            connection = duckdb.connect(str(path), read_only=True)
        except duckdb.Error:
            if not path.exists():
                raise _missing(path) from None
            raise
        # If the file was replaced between stat and connect we cannot tell which version
        # we opened: try again rather than label new data with the old version.
        if _stat_version(path) == before:
            return _Handle(connection, before)
        connection.close()


def _acquire(path: Path) -> _Handle:
    key = str(path)
    with _handles_changed:
        while True:
            version = _stat_version(path)
            handle = _handles.get(key)
            if handle is not None and handle.version == version and not handle.retired:
                handle.users += 1
                return handle
            if handle is not None:
                handle.retired = True  # no new queries on the old file
                if handle.users:
                    _handles_changed.wait(timeout=1.0)
                    continue
                handle.connection.close()
                del _handles[key]
            handle = _open(path)
            _handles[key] = handle


def _release(path: Path, handle: _Handle) -> None:
    with _handles_changed:
        handle.users -= 1
        if handle.retired and handle.users == 0:
            if _handles.get(str(path)) is handle:
                del _handles[str(path)]
            handle.connection.close()
        _handles_changed.notify_all()


def close_all() -> None:
    """Close every connection once idle (tests, shutdown); the next run reconnects."""
    with _handles_changed:
        for key, handle in list(_handles.items()):
            handle.retired = True
            if handle.users == 0:
                handle.connection.close()
                del _handles[key]


# --- result cache --------------------------------------------------------------------------

_cache: OrderedDict[tuple, pd.DataFrame] = OrderedDict()
_cache_lock = threading.Lock()
_cache_stats = {"hits": 0, "misses": 0}


def _freeze(value):
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(v) for v in value)
    return value


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()
        _cache_stats.update(hits=0, misses=0)


def cache_info() -> dict:
    with _cache_lock:
        return {**_cache_stats, "entries": len(_cache), "max_entries": CACHE_MAX_ENTRIES}


def _copy(frame: pd.DataFrame) -> pd.DataFrame:
    # Callers get their own frame, so one page adding a column cannot change the cached result
    # (pandas copy-on-write makes the shallow copy safe and cheap).
    return frame.copy(deep=False)


# --- running -------------------------------------------------------------------------------


def run(
    name: str,
    params: dict | None = None,
    *,
    db=None,
    template: dict | None = None,
    cache: bool = True,
    pupil_key: object | None = None,
) -> pd.DataFrame:
    """Run query `name` and return its result as a DataFrame (cached unless cache=False).

    A PUPIL-LEVEL query runs only with queries/pupil.py's key (PupilLevelRefused otherwise)."""
    if is_pupil_level(name) and (pupil_key is None or pupil_key is not _pupil_key):
        raise PupilLevelRefused(
            f"{name} returns pupil-level rows: run it through queries/pupil.py, which checks the "
            "viewer's role and writes the audit record"
        )
    sql, bound = prepare(name, params, template)
    path = _db_path(db)
    version = _stat_version(path)
    key = (str(path), version, name, _freeze(bound), _freeze(template or {}))
    if cache:
        with _cache_lock:
            if key in _cache:
                _cache.move_to_end(key)
                _cache_stats["hits"] += 1
                return _copy(_cache[key])
            _cache_stats["misses"] += 1

    handle = _acquire(path)
    try:
        with _handles_changed:
            cursor = handle.connection.cursor()
        try:
            # materialise (.df()) before the cursor closes: DuckDB results are lazy
            frame = cursor.execute(sql, bound).df()
        finally:
            cursor.close()
    finally:
        _release(path, handle)

    # The key names the version the connection really holds (it may be newer than the one
    # stat'ed before the call if a publish happened in between).
    key = (str(path), handle.version, *key[2:])
    if cache and len(frame) <= CACHE_MAX_ROWS:
        with _cache_lock:
            _cache[key] = frame
            _cache.move_to_end(key)
            while len(_cache) > CACHE_MAX_ENTRIES:
                _cache.popitem(last=False)
        # a view worth working out before the next person asks (queries/warm.py)
        from queries import warm

        # (with the filter's unset parameters, which the SQL run no longer names)
        named = _parameter_names(render(name, template))
        asked = {**dict.fromkeys(unset_parameters(params) & named), **bound}
        if warm.remembered(asked, is_pupil_level(name)):
            warm.record(name, asked, template, str(path), db)
        return _copy(frame)
    return frame
