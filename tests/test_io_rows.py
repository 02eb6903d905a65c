"""Row classification before interpretation (qbr.io.table.build_table).

ADVERSARIAL 25 (repeated header, blank and summary rows) and 30 (ragged rows both
ways), read straight from CSV text so the raw field counts are what the file holds."""

from __future__ import annotations

from collections import Counter

from qbr.io.csvfile import parse
from qbr.io.table import RawTable, build_table

COLUMNS = {"ticket_id": "Ticket", "reported_pause": "Minutes"}


def _table(text: str, delimiter: str = ",", columns: dict[str, str] = COLUMNS) -> RawTable:
    return build_table("t.csv", parse(text, "t.csv", delimiter), columns, "ticket_id")


def test_adversarial_25_repeated_header_blank_and_summary_rows() -> None:
    table = _table("Ticket,Minutes\n1,30\n2,45\nTicket,Minutes\n3,60\n,\nTotal,135\n")
    assert len(table.rows) == 6
    assert [(r.row, r.reason) for r in table.rows] == [
        (2, None), (3, None), (4, "header-repeat"), (5, None), (6, "blank-row"),
        (7, "summary-row")]
    assert [r.cells for r in table.rows if r.reason is None] == [("1", "30"), ("2", "45"),
                                                                  ("3", "60")]


def test_adversarial_25_german_summary_row_with_extra_empty_cells() -> None:
    table = _table("Ticket;Minutes\n1;30\nGesamt;;;;42\n", ";")
    assert [r.reason for r in table.rows] == [None, "summary-row"]


def test_summary_word_in_a_later_column_with_empty_id() -> None:
    columns = {"title": "Title", "ticket_id": "Ticket"}
    table = _table("Title,Ticket,Minutes\nx,1,3\nSumme,,3\n", columns=columns)
    assert [r.reason for r in table.rows] == [None, "summary-row"]


def test_a_real_id_keeps_a_row_titled_total_as_data() -> None:
    columns = {"title": "Title", "ticket_id": "Ticket"}
    table = _table("Title,Ticket,Minutes\nTotal,T-1,3\n", columns=columns)
    assert table.rows[0].reason is None


def test_header_repeat_is_matched_after_normalisation() -> None:
    table = _table("Ticket,Minutes\n ticket ,MINUTES\n")
    assert table.rows[0].reason == "header-repeat"


def test_adversarial_30_ragged_rows_are_reported_both_ways() -> None:
    columns = {"ticket_id": "Ticket", "title": "Titel", "created_at": "Erstellt"}
    text = "Ticket,Titel,Erstellt\n1,a,2025-01-01\n2,b,c,2025-01-02\n3,d\n"
    table = _table(text, columns=columns)
    long, short = table.rows[1], table.rows[2]
    assert (long.row, long.reason, long.column) == (3, "extra-cell", None)
    assert "extra cell at position 4" in long.detail
    assert (short.row, short.reason, short.column) == (4, "missing-cell", "Erstellt")
    assert Counter(r.reason for r in table.rows) == {None: 1, "extra-cell": 1,
                                                     "missing-cell": 1}


def test_missing_cell_names_the_first_missing_column() -> None:
    columns = {"ticket_id": "Ticket", "title": "Titel", "created_at": "Erstellt"}
    table = _table("Ticket,Titel,Erstellt\n3\n", columns=columns)
    assert table.rows[0].column == "Titel"
