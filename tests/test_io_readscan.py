"""Reading in blocks while scanning (qbr.io.readscan): the same bytes and the same scan
facts as reading the file whole and scanning it, and read_bytes's messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from qbr.errors import InputError
from qbr.io import readscan
from qbr.io.fastcsv import CsvColumns, read_file_columns
from qbr.io.linescan import scan


@pytest.fixture
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    # Blocks of 7 bytes and stretches of 20: lines straddle reads and stretches.
    monkeypatch.setattr(readscan, "MIN_BYTES", 1)
    monkeypatch.setattr(readscan, "_READ", 7)
    monkeypatch.setattr(readscan, "_BATCH", 20)


ROWS = "".join(f"{i},title {i},2024-01-0{i % 9 + 1}\n" for i in range(1, 40))


@pytest.mark.parametrize("text", [
    "Ticket,Title,Opened\n" + ROWS,
    "Ticket,Title,Opened\n" + ROWS + "99,last,no break",
    # A quoted field over two lines near the end: not plain (the exact path decides).
    "Ticket,Title,Opened\n" + ROWS + '98,"two\nlines",x\n',
    # Mojibake lead pair (Ã© as UTF-8 read as cp1252) in a late stretch.
    "Ticket,Title,Opened\n" + ROWS + "97,CafÃ©,x\n",
    "Ticket,Title,Opened\n" + "1," + "x" * 100 + ",y\n" + ROWS,  # a line > a stretch
])
def test_same_bytes_and_facts_as_whole_read(small_blocks: None, tmp_path: Path,
                                            text: str) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(text.encode())
    data, got = readscan.read_scanned(path, "t.csv", ",")
    assert bytes(data) == text.encode()
    assert got == scan(text.encode(), ",")


def test_invalid_utf8_in_a_late_stretch(small_blocks: None, tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(("Ticket,Title,Opened\n" + ROWS).encode() + b"5,M\xfcller,x\n")
    _data, got = readscan.read_scanned(path, "t.csv", ",")
    assert got is not None and not got.utf8 and got.plain
    # The columnar reader then names the row and byte (as for a file read whole):
    # header (1) + 39 rows + 1 = row 41.
    with pytest.raises(InputError, match="row 41"):
        read_file_columns(path, "t.csv", "utf-8", ",")


def test_no_line_break_gives_no_scan(small_blocks: None, tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(b"Ticket,Title" * 10)
    assert readscan.read_scanned(path, "t.csv", ",")[1] is None


def test_columns_match_a_whole_read(small_blocks: None, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(("\ufeffTicket,Title,Opened\n" + ROWS).encode())
    blocks, _ = read_file_columns(path, "t.csv", "utf-8", ",")
    monkeypatch.setattr(readscan, "MIN_BYTES", 1 << 40)  # read whole, then scan
    whole, _ = read_file_columns(path, "t.csv", "utf-8", ",")
    assert isinstance(blocks, CsvColumns) and isinstance(whole, CsvColumns)
    assert blocks.header == whole.header == ["Ticket", "Title", "Opened"]
    assert blocks.numbers.tolist() == whole.numbers.tolist() == list(range(2, 41))
    assert [c.to_pylist() for c in blocks.columns if c is not None] == \
        [c.to_pylist() for c in whole.columns if c is not None]


def test_read_bytes_messages(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"t\.csv: file not found"):
        readscan.read_scanned(tmp_path / "missing.csv", "t.csv", ",")
    with pytest.raises(InputError, match="is a directory, not a file"):
        readscan.read_scanned(tmp_path, "t.csv", ",")
    empty = tmp_path / "e.csv"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="empty file"):
        readscan.read_scanned(empty, "e.csv", ",")


def test_mapped_answers_as_bytes() -> None:
    from qbr.io.mapped import Mapped

    raw = "\ufeffTicket;Müller\r\n1;x\n".encode()
    mapped = Mapped(-1, len(raw))
    mapped.write(raw)
    assert mapped.startswith(b"\xef\xbb\xbf") and not mapped.startswith(b"Ticket")
    assert mapped.decode("utf-8") == raw.decode("utf-8")
    assert b"\r" in mapped and b"\t" not in mapped
    assert mapped[3:9] == b"Ticket" and mapped[-1] == ord("\n")
    assert mapped.find(b"\n") == raw.find(b"\n")
