"""Build the pack: gather the figures, write the HTML, print the PDF. One call for the command
line (briefing/__main__.py) and for the Overview's download buttons."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from briefing.content import DEFAULT_MARKING, collect
from briefing.render import html_to_pdf, to_html
from figures.links import CohortFilter


def marking_from_env() -> str:
    """The protective marking: `OOS_MARKING`, else OFFICIAL-SENSITIVE."""
    return os.environ.get("OOS_MARKING", "").strip() or DEFAULT_MARKING


def pack_html(
    period: str,
    *,
    cohort_filter: CohortFilter | None = None,
    db=None,
    store=None,
    marking: str | None = None,
    today: dt.date | None = None,
) -> str:
    pack = collect(
        period,
        cohort_filter=cohort_filter,
        db=db,
        store=store,
        marking=marking or marking_from_env(),
        today=today,
    )
    return to_html(pack)


def pack_pdf_bytes(period: str, **kwargs) -> bytes:
    """The PDF pack as bytes (the Overview's download), printed through a temporary file."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="oos-pack-out-") as work:
        target = html_to_pdf(pack_html(period, **kwargs), Path(work) / "pack.pdf")
        return target.read_bytes()


def default_name(period: str) -> str:
    return f"briefing-pack-{period}"


def build(period: str, out: str | os.PathLike | None = None, **kwargs) -> tuple[Path, Path]:
    """Write `<out>.pdf` and `<out>.html` (default: briefing-pack-YYYY-MM in the current
    folder); an `out` ending .pdf or .html names the pair. Returns (pdf, html)."""
    base = Path(out) if out else Path(default_name(period))
    if base.suffix.lower() in (".pdf", ".html", ".htm"):
        base = base.with_suffix("")
    html_text = pack_html(period, **kwargs)
    html_path = base.with_suffix(".html")
    html_path.parent.mkdir(parents=True, exist_ok=True)
    html_path.write_text(html_text, encoding="utf-8")
    pdf_path = html_to_pdf(html_text, base.with_suffix(".pdf"))
    return pdf_path, html_path
