"""CSV and Excel downloads that are safe to open in a spreadsheet.

Text from an extract could begin with `=`, `+`, `-` or `@`, which Excel would run as a formula
("CSV injection"); such text gets a leading apostrophe, the usual guard, so it shows as typed.
Numbers are left alone. CSV is UTF-8 with a byte-order mark so Excel reads accents correctly.
"""

from __future__ import annotations

import io

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _guard(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def neutralise_formulas(table: pd.DataFrame) -> pd.DataFrame:
    """A copy of `table` with formula-like text cells prefixed by an apostrophe."""
    out = table.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(_guard)
    out.columns = [_guard(str(c)) for c in out.columns]
    return out


def csv_bytes(table: pd.DataFrame) -> bytes:
    """The table as CSV (UTF-8 with BOM), formula-like text neutralised."""
    return neutralise_formulas(table).to_csv(index=False).encode("utf-8-sig")


def excel_bytes(table: pd.DataFrame, sheet: str = "Cohort") -> bytes:
    """The table as an .xlsx workbook (openpyxl); every text cell stored as text, not formula."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    safe = neutralise_formulas(table)
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet[:31]
    worksheet.append([str(c) for c in safe.columns])
    for row in safe.itertuples(index=False):
        worksheet.append([None if _missing(v) else _plain(v) for v in row])
    for cell in worksheet[1]:
        cell.font = Font(bold=True)
    for i, column in enumerate(safe.columns, start=1):
        worksheet.column_dimensions[get_column_letter(i)].width = max(10, len(str(column)) + 2)
    worksheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _missing(value) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _plain(value):
    """numpy/pandas scalars to plain Python values openpyxl understands."""
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item"):
        return value.item()
    return value
