"""The whole path on the mini project: CSV exports → metrics → PDF and XLSX, with hostile
titles coming out as plain text in both files (issue 2 "Done when")."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from mini_project import AS_OF, FORMULA_TITLE, HOSTILE_TITLE, write_mini_project
from pypdf import PdfReader

from qbr.cli import main


@pytest.fixture(scope="module")
def pack_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("e2e")
    config = write_mini_project(root)
    result = CliRunner().invoke(main, ["report", "--config", str(config), "--client", "acme",
                                       "--quarter", "2026Q3", "--as-of", AS_OF,
                                       "--out", str(root / "out")])
    assert result.exit_code == 0, result.output + result.stderr
    assert result.stderr == "as_of: 2026-10-05T06:00:00+00:00\n"
    pdf, xlsx = root / "out" / "acme_2026Q3.pdf", root / "out" / "acme_2026Q3.xlsx"
    assert result.stdout == f"acme: {pdf}, {xlsx}\n"
    return pdf, xlsx


def pdf_text(path: Path) -> str:
    # Babel puts a no-break space between number and "%"; compare with plain spaces.
    text = "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
    return text.replace("\u00a0", " ")


def test_pdf_is_german_with_page_numbers_and_key_figures(pack_files: tuple[Path, Path]) -> None:
    text = pdf_text(pack_files[0])
    assert "ACME GmbH" in text
    assert "3. Quartal 2026" in text and "01.07.2026" in text and "30.09.2026" in text
    # Response attainment 2 of 4 = 50 %; uptime 99.90934…% truncated to "99,90 %".
    assert "50,0 %" in text
    assert "99,90 %" in text
    assert "Seite 2 von 6" in text  # the cover carries no number
    assert "Stand der Zahlen" in text  # the methodology states as_of


def test_hostile_titles_are_plain_text_in_pdf(pack_files: tuple[Path, Path]) -> None:
    # T-1 and T-5 are breached, so the breach list shows their titles as written.
    text = pdf_text(pack_files[0])
    assert HOSTILE_TITLE in text
    assert FORMULA_TITLE in text
    assert b"/EmbeddedFiles" not in pack_files[0].read_bytes()


def test_hostile_titles_are_typed_text_in_workbook(pack_files: tuple[Path, Path]) -> None:
    wb = openpyxl.load_workbook(pack_files[1])
    values = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert HOSTILE_TITLE in values
    assert FORMULA_TITLE in values
    with zipfile.ZipFile(pack_files[1]) as z:
        sheets = [z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/")]
    assert not any(b"<f>" in s for s in sheets)
    cell = next(c for ws in wb.worksheets for row in ws.iter_rows() for c in row
                if c.value == FORMULA_TITLE)
    assert cell.data_type == "s" and cell.quotePrefix


def test_workbook_lists_every_ticket_with_state(pack_files: tuple[Path, Path]) -> None:
    wb = openpyxl.load_workbook(pack_files[1])
    text = [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    for ticket_id in ("T-1", "T-2", "T-3", "T-4", "T-5"):
        assert ticket_id in text
    assert "G-1" not in text  # unassigned rows never appear in a client's pack
