"""The hand-made SEN2 return used by tests/test_load_sen2_return*.py, and ways to vary it.

tests/data/sen2_return/ holds one synthetic Blade export (Blade-Export_05-07-2023, made after
the census date of 2023-06, so it is read at 30 June 2023), an SSD set (ssd/) and the bespoke
cohort and caseload files that say the same thing (equivalent_*.csv). Every name, UPN, ULN and
postcode in them is made up (surnames `Fakesurname-...`, UPNs `Z999...`, postcodes `... 9ZZ`).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import TEST_DATA

SEN2_DATA = TEST_DATA / "sen2_return"
EXPORT = SEN2_DATA / "Blade-Export_05-07-2023"
SSD = SEN2_DATA / "ssd"
PERIOD = "2023-06"

# Every identifying value in the fixture: none may reach the database file.
UPNS = [f"Z9990000001{n:02d}" for n in (1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 14, 15, 16, 20, 77)]
ULNS = ["9990000101", "9990000102", "9990000104"]
NHS_NUMBERS = [f"999000{n}" for n in (1001, 1002, 1004, 1005, 1010, 1016, 1077)]
NAME_STEMS = ["Fakesurname", "Fakeforename"]
NAMES = [
    "Alder", "Birch", "Cedar", "Damson", "Elm", "Fir", "Gorse", "Hazel", "Ivy", "Juniper",
    "Kale", "Larch", "Maple", "Nettle", "Oak", "Quince",
]  # fmt: skip
POSTCODES = [
    "CT9 9ZZ", "ct10 9zz", "ME14 9ZZ", "TN23 9ZZ", "DA11 9ZZ", "ME7 9ZZ", "CT1 9ZZ",
    "SW1A 9ZZ", "TN12 0ZZ",
]  # fmt: skip


def copy_export(tmp_path: Path, date: str = "05-07-2023", name: str | None = None) -> Path:
    """A copy of the fixture export whose files carry `date` (DD-MM-YYYY) in their names."""
    folder = tmp_path / (name or f"Blade-Export_{date}")
    folder.mkdir(parents=True)
    for path in EXPORT.iterdir():
        shutil.copyfile(path, folder / path.name.replace("05-07-2023", date))
    return folder


def module_file(folder: Path, module: str) -> Path:
    (path,) = [p for p in folder.iterdir() if p.name.endswith(f"_{module}.csv")]
    return path


def edit_module(folder: Path, module: str, old: str, new: str) -> None:
    """Replace `old` (which must occur once) by `new` in one module file of a copied export."""
    path = module_file(folder, module)
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, (module, old)
    path.write_text(text.replace(old, new), encoding="utf-8")
