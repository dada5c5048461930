"""The council's thresholds for the pack's first page (config/briefing_thresholds.toml,
figures/thresholds.py): read and checked, refused when wrong, compared with figures as shown.
Every expectation is worked out by hand."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from figures.thresholds import PATH, Threshold, ThresholdsInvalid, check, read_thresholds
from queries.survival import hazard_sentence

GOOD = """
[[threshold]]
figure = "act_now"
when = "rise"
at = 20
reason = "More than the team can absorb."
"""


def _write(tmp_path, text: str):
    path = tmp_path / "t.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_file_loads_and_every_threshold_says_why():
    found = read_thresholds(PATH)
    assert len(found) >= 3
    assert {t.figure for t in found} >= {"act_now", "out_of_sight", "overdue_actions"}
    assert all(len(t.reason) > 40 for t in found)


def test_a_good_file_is_read_as_written(tmp_path):
    (one,) = read_thresholds(_write(tmp_path, GOOD))
    assert one == Threshold("act_now", "rise", 20.0, "More than the team can absorb.")
    assert one.rule == "a rise of 20 or more since the previous extract"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('"act_now"', '"pupils; DROP TABLE cohort"'), "is not one of"),  # allow-list
        (('"rise"', '"fall"'), "when 'fall' is not one of"),
        (("at = 20", "at = -3"), "greater than 0"),
        (("at = 20", "at = 0"), "greater than 0"),
        (("at = 20", 'at = "20"'), "greater than 0"),
        (("at = 20", "at = true"), "greater than 0"),
        (("at = 20", "at = 2.5"), "whole number"),  # half a child
        (('reason = "More than the team can absorb."', 'reason = "   "'), "reason must be said"),
        (('reason = "More than the team can absorb."', ""), "missing reason"),
        (("at = 20", "at = 20\nlevel = 3"), "unknown key(s) level"),  # a typo never ignored
    ],
)
def test_a_mistake_in_the_file_stops_the_pack_and_names_the_entry(tmp_path, change, message):
    text = GOOD.replace(*change)
    with pytest.raises(ThresholdsInvalid) as refused:
        read_thresholds(_write(tmp_path, text))
    assert message in str(refused.value)
    assert "threshold 1" in str(refused.value)


def test_a_file_that_is_not_toml_or_missing_is_refused(tmp_path):
    with pytest.raises(ThresholdsInvalid, match="cannot be read"):
        read_thresholds(_write(tmp_path, "[[threshold]\nfigure ="))
    with pytest.raises(ThresholdsInvalid, match="missing"):
        read_thresholds(tmp_path / "none.toml")
    with pytest.raises(ThresholdsInvalid, match="unknown section"):
        read_thresholds(_write(tmp_path, GOOD + "\n[thresholds]\nx = 1\n"))


LEVEL = Threshold("out_of_sight", "level", 1.0, "r")
RISE = Threshold("act_now", "rise", 20.0, "r")
PERCENT = Threshold("children_out_of_school", "rise_percent", 5.0, "r")


def test_each_kind_of_threshold_worked_by_hand():
    # level 1: 0 is below it, 1 crosses it
    assert not check(LEVEL, 0, None, None).crossed
    crossed = check(LEVEL, 1, None, None)
    assert crossed.crossed and crossed.sentence == (
        "Children out of sight: 1. Threshold crossed: 1 or more."
    )
    # a rise of 20: 100 -> 120 crosses (exactly 20), 100 -> 119 does not, a fall does not
    assert check(RISE, 120, 100, "September 2026").crossed
    assert check(RISE, 120, 100, "September 2026").sentence == (
        "Children in act now rose by 20 since September 2026 (from 100 to 120). Threshold "
        "crossed: a rise of 20 or more since the previous extract."
    )
    assert not check(RISE, 119, 100, "September 2026").crossed
    assert "fell by 30" in check(RISE, 70, 100, "September 2026").sentence
    # 5%: 200 -> 210 is 5.0% (crosses), 200 -> 209 is 4.5% (does not)
    assert check(PERCENT, 210, 200, "May").crossed
    below = check(PERCENT, 209, 200, "May")
    assert not below.crossed and "rose by 4.5%" in below.sentence


def test_what_cannot_be_compared_is_said_and_never_counted_as_crossed():
    # a hidden small number is never compared (c could be any of 1 to 5)
    for threshold, now, before in ((LEVEL, "c", None), (RISE, 30, "c"), (RISE, "c", 2)):
        found = check(threshold, now, before, "May")
        assert not found.crossed and not found.checked
        assert "a small number is hidden" in found.sentence
    # no earlier extract; a rise in percent from 0
    assert "no earlier extract" in check(RISE, 30, None, None).sentence
    zero = check(PERCENT, 4, 0, "May")
    assert not zero.checked and "it was 0 in May" in zero.sentence


# --- the chance of return in words, agreeing with its own table --------------------------------


def _hazard(chances: list[float], half_widths: list[float] | None = None) -> pd.DataFrame:
    bands = ["under 3 months", "3 to 6 months", "6 to 12 months", "1 to 2 years"][: len(chances)]
    widths = half_widths or [0.02] * len(chances)
    return pd.DataFrame(
        {
            "band": bands,
            "child_months": [500.0] * len(chances),
            "monthly_return": chances,
            "low": [c - w for c, w in zip(chances, widths, strict=True)],
            "high": [c + w for c, w in zip(chances, widths, strict=True)],
        }
    )


def test_the_issues_self_contradiction_cannot_be_written():
    # higher at the end than at the start, but lowest in the middle: the old words said
    # "rises the longer a child is out ... lowest for those out 6 to 12 months"
    said = hazard_sentence(_hazard([0.15, 0.13, 0.11, 0.25]))
    assert "rises the longer" not in said
    assert said == (
        "The chance of returning within a month is higher for children out 1 to 2 years (25%) "
        "than for those out under 3 months (15%), but it does not rise steadily in between. "
        "Of all 4 bands, it is highest for children out 1 to 2 years (25%) and lowest for "
        "those out 6 to 12 months (11%)."
    )


def test_falls_only_when_every_band_falls_and_the_ends_differ():
    said = hazard_sentence(_hazard([0.30, 0.20, 0.12, 0.05]))
    assert said.startswith(
        "The chance of returning within a month falls the longer a child is out, as para 3.4 "
        "of the review says: 30% for children out under 3 months, 5% for those out 1 to 2 years."
    )
    assert "highest for children out under 3 months (30%) and lowest for those out 1 to 2 " in said
    # overlapping ends: no verdict either way
    same = hazard_sentence(_hazard([0.20, 0.10, 0.21], [0.05, 0.05, 0.05]))
    assert "does not clearly differ between children out under 3 months (20%) and those out " in (
        same
    )
    assert "lowest for those out 3 to 6 months (10%)" in same


def test_the_command_line_refuses_a_pack_whose_thresholds_are_wrong(tmp_path, monkeypatch, capsys):
    # a council officer's typo in the file: no pack is written, and the message names the entry
    from briefing.__main__ import main
    from data.load import load_cohort

    db = tmp_path / "s.duckdb"
    load_cohort(Path(__file__).parent / "data" / "s_cohort_2024_01.csv", "2024-01", db)
    monkeypatch.setattr("figures.thresholds.PATH", _write(tmp_path, GOOD.replace("20", "-20")))
    monkeypatch.setenv("OOS_APP_STORE", str(tmp_path / "app.sqlite"))
    out = tmp_path / "pack"
    assert main(["--period", "2024-01", "--db", str(db), "--out", str(out)]) == 2
    said = capsys.readouterr().err
    assert "REFUSED" in said and "threshold 1: at must be a number greater than 0" in said
    assert not out.with_suffix(".pdf").exists() and not out.with_suffix(".html").exists()
