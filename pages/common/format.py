"""Formatting numbers, periods and free text for people.

Counts get thousands separators, percentages one decimal place, periods their month name.
Text that came from an extract is escaped before it reaches Markdown or a plotly label, so a
value such as `<a href=...>` or `**x**` shows as typed and is never rendered as markup.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re

from core.dates import is_missing  # one definition for every layer; pages import it from here

MINUS = "\u2212"  # a real minus sign reads better than a hyphen in figures


def fmt_int(value) -> str:
    """1234 -> '1,234'; missing -> '–'."""
    if is_missing(value):
        return "–"
    return f"{round(float(value)):,}"


def fmt_number(value, decimals: int = 1) -> str:
    """A number with thousands separators, whole numbers without decimals."""
    if is_missing(value):
        return "–"
    value = float(value)
    if math.isclose(value, round(value)):
        return f"{round(value):,}"
    return f"{value:,.{decimals}f}"


def fmt_pct(value) -> str:
    """12.345 (already a percentage) -> '12.3%'."""
    if is_missing(value):
        return "–"
    return f"{float(value):,.1f}%"


def fmt_change(value) -> str:
    """A signed change: +3, −1,204, 0."""
    if is_missing(value):
        return "–"
    text = fmt_number(abs(float(value)))
    if float(value) > 0:
        return f"+{text}"
    if float(value) < 0:
        return f"{MINUS}{text}"
    return "0"


def census_date(period: str) -> dt.date:
    """The last day of the period's month: '2023-06' -> 30 June 2023."""
    year, month = (int(part) for part in period.split("-"))
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def period_label(period: str | None) -> str:
    """'2023-06' -> 'June 2023'."""
    if not period:
        return "–"
    year, month = (int(part) for part in period.split("-"))
    return f"{calendar.month_name[month]} {year}"


def fmt_date(value) -> str:
    """A date as '30 June 2023'."""
    if is_missing(value):
        return "–"
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return f"{value.day} {calendar.month_name[value.month]} {value.year}"


def fmt_datetime(value) -> str:
    """A timestamp as '27 November 2025 at 14:02'."""
    if is_missing(value):
        return "–"
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return f"{fmt_date(value)} at {value:%H:%M}"


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


# GFM turns bare web and e-mail addresses into links AFTER backslash escapes are read (checked
# in chromium on Streamlit 1.67: `www\.x\.org` and `http\://x` still became links), so a word
# joiner (U+2060, invisible, no width) is put where those patterns need two characters side
# by side: `http:` + `//`, `www` + `.`, and before `@`.
WORD_JOINER = "\u2060"
_AUTOLINK_SEAMS = re.compile(r"(?i)(?<=:)(?=//)|(?<=\bwww)(?=\\?\.)|(?<!\\)(?=\\?@)")


def _break_autolinks(text: str) -> str:
    return _AUTOLINK_SEAMS.sub(WORD_JOINER, text)


def escape_md(text) -> str:
    """Escape Markdown so extract text shows literally in st.markdown / captions / labels."""
    return _break_autolinks(_MARKDOWN_SPECIAL.sub(r"\\\1", str(text)))


# Characters that can begin Markdown, HTML or a Streamlit directive anywhere in a line: emphasis,
# code, links and images, raw HTML and entities, tables, strikethrough, LaTeX, escapes.
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>!|~$&#{}@])")
# ':' and '.' only where they make a link or an icon: 'http://', ':material/x:', 'www.x.org'
_LINKING_PUNCTUATION = re.compile(r"([:.])(?=[A-Za-z/])")


def escape_text(text) -> str:
    """Plain text on one line, for a Markdown heading or label: nothing in it becomes markup.

    Narrower than `escape_md`: it escapes only what can start markup, an autolink or a
    Streamlit icon, so ordinary punctuation stays as typed in the source ('Medway (66.7%)').
    A team or council name holding `![x](http://...)`, `<img src=...>` or `www.site.org` shows
    exactly as typed and makes the browser fetch nothing. Line breaks become spaces (a new
    line could start a list, a heading or a table).
    """
    one_line = " ".join(str(text).split())
    escaped = _LINKING_PUNCTUATION.sub(r"\\\1", _INLINE_SPECIAL.sub(r"\\\1", one_line))
    return _break_autolinks(escaped)


def escape_plotly(text) -> str:
    """Escape plotly's pseudo-HTML (<b>, <a href>, <br>) in a label taken from the data."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
