"""The briefing pack: the month's figures for senior leaders, as a PDF and a self-contained HTML.

`content.collect` takes every figure from the figures layer (figures/), made for an audience
that sees figures as published, so each cell is the one a senior leader's page shows; `charts`
draws them in the dashboard's afcharts style; `images` turns figures into SVG/PNG offline
(kaleido with Debian's chromium, one session reused); `render` writes the HTML and prints it to
PDF with chromium. `python -m briefing --period YYYY-MM` runs it all from the command line.

This package reaches the counts only through figures/ (never queries/ directly), and never
imports the screens (pages) or the loader (data): see `.importlinter`.
"""
