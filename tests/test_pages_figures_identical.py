"""One figure, one value: the same cell on its page, in its CSV and in the briefing pack.

Fixture: tests/data/p_cohort_2023_05/06.csv through the real loader (see test_pages_app.py for
each child). June 2023 by district: Thanet 3 (P-0001..03), Dover 2 (P-0004, 05), Maidstone 2
(P-0006, 07), Ashford 1, Canterbury 1, Out of county 1; every other district 0. As published
(a senior leader, the pack) each of those counts is 1 to 5, so each is `c`; the zeros stay 0.
By placement status: No placement 6 (P-0001, 04, 05, 06, 08, 09), Provision unknown 4.

Each test reads the page as a signed-in role (AppTest), the CSV bytes the page's download
button serves (recorded from Streamlit's media store), and the pack built for the same filters,
and finds the figures layer's one value in all three.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from briefing.content import collect
from data.load import load_cohort
from figures.breakdowns import breakdown, crosstab, trend
from figures.cohort import headlines
from figures.links import CohortFilter
from figures.periods import year_start
from figures.protect import Audience
from pages.common.exports import info_lines
from tests.signed_in_app import ISSUER, signed_in_app

SIGNED = {"iss": ISSUER, "email_verified": True}

DATA = Path(__file__).resolve().parent / "data"
JUNE = "2023-06"
ROLE_FILE = f"""
[identity]
issuer = "{ISSUER}"
[[grant]]
role = "senior_leader"
accounts = ["sl@council.example"]
[[grant]]
role = "qa_officer"
accounts = ["qa@council.example"]
"""
SENIOR = {"email": "sl@council.example", "sub": "sl-1", **SIGNED}
QA = {"email": "qa@council.example", "sub": "qa-1", **SIGNED}


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("identical") / "fixture.duckdb"
    load_cohort(DATA / "p_cohort_2023_05.csv", "2023-05", path)
    load_cohort(DATA / "p_cohort_2023_06.csv", JUNE, path)
    return path


@pytest.fixture(autouse=True)
def env(sign_in_env, db):
    return sign_in_env(db, ROLE_FILE)


@pytest.fixture
def served(monkeypatch) -> dict[str, bytes]:
    """Every file the pages hand to Streamlit's media store, by file name (the bytes a click
    on a download button gets)."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    files: dict[str, bytes] = {}
    real = MemoryMediaFileStorage.load_and_get_id

    def record(self, path_or_data, mimetype, kind, filename=None):
        if filename and isinstance(path_or_data, bytes):
            files[filename] = path_or_data
        return real(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    return files


def run(user: dict, script: str, **query):

    at = signed_in_app(user, **query)
    at.run()
    if script != "pages/overview.py":
        at.switch_page(script)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def csv_table(data: bytes) -> pd.DataFrame:
    text = data.decode("utf-8-sig")
    return pd.read_csv(
        io.StringIO(text), skiprows=info_lines(text), dtype=str, keep_default_na=False
    )


def as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """A table's values as a CSV writes them (numbers and c alike), to compare cell by cell."""
    return frame.map(lambda v: "" if v is None or v != v else str(v)).astype(str)


def test_a_breakdown_is_one_value_on_the_page_in_its_csv_and_in_the_pack(served, tmp_path):
    f = CohortFilter(period=JUNE)
    figure = breakdown(f, "district", audience=Audience.published())
    table = figure.table.frame().set_index("District")
    # worked by hand (module notes): every district with children holds 1 to 5 of them
    assert table.loc[["Thanet", "Dover", "Maidstone", "Ashford"], "Children"].tolist() == ["c"] * 4
    assert table.loc["Swale", "Children"] == "0"
    at = run(SENIOR, "pages/breakdowns.py", dim="District")
    page = at.dataframe[0].value
    pd.testing.assert_frame_equal(as_text(page), as_text(figure.table.frame()))
    csv = csv_table(served[figure.file_name])
    pd.testing.assert_frame_equal(csv, as_text(figure.table.frame()))
    pack = collect(JUNE, store=tmp_path / "s.sqlite")
    section = next(s for s in pack.breakdowns if s.key == "district")
    assert section.figure == figure
    assert section.table["Children"].tolist() == table["Children"].tolist()


def test_the_headline_and_the_year_are_one_value_on_the_overview_and_in_the_pack(tmp_path):
    f = CohortFilter(period=JUNE)
    published = Audience.published()
    cards = headlines(f, audience=published).metrics()
    at = run(SENIOR, "pages/overview.py")
    on_page = {m.label: m.value for m in at.metric}
    assert on_page == {c.label: c.value for c in cards}
    # No placement 6 and Provision unknown 4 add up to the total: 4 is c, and under the DfE's
    # secondary rule 6 too (a hidden part next to its total gives the other away)
    assert on_page["Provision unknown"] == "c"
    pack = collect(JUNE, store=tmp_path / "s.sqlite")
    printed = pack.headline_table.set_index("Measure")["Now"].to_dict()
    assert printed == {c.label: c.value for c in cards}
    year = trend(f, None, year_start(JUNE), JUNE, audience=published)
    assert pack.trend.figure == year
    # the Overview's trend is the same figure: the same table under the same title
    assert year.title in [s.value for s in at.subheader]


def test_a_crosstab_is_one_value_on_the_page_and_in_its_csv(served):
    f = CohortFilter(period=JUNE)
    figure = crosstab(f, "district", "placement_status", audience=Audience.published())
    at = run(SENIOR, "pages/crosstab.py", rows="District", cols="Placement status")
    page = at.dataframe[0].value
    pd.testing.assert_frame_equal(as_text(page), as_text(figure.table.frame()))
    pd.testing.assert_frame_equal(csv_table(served[figure.file_name]), as_text(page))


def test_exact_roles_see_the_same_figure_exactly(served):
    # a QA officer: the exact counts, still one value on the page and in the file
    f = CohortFilter(period=JUNE)
    figure = breakdown(f, "district", audience=Audience.exact())
    assert figure.table.frame().set_index("District").loc["Thanet", "Children"] == 3
    at = run(QA, "pages/breakdowns.py", dim="District")
    pd.testing.assert_frame_equal(as_text(at.dataframe[0].value), as_text(figure.table.frame()))
    pd.testing.assert_frame_equal(
        csv_table(served[figure.file_name]), as_text(figure.table.frame())
    )
