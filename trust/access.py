"""Which pages each role reaches: one rule, applied by the frame to every page it knows.

Each page has a kind. Pages not named in PAGE_KINDS are treated as pupil-level (deny by default),
so a new page is shown to safeguarding leads and QA officers only until someone says otherwise.
"""

from __future__ import annotations

from pathlib import Path

from trust.roles import AGGREGATE, AUDIT, CASEWORK, EXACT, HELP, PUPIL, facts

__all__ = ["AGGREGATE", "AUDIT", "CASEWORK", "EXACT", "HELP", "PUPIL"]

# page script (as given to st.Page) -> kind
PAGE_KINDS = {
    "pages/overview.py": AGGREGATE,
    "pages/breakdowns.py": AGGREGATE,
    "pages/crosstab.py": AGGREGATE,
    "pages/trends.py": AGGREGATE,
    "pages/map.py": AGGREGATE,
    "pages/service.py": AGGREGATE,
    "pages/data_quality.py": AGGREGATE,  # its raw quarantine rows are pupil-level, gated inside
    "pages/england.py": AGGREGATE,  # published national and council statistics
    # Rates and time to return hide small counts, and what is worked out from them, when
    # figures are as published (always for senior leaders): figures/protect.py
    "pages/rates.py": AGGREGATE,
    "pages/time_to_return.py": AGGREGATE,
    # The action plan can name a child (a measure "A child (ID)"): pupil-level.
    "pages/action_plan.py": PUPIL,
    "pages/today.py": CASEWORK,
    "pages/priority.py": CASEWORK,
    "pages/explorer.py": CASEWORK,
    "pages/chronology.py": CASEWORK,
    "pages/audit.py": AUDIT,
    "pages/glossary.py": HELP,
    "pages/accessibility.py": HELP,
}


def page_kind(script: str) -> str:
    return PAGE_KINDS.get(str(script).replace("\\", "/"), PUPIL)


def may_open(role: str | None, script: str) -> bool:
    return page_kind(script) in facts(role).page_kinds


def script_of(page) -> str:
    """The script of an `st.Page` as 'pages/x.py' (relative to the project), or '' for a page
    that is a function (the gate's own pages)."""
    from core.paths import PROJECT_ROOT

    target = getattr(page, "_page", None)  # st.Page keeps its script path here
    if target is None or callable(target):
        return ""
    try:
        return Path(target).resolve().relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return str(target)


def allowed_pages(pages: dict, role: str | None) -> dict:
    """The navigation's sections with only the pages `role` may open; empty sections dropped."""
    out = {}
    for section, items in pages.items():
        kept = [p for p in items if may_open(role, script_of(p))]
        if kept:
            out[section] = kept
    return out
