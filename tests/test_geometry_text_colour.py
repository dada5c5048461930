"""Map labels read on any fill: core/geometry.py's text colour meets WCAG AA (4.5:1).

With black and white to choose from, the worst fill is the one of luminance L where
(L + 0.05) / 0.05 = 1.05 / (L + 0.05), i.e. L + 0.05 = sqrt(0.0525) = 0.2291, giving a
contrast of 4.58 either way: so every fill must get at least 4.5. (With the near-black #0B0C0C
the worst case fell to about 4.42, as the pack's Swale label did at 4.45.)
"""

from __future__ import annotations

import itertools

from core.geometry import contrast, text_colour


def test_every_fill_gets_a_label_colour_of_at_least_4_5_to_1():
    steps = range(0, 256, 15)
    worst = min(
        contrast(text_colour(fill), fill)
        for fill in (f"#{r:02x}{g:02x}{b:02x}" for r, g, b in itertools.product(steps, repeat=3))
    )
    assert worst >= 4.5


def test_the_worst_grey_is_where_the_arithmetic_puts_it():
    # luminance 0.1791 is sRGB grey 0x76 (118): black gives 4.58, white 4.58
    assert contrast("#000000", "#767676") > 4.5 and contrast("#FFFFFF", "#767676") > 4.5
    assert text_colour("#FFFFFF") == "#000000" and text_colour("#000000") == "#FFFFFF"
