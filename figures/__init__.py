"""The figures layer: every figure a user sees, built once and made safe for its viewer.

queries/ runs named SQL; figures/ turns the answers into what people read (numbers made safe for
the viewer, labels, order, titles, captions, sources, "about" notes) as immutable values
(figures/values.py); pages/ and briefing/ lay those values out and do nothing else. Formats,
labels, sentences and the link vocabulary live here once; disclosure control is
figures/disclosure.py, reached through figures/protect.py. See docs/architecture.md.
"""
