"""The Rates page as a senior leader sees it (AppTest, signed in): figures as published, so
the over-representation p-values are Bonferroni's on the counts as shown, and the page's
column, caution and findings say Bonferroni, never Holm. A role that sees exact figures gets
Holm, and the page says Holm. The fixture and its hand working: tests/test_queries_rates.py
(4 tests in the page's family: Dover, Thanet, girls, boys)."""

from __future__ import annotations

import pytest

from tests.test_queries_rates import db as rates_db  # noqa: F401  (the fixture, reused)
from tests.test_trust_pages import run
from tests.test_trust_suppression_pages import QA, ROLE_FILE, SENIOR


@pytest.fixture(autouse=True)
def env(sign_in_env, rates_db):  # noqa: F811
    return sign_in_env(rates_db, ROLE_FILE)


def ratio_columns(at) -> list[str]:
    for frame in at.dataframe:
        if "Ratio" in frame.value.columns:
            return list(frame.value.columns)
    raise AssertionError("no over-representation table")


def words(at) -> str:
    return " ".join([w.value for w in at.warning] + [m.value for m in at.markdown])


def test_a_senior_leader_is_told_bonferroni_and_shown_its_p_values():
    at = run(SENIOR, "pages/rates.py", period="2024-01", rate_dim="District")
    assert "p-value (Bonferroni)" in ratio_columns(at)
    assert "p-value (Holm)" not in ratio_columns(at)
    text = words(at)
    assert "after the Bonferroni correction across all 4 groups of every breakdown" in text
    assert "Holm correction" not in text and "Holm-Bonferroni correction" not in text


def test_exact_figures_say_holm():
    at = run(QA, "pages/rates.py", period="2024-01", rate_dim="District")
    assert "p-value (Holm)" in ratio_columns(at)
    assert "after the Holm-Bonferroni correction across all 4 groups" in words(at)
