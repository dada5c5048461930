"""Text for the screens' Markdown: escaped once, here, so free text shows as typed.

Figures come from figures/ as plain text; a page puts them into Markdown (titles, captions,
"About this figure", notices) only through these helpers, so a value such as `<a href=...>`
or `**x**` from an extract or a link is never rendered as markup, and a bare address never
becomes a link. Plotly labels are escaped by figures.format.escape_plotly.
"""

from __future__ import annotations

import re

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
