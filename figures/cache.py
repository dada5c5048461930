"""Figures made once per filter, audience and database version, then handed out again.

A figure is an immutable value (figures/values.py), so one made for (the filter, the audience,
the database's version) can be handed to every page, session and file that asks for the same:
the header, the page and the pack share a frame; a click that changes no filter (a tab, a
download) makes nothing again. The database's version (its inode, modification time and size:
queries/runner.py) is part of the key, so a newly published extract is never answered from
the old one. Bounded: the oldest figures are forgotten first.

Only aggregate figures are cached here: pupil-level rows are read through the choke point on
every call (it audits each view), and the action plan lives in the app store, not the database.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import TypeVar

from figures.protect import resolve
from queries import warm
from queries.runner import data_version

MAX_FIGURES = 512
T = TypeVar("T")


def figure_cache(fn: Callable[..., T]) -> Callable[..., T]:
    """Cache `fn(...)`, which takes `audience` and `db` keywords, by its arguments with the
    audience resolved (None: the run's viewer's) and the database's version."""
    signature = inspect.signature(fn)

    @functools.lru_cache(maxsize=MAX_FIGURES)
    def cached(arguments: tuple, _version: tuple) -> T:
        return fn(**dict(arguments))

    @functools.wraps(fn)
    def wrapper(*args, **kwargs) -> T:
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        if "audience" in signature.parameters:
            bound.arguments["audience"] = resolve(bound.arguments.get("audience"))
        db = bound.arguments.get("db")
        return cached(tuple(bound.arguments.items()), data_version(db))

    wrapper.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
    return wrapper


def warm_views(db_path) -> None:
    """Start working out, in the background, the views pages open on (queries/warm.py), so
    the first visitor after a publish or a restart finds them ready. The frame calls it; the
    screens reach the query layer only through this layer."""
    warm.start(db_path)
