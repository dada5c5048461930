"""Plane geometry the district maps share (the dashboard's page and the briefing pack's):
where a polygon's label goes, and the text colour that reads on a fill."""

from __future__ import annotations

DARK_TEXT = "#0B0C0C"
LIGHT_TEXT = "#FFFFFF"


def ring_area_centroid(lons, lats) -> tuple[float, float, float]:
    """(area, centroid x, centroid y) of a closed ring by the shoelace formula."""
    area = cx = cy = 0.0
    for i in range(len(lons) - 1):
        cross = lons[i] * lats[i + 1] - lons[i + 1] * lats[i]
        area += cross
        cx += (lons[i] + lons[i + 1]) * cross
        cy += (lats[i] + lats[i + 1]) * cross
    if area == 0:
        return 0.0, sum(lons) / len(lons), sum(lats) / len(lats)
    return abs(area) / 2, cx / (3 * area), cy / (3 * area)


def label_point(rings) -> tuple[float, float]:
    """Where to write a district's name: the centroid of its largest polygon (the mean of its
    points would lean towards a crinkly coast)."""
    _, x, y = max(ring_area_centroid(lons, lats) for lons, lats in rings)
    return x, y


def _luminance(colour: str) -> float:
    """WCAG relative luminance of '#RRGGBB' or 'rgb(r, g, b)'."""
    if colour.startswith("#"):
        channels = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    else:
        channels = [float(v) for v in colour[colour.index("(") + 1 : -1].split(",")[:3]]
    linear = [
        c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
        for c in (v / 255 for v in channels)
    ]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two colours (1 to 21)."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def text_colour(fill: str) -> str:
    """Dark or white text, whichever contrasts more with `fill`."""
    return DARK_TEXT if contrast(DARK_TEXT, fill) >= contrast(LIGHT_TEXT, fill) else LIGHT_TEXT


def inner_point(lons, lats, steps: int = 48) -> tuple[float, float]:
    """A point well inside a closed ring: of a grid over its bounds, the inside point farthest
    from every edge (a label there sits on its own district's fill, even for a curved or
    crinkly shape whose centroid lies near or outside its edge)."""
    import numpy as np

    x, y = np.asarray(lons, dtype=float), np.asarray(lats, dtype=float)
    gx, gy = np.meshgrid(np.linspace(x.min(), x.max(), steps), np.linspace(y.min(), y.max(), steps))
    px, py = gx.ravel()[:, None], gy.ravel()[:, None]
    x0, y0, x1, y1 = x[:-1], y[:-1], x[1:], y[1:]
    # inside: an odd number of edges crossed by a ray to the right
    crosses = ((y0 > py) != (y1 > py)) & (px < (x1 - x0) * (py - y0) / (y1 - y0 + 1e-300) + x0)
    inside = crosses.sum(axis=1) % 2 == 1
    # distance from each point to each edge (segment)
    dx, dy = x1 - x0, y1 - y0
    length = dx * dx + dy * dy
    t = np.clip(((px - x0) * dx + (py - y0) * dy) / np.where(length == 0, 1, length), 0, 1)
    distance = np.hypot(px - (x0 + t * dx), py - (y0 + t * dy)).min(axis=1)
    if not inside.any():
        _, cx, cy = ring_area_centroid(lons, lats)
        return cx, cy
    best = np.argmax(np.where(inside, distance, -1))
    return float(px[best, 0]), float(py[best, 0])
