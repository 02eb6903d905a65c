"""The columnar CSV reader (qbr.io.fastcsv) gives exactly the strict stdlib reader's records
(ADVERSARIAL 25, 27–30): same cells, same row numbers after multi-line fields, same raw
field counts; anything it cannot vouch for goes to the stdlib reader, so quoting errors
still reject the file naming the row where the bad field starts."""

from __future__ import annotations

import sys

import pytest

from qbr.errors import InputError
from qbr.io.csvfile import parse
from qbr.io.fastcsv import CsvColumns, read_columns

LEGAL = [
    'Ticket,Title\n1,"a\nb\nc"\n\n2,x\n',
    'Ticket,Title\r\n1,"a\rb\r"\r\n2,"x\r\ny"\r\n3,z\r\n',
    "Ticket\r1\r2\r",
    "Ticket,Titel,Erstellt\n1,a,2025-01-01\n2,b,c,2025-01-02\n3,d\n",
    "Ticket;Minutes\n1;30\nGesamt;;;;42\n",
    'Ticket,Title\n1,"Monitor 24"" zoll"\n2,"line one\r\nline two"\n3,Monitor 24" mid\n',
    "A,B\n1,2",
    "A,B\n1,2\n\n\n",
    'A,B\n"1","""x"""\n,\n"",""\n',
    "Ticket,Minutes\n1,30\n2,45\nTicket,Minutes\n3,60\n,\nTotal,135\n",
    'ID,Client,Title\n00123,NA Systems,None\n123,"NULL Ltd",n/a\n12345678901234567890,nan,\n',
]


def _records(text: str) -> list[tuple[int, list[str]]]:
    delimiter = ";" if ";" in text.split("\n")[0] else ","
    got, _note = read_columns(text.encode(), "t.csv", "utf-8", delimiter)
    if not isinstance(got, CsvColumns):
        return got
    rows = [(1, got.header)]
    for i, number in enumerate(got.numbers.tolist()):
        cells = got.ragged.get(i) or [col[i].as_py() for col in got.columns]
        rows.append((number, cells))
    return rows


@pytest.mark.parametrize("text", LEGAL)
def test_columnar_records_equal_the_stdlib_reader(text: str) -> None:
    delimiter = ";" if ";" in text.split("\n")[0] else ","
    expected = parse(text, "t.csv", delimiter)
    width = len(expected[0][1])
    # An empty line is [] for the stdlib reader and a row of "" column-wise: both blank.
    assert _records(text) == [(n, c or [""] * width) for n, c in expected]


def test_ids_and_na_like_strings_stay_text() -> None:
    rows = _records(LEGAL[-1])
    assert rows[1] == (2, ["00123", "NA Systems", "None"])
    assert rows[3] == (4, ["12345678901234567890", "nan", ""])


@pytest.mark.parametrize(("text", "row", "message"), [
    ('Ticket,Title\n1,"Monitor 24 zoll,2025-01-01\n2,ok\n3,ok\n', 2, "unclosed quote"),
    ('Ticket,Title\n1,ok\n2,"a"b\n', 3, "bad quoting"),
    ('Ticket,Title\n1,ok\n2,"a,"b"\n3,x\n', 3, "bad quoting"),
    ('Ticket,Title\n1,"x"""y"\n', 2, "bad quoting"),
])
def test_quoting_errors_reject_the_file_naming_the_start_row(text: str, row: int,
                                                             message: str) -> None:
    with pytest.raises(InputError, match=message) as err:
        read_columns(text.encode(), "t.csv", "utf-8", ",")
    assert err.value.row == row


def test_a_field_over_the_csv_module_limit_is_data() -> None:
    long = "x" * 200_000
    for title in (long, f'"{long}"', f'"{long}""quoted"""'):
        rows = _records(f"Ticket,Title\n1,{title}\n2,ok\n")
        assert rows[1][1][1].startswith("x" * 1000) and rows[2] == (3, ["2", "ok"])
    # The stdlib path (taken for a quote inside an unquoted field) reads it too.
    assert parse(f'Ticket,Title\n1,{long}" mid\n', "t.csv", ",")[1][1][1].endswith('" mid')


def test_invalid_utf8_names_row_and_byte() -> None:
    with pytest.raises(InputError, match="cannot decode bytes fc at byte offset 21") as err:
        read_columns(b"Ticket,Title\n1,ok\n2,M\xfcller\n", "t.csv", "utf-8-sig", ",")
    assert err.value.row == 3


def test_invalid_utf8_in_a_ragged_row_is_one_error_and_no_stderr_traceback() -> None:
    # pyarrow decodes a record with the wrong field count before it calls the skip
    # handler; on bytes that are not UTF-8 the decode fails inside pyarrow, which used to
    # print an "Exception ignored" traceback on stderr besides the one-line error.
    seen: list[object] = []
    previous = sys.unraisablehook
    sys.unraisablehook = seen.append
    try:
        with pytest.raises(InputError, match="cannot decode bytes ff at byte offset 15") as err:
            read_columns(b"Ticket,Company\n\xff\xfe\x00bad\n", "t.csv", "utf-8-sig", ",")
    finally:
        sys.unraisablehook = previous
    assert err.value.row == 2
    assert seen == []
