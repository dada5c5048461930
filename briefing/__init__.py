"""The briefing pack: the month's figures for senior leaders, as a PDF and a self-contained HTML.

`content.collect` gathers every figure from the same query functions the dashboard calls and
applies small-number suppression once (queries/suppression.py); `charts` draws the figures in
the dashboard's afcharts style; `images` turns figures into SVG/PNG offline (kaleido with
Debian's chromium, one session reused); `render` writes the HTML and prints it to PDF with
chromium. `python -m briefing --period YYYY-MM` runs it all from the command line.

This package may import queries, core and appstore, never the screens (pages) or the loader
(data): see `.importlinter`.
"""
