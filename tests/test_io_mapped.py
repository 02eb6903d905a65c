"""A large UTF-8 export is mapped, not read (qbr.io.mapped): same columns, same messages."""

from __future__ import annotations

import mmap
from pathlib import Path

import pytest

from qbr.errors import InputError
from qbr.io import fastcsv, mapped
from qbr.io.fastcsv import CsvColumns, read_columns, read_file_columns

TEXT = ('Ticket,Client,Title\n1,Acme,"Drucker, Büro"\n2,Beta,"Er sagte ""ok"""\n'
        '3,Acme,plain\n')


@pytest.fixture
def small_map(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mapped, "MAP_FROM", 1)


def _values(data: object) -> list[list[str] | None]:
    assert isinstance(data, CsvColumns)
    return [None if c is None else c.to_pylist() for c in data.columns]


@pytest.mark.usefixtures("small_map")
@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_mapped_file_reads_as_its_bytes(tmp_path: Path, bom: bytes) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(bom + TEXT.encode())
    assert isinstance(mapped.file_bytes(path, "t.csv"), mmap.mmap)
    got, _ = read_file_columns(path, "t.csv", "utf-8-sig" if bom else "utf-8", ",")
    want, _ = read_columns(TEXT.encode(), "t.csv", "utf-8", ",")
    assert _values(got) == _values(want)
    assert _values(got)[2] == ["Drucker, Büro", 'Er sagte "ok"', "plain"]
    assert isinstance(got, CsvColumns) and got.numbers.tolist() == [2, 3, 4]


@pytest.mark.usefixtures("small_map")
def test_mapped_file_needing_the_exact_reader(tmp_path: Path) -> None:
    """A field over two lines goes to the stdlib reader, which needs ``bytes``."""
    path = tmp_path / "t.csv"
    path.write_bytes(b'Ticket,Title\n1,"two\nlines"\n2,x"y\n')
    got, _ = read_file_columns(path, "t.csv", "utf-8", ",")
    want, _ = read_columns(path.read_bytes(), "t.csv", "utf-8", ",")
    assert got == want


@pytest.mark.usefixtures("small_map")
def test_mapped_file_with_bad_utf8_names_row_and_offset(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(b"Ticket,Company\n1,ok\n2,M\xfcller\n")
    # "Ticket,Company\n" is 15 bytes, "1,ok\n" 5 more, "2,M" 3: the \xfc is byte 23.
    with pytest.raises(InputError, match=r"row 3: cannot decode bytes fc at byte offset 23"):
        read_file_columns(path, "t.csv", "utf-8", ",")


@pytest.mark.usefixtures("small_map")
def test_empty_and_missing_files_keep_their_messages(tmp_path: Path) -> None:
    empty = tmp_path / "e.csv"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="empty file"):
        read_file_columns(empty, "e.csv", "utf-8", ",")
    with pytest.raises(InputError, match="file not found"):
        read_file_columns(tmp_path / "no.csv", "no.csv", "utf-8", ",")


def test_small_files_and_other_encodings_are_read(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(TEXT.encode())
    assert isinstance(mapped.file_bytes(path, "t.csv"), bytes)  # below MAP_FROM
    latin = tmp_path / "l.csv"
    latin.write_bytes(TEXT.encode("cp1252"))
    got, _ = fastcsv.read_file_columns(latin, "l.csv", "cp1252", ",")
    assert _values(got)[2] == ["Drucker, Büro", 'Er sagte "ok"', "plain"]
