"""Records the CSV parser rejected or ran together: what may be kept, and what gives them away.

Two rules, each written once here and described in docs/extract-spec.md:

- **What a rejected record keeps.** A record whose cells do not match the header one for one
  (a comma inside a name, a cell missing) cannot say which of its cells belongs to which
  column: every cell after the fault is shifted, so a forename or a parent's phone number
  would be stored under a contract column's name. Such a record keeps its row number, the
  reason and how many cells it had, no value. Only a record with exactly the header's cells
  keeps its contract columns' text (extra columns' values are never kept).
- **When a value swallowed records.** A quoted field that opens and does not close where it
  should runs on over the lines after it, and each of those lines is a child. A line inside a
  value is taken for a swallowed record when it has the shape of one: as many cells as the
  header, or at least as many cells as reach its last required column (Excel drops empty
  cells at the end of a row, never a required one), with an identifier (the layout's first
  required column: child_id in the contract's extracts) and a date (its first required column
  named for a date: date of birth, event date) where the header puts them. A note with a line
  break has neither.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass

# a date in any common form (the contract's own forms, and others a case system may write)
_DATE = re.compile(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}")


def _cells(text: str) -> list[list[str]]:
    """The records in `text` as Python's CSV reader splits them (quotes honoured)."""
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error:
        return []


@dataclass(frozen=True)
class RecordShape:
    """What a record of one file looks like, from its header."""

    width: int  # cells in the header
    least: int  # cells up to and including the last required column
    id_at: int  # the identifier: the layout's first required column
    dates_at: tuple[int, ...]  # its first required column named for a date, if any

    @classmethod
    def of(cls, names: list[str], required: list[str]) -> RecordShape:
        positions = [names.index(column) for column in required]
        dates = [names.index(column) for column in required if "date" in column]
        return cls(len(names), max(positions) + 1, positions[0], tuple(dates[:1]))

    def is_record(self, line: str) -> bool:
        """Whether one line of text has the shape of a whole record (see the module docstring)."""
        records = _cells(line)
        if len(records) != 1:
            return False
        cells = records[0]
        if len(cells) >= self.width:
            return True
        return (
            len(cells) >= self.least
            and bool(cells[self.id_at].strip())
            and all(_DATE.match(cells[i].strip()) for i in self.dates_at)
        )

    def swallowed(self, value: str) -> int:
        """How many lines after a value's first look like whole records (0: none)."""
        lines = value.split("\n")[1:]
        return sum(1 for line in lines if line.strip() and self.is_record(line))

    def by_position(self, raw: str, names: list[str]) -> dict[str, str]:
        """A rejected record's known columns taken by position, as if no cell were shifted:
        NOT certain (see the module docstring), so never to be stored."""
        records = _cells(raw.rstrip("\r\n"))
        cells = records[0] if len(records) == 1 else []
        return {n: c for n, c in zip(names, cells, strict=False) if not n.startswith("extra_")}

    def contract_cells(self, raw: str, names: list[str]) -> str:
        """A rejected record as JSON: its contract columns' text when its cells match the
        header one for one, else only how many cells it had (see the module docstring)."""
        records = _cells(raw.rstrip("\r\n"))
        if len(records) != 1:
            return json.dumps({})
        cells = records[0]
        if len(cells) != self.width:
            return json.dumps({"cells_in_row": len(cells)})
        kept = {
            name: cell
            for name, cell in zip(names, cells, strict=True)
            if not name.startswith("extra_")
        }
        return json.dumps({**kept, "cells_in_row": len(cells)})


__all__ = ["RecordShape"]
