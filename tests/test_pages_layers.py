"""The layers' contract: the screens and the pack reach the counts only through figures/.

`lint-imports` checks .importlinter in CI; these tests check that the contract says what the
architecture needs, that the code keeps it, and that it would catch a page that broke it.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = "pages and the briefing pack reach the query layer only through the figures layer"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_no_page_no_part_of_the_pack_and_not_the_frame_imports_the_query_layer():
    files = [*ROOT.glob("pages/**/*.py"), *ROOT.glob("briefing/*.py"), ROOT / "dashboard.py"]
    assert len(files) > 30
    offenders = {
        str(path.relative_to(ROOT)): sorted(
            m for m in imported_modules(path) if m.split(".")[0] == "queries"
        )  # fmt: skip
        for path in files
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_figures_layer_imports_neither_the_screens_nor_the_pack():
    for path in ROOT.glob("figures/*.py"):
        roots = {m.split(".")[0] for m in imported_modules(path)}
        assert not roots & {"pages", "briefing", "data", "streamlit"}, path.name


def lint(folder: Path) -> subprocess.CompletedProcess:
    exe = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    return subprocess.run(  # noqa: S603 - our own tool on our own files
        [exe, "--config", str(folder / ".importlinter")],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(folder)},
        check=False,
    )


def test_the_contract_is_kept(tmp_path):
    done = lint(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{CONTRACT} KEPT" in " ".join(done.stdout.split()).replace("layerKEPT", "layer KEPT")


def test_a_page_that_counts_for_itself_breaks_the_contract(tmp_path):
    # an attacker's (or a hurried maintainer's) page that reads the query layer directly
    for package in ("core", "appstore", "data", "queries", "figures", "pages", "trust",
                    "briefing"):  # fmt: skip
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / ".importlinter", tmp_path / ".importlinter")
    (tmp_path / "pages" / "shortcut.py").write_text(
        '"""A page counting for itself."""\nfrom queries.aggregates import breakdown\n',
        encoding="utf-8",
    )
    done = lint(tmp_path)
    assert done.returncode != 0
    flat = " ".join(done.stdout.split())
    assert "BROKEN" in flat and "pages.shortcut -> queries.aggregates" in flat
