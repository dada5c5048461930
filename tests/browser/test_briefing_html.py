"""The HTML briefing pack opens in chromium with no network request at all, charts drawn."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing.build import build
from data.generate import build_demo_database


@pytest.fixture(scope="module")
def pack_html(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("pack-html")
    db = build_demo_database(folder / "demo.duckdb", children=200, periods=14, end="2026-10")
    _, html = build("2026-10", folder / "pack", db=db, store=folder / "s.sqlite")
    return html


def test_the_html_pack_makes_no_network_request(browser, pack_html):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    requests: list[str] = []
    routed: list[str] = []

    def refuse(route):
        # The pack's own file loads; anything else it asks for is recorded and refused.
        if route.request.url == pack_html.as_uri():
            route.continue_()
        else:
            routed.append(route.request.url)
            route.abort()

    context.route("**/*", refuse)
    page = context.new_page()
    page.on("request", lambda request: requests.append(request.url))
    try:
        page.goto(pack_html.as_uri(), wait_until="load")
        page.wait_for_timeout(500)  # anything lazy (fonts, images) would ask by now
        assert routed == []
        assert requests == [pack_html.as_uri()]
        assert page.title().startswith("Children with an EHC plan out of school: briefing")
        # Every chart drawn from the file alone: inline SVGs with a real size.
        sizes = page.eval_on_selector_all(
            ".chart svg", "els => els.map(e => e.getBoundingClientRect().width)"
        )
        assert len(sizes) >= 9 and min(sizes) > 200
        text = page.inner_text("body")
        assert "OFFICIAL-SENSITIVE" in text and "Synthetic data" in text
        assert "Census date 31 October 2026" in text
    finally:
        context.close()
