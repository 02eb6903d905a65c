"""`pip install .` is quiet (issue 8 §1): every folder that ships files is declared as a
package in pyproject.toml, so setuptools has nothing to warn about."""

from __future__ import annotations

import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_every_shipped_folder_is_a_declared_package() -> None:
    setup = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    declared = set(setup["packages"])
    folders = {".".join(p.relative_to(REPO).parts) for p in (REPO / "qbr").rglob("*")
               if p.is_dir() and p.name != "__pycache__" and any(p.iterdir())}
    folders |= {"qbr.report_templates." + ".".join(p.relative_to(REPO / "report_templates")
                                                   .parts)
                for p in (REPO / "report_templates").rglob("*") if p.is_dir()}
    missing = sorted(folders - declared)
    assert not missing, f"add to [tool.setuptools] packages in pyproject.toml: {missing}"
