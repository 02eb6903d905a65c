"""A wide CSV read for its mapped columns only (qbr.io.fastcsv ``only_mapped``) classifies
every row exactly as the full read does: blank rows, repeated headers, summary rows and
ragged rows keep their reason codes, row numbers and details (ADVERSARIAL 25-30), the
mapped cells are the same, and the other columns are parsed when asked for."""

from __future__ import annotations

import pytest

from qbr.io.fastcsv import CsvColumns, read_columns
from qbr.io.table import build_columns

WIDE = ("Ticket,Client,A,B,C,D,E,Opened\n"
        '1,Acme,a,b,c,d,e,2025-01-01\n'
        ',,,,,,,\n'                                    # blank-row
        'Ticket,Client,A,B,C,D,E,Opened\n'              # header-repeat
        '2,"Acme, Inc",x,"multi\nline",c,d,e,2025-01-02\n'
        '3,Acme,a,b\n'                                  # missing-cell (ragged)
        '4,Acme,a,b,c,d,e,2025-01-03,extra\n'            # extra-cell (ragged)
        'Total,,,,,,,3\n'                               # summary-row
        '5,MÃ¼ller,a,b,c,d,e,2025-01-04\n')
COLUMNS = {"ticket_id": "Ticket", "client": "Client", "created_at": "Opened"}


def _table(only_mapped: bool):  # type: ignore[no-untyped-def]
    data, _ = read_columns(WIDE.encode(), "wide.csv", "utf-8", ",", list(COLUMNS.values()),
                           only_mapped=only_mapped)
    assert isinstance(data, CsvColumns)
    return data, build_columns("wide.csv", data, COLUMNS, "ticket_id")


def test_only_the_mapped_columns_are_parsed() -> None:
    data, _ = _table(True)
    parsed = [i for i, c in enumerate(data.columns) if c is not None]
    assert parsed == [0, 1, 7]  # Ticket (first), Client, Opened: 3 of 8


@pytest.mark.parametrize("field", list(COLUMNS))
def test_same_rows_reasons_and_cells_as_the_full_read(field: str) -> None:
    _, lean = _table(True)
    _, full = _table(False)
    assert lean.numbers.tolist() == full.numbers.tolist() == [2, 3, 4, 5, 7, 8, 9, 10]
    assert list(lean.reasons) == list(full.reasons) == [
        None, "blank-row", "header-repeat", None, "missing-cell", "extra-cell",
        "summary-row", None]
    assert dict(lean.notes) == dict(full.notes)
    assert lean.text(field).to_pylist() == full.text(field).to_pylist()


def test_rows_parse_the_other_columns_on_demand() -> None:
    _, lean = _table(True)
    _, full = _table(False)
    assert lean.rows == full.rows
    assert lean.rows[3].cells[3] == "multi\nline"


def test_a_narrow_file_is_read_whole() -> None:
    text = "Ticket,Client,Opened,Title\n1,Acme,2025-01-01,x\n"
    data, _ = read_columns(text.encode(), "n.csv", "utf-8", ",",
                           ["Ticket", "Client", "Opened"], only_mapped=True)
    assert isinstance(data, CsvColumns)
    assert all(c is not None for c in data.columns)  # 1 of 4 left out: not worth it


@pytest.mark.parametrize("values", [
    ["a", "b c", "", "d"],                      # clean: returned as is
    [" a", "b", ""],                            # leading space
    ["a\t", "b"],                               # trailing tab
    ["a\u00a0", "b"],                           # trailing NBSP (C2 A0)
    ["\u3000a", "b"],                           # ideographic space (E3 80 80)
    ["Müller", "é"],                            # non-ASCII letters at the ends
    ["x\x1f", "y"],                             # a control character
    [],
])
def test_trimmed_is_utf8_trim_whitespace(values: list[str]) -> None:
    import pyarrow as pa
    import pyarrow.compute as pc

    from qbr.io.table import trimmed

    col = pa.array(values, pa.string())
    assert trimmed(col).to_pylist() == pc.utf8_trim_whitespace(col).to_pylist()
    sliced = pa.array(["  x", *values, "y "], pa.string()).slice(1, len(values))
    assert trimmed(sliced).to_pylist() == pc.utf8_trim_whitespace(sliced).to_pylist()


def test_a_record_longer_than_a_parse_block_is_read_column_wise() -> None:
    # Blocks are 1 MiB; a 3 MB title (and a quoted line break in it) gets a larger block
    # instead of sending the file to the row-by-row reader.
    title = "x" * 3_000_000
    text = f'Ticket,Title\n1,short\n2,"{title}\nmore"\n3,end\n'
    data, _ = read_columns(text.encode(), "big.csv", "utf-8", ",")
    assert isinstance(data, CsvColumns)
    assert data.numbers.tolist() == [2, 3, 5]
    title_column = data.columns[1]
    assert title_column is not None
    assert title_column.to_pylist() == ["short", f"{title}\nmore", "end"]


@pytest.mark.parametrize("values", [
    ["", "a", ""],            # empties between: their neighbours' bytes are looked at
    ["", ""],                 # nothing but empties
    ["a", "", " b"],          # a space after an empty value
    ["ab ", ""],              # a space before a trailing empty value
    ["x", "\u00a0y"],         # NBSP (non-ASCII lead byte)
])
def test_trimmed_with_empty_values(values: list[str]) -> None:
    import pyarrow as pa
    import pyarrow.compute as pc

    from qbr.io.table import trimmed

    col = pa.array(values, pa.string())
    assert trimmed(col).to_pylist() == pc.utf8_trim_whitespace(col).to_pylist()


def test_byte_positions_by_block_are_flatnonzero(monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy as np

    from qbr.io import bytepos

    data = np.frombuffer(b'a,"b"\n\nc,d\r\n"e\nf",g\n' * 5, dtype=np.uint8)
    monkeypatch.setattr(bytepos, "_BLOCK", 7)  # blocks that cut records and pairs
    for byte in (ord("\n"), ord('"'), ord(","), ord("\r"), ord("x")):
        assert bytepos.positions(data, byte).tolist() == \
            np.flatnonzero(data == byte).tolist()


def test_trimmed_returns_a_clean_column_uncopied() -> None:
    import pyarrow as pa

    from qbr.io.table import trimmed

    clean = pa.array(["a", "b c", "Büro „x“"], pa.string())
    assert trimmed(clean) is clean
    spaced = pa.array(["a", "b\t"], pa.string())
    assert trimmed(spaced).to_pylist() == ["a", "b"]


def test_trim_edge_bytes_cover_every_character_arrow_trims() -> None:
    """Every code point that utf8_trim_whitespace removes at either end begins with a
    byte in table._FIRST and ends with one in table._LAST (else trimmed() would skip a
    column that needs trimming)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from qbr.io.table import _FIRST, _LAST

    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    front = pc.utf8_trim_whitespace(pa.array([c + "x" for c in chars])).to_pylist()
    back = pc.utf8_trim_whitespace(pa.array(["x" + c for c in chars])).to_pylist()
    leading = [c for c, v in zip(chars, front, strict=True) if v != c + "x"]
    trailing = [c for c, v in zip(chars, back, strict=True) if v != "x" + c]
    assert " " in leading and "\u3000" in trailing  # the kernel does trim these
    assert all(_FIRST[c.encode()[0]] for c in leading)
    assert all(_LAST[c.encode()[-1]] for c in trailing)
