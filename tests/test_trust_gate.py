"""Real children are never shown as made up: the gate, the demo's own path, and the loader's
refusal to mix real and synthetic loads in one database.

The hostile finding this answers: following the README in order (start the dashboard, which
built the demo at data/oos.duckdb; then `python -m data.load cohort real.csv --period 2023-06`)
put real children into the demo database, which the gate still called synthetic (any
synthetic load was enough), so they were shown with no sign-in under "These children are made
up". Here the project's two default paths are pointed into tmp_path.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from core import paths
from data import load, provenance
from data.generate import build_demo_database
from queries.aggregates import dataset_info

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "tests" / "data" / "p_cohort_2023_06.csv"  # 11 rows: 10 children loaded


@pytest.fixture
def project(monkeypatch, tmp_path):
    """The council's default database and the demo's, both inside tmp_path, nothing named."""
    monkeypatch.setattr(paths, "DEFAULT_DB", tmp_path / "data" / "oos.duckdb")
    monkeypatch.setattr(paths, "DEMO_DB", tmp_path / "data" / "demo" / "demo.duckdb")
    for name in ("OOS_DB", "OOS_SINGLE_USER", "OOS_APP_STORE"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def small_demo() -> Path:
    """What the dashboard's first start builds (smaller): at the demo's path."""
    return build_demo_database(None, children=30, periods=2)


def loads(db: Path) -> tuple[int, int]:
    """(synthetic loads, real loads) in the database."""
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "SELECT count(*) FILTER (WHERE synthetic), count(*) FILTER (WHERE NOT synthetic) "
            "FROM load_log"
        ).fetchone()


def dashboard() -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def page_text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [w.value for w in at.warning]
    parts += [e.value for e in at.error] + [t.value for t in at.title]
    return "\n".join(parts)


def test_the_readme_order_keeps_the_demo_and_the_real_load_apart(project, capsys):
    demo = small_demo()
    assert demo == paths.DEMO_DB and paths.resolve_db_path() == demo
    made_up = loads(demo)
    assert made_up[0] > 0 and made_up[1] == 0
    at = dashboard()  # the demo: no sign-in, marked synthetic, and says what the gate found
    assert any("These children are made up" in w.value for w in at.warning)
    assert any(
        f"all {made_up[0]} loads in demo.duckdb were made by the demo generator"
        in w.value.replace("\\", "")
        for w in at.warning
    )
    # then the README's loading step, with no --db and no OOS_DB
    assert load.main(["cohort", str(REAL), "--period", "2023-06"]) == 0
    assert paths.DEFAULT_DB.exists()
    assert loads(paths.DEFAULT_DB) == (0, 1)  # the real load went to its own file
    assert loads(demo) == made_up  # and the demo is exactly as it was
    assert paths.resolve_db_path() == paths.DEFAULT_DB
    at = dashboard()  # now the real database, behind sign-in: nothing from it shown
    text = page_text(at)
    assert at.title[0].value == "Sign-in is not configured"
    assert "oos.duckdb holds 1 load of real extracts" in text.replace("\\", "")
    assert "made up" not in text and "P-00" not in text
    assert not at.sidebar.selectbox  # no demo role switcher


def test_a_real_extract_is_refused_by_the_demo_database(project, capsys):
    demo = small_demo()
    before = (demo.stat().st_mtime_ns, loads(demo))
    assert load.main(["cohort", str(REAL), "--period", "2023-06", "--db", str(demo)]) == 2
    err = capsys.readouterr().err
    assert "is the synthetic demonstration database" in err
    assert "leave out --db (and OOS_DB) to use data/oos.duckdb" in err
    assert (demo.stat().st_mtime_ns, loads(demo)) == before
    # the same for a synthetic database anywhere else, named by OOS_DB
    other = build_demo_database(project / "elsewhere" / "made-up.duckdb", children=20, periods=1)
    with pytest.raises(provenance.MixRefused, match=r"\(1 loads?, all made up\)|all made up"):
        load.load_cohort(REAL, "2023-06", other)
    assert loads(other)[1] == 0


def test_a_real_extract_is_refused_at_the_demos_path_even_before_the_demo_exists(project):
    with pytest.raises(provenance.MixRefused, match="synthetic demonstration database"):
        load.load_cohort(REAL, "2023-06", paths.DEMO_DB)
    assert not paths.DEMO_DB.exists()


def test_synthetic_data_is_refused_by_a_real_database(project):
    real = project / "real.duckdb"
    load.load_cohort(REAL, "2023-06", real)
    with pytest.raises(provenance.MixRefused, match="holds 1 loads of real extracts"):
        load.load_cohort(REAL, "2023-05", real, synthetic=True)
    with pytest.raises(ValueError, match="holds real extract loads"):
        build_demo_database(real, children=20, periods=1)
    assert loads(real) == (0, 1)


def test_a_database_mixed_before_the_refusal_is_real_and_says_so(project, monkeypatch):
    """A database mixed by the old loader (the issue's exact case): one real load among the
    demo's makes it real. Without sign-in nothing is shown; with one named user, no "made up"
    banner but a warning that it mixes both."""
    demo = small_demo()
    with monkeypatch.context() as old_loader:
        old_loader.setattr(provenance, "refuse_mixing", lambda *args: None)
        load.load_cohort(REAL, "2023-06", demo)
    made_up, real = loads(demo)
    assert made_up > 0 and real == 1
    info = dataset_info(demo)
    assert (info["synthetic"], info["synthetic_loads"], info["real_loads"]) == (False, made_up, 1)
    at = dashboard()
    assert at.title[0].value == "Sign-in is not configured"
    text = page_text(at).replace("\\", "")
    assert f"demo.duckdb mixes {made_up} loads of synthetic data with 1 load of real" in text
    assert "These children are made up" not in text
    monkeypatch.setenv("OOS_SINGLE_USER", "Ada Analyst")
    at = dashboard()
    assert not any("These children are made up" in w.value for w in at.warning)
    assert any("mixes made-up and real children" in e.value for e in at.error)


def test_an_empty_database_is_not_synthetic(project):
    from data.store import create_empty

    empty = project / "empty.duckdb"
    create_empty(empty)
    info = dataset_info(empty)
    assert (info["synthetic"], info["loads"]) == (False, 0)


def test_the_generator_builds_at_the_demos_path_by_default(project):
    from data.generate import main

    assert main(["--children", "20", "--periods", "1"]) == 0
    assert paths.DEMO_DB.exists() and not paths.DEFAULT_DB.exists()
    assert loads(paths.DEMO_DB)[1] == 0


def test_the_demo_the_audit_key_and_the_anchor_stay_out_of_git():
    from tests.test_load_hostile_git import ignored

    paths = [
        "data/demo/demo.duckdb",
        "data/demo/oos_app.sqlite",
        "data/demo/oos_app.audit-key",
        "data/oos_app.audit-key",
        "data/oos_app.audit-anchor",
    ]
    assert ignored(paths) == set(paths)
