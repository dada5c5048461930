"""What the database holds, read once per version: periods, teams, when each period was loaded.

The frame needs these before any page runs (the period picker, the team filter, "data loaded
..." in the header). Cached per database file and version, so a newly published extract is
read afresh and nothing stale is served.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from queries.aggregates import dataset_info, filter_options, list_periods, load_history
from queries.runner import data_version


@dataclass(frozen=True)
class DataStatus:
    """The database as the frame sees it."""

    path: Path
    synthetic: bool = False
    periods: tuple[str, ...] = ()
    sen_teams: tuple[str, ...] = ()
    loaded_at: tuple[tuple[str, object], ...] = field(default=())  # period -> loaded at
    info: tuple[tuple[str, object], ...] = field(default=())

    def loaded(self, period: str | None):
        return dict(self.loaded_at).get(period)

    @property
    def source(self) -> str:
        return source_words(self.synthetic)


def source_words(synthetic: bool) -> str:
    return "Synthetic demonstration data" if synthetic else "Case-management system extract"


def status(path: Path) -> DataStatus:
    """What the frame needs on every run; read again only when the database changes."""
    resolved = str(Path(path).resolve())
    return _status(resolved, data_version(resolved))


@lru_cache(maxsize=8)
def _status(path: str, _version: tuple) -> DataStatus:
    info = dataset_info(path) or {}
    history = load_history(path)
    cohort_loads = history[history["kind"] == "cohort"]
    # Newest first, so the first load seen for a period is the one in use.
    loaded_at: dict = {}
    for period, when in zip(cohort_loads["period"], cohort_loads["loaded_at"], strict=True):
        loaded_at.setdefault(period, when)
    return DataStatus(
        Path(path),
        synthetic=bool(info.get("synthetic")),
        periods=tuple(list_periods(path)),
        sen_teams=tuple(filter_options(path).get("sen_team", [])),
        loaded_at=tuple(loaded_at.items()),
        info=tuple((k, v if not isinstance(v, list) else tuple(v)) for k, v in info.items()),
    )
