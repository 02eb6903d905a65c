"""CSV reader (qbr.io.csvfile, qbr.io.table): encodings, quoting, row numbers, headers.

ADVERSARIAL 18 (BOM, UTF-16 tab), 19 (decode errors name F/R and byte offset), 29
(unclosed quote rejects the file; legal quoting works), 31 (header normalisation,
duplicate labels, missing columns by name)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from helpers_config import make_config, source, write

from qbr.errors import InputError
from qbr.io import read_table
from qbr.io.csvfile import decode, parse, read_bytes

COLUMNS = {"ticket_id": "Ticket", "title": "Title"}


def _table(tmp_path: Path, text: str, encoding: str = "utf-8", **src: object):
    write(tmp_path, "exports/t.csv", text, encoding)
    cfg = make_config(tmp_path, {"t": source("exports/t.csv", columns=COLUMNS,
                                             encoding=src.pop("declared", encoding), **src)})
    return read_table(cfg.sources[0], "exports/t.csv", "ticket_id")


def test_utf8_bom_header_has_no_bom(tmp_path: Path) -> None:
    table = _table(tmp_path, "\ufeffTicket;Title\n1;Drucker €\n", "utf-8", delimiter=";",
                   declared="utf-8-sig")
    assert table.header == ("Ticket", "Title")
    assert table.rows[0].cells == ("1", "Drucker €")


def test_bom_is_stripped_even_when_declared_plain_utf8(tmp_path: Path) -> None:
    table = _table(tmp_path, "\ufeffTicket,Title\n1,x\n", "utf-8")
    assert table.header[0] == "Ticket"


def test_excel_unicode_text_utf16_tab(tmp_path: Path) -> None:
    text = "Ticket\tTitle\r\n1\tMüller GmbH\r\n2\tDrucker €\r\n"
    table = _table(tmp_path, text, "utf-16", delimiter="\t")
    assert [r.cells for r in table.rows] == [("1", "Müller GmbH"), ("2", "Drucker €")]
    assert [r.row for r in table.rows] == [2, 3]


def test_stray_cp1252_byte_names_file_row_and_offset(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(b"Ticket,Title\n1,ok\n2,M\xfcller\n")
    with pytest.raises(InputError) as err:
        decode(read_bytes(path, "t.csv"), "t.csv", "utf-8-sig")
    assert err.value.row == 3
    assert str(err.value).startswith("t.csv, row 3: cannot decode bytes fc at byte offset 21")


def test_cp1252_is_decoded_as_declared(tmp_path: Path) -> None:
    table = _table(tmp_path, "Ticket;Title\n1;Straße „Nord“ 12 €\n", "cp1252", delimiter=";")
    assert table.rows[0].cells[1] == "Straße „Nord“ 12 €"


def test_unclosed_quote_rejects_the_file_naming_the_start_row() -> None:
    text = 'Ticket,Title\n1,"Monitor 24 zoll,2025-01-01\n2,ok\n3,ok\n'
    with pytest.raises(InputError, match="unclosed quote") as err:
        parse(text, "t.csv", ",")
    assert err.value.row == 2
    assert str(err.value).startswith("t.csv, row 2: unclosed quote")


def test_legal_quoting_parses_exactly() -> None:
    text = 'Ticket,Title\n1,"Monitor 24"" zoll"\n2,"line one\r\nline two"\n3,Monitor 24" mid\n'
    records = parse(text, "t.csv", ",")
    assert records[1:] == [(2, ["1", 'Monitor 24" zoll']), (3, ["2", "line one\r\nline two"]),
                           (5, ["3", 'Monitor 24" mid'])]


def test_row_numbers_follow_physical_lines_after_multiline_fields() -> None:
    text = 'Ticket,Title\n1,"a\nb\nc"\n\n2,x\n'
    assert [n for n, _ in parse(text, "t.csv", ",")] == [1, 2, 5, 6]


def test_header_normalisation_nbsp_nfd_case_and_spaces(tmp_path: Path) -> None:
    header = "Ticket ,\u00a0ERSTELLT," + unicodedata.normalize("NFD", "Priorität")
    write(tmp_path, "t.csv", header + "\n1,2025-01-01 10:00,P1\n")
    cols = {"ticket_id": "ticket", "created_at": "Erstellt",
            "priority": unicodedata.normalize("NFC", "Priorität")}
    cfg = make_config(tmp_path, {"t": source("t.csv", columns=cols)})
    table = read_table(cfg.sources[0], "t.csv")
    assert table.index == {"ticket_id": 0, "created_at": 1, "priority": 2}
    assert table.header == ("Ticket", "ERSTELLT", "Priorität")


def test_missing_mapped_columns_are_listed_by_name(tmp_path: Path) -> None:
    write(tmp_path, "t.csv", "Ticket,Other\n1,x\n")
    cols = {"ticket_id": "Ticket", "title": "Title", "queue": "Queue"}
    cfg = make_config(tmp_path, {"t": source("t.csv", columns=cols)})
    with pytest.raises(InputError, match=r"missing column\(s\): 'Title', 'Queue'"):
        read_table(cfg.sources[0], "t.csv")


def test_duplicate_mapped_label_is_an_error_naming_both_positions(tmp_path: Path) -> None:
    write(tmp_path, "t.csv", "Ticket,Datum,Datum\n1,a,b\n")
    cfg = make_config(tmp_path, {"t": source("t.csv", columns={"ticket_id": "Ticket",
                                                               "created_at": "Datum"})})
    with pytest.raises(InputError, match="duplicate-label: column 'Datum' appears at "
                                         "positions 2 and 3"):
        read_table(cfg.sources[0], "t.csv")


def test_duplicate_unmapped_labels_are_fine(tmp_path: Path) -> None:
    table = _table(tmp_path, "Ticket,Title,Notes,Notes\n1,x,a,b\n")
    assert table.rows[0].reason is None


@pytest.mark.parametrize(("content", "message"), [(None, "file not found"),
                                                  (b"", "empty file")])
def test_missing_and_empty_files(tmp_path: Path, content: bytes | None, message: str) -> None:
    path = tmp_path / "t.csv"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        read_bytes(path, "t.csv")


def test_decode_error_offset_counts_the_bom(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(b"\xef\xbb\xbfTicket\n1\n\x96\n")
    with pytest.raises(InputError, match="bytes 96 at byte offset 12 as utf-8-sig") as err:
        decode(read_bytes(path, "t.csv"), "t.csv", "utf-8-sig")
    assert err.value.row == 3


def test_a_lone_cr_inside_quotes_is_not_a_new_line() -> None:
    # As grep -n and editors count: ServiceNow descriptions end with "\r" inside quotes.
    text = 'Ticket,Title\r\n1,"a\rb\r"\r\n2,"x\r\ny"\r\n3,z\r\n'
    assert [n for n, _ in parse(text, "t.csv", ",")] == [1, 2, 3, 5]


def test_classic_mac_line_ends_still_count_rows() -> None:
    assert [n for n, _ in parse("Ticket\r1\r2\r", "t.csv", ",")] == [1, 2, 3]


def test_text_after_a_closing_quote_is_a_loud_error() -> None:
    with pytest.raises(InputError, match="bad quoting") as err:
        parse('Ticket,Title\n1,ok\n2,"a"b\n', "t.csv", ",")
    assert err.value.row == 3


def test_a_blank_header_row_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="row 1: the header row is blank"):
        _table(tmp_path, ",\nOther,Labels\n")  # (a mapped header below is a preamble)


def test_adversarial_19_mojibake_is_flagged_with_file_row_column(tmp_path: Path) -> None:
    from helpers_config import TICKET_COLUMNS

    from qbr.ingest import load_dataset

    write(tmp_path, "t.csv", "Ticket,Company,Priority,Created,Title\n"
          "1,ACME GmbH,P1,2025-07-01 10:00,Drucker MÃ¼ller\n"
          "2,ACME GmbH,P1,2025-07-01 10:00,Müller and Ã  la carte\n"
          "3,ACME GmbH,P1,2025-07-01 10:00,â€žNordâ€œ\n")
    cfg = make_config(tmp_path, {"t": source("t.csv", columns={**TICKET_COLUMNS,
                                                               "title": "Title"})})
    data = load_dataset(cfg)
    assert data.tickets[0].title == "Drucker MÃ¼ller"  # kept as read
    assert [(w.row, w.column) for w in data.warnings] == [(2, "Title"), (4, "Title")]
    assert "probably 'Drucker Müller'" in data.warnings[0].message
    assert "check the source's encoding" in data.warnings[0].message
    assert "probably '„Nord“'" in data.warnings[1].message
