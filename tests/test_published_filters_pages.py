"""Figures as published take one value or all of a list and days out in whole bands.

Why (docs: the README's disclosure control): with free subsets, (Dover, {HI} + S) - (Dover, S)
for many subsets S gives many estimates of one small cell. So a senior leader's sidebar offers
one value per list and days out on band edges; a link asking otherwise says what is shown
instead; and every figure function applies the rule itself (figures/audience.py `narrow`), so
no page, link or edited request gets round it.

Fixture: tests/data/s_cohort_2024_01.csv, January 2024: Thanet 7, Dover 6, Swale 2 (15).
Bands of days out (core.vocab.DAYS_OUT_BANDS): 0-27, 28-97, 98-195, 196-293, 294 and over.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from data.load import load_cohort
from figures.breakdowns import breakdown, crosstab
from figures.cohort import headlines
from figures.frame import frame
from figures.links import DAYS_FROM_CHOICES, DAYS_TO_CHOICES, CohortFilter
from figures.protect import Audience
from tests.published_values import published, record_keys
from tests.signed_in_app import AUTH, ISSUER, ROOT, TIMEOUT

SIGNED = {"iss": ISSUER, "email_verified": True}

DATA = Path(__file__).resolve().parent / "data"
JAN = "2024-01"
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
    path = tmp_path_factory.mktemp("published-filters") / "s.duckdb"
    load_cohort(DATA / "s_cohort_2024_01.csv", JAN, path)
    return path


@pytest.fixture(autouse=True)
def env(sign_in_env, db):
    return sign_in_env(db, ROLE_FILE)


def run(user: dict, *, preview: bool = False, **query):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, **user}
    if preview:
        at.session_state["suppress_small"] = True
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def notices(at) -> str:
    return "\n".join(w.value for w in at.warning).replace("\\", "")


def header(at) -> str:
    return " ".join(h.proto.body for h in at.get("html") if "oos-context" in h.proto.body)


def test_a_senior_leaders_link_with_two_districts_shows_the_first_and_says_so():
    at = run(SENIOR, district=["Dover", "Swale"])
    assert at.sidebar.multiselect(key="district").value == ["Dover"]
    assert "asked for 2 values of district" in notices(at)
    assert "showing “Dover” only" in notices(at)
    # Dover's 6 children: the header counts Dover alone, not Dover and Swale's 8
    assert "children match the filters (of" in header(at)
    assert "Filters: District: Dover" in " ".join(c.value for c in at.caption).replace("\\", "")


def test_a_senior_leaders_days_out_snap_to_the_bands_and_say_so():
    at = run(SENIOR, days_from="20", days_to="100")
    # 20 lies in 0-27: from 0; 100 lies in 98-195: to 195
    assert at.sidebar.selectbox(key="days_from").value == 0
    assert at.sidebar.selectbox(key="days_to").value == 195
    assert "asked for days out from 20" in notices(at) and "so 0 is shown" in notices(at)
    assert "asked for days out to 100" in notices(at) and "so 195 is shown" in notices(at)
    assert list(at.sidebar.selectbox(key="days_from").options) == [
        str(v) for v in DAYS_FROM_CHOICES
    ]
    assert list(at.sidebar.selectbox(key="days_to").options) == [str(v) for v in DAYS_TO_CHOICES]


def test_exact_roles_keep_their_subsets():
    at = run(QA, district=["Dover", "Swale"], days_from="20")
    assert at.sidebar.multiselect(key="district").value == ["Dover", "Swale"]
    assert at.sidebar.number_input(key="days_from").value == 20
    assert "<strong>8</strong> children match the filters (of 15)" in header(at)


def test_a_preview_as_published_says_what_the_figures_did_not_follow(db):
    # a QA officer keeps the subset in the sidebar, but figures as published cannot take it
    at = run(QA, preview=True, district=["Dover", "Swale"])
    assert "Figures as published show one value or all of them, so all are shown" in notices(at)
    # the header counts the whole cohort, S-0001 to S-0015, as published
    everyone = published([f"S-{i:04d}" for i in range(1, 16)], record_keys(db))
    assert f"<strong>{everyone}</strong> children in the cohort" in header(at)


def test_every_figure_function_applies_the_rule_itself():
    # what no page can bypass: asked as published for two districts and a window of 0 to 20
    # days, each figure is the one of all districts and the band 0 to 27
    published = Audience.published()
    asked = CohortFilter(JAN, districts=("Dover", "Swale"), days_out_min=0, days_out_max=20)
    banded = CohortFilter(JAN, days_out_min=0, days_out_max=27)
    assert breakdown(asked, "district", audience=published) == breakdown(
        banded, "district", audience=published
    )
    assert crosstab(asked, "district", "placement_status", audience=published) == crosstab(
        banded, "district", "placement_status", audience=published
    )
    assert headlines(asked, audience=published) == headlines(banded, audience=published)
    assert frame(asked, published).filters == frame(banded, published).filters
    assert frame(asked, published).problems  # and it says what it did not follow
    # exact audiences count what they asked for
    exact = Audience.exact()
    assert breakdown(asked, "district", audience=exact) != breakdown(
        banded, "district", audience=exact
    )
