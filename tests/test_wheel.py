"""The built wheel — not the editable checkout — renders a pack from another directory,
with its templates, brand assets and catalogs found inside the installed package."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from mini_project import AS_OF, write_mini_project

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_built_wheel_renders_a_pack_from_another_directory(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist),
                    str(REPO)], check=True, capture_output=True)
    wheel = next(dist.glob("qbr-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "qbr/report_templates/default/pack.html" in names
    assert "qbr/locale/de/LC_MESSAGES/qbr.po" in names

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
    subprocess.run([*pip, str(wheel)], check=True, capture_output=True)

    work = tmp_path / "elsewhere"
    work.mkdir()
    config = write_mini_project(work)
    run = subprocess.run([str(venv / "bin" / "qbr"), "report", "--config", str(config),
                          "--client", "acme", "--quarter", "2026Q3", "--as-of", AS_OF,
                          "--out", "packs"], cwd=work, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    pdf = work / "packs" / "acme_2026Q3.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    assert (work / "packs" / "acme_2026Q3.xlsx").stat().st_size > 0
    # The installed package, not the checkout, provided the templates.
    where = subprocess.run([str(venv / "bin" / "python"), "-c",
                            "import qbr, sys; print(qbr.__file__)"], cwd=work,
                           capture_output=True, text=True, check=True).stdout
    assert str(venv) in where
