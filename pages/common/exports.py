"""CSV and Excel downloads that say what they hold and are safe to open in a spreadsheet.

What a file holds (`ExportInfo`): its title, the period and census date, the filters, the
order of the rows, the source, when it was made, "SYNTHETIC" when the data are made up, and
the security marking for pupil-level files. `export_info()` reads all of it from the frame's
context and the one description of the filters (state.py) at the moment the button is drawn.

- CSV: the description is a commented header: lines beginning with `# ` before the column
  row, then the table (documented in the README). A spreadsheet shows them as the first rows;
  a program skips them (pandas: `pd.read_csv(f, skiprows=info_lines(f))`, or count the
  leading '# ' lines). UTF-8 with a byte-order mark so Excel reads accents correctly.
- Excel: the first sheet opens with what the file is (the marking, when it has one, then the
  title, period, census date and filters) above the table (dates as dates, widths fitted to
  the contents, an autofilter, everything down to the column headings frozen); the whole
  description on a second sheet "About this file". A marked file carries its marking in
  every sheet's printed header and footer as well, so no sheet leaves the file unmarked
  (`pd.read_excel(f, skiprows=banner_rows(info))` reads the table).

Text from an extract could begin with `=`, `+`, `-` or `@`, which a spreadsheet would run as a
formula ("CSV injection"); such text gets a leading apostrophe, the usual guard, so it shows
as typed. Numbers are left alone. A line break inside a cell starts a line too: a reader that
ends rows at a lone carriage return would see what follows it as a new row's first cell. So
every line break in a text cell becomes one line feed (which makes the CSV quote the cell) and
each line after it is guarded as the cell's start is. Control characters an Excel cell cannot
hold (openpyxl refuses them) are shown as the replacement character U+FFFD in the workbook.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field

import pandas as pd

PUBLISHED_WORDS = "as published: small numbers protected (see About this figure)"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
COMMENT = "# "
MAX_WIDTH = 60  # characters: wider columns wrap in Excel rather than run off the screen
DATE_FORMAT = "d mmm yyyy"


@dataclass(frozen=True)
class ExportInfo:
    """What a downloaded file holds, written into it."""

    title: str
    period: str = ""  # "October 2026"
    census: str = ""  # "31 October 2026"
    filters: tuple[str, ...] = ()
    order: str = ""  # "Sorted by days out, largest first"
    source: str = ""
    synthetic: bool = False
    marking: str = ""  # "OFFICIAL-SENSITIVE" for pupil-level files
    published: bool = False  # figures as published: small numbers protected
    made: dt.datetime = field(default_factory=lambda: dt.datetime.now().astimezone())

    def lines(self) -> list[tuple[str, str]]:
        """(label, value) pairs, in the order a reader wants them."""
        rows = [("Title", self.title)]
        if self.synthetic:
            rows.append(("SYNTHETIC", "Synthetic demonstration data: these children are made up"))
        if self.marking:
            rows.append(("Marking", self.marking))
        if self.period:
            rows.append(("Period", self.period))
        if self.census:
            rows.append(("Census date", self.census))
        rows.append(("Filters", "; ".join(self.filters) if self.filters else "none"))
        if self.published:
            rows.append(("Figures", PUBLISHED_WORDS))
        if self.order:
            rows.append(("Order", self.order))
        if self.source:
            rows.append(("Source", self.source))
        rows.append(("Made", self.made.strftime("%d %B %Y at %H:%M %Z").strip()))
        return rows


def export_info(
    title: str, *, order: str = "", pupil_level: bool = False, published: bool = False
) -> ExportInfo:
    """The ExportInfo of the view on screen (call while the page is drawn, not in a callback)."""
    from figures.format import fmt_date
    from pages.common.page import filter_summary, frame_context

    ctx = frame_context()
    return ExportInfo(
        title=title,
        period=ctx.period_name if ctx.period else "",
        census=fmt_date(ctx.census) if ctx.period else "",
        filters=tuple(filter_summary()) if ctx.filter is not None else (),
        order=order,
        source=ctx.source,
        synthetic=bool(ctx.info.get("synthetic")),
        marking="OFFICIAL-SENSITIVE: personal data, handle under the council's data-protection "
        "rules"
        if pupil_level
        else "",
        published=published,
    )


# a line break of any kind (CRLF, CR, LF) and what starts the line after it
_LINE_BREAK = re.compile(r"\r\n?|\n")
_FORMULA_AFTER_BREAK = re.compile("\n(?=[" + re.escape("".join(FORMULA_START)) + "])")
# what an XLSX cell cannot hold: control characters other than tab, line feed and return
_NOT_IN_EXCEL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _guard(value):
    if not isinstance(value, str):
        return value
    if "\r" in value or "\n" in value:
        value = _FORMULA_AFTER_BREAK.sub("\n'", _LINE_BREAK.sub("\n", value))
    if value.startswith(FORMULA_START):
        return "'" + value
    return value


def _excel_text(value):
    """Text an XLSX cell can hold: control characters shown as U+FFFD."""
    if isinstance(value, str) and _NOT_IN_EXCEL.search(value):
        return _NOT_IN_EXCEL.sub("\ufffd", value)
    return value


def neutralise_formulas(table: pd.DataFrame) -> pd.DataFrame:
    """A copy of `table` with formula-like text cells prefixed by an apostrophe."""
    out = table.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(_guard)
    out.columns = [_guard(str(c)) for c in out.columns]
    return out


def _comment(text: str) -> str:
    # one line each: a newline in a value would end the comment early
    return COMMENT + " ".join(str(text).split())


def csv_bytes(table: pd.DataFrame, info: ExportInfo | None = None) -> bytes:
    """The table as CSV (UTF-8 with BOM), formula-like text neutralised, with `info` as a
    commented header when given."""
    body = neutralise_formulas(table).to_csv(index=False)
    if info is not None:
        header = "\n".join(_comment(f"{label}: {value}") for label, value in info.lines())
        body = header + "\n" + body
    return body.encode("utf-8-sig")


def info_lines(text: str) -> int:
    """How many commented header lines a CSV made here starts with."""
    count = 0
    for line in text.lstrip("\ufeff").splitlines():
        if not line.startswith(COMMENT):
            break
        count += 1
    return count


def excel_bytes(
    table: pd.DataFrame, sheet: str = "Cohort", info: ExportInfo | None = None
) -> bytes:
    """The table as an .xlsx workbook (openpyxl): text stored as text (never a formula), dates
    as dates, columns as wide as their contents, an autofilter, the header frozen; `info` on a
    second sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    safe = neutralise_formulas(table)
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet[:31]
    banner = _banner(info)
    for line in banner:
        worksheet.append([_excel_text(_guard(line)) if line else None])
    for i in range(1, len(banner)):  # every line of it in bold (the last is blank)
        worksheet.cell(row=i, column=1).font = Font(bold=True)
    head = len(banner) + 1  # the row of the column headings
    worksheet.append([_excel_text(str(c)) for c in safe.columns])
    for row in safe.itertuples(index=False):
        worksheet.append([None if _missing(v) else _excel_text(_plain(v)) for v in row])
    for cell in worksheet[head]:
        cell.font = Font(bold=True)
    for i, column in enumerate(safe.columns, start=1):
        letter = get_column_letter(i)
        values = safe[column]
        is_date = _is_date_column(values)
        if is_date:
            for cell in worksheet[letter][head:]:
                cell.number_format = DATE_FORMAT
        longest = max(
            [len(str(column))] + [11 if is_date else len(str(v)) for v in values.head(2000)]
        )
        worksheet.column_dimensions[letter].width = min(MAX_WIDTH, max(8, longest + 2))
        if longest > MAX_WIDTH:
            for cell in worksheet[letter][head:]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    worksheet.freeze_panes = f"A{head + 1}"
    if len(safe.columns):
        last = get_column_letter(len(safe.columns))
        worksheet.auto_filter.ref = f"A{head}:{last}{max(head, head + len(safe))}"
    if info is not None:
        about = workbook.create_sheet("About this file")
        for label, value in info.lines():
            about.append([label, _excel_text(_guard(str(value)))])
        for cell in about["A"]:
            cell.font = Font(bold=True)
        about.column_dimensions["A"].width = 14
        about.column_dimensions["B"].width = 100
    if info is not None and info.marking:
        for each in workbook.worksheets:  # printed on every page of every sheet
            _mark(each, info.marking)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _banner(info: ExportInfo | None) -> list[str]:
    """The lines above the first sheet's table, the last one blank: the marking (when the file
    has one), the title, then period, census date and filters. None without `info`."""
    if info is None:
        return []
    lines = [info.marking] if info.marking else []
    lines.append(info.title + (" (SYNTHETIC: made-up children)" if info.synthetic else ""))
    when = [f"Period: {info.period}"] if info.period else []
    if info.census:
        when.append(f"Census date: {info.census}")
    when.append("Filters: " + ("; ".join(info.filters) if info.filters else "none"))
    lines += [" · ".join(when), "More about this file on the sheet 'About this file'.", ""]
    return lines


def banner_rows(info: ExportInfo | None) -> int:
    """How many rows come before the first sheet's column headings."""
    return len(_banner(info))


def _mark(worksheet, marking: str) -> None:
    """The marking in the sheet's printed header and footer (every page, first included)."""
    text = marking.replace("&", "&&")  # '&' starts a header code in Excel
    for part in (worksheet.oddHeader, worksheet.oddFooter):
        part.center.text = text
        part.center.font = "Arial,Bold"
        part.center.size = 9


def _is_date_column(values: pd.Series) -> bool:
    if pd.api.types.is_datetime64_any_dtype(values):
        return True
    present = values.dropna()
    return not present.empty and all(
        isinstance(v, dt.date | pd.Timestamp) for v in present.head(50)
    )


def _missing(value) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _plain(value):
    """numpy/pandas scalars to plain Python values openpyxl understands; midnight timestamps
    (dates stored as timestamps) to dates, so no "00:00:00" shows."""
    if isinstance(value, pd.Timestamp | dt.datetime):
        stamp = pd.Timestamp(value)
        if stamp.tzinfo is not None:
            stamp = stamp.tz_localize(None)
        if stamp == stamp.normalize():
            return stamp.date()
        return stamp.to_pydatetime()
    if hasattr(value, "item"):
        return value.item()
    return value
