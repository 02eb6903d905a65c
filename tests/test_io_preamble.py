"""ADVERSARIAL 26: preamble lines above the header and Excel's ``sep=`` line. The header is
found by the mapped column labels, the skipped lines are one warning, data rows keep their
original line numbers, and ``sep=;`` sets the delimiter and is skipped."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers_config import make_config, source, write

from qbr.errors import InputError
from qbr.ingest import load_dataset

COLUMNS = {"ticket_id": "Ticket", "client": "Kunde", "priority": "Prio",
           "created_at": "Erstellt"}
PREAMBLE = "Ticket Report - Müller GmbH\nZeitraum: 01.10.2025 - 31.12.2025\n\n"
HEADER = "Ticket;Kunde;Prio;Erstellt\n"
ROWS = "1;ACME GmbH;P1;2025-10-01 10:00\n2;ACME GmbH;P1;kaputt\n"


def _load(tmp_path: Path, text: str, **src: object):
    write(tmp_path, "t.csv", text)
    cfg = make_config(tmp_path, {"t": source("t.csv", columns=COLUMNS, **src)})
    return load_dataset(cfg)


@pytest.mark.parametrize("quote", [False, True])  # the stdlib path too (a quote mid-field)
def test_preamble_is_skipped_and_rows_keep_their_line_numbers(tmp_path: Path,
                                                               quote: bool) -> None:
    rows = ROWS.replace("kaputt", 'kaputt 24"') if quote else ROWS
    data = _load(tmp_path, PREAMBLE + HEADER + rows, delimiter=";")
    report = data.files[0]
    assert (report.read, report.accepted) == (2, 1)
    assert [(r.row, r.reason, r.column) for r in data.rejections] == [
        (6, "bad-date", "Erstellt")]
    assert [t.source.row for t in data.tickets] == [5]
    assert "skipped 3 line(s) above the header (from line 1); the header is line 4" in \
        data.warnings[0].message


def test_excel_sep_line_sets_the_delimiter(tmp_path: Path) -> None:
    data = _load(tmp_path, "sep=;\n" + HEADER + ROWS)  # declared: the default ","
    assert [t.ticket_id for t in data.tickets] == ["1"]
    assert [t.source.row for t in data.tickets] == [3]
    assert [r.row for r in data.rejections] == [4]
    assert "sets the delimiter to ';'" in data.warnings[0].message


def test_sep_line_and_preamble_together_with_a_quoting_error(tmp_path: Path) -> None:
    text = "sep=;\n" + PREAMBLE + HEADER + '1;"ACME GmbH;P1;2025-10-01 10:00\n2;x;P1;y\n'
    with pytest.raises(InputError, match="unclosed quote") as err:
        _load(tmp_path, text, delimiter=";")
    assert err.value.row == 6


def test_without_the_mapped_header_the_missing_columns_are_named(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"missing column\(s\): 'Kunde'"):
        _load(tmp_path, PREAMBLE + "Ticket;Prio;Erstellt\n1;P1;x\n", delimiter=";")
