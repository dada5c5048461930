"""The figures layer: one function per figure a user can see, between the queries and the screens.

queries/ runs named SQL; figures/ turns the answers into what people read (numbers made safe for
the viewer, labels, order, titles, captions, sources, "about" notes) as immutable values
(figures/values.py); pages/ and briefing/ lay those values out and do nothing else. Formats,
labels, sentences and the link vocabulary live here once. See docs/architecture.md.
"""
