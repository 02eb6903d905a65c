"""Issue 7 §6: the deck's story checked on the mini project's PDF text (pypdf), in German
and English — the summary sentences, the credit working and the merged outage total —
and the workbook compared with a reviewed golden dump.

Hand-worked figures (see tests/mini_project.py for the tickets and outages):

- Response: T-1 (P2) took 75 business min > 60 → missed; T-5 (P4, opened Tue 29 Sep
  09:00) has no response by the cut-off 5 Oct, more than one 8-hour office day → missed.
  So "1 of 1 P2 (high) ticket missed the response target of 1 business hour" (60 min on
  the office calendar) and the P4 target reads "1 business day (8 h)" (480 = one day).
- Uptime: fw-01's outages 10:00–11:00Z and 10:30–12:00Z on 3 Aug overlap and merge into
  one incident of 120 min (12:00–14:00 CEST); the reboot 00:30–01:30Z on 2 Aug lies in
  maintenance and counts 0, so it is not listed. The rows add up to the total: 2 h 00 min.
  Uptime = 1 − 120 / 132,360 = 99.90934… %, shown truncated as 99.90 %.
- Credit (this test's table: below 99.95 → 5 %): 99.90934 < 99.95 → 5 % × 10,000.00 =
  500.00.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from mini_project import AS_OF, CONFIG, write_mini_project
from pypdf import PdfReader

from qbr import api
from qbr.metrics import Engine
from qbr.packbuilder import build_pack
from qbr.quarters import parse_quarter
from qbr.report import render_pack

GOLDEN = Path(__file__).parent / "golden" / "workbook_acme_de.json"
CREDIT_CONFIG = CONFIG.replace("credits = [{ below = 99.9, pct = 5 }, { below = 99.5, pct = 10 }]",
                               "credits = [{ below = 99.95, pct = 5 }, { below = 99.5, pct = 10 }]")


def _render(tmp_path: Path, locale: str) -> tuple[Path, Path]:
    config = write_mini_project(tmp_path, CREDIT_CONFIG.replace('locale = "de_DE"',
                                                                f'locale = "{locale}"'))
    cfg = api.load(config)
    run = api.load_inputs(cfg, AS_OF)
    pack = build_pack(cfg, run.dataset, Engine(cfg, run.dataset), "acme",
                      parse_quarter("2026Q3"), run.as_of)
    pdf, xlsx = render_pack(pack, tmp_path / "out")[:2]
    return pdf, xlsx


def _text(pdf: Path) -> str:
    text = "\n".join(page.extract_text() or "" for page in PdfReader(pdf).pages)
    return " ".join(text.replace("\u00a0", " ").split())


@pytest.fixture(scope="module")
def german(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return _render(tmp_path_factory.mktemp("de"), "de_DE")


@pytest.fixture(scope="module")
def english(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return _render(tmp_path_factory.mktemp("en"), "en_GB")


def test_german_summary_credit_and_incidents(german: tuple[Path, Path]) -> None:
    text = _text(german[0])
    for sentence in (
        "1 von 1 Ticket der Priorität P2 (hoch) hat das Reaktionsziel von 1 Arbeitsstunde "
        "verfehlt.",
        "1 von 1 Ticket der Priorität P4 (niedrig) hat das Reaktionsziel von 1 Arbeitstag "
        "(8 Std.) verfehlt.",
        "Die kritischen Systeme waren zu 99,90 % der Zeit verfügbar.",
        "Es ist eine Gutschrift von 500,00 € (5 % der Quartalsgebühr) fällig, weil die "
        "Verfügbarkeit der kritischen Systeme mit 99,90 % unter 99,95 % lag.",
        "99,90 % < 99,95 % → 5 % × 10.000,00 € = 500,00 €",
        "03.08.2026 12:00 MESZ 14:00 MESZ 2 Std. 00 Min.",
        "2 Meldungen zusammengefasst",
        "Ausfallzeit kritischer Systeme gesamt 2 Std. 00 Min.",
        "3. Quartal 2026",
    ):
        assert sentence in text, sentence
    assert "Patch reboot" not in text  # inside maintenance: 0 minutes, not an incident


def test_english_summary_credit_and_incidents(english: tuple[Path, Path]) -> None:
    text = _text(english[0])
    for sentence in (
        "1 of 1 P2 (high) ticket missed the response target of 1 business hour.",
        "1 of 1 P4 (low) ticket missed the response target of 1 business day (8 h).",
        "Critical systems were available 99.90% of the time.",
        "A service credit of €500.00 (5% of the quarterly fee) is due because critical "
        "uptime of 99.90% fell below 99.95%.",
        "99.90% < 99.95% → 5% × €10,000.00 = €500.00",
        "2 reports merged",
        "Total downtime of critical systems 2 h 00 min",
        "Q3 2026",
        # one merged incident, en_GB dates, the client's zone (Berlin) abbreviated
        "fw-01 3 Aug 2026 12:00 CEST 14:00 CEST 2 h 00 min “ISP fibre cut; Power supply”",
    ):
        assert sentence in text, sentence


def test_client_pack_has_nothing_internal(german: tuple[Path, Path]) -> None:
    text = _text(german[0])
    for internal in ("tickets.csv", "Europe/Berlin", "office", "always", "24x7", "Globex",
                     "gelesen", "2026Q3"):
        assert internal not in text, internal


# ------------------------------------------------------------------ workbook golden


def _cell(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def workbook_dump(path: Path) -> dict[str, Any]:
    """Values, types, number formats and print settings of every sheet (STYLE rule 8:
    compared as a cell dump, never as bytes)."""
    wb = openpyxl.load_workbook(path)
    out: dict[str, Any] = {}
    for ws in wb.worksheets:
        fonts = {c.font.name for row in ws.iter_rows() for c in row if c.value is not None}
        out[ws.title] = {
            "print": {"orientation": ws.page_setup.orientation,
                      "fitToWidth": ws.page_setup.fitToWidth,
                      "fitToHeight": ws.page_setup.fitToHeight,
                      "fitToPage": bool(ws.sheet_properties.pageSetUpPr.fitToPage),
                      "title_rows": ws.print_title_rows, "footer": ws.oddFooter.left.text,
                      "freeze": ws.freeze_panes, "charts": len(ws._charts)},
            "fonts": sorted(f for f in fonts if f),
            "cells": [[c.coordinate, _cell(c.value), c.data_type, c.number_format]
                      for row in ws.iter_rows() for c in row if c.value is not None],
        }
    return out


def _golden_text(dump: dict[str, Any]) -> str:
    """One line per cell, so a review diff shows exactly the cells that changed."""
    lines = ["{"]
    for i, (title, sheet) in enumerate(dump.items()):
        lines.append(f" {json.dumps(title, ensure_ascii=False)}: {{")
        lines.append(f'  "print": {json.dumps(sheet["print"], ensure_ascii=False)},')
        lines.append(f'  "fonts": {json.dumps(sheet["fonts"])},')
        lines.append('  "cells": [')
        cells = [f"   {json.dumps(c, ensure_ascii=False)}" for c in sheet["cells"]]
        lines.append(",\n".join(cells))
        lines.append("  ]")
        lines.append(" }" + ("," if i < len(dump) - 1 else ""))
    return "\n".join([*lines, "}"]) + "\n"


def test_workbook_matches_the_reviewed_golden_file(german: tuple[Path, Path]) -> None:
    """Regenerate after a reviewed change with ``QBR_UPDATE_GOLDEN=1 pytest
    tests/test_deck_story.py`` and review the diff of the JSON file."""
    dump = workbook_dump(german[1])
    if os.environ.get("QBR_UPDATE_GOLDEN"):
        GOLDEN.write_text(_golden_text(dump), encoding="utf-8")
    assert dump == json.loads(GOLDEN.read_text(encoding="utf-8"))


def test_workbook_conventions(german: tuple[Path, Path]) -> None:
    dump = workbook_dump(german[1])
    for sheet in dump.values():
        assert sheet["fonts"] == ["Calibri"]  # one font family
        assert sheet["print"]["orientation"] == "landscape" and sheet["print"]["fitToPage"]
        assert sheet["print"]["footer"] == "ACME GmbH · 3. Quartal 2026"
    formats = {f for s in dump.values() for _c, v, t, f in s["cells"] if t in "nd"}
    # fractions with percent formats, whole minutes, German dates and euros
    assert {"0.0%", "0.00%", "#,##0", "DD.MM.YYYY hh:mm", '#,##0.00\\ "€"'} <= formats
    assert not [v for s in dump.values() for _c, v, t, f in s["cells"]
                if t == "n" and f == "General" and isinstance(v, float)]
    assert dump["Entwicklung"]["print"]["charts"] == 1
