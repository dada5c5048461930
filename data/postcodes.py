"""Postcode prefixes to districts: how a SEN2 return's postcodes become the cohort's district.

    prefix,district[,note]      (CSV, UTF-8; one prefix a line; other columns ignored)

A prefix is a postcode area (`CT`), district (`CT1`), sector (`CT1 1`, with its space) or a
whole postcode (`CT1 1AA`); the longest prefix that a child's postcode starts with wins, on the
postcode's own boundaries (`CT1` never matches `CT10 1AA`). A postcode matching no prefix is
`Out of county`; a blank one is Not recorded. A district is one of Kent's twelve or
`Out of county`, written as the extract contract accepts it (`Shepway`, `&` for `and`).

The starter lookup, config/kent_postcode_districts.csv, gives each Kent postcode district (the
outward code) the local authority district holding most of its addresses, Medway's as
`Out of county`. It is APPROXIMATE: outward codes straddle district boundaries (its `note`
column names the known cases), and a council should replace it with its own (README, "From the
SEN2 return and the SSD"). A file that cannot be used is refused with the line and the problem;
a prefix is configuration, not a child's data, so messages may quote it.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from core import vocab
from core.paths import PROJECT_ROOT
from data import lookups
from data.extract_reader import ExtractRefused

STARTER_LOOKUP = PROJECT_ROOT / "config" / "kent_postcode_districts.csv"

_OUTWARD = r"[A-Z]{1,2}[0-9][A-Z0-9]?"
# The forms a prefix may take once upper-cased with its spaces collapsed.
_PREFIX_FORMS = re.compile(
    rf"[A-Z]{{1,2}}|{_OUTWARD}|{_OUTWARD} [0-9]|{_OUTWARD} [0-9][A-Z]{{2}}", re.ASCII
)
_WHOLE_NO_SPACE = re.compile(rf"({_OUTWARD})([0-9][A-Z]{{2}})", re.ASCII)


@dataclass(frozen=True)
class PostcodeLookup:
    """The lookup as read: (prefix, district) pairs with both normalised."""

    path: Path
    pairs: tuple[tuple[str, str], ...]

    @property
    def starter(self) -> bool:
        return self.path.resolve() == STARTER_LOOKUP.resolve()

    def describe(self) -> str:
        if self.starter:
            return (
                f"districts from the starter lookup {self.path.name} (APPROXIMATE: outward "
                "codes straddle district boundaries; replace it with your own, see the README)"
            )
        return f"districts from the postcode lookup {self.path.name} ({len(self.pairs):,} prefixes)"


def normalise_prefix(text: str) -> str | None:
    """`ct1  1aa` -> `CT1 1AA`, `CT11AA` -> `CT1 1AA`; None when it is no prefix form."""
    value = " ".join(text.upper().split())
    whole = _WHOLE_NO_SPACE.fullmatch(value)
    if whole:
        value = f"{whole.group(1)} {whole.group(2)}"
    return value if _PREFIX_FORMS.fullmatch(value) else None


def _district_names() -> dict[str, str]:
    """Accepted spellings (lookups.key) of each district and Out of county -> the name."""
    names = {lookups.key(n.replace("&", " and ")): n for n in vocab.DISTRICT_VALUES}
    names.update({lookups.key(alias): name for alias, name in vocab.DISTRICT_ALIASES.items()})
    return names


def _refuse(path: Path, problem: str) -> ExtractRefused:
    return ExtractRefused(
        f"The postcode lookup '{path.name}' was not used: {problem} Correct it (README, "
        "'From the SEN2 return and the SSD') and load again. Nothing in the database was "
        "changed."
    )


def read_lookup(path: str | Path | None = None) -> PostcodeLookup:
    """Read and check a lookup file (the starter one by default)."""
    path = Path(path) if path is not None else STARTER_LOOKUP
    if not path.is_file():
        raise _refuse(path, "the file does not exist (or is a folder).")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise _refuse(path, "it is not UTF-8 text.") from None
    rows = list(csv.reader(text.splitlines()))
    if not rows:
        raise _refuse(path, "it is empty.")
    header = [cell.strip().lower() for cell in rows[0]]
    if "prefix" not in header or "district" not in header:
        raise _refuse(path, "its first line must name the columns prefix and district.")
    at_prefix, at_district = header.index("prefix"), header.index("district")
    names = _district_names()
    seen: dict[str, str] = {}
    for line, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        raw_prefix = cells[at_prefix] if at_prefix < len(cells) else ""
        raw_district = cells[at_district] if at_district < len(cells) else ""
        prefix = normalise_prefix(raw_prefix)
        if prefix is None:
            raise _refuse(
                path,
                f"line {line}: '{raw_prefix.strip()}' is not a postcode area, district, sector "
                "or postcode (for example CT, CT1, CT1 1 or CT1 1AA).",
            )
        district = names.get(lookups.key(raw_district.replace("&", " and ")))
        if district is None:
            raise _refuse(
                path,
                f"line {line}: '{raw_district.strip()}' is not one of Kent's twelve districts "
                "or Out of county.",
            )
        if seen.get(prefix, district) != district:
            raise _refuse(
                path, f"line {line}: the prefix {prefix} is given two districts ({seen[prefix]} "
                f"and {district})."
            )  # fmt: skip
        seen[prefix] = district
    if not seen:
        raise _refuse(path, "it holds no prefixes.")
    return PostcodeLookup(path, tuple(sorted(seen.items())))


__all__ = ["PostcodeLookup", "STARTER_LOOKUP", "normalise_prefix", "read_lookup"]
