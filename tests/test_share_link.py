"""The "Link to this view" box (pages/common/share.py): the link escaped, the rest static."""

from __future__ import annotations

from pages.common.share import COPY_SCRIPT, link_box


def test_the_link_is_text_in_its_box_whatever_it_holds():
    link = 'http://evil"><script>alert(1)</script>/overview?period=2023-06&x=<b>'
    box = link_box(link)
    assert "<script>" not in box and "<b>" not in box
    assert (
        "<code>http://evil&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;/overview?"
        "period=2023-06&amp;x=&lt;b&gt;</code>" in box
    )
    assert box.count("<button") == 1 and 'aria-label="Copy link to this view"' in box


def test_the_copy_script_holds_no_value_of_the_session():
    # static text: the same script for every link (its hash is allowed by the proxy's policy)
    assert "period=" not in COPY_SCRIPT and "http" not in COPY_SCRIPT
