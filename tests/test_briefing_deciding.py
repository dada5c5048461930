"""The pack's first page says what needs deciding, and every value on it is the one a senior
leader's pages show; the glossary page defines the pack's words; every chart carries its source.

A synthetic demo database (600 children, August to October 2026, with the casework log), an
action plan with one overdue action marked safe to publish and one that names a child. The PDF
is read back with pypdf, whitespace removed (extracted text breaks lines at will).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import duckdb
import pypdf
import pytest

from appstore import actions, audit
from briefing.build import build
from briefing.charts import (
    MAP_FONT,
    MAP_HEIGHT,
    MAP_WIDTH,
    _label_at,
    _shapes,
    district_map,
    map_scale,
    wrap_name,
)
from briefing.content import collect
from core.geometry import contrast
from figures.casework import act, worklist
from figures.protect import Audience
from queries.filters import CohortFilter
from tests.published_values import published, record_keys
from tests.signed_in_app import ISSUER, signed_in_app

PERIOD, BEFORE = "2026-10", "2026-09"
TODAY = dt.date(2026, 11, 20)
ROLE_FILE = f"""
[identity]
issuer = "{ISSUER}"
[[grant]]
role = "senior_leader"
accounts = ["sl@council.example"]
"""
SENIOR = {"is_logged_in": True, "iss": ISSUER, "email": "sl@council.example", "sub": "sl-1",
          "email_verified": True}  # fmt: skip


def flat(text: str) -> str:
    return "".join(text.split())


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    from data.generate import build_demo_database

    path = tmp_path_factory.mktemp("pack-deciding") / "demo.duckdb"
    return build_demo_database(path, children=600, periods=3, end=PERIOD)


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pack-deciding-store") / "app.sqlite"
    view = f"http://dash/overview?period={PERIOD}"
    actions.create(
        {"title": "Recruit two tutors", "owner": "Ann", "due_date": "2026-11-01",
         "measure_kind": "view", "measure": view, "title_safe": True},
        store=path,
    )  # fmt: skip
    actions.create(
        {"title": "Find a place for SYN-CHILD-7", "owner": "Bob", "due_date": "2026-10-15",
         "measure_kind": "view", "measure": view},
        store=path,
    )  # fmt: skip
    actions.create(
        {"title": "Review the panel", "owner": "Cat", "due_date": "2027-01-31",
         "measure_kind": "view", "measure": view, "title_safe": True},
        store=path,
    )  # fmt: skip
    return path


@pytest.fixture(scope="module")
def pdf(db, store, tmp_path_factory) -> list[str]:
    out = tmp_path_factory.mktemp("pack-deciding-pdf") / "pack"
    pdf_path, html_path = build(PERIOD, out, db=db, store=store, today=TODAY)
    pages = [page.extract_text() for page in pypdf.PdfReader(pdf_path).pages]
    return pages


def _ids(db, sql: str, period: str) -> list[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return [c for (c,) in con.execute(sql, [period]).fetchall()]
    finally:
        con.close()


def test_page_one_values_are_published_from_the_record_keys(db, store):
    # worked out independently: the children counted, their record keys summed, the noise
    # looked up (tests/published_values.py), then the change from the two shown values
    pack = collect(PERIOD, db=db, store=store, today=TODAY)
    d = pack.deciding
    keys = record_keys(db)
    total = {p: published(_ids(db, "SELECT child_id FROM cohort WHERE period = ?", p), keys)
             for p in (PERIOD, BEFORE)}  # fmt: skip
    sight_sql = "SELECT child_id FROM case_flags WHERE period = ? AND out_of_sight"
    sight = {p: published(_ids(db, sight_sql, p), keys) for p in (PERIOD, BEFORE)}
    assert sight[PERIOD] > 5 and total[PERIOD] > 5  # big enough to be shown, not c
    row = d.value("children_out_of_school")
    assert (row.now, row.previous, row.change) == (
        total[PERIOD],
        total[BEFORE],
        total[PERIOD] - total[BEFORE],
    )
    row = d.value("out_of_sight")
    assert (row.now, row.previous, row.change) == (
        sight[PERIOD],
        sight[BEFORE],
        sight[PERIOD] - sight[BEFORE],
    )
    # two actions are open past their due date on 20 November 2026 (1 November, 15 October)
    assert d.value("overdue_actions").now == 2
    # the same figure everywhere in the pack: the "acting on the figures" section's count
    assert int(str(act(CohortFilter(period=PERIOD), audience=Audience.published(),
                       db=db).out_of_sight).replace(",", "")) == sight[PERIOD]  # fmt: skip
    # act now is Today's tier card as published, now and at the previous extract
    for period, value in ((PERIOD, d.value("act_now").now), (BEFORE, d.value("act_now").previous)):
        cards = worklist(CohortFilter(period=period), audience=Audience.published(), db=db)
        assert value == next(m.number for m in cards.tiers if m.key == "act_now")


def test_page_one_says_what_needs_deciding_and_which_threshold_was_crossed(pdf, db, store):
    page1 = flat(pdf[0])
    assert "Whatneedsdeciding" in page1
    assert "Headlinefigures" not in page1  # page 1 is the decisions, the rest follows
    pack = collect(PERIOD, db=db, store=store, today=TODAY)
    d = pack.deciding
    sight, late = d.value("out_of_sight").now, d.value("overdue_actions").now
    # the shipped thresholds: out of sight 1 or more and overdue actions 1 or more are crossed
    assert f"Childrenoutofsight:{sight}.Thresholdcrossed:1ormore." in page1
    assert f"Overdueactions:{late}.Thresholdcrossed:1ormore." in page1
    assert flat("Why this threshold: Every child out of sight is a child the council") in page1
    assert flat("figures crossed a threshold the council set") in page1
    # the overdue actions by name as published: a title that names a child is not printed
    assert flat("Recruit two tutors (Ann, due 1 November 2026)") in page1
    assert flat("(title not for publication) (Bob, due 15 October 2026)") in page1
    assert "SYN-CHILD-7" not in "".join(flat(p) for p in pdf)
    assert "Reviewthepanel" not in page1  # not overdue
    for sentence in d.movements.sentences:
        assert flat(sentence) in page1


def test_every_value_on_page_one_is_what_a_senior_leaders_pages_show(pdf, db, store, tmp_path,
                                                                     monkeypatch):  # fmt: skip

    roles = tmp_path / "roles.toml"
    roles.write_text(ROLE_FILE, encoding="utf-8")
    monkeypatch.setenv("OOS_DB", str(db))
    monkeypatch.setenv("OOS_ROLES", str(roles))
    monkeypatch.setenv("OOS_APP_STORE", str(store))
    monkeypatch.delenv("OOS_SINGLE_USER", raising=False)
    page1 = flat(pdf[0])
    try:
        at = signed_in_app(SENIOR, period=PERIOD)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        cards = {m.label: (m.value, m.proto.delta) for m in at.metric}
        # the Overview's cards: now, and the change since September 2026 (the card's delta)
        for label, measure in (
            ("Children out of school", "Children out of school"),
            ("No placement", "Children with no placement"),
            ("Provision unknown", "Children with provision unknown"),
        ):
            value, delta = cards[label]
            before = int(value.replace(",", "")) - int(delta.replace(",", ""))
            change = delta.replace("-", "−") if delta.startswith("-") else delta
            assert flat(f"{measure} {value} {before:,} {change}") in page1, (label, value, delta)
        # overdue actions: the Overview's warning
        warning = " ".join(w.value for w in at.warning)
        assert "**2 overdue actions in the action plan**" in warning
        assert "Overdueactions2–" in page1
        # the movements: the Overview's list
        said = "\n".join(m.value for m in at.markdown)
        lines = re.findall(r"^- (.+)$", said, flags=re.M)
        assert len(lines) == 3, lines
        for line in lines:
            assert flat(line.replace("\\", "")) in page1
        # out of sight: the Service page, flag "out of sight", month by month
        at.switch_page("pages/service.py").run()
        at.selectbox(key="flag").set_value("out_of_sight").run()
        assert not at.exception, [e.value for e in at.exception]
        tables = [t.value for t in at.dataframe if "Out of sight" in t.value.columns]
        months = next((t for t in tables if "Period" in t.columns), None)
        assert months is not None, [list(t.columns) for t in tables]
        assert months["Period"].tolist()[-2:] == ["September 2026", "October 2026"]
        now, before = (int(str(v).replace(",", "")) for v in months["Out of sight"].iloc[[-1, -2]])
        assert flat(f"Children out of sight {now} {before} {now - before:+d}") in page1
    finally:
        audit.close_connections()


def test_the_glossary_page_defines_the_packs_words(pdf):
    start = next(i for i, p in enumerate(pdf) if "Glossary" in p and "Censored" in p)
    first = flat(pdf[start])
    # the glossary starts its own page (nothing of the pack before it) and runs to Methods
    assert first.index("Glossary") < first.index("95%interval") < first.index("Actnow")
    glossary = "".join(flat(p) for p in pdf[start:])
    glossary = glossary[: glossary.index("Methods")]
    for term, meaning in (
        ("Censored", "A child still out of school when the data end"),
        ("95% interval", "The range the true value is likely to lie in"),
        ("Statistical neighbour", "One of the councils the DfE's"),
        ("Act now", "Today's first tier: out of sight, or a statutory clock"),
        ("Out of sight", "Provision unknown and looked after"),
        ("c", "A count of 1 to 5 children, hidden in figures as published"),
        ("Figures as published", "Counts of 1 to 5 children are shown as c"),
    ):
        assert flat(term) + flat(meaning) in glossary, term


def test_every_chart_carries_its_source_and_none_reads_as_a_group(db, store, pdf):
    from briefing.render import to_html

    html = to_html(collect(PERIOD, db=db, store=store, today=TODAY))
    charts = html.split('<div class="chart"')[1:]
    assert len(charts) >= 9  # the year, seven breakdowns, the map
    source = "Source: Synthetic demonstration data (made-up children), October 2026 extract"
    for chart in charts:
        svg = chart[: chart.index("</svg>")]
        assert source in svg
    whole = " ".join(pdf)
    assert not re.search(r"\bNone\b", whole)  # care status "None" reads "No care status"
    assert "No care status" in whole


def test_the_imports_chart_shows_each_council_not_one_bar(db, store):
    pack = collect(PERIOD, db=db, store=store, today=TODAY)
    imports = next(s for s in pack.breakdowns if s.key == "imported_from")
    labels = imports.chart["label"].tolist()
    assert len(labels) > 1 and "Not an import" not in labels


def test_map_labels_sit_on_their_own_district_apart_and_readable(db):
    # pixel boxes of every label (its lines at 0.6 em a character, 1.2 em a line, which is
    # wider than Arial's average): no two overlap, and each text contrasts with its fill
    x_range, y_range, scale = map_scale()
    inner_w = (x_range[1] - x_range[0]) * scale
    inner_h = (y_range[1] - y_range[0]) * scale
    assert inner_w <= MAP_WIDTH and inner_h <= MAP_HEIGHT
    boxes = {}
    for name, _ in _shapes():
        x, y = _label_at(name)
        lines = [*wrap_name(name), "1,234"]
        width = 0.6 * MAP_FONT * max(len(line) for line in lines)
        height = 1.2 * MAP_FONT * len(lines)
        cx, cy = (x - x_range[0]) * scale, (y_range[1] - y) * scale
        boxes[name] = (cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2)
    names = list(boxes)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            (ax0, ay0, ax1, ay1), (bx0, by0, bx1, by1) = boxes[a], boxes[b]
            apart = ax1 <= bx0 or bx1 <= ax0 or ay1 <= by0 or by1 <= ay0
            assert apart, (a, b)
    chart = collect(PERIOD, db=db).districts.chart
    fig = district_map(chart)
    fills = {t.name.split(":")[0]: t.fillcolor for t in fig.data if t.fill == "toself"}
    texts = [t for t in fig.data if t.mode == "text"]
    assert len(texts) == 12
    for trace in texts:
        name = next(n for n in fills if trace.text[0].startswith(wrap_name(n)[0]))
        assert contrast(trace.textfont.color, fills[name]) >= 4.5, name


def test_the_footer_and_the_marking_have_room_of_their_own(db, store):
    # A4 is 210 mm wide, the margins 15 mm each: 180 mm for the footer's two boxes
    from briefing.render import to_html

    html = to_html(collect(PERIOD, db=db, store=store, today=TODAY))
    left = re.search(r"@bottom-left \{[^}]*width: (\d+)mm", html)
    right = re.search(r"@bottom-right \{[^}]*width: (\d+)mm", html)
    assert left and right
    assert int(left.group(1)) + int(right.group(1)) <= 180
    assert re.search(r"@bottom-right \{[^}]*white-space: nowrap", html)


def test_the_packs_chance_of_return_sentence_quotes_its_own_table(db, store):
    # every percentage in the sentence is a value of the hazard table as published (rounded
    # as the sentence rounds), for the band the sentence names
    from figures.survival import hazard

    found = hazard(CohortFilter(period=PERIOD), audience=Audience.published(), db=db)
    table = found.figure.table.frame().set_index("Time already out")
    pack = collect(PERIOD, db=db, store=store, today=TODAY)
    assert found.sentence in pack.context_sentences
    bands = "|".join(re.escape(b) for b in table.index)
    quoted = re.findall(rf"out ({bands}) \((\d+)%\)", found.sentence)
    quoted += [(b, p) for p, b in re.findall(rf"(\d+)% for (?:children|those) out ({bands})",
                                             found.sentence)]  # fmt: skip
    assert quoted, found.sentence
    for band, pct in quoted:
        value = float(table.loc[band, "Return within a month (percent)"])
        assert f"{value:.0f}" == pct, (band, pct, value)
