"""The pack as one self-contained HTML file, and that file printed to an A4 PDF by chromium.

The HTML holds everything it shows: CSS inline, each chart as inline SVG (drawn offline by
kaleido), no script, no link, no font or image fetched from anywhere. Every text that came
from the data or the action plan is HTML-escaped.

The PDF is chromium's print of the same HTML (`--print-to-pdf`, Debian's chromium is already
on every machine that runs the dashboard and its browser tests). Chromium writes a tagged PDF
(a structure tree that screen readers and search read) with the document's <title> as its
title and <html lang> as its language. The page furniture uses CSS paged media margin boxes:
the protective marking at the top and bottom of every page, "Synthetic data" when it is, and
in the footer the census date, the data's load date, the date produced, the marking again
and "Page n of N".
"""

from __future__ import annotations

import html
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pandas as pd

from briefing import charts
from briefing.content import Pack, Section
from briefing.images import figure_image
from figures.format import fmt_date, fmt_datetime, period_label, table_text
from figures.protect import SMALL_MAX

CHROMIUM_TIMEOUT_S = 120


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _css_string(text: str) -> str:
    """Text as a CSS string literal (for the margin boxes' `content`)."""
    cleaned = " ".join(str(text).split())
    return '"' + cleaned.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _table(frame: pd.DataFrame, caption: str | None = None, numeric_from: int = 1) -> str:
    numeric = ' class="num"'
    head = "".join(
        f'<th scope="col"{numeric if i >= numeric_from else ""}>{_e(c)}</th>'
        for i, c in enumerate(frame.columns)
    )
    body = []
    for row in frame.itertuples(index=False):
        cells = []
        for i, value in enumerate(row):
            if i == 0:
                cells.append(f'<th scope="row">{_e(value)}</th>')
            else:
                cls = ' class="num"' if i >= numeric_from else ""
                cells.append(f"<td{cls}>{_e(value)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{_e(caption)}</caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _svg(fig, title: str, source: str = "") -> str:
    """A figure as inline SVG, announced to screen readers by its title, its source line drawn
    under it (so a chart copied out of the pack still says where it came from)."""
    if source:
        fig = charts.with_source(fig, source)
    svg = figure_image(fig, "svg").decode("utf-8")
    svg = svg[svg.find("<svg") :]
    return f'<div class="chart" role="img" aria-label="{_e(title)}">{svg}</div>' if svg else ""


def _figure(section: Section, fig, *, table: bool = True, note: str = "", source: str = "") -> str:
    parts = [
        '<section class="figure">',
        f"<h3>{_e(section.heading)}: {_e(section.title)}</h3>",
        f'<p class="caption">{_e(section.caption)}</p>',
        _svg(fig, section.title, source) if fig is not None else "",
    ]
    if note:
        parts.append(f'<p class="note">{_e(note)}</p>')
    if table:
        parts.append(_table(section.table, f"{section.heading}: the figures in the chart"))
    parts.append("</section>")
    return "\n".join(parts)


def _css(pack: Pack) -> str:
    marking = _css_string(pack.marking)
    footer = _css_string(
        f"Census date {fmt_date(pack.census)} · data loaded {fmt_date(pack.loaded_at)} · "
        f"produced {fmt_datetime(pack.produced_at)}"
    )
    synthetic = _css_string("Synthetic data" if pack.synthetic else "")
    return f"""
@page {{
  size: A4;
  margin: 22mm 15mm 22mm 15mm;
  @top-left {{ content: {synthetic}; font: bold 9pt Arial, sans-serif; color: #801650; }}
  @top-center {{ content: {marking}; font: bold 10pt Arial, sans-serif; white-space: nowrap; }}
  @bottom-left {{ content: {footer}; font: 8pt Arial, sans-serif; color: #3D3D3D;
    width: 110mm; vertical-align: middle; }}
  @bottom-right {{ content: {marking} "  ·  Page " counter(page) " of " counter(pages);
    font: bold 9pt Arial, sans-serif; white-space: nowrap; width: 68mm; text-align: right;
    vertical-align: middle; }}
}}
html {{ font-family: Arial, Helvetica, sans-serif; font-size: 11pt; color: #0B0C0C; }}
body {{ max-width: 190mm; margin: 0 auto; line-height: 1.4; }}
h1 {{ font-size: 20pt; color: #12436D; margin: 0.2em 0; }}
h2 {{ font-size: 15pt; color: #12436D; border-bottom: 2px solid #12436D; margin-top: 1.2em;
  break-after: avoid; }}
h3 {{ font-size: 12pt; margin: 0.8em 0 0.2em; break-after: avoid; }}
.caption, .note, .meta {{ color: #3D3D3D; font-size: 9.5pt; margin: 0.2em 0; }}
.marking {{ text-align: center; font-weight: bold; letter-spacing: 0.05em; }}
.synthetic {{ border: 2px solid #801650; color: #801650; padding: 0.3em 0.6em;
  font-weight: bold; }}
table {{ border-collapse: collapse; width: 100%; font-size: 9.5pt; margin: 0.4em 0 1em; }}
caption {{ text-align: left; font-size: 9pt; color: #3D3D3D; padding-bottom: 0.2em; }}
th, td {{ border-bottom: 1px solid #BFBFBF; padding: 0.2em 0.4em; text-align: left;
  vertical-align: top; }}
thead th {{ border-bottom: 2px solid #0B0C0C; }}
td.num, th.num {{ text-align: right; font-variant-numeric: tabular-nums; }}
tr {{ break-inside: avoid; }}
.figure {{ break-inside: avoid-page; }}
.chart svg {{ max-width: 100%; height: auto; }}
.overdue {{ font-weight: bold; }}
ul.movements li {{ margin-bottom: 0.3em; }}
h2.new-page {{ break-before: page; }}
.crossed {{ border-left: 6px solid #801650; padding: 0.2em 0 0.2em 0.6em; margin: 0.4em 0; }}
.crossed p {{ margin: 0.15em 0; }}
.why {{ color: #3D3D3D; font-size: 9.5pt; }}
dl.glossary div {{ break-inside: avoid; }}
dl.glossary dt {{ font-weight: bold; margin-top: 0.3em; }}
dl.glossary dd {{ margin: 0 0 0 1.2em; font-size: 9.5pt; line-height: 1.3; }}
@media screen {{ body {{ padding: 1em; }} }}
@media print {{ .marking {{ display: none; }} .synthetic {{ display: none; }} }}
"""


def _plan_table(pack: Pack) -> str:
    if pack.plan.empty:
        return "<p>The action plan holds no actions yet.</p>"
    overdue = int(pack.plan["Status"].str.startswith("OVERDUE").sum())
    lead = (
        f"<p><strong>{overdue} overdue action{'s' if overdue != 1 else ''}</strong>, listed "
        "first.</p>"
        if overdue
        else "<p>No action is overdue.</p>"
    )
    return lead + _table(pack.plan, "The action plan, overdue actions first", numeric_from=4)


def _deciding(pack: Pack) -> list[str]:
    """Page 1: what needs deciding (figures/decisions.py), every value as the pack's own
    pages and a senior leader's pages show it."""
    d = pack.deciding
    crossed = d.crossed
    parts = ["<h2>What needs deciding</h2>"]
    if crossed:
        parts.append(
            f"<p><strong>{len(crossed)} figure{'s' if len(crossed) != 1 else ''} crossed a "
            "threshold the council set</strong> (config/briefing_thresholds.toml):</p>"
        )
        parts += [
            f'<div class="crossed"><p><strong>{_e(c.sentence)}</strong></p>'
            f'<p class="why">Why this threshold: {_e(c.threshold.reason)}</p></div>'
            for c in crossed
        ]
    else:
        parts.append(
            "<p>No figure crossed a threshold the council set "
            "(config/briefing_thresholds.toml).</p>"
        )
    before = fmt_date_period(d.previous_period)
    parts.append(
        _table(
            d.table(),
            f"The figures to decide on, {pack.period_name}, with the change since the previous "
            f"extract ({before}). c: a count of 1 to {SMALL_MAX}.",
        )
    )
    parts.append("<h3>Overdue actions</h3>")
    if d.overdue:
        shown = d.overdue[:5]
        parts.append(
            "<ul class='movements'>"
            + "".join(
                f"<li class='overdue'>{_e(a.title)} ({_e(a.owner)}, due {_e(a.due)})</li>"
                for a in shown
            )
            + "</ul>"
        )
        if len(d.overdue) > len(shown):
            parts.append(
                f"<p class='note'>…and {len(d.overdue) - len(shown)} more: the action plan "
                "is at the end of the pack.</p>"
            )
    else:
        parts.append("<p>No action in the action plan is overdue.</p>")
    parts.append("<h3>The largest movements since the previous extract</h3>")
    said = d.movements.sentences
    parts.append(
        "<ul class='movements'>" + "".join(f"<li>{_e(x)}</li>" for x in said) + "</ul>"
        if said
        else "<p>No group changed since the previous month, or no earlier month is loaded.</p>"
    )
    if d.movements.left_out:
        parts.append("<p class='note'>A movement from or to a hidden small number is left out.</p>")
    others = [c for c in d.crossings if not c.crossed]
    if others:
        parts.append(
            "<p class='note'>Other thresholds checked: "
            + " ".join(_e(c.sentence) for c in others)
            + "</p>"
        )
    return parts


def _glossary(pack: Pack) -> list[str]:
    return [
        '<h2 class="new-page">Glossary</h2>',
        "<p class='caption'>The words this pack uses, in plain English (the dashboard's "
        "Glossary page holds the same list).</p>",
        '<dl class="glossary">'
        + "".join(
            f"<div><dt>{_e(term)}</dt><dd>{_e(meaning)}</dd></div>"  # a term and its meaning
            for term, meaning in pack.glossary  # are never split across pages
        )
        + "</dl>",
    ]


def to_html(pack: Pack) -> str:
    """The whole pack as one self-contained HTML document."""
    meta = (
        f"Reporting period {pack.period_name}. Census date {fmt_date(pack.census)}. Data "
        f"loaded {fmt_datetime(pack.loaded_at)}. Produced {fmt_datetime(pack.produced_at)}. "
        f"Source: {pack.source}. Filters: {pack.filters_text}."
    )
    previous = fmt_date_period(pack.previous)
    year = fmt_date_period(pack.year_ago)
    source = (
        f"Source: {pack.source}, {pack.period_name} extract (census date "
        f"{fmt_date(pack.census)}). Figures as published."
    )
    act = pack.act
    act_lead = (
        f"<p><strong>{_e(fmt_count(act.out_of_sight))}</strong> children are out of sight "
        "(provision unknown while looked after, on a child protection plan or a child in "
        f"need). <strong>{_e(fmt_count(act.priority))}</strong> meet at least one priority for "
        "a return to education.</p>"
    )
    parts = [
        "<!doctype html>",
        '<html lang="en-GB">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{_e(pack.title)}</title>",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<style>{_css(pack)}</style>",
        "</head>",
        "<body>",
        f'<p class="marking" role="note">{_e(pack.marking)}</p>',
        (
            '<p class="synthetic" role="note">Synthetic data: these children are made up. '
            "No figure in this pack describes real children.</p>"
            if pack.synthetic
            else ""
        ),
        "<main>",
        f"<h1>{_e(pack.title)}</h1>",
        f'<p class="meta">{_e(meta)}</p>',
        (
            '<p class="synthetic-inline"><strong>Synthetic data</strong> throughout.</p>'
            if pack.synthetic
            else ""
        ),
        *_deciding(pack),
        '<h2 class="new-page">Headline figures</h2>',
        f'<p class="caption">Children out of school at {_e(fmt_date(pack.census))}, with the '
        f"change on the previous month ({_e(previous)}) and on the same month last year "
        f"({_e(year)}). c: a count of 1 to {SMALL_MAX} (see Methods).</p>",
        _table(pack.headline_table, f"Headline figures, {pack.period_name}"),
        "<h2>The year</h2>",
        _figure(pack.trend, charts.trend(pack.trend.chart), source=source),
        "<h2>Appendix B breakdowns</h2>",
        *(_figure(s, charts.bar(s.chart, s.dimension), source=source) for s in pack.breakdowns),
        "<h2>District map</h2>",
        _figure(
            pack.districts,
            charts.district_map(pack.districts.chart),
            table=False,
            source=source,
            note="Darker districts have more children out of school; each label gives the "
            "count. The figures are in the District table above. Districts with a suppressed "
            "count are left unshaded. District boundaries: Martin Chorley's UK-GeoJSON, "
            "CC BY 4.0; contains OS data © Crown copyright and database right 2014.",
        ),
        "<h2>In context: rates, time to return, England and similar councils</h2>",
        "<ul class='movements'>"
        + "".join(f"<li>{_e(line)}</li>" for line in pack.context_sentences)
        + "</ul>",
        *(
            "\n".join(
                [
                    '<section class="figure">',
                    f"<h3>{_e(s.heading)}: {_e(s.title)}</h3>",
                    f'<p class="caption">{_e(s.caption)}</p>',
                    _table(s.table, f"{s.heading}: the figures"),
                    "</section>",
                ]
            )
            for s in pack.context
        ),
        "<h2>Acting on the figures</h2>",
        act_lead,
        _table(table_text(pack.act.figure.table.frame()), pack.act.figure.caption),
        "<h2>The action plan</h2>",
        _plan_table(pack),
        *_glossary(pack),
        "<h2>Methods</h2>",
        *(f"<p>{_e(p)}</p>" for p in pack.methods),
        "</main>",
        f'<p class="marking" role="note">{_e(pack.marking)}</p>',
        "</body>",
        "</html>",
    ]
    return "\n".join(p for p in parts if p)


def fmt_date_period(period: str | None) -> str:
    return period_label(period) if period else "not loaded"


def fmt_count(value) -> str:
    return table_text(pd.DataFrame({"n": [value]}))["n"].iloc[0]


def chromium_path() -> str:
    """Debian's chromium (or `OOS_CHROMIUM`)."""
    found = os.environ.get("OOS_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(found).exists():
        raise RuntimeError("chromium is needed to print the pack to PDF and was not found")
    return found


def html_to_pdf(html_text: str, out: Path) -> Path:
    """Print the HTML to an A4 PDF with chromium, headless and with no network."""
    out = Path(out)
    with tempfile.TemporaryDirectory(prefix="oos-pack-") as work:
        page = Path(work) / "pack.html"
        page.write_text(html_text, encoding="utf-8")
        target = Path(work) / "pack.pdf"
        command = [
            chromium_path(),
            "--headless",
            "--no-sandbox",  # root in containers; the page is our own, with no script
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-extensions",
            "--no-first-run",
            f"--user-data-dir={Path(work) / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={target}",
            page.as_uri(),
        ]
        done = subprocess.run(  # noqa: S603 - a fixed command on our own file
            command, capture_output=True, timeout=CHROMIUM_TIMEOUT_S, check=False
        )
        if done.returncode != 0 or not target.exists():
            raise RuntimeError(
                "chromium could not print the pack: "
                + done.stderr.decode("utf-8", "replace")[-500:]
            )
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(target), out)
    return out
