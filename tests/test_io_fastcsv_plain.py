"""The plain-lines shortcut of the columnar CSV reader (qbr.io.linescan.scan):
it may only skip the exact quote check on files where every line is a row of whole
fields, and must then give exactly what the exact check gives."""

from __future__ import annotations

import pytest

from qbr.io import fastcsv, linescan


def _plain(data: bytes, delimiter: str = ",") -> bool:
    scan = linescan.scan(data, delimiter)
    return scan is not None and scan.plain


@pytest.mark.parametrize(("data", "delimiter", "plain"), [
    (b"a,b\n1,2\n", ",", True),
    (b'a,"b"\n1,"x""y"\n', ",", True),          # doubled quote inside a quoted field
    (b'a;b\n"1;2";3', ";", True),               # delimiter quoted, no final line break
    (b"a,b\r\n1,2\r\n", ",", True),             # CRLF
    (b'a,b\n"1\r",2\n', ",", True),             # a "\r" inside quotes
    (b"a,b\n\n1,2", ",", True),                 # a blank line
    (b'a,b\n1,"2\n3"\n', ",", False),           # a field over two lines
    (b'a,b\n1,x"y\n', ",", False),              # a quote inside an unquoted field
    (b'a,b\n"1"x,2\n', ",", False),             # text after the closing quote
    (b'a,b\n"1,2\n', ",", False),               # an unclosed quote
    (b"a,b\n1\r2\n", ",", False),               # a lone "\r"
    (b"a,b\n1,2\r", ",", False),                # a "\r" ending the file
    (b"a,b", ",", False),                       # no line break at all
])
@pytest.mark.parametrize("block", [1, 5, 1 << 20])
def test_plain_lines(data: bytes, delimiter: str, plain: bool, block: int,
                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever the regex blocks (cut after line breaks: one line each at 1 byte, a few
    lines at 5, the whole file at 1 MiB), the answer is the line-by-line one."""
    monkeypatch.setattr(linescan, "_REGEX_BLOCK", block)
    assert _plain(data, delimiter) is plain


@pytest.mark.parametrize("data", [
    b'id,title,n\n1,"a ""b"", c",2\n2,plain,3\n\n3,"x",4,extra\n4,"y"\n',
    b'id;title\r\n1;"a;b"\r\n2;\r\n',
    "id,title\n1,\"Büro „dringend“\"\n2,x\n".encode(),
])
def test_plain_and_exact_paths_agree(data: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    delimiter = ";" if b";" in data.split(b"\n")[0] else ","
    assert _plain(data, delimiter)
    fast = fastcsv._fast(data, "t.csv", delimiter)
    monkeypatch.setattr(fastcsv, "_scan", lambda *_: None)
    exact = fastcsv._fast(data, "t.csv", delimiter)
    assert fast.header == exact.header
    assert fast.numbers.tolist() == exact.numbers.tolist()
    assert fast.ragged == exact.ragged
    assert [c.to_pylist() if c is not None else None for c in fast.columns] == \
        [c.to_pylist() if c is not None else None for c in exact.columns]


def test_plain_lines_split_over_two_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    """A long file is checked in two halves of its blocks: a bad line in either half,
    first or last in its block, is seen."""
    monkeypatch.setattr(linescan, "_SPLIT_BYTES", 0)
    monkeypatch.setattr(linescan, "_REGEX_BLOCK", 20)
    good = b'id,t\n' + b''.join(b'%d,"x ""%d"""\n' % (i, i) for i in range(9))
    assert _plain(good)
    lines = good.split(b"\n")
    for bad_at in range(1, 10):
        broken = lines.copy()
        broken[bad_at] = b'7,x"y'
        assert not _plain(b"\n".join(broken))


@pytest.mark.parametrize("split", [0, 1 << 30])
@pytest.mark.parametrize("block", [1, 7, 1 << 20])
def test_scan_counts_breaks_and_longest_line(split: int, block: int,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Lines "id,t\n" (5 bytes with the break), "1,\"abc\"\n" (8), "22,x\n" (5) and
    "3,yy" (4, no final break): 3 breaks, longest line 8 bytes, however the file is cut."""
    monkeypatch.setattr(linescan, "_SPLIT_BYTES", split)
    monkeypatch.setattr(linescan, "_REGEX_BLOCK", block)
    scan = linescan.scan(b'id,t\n1,"abc"\n22,x\n3,yy', ",")
    assert scan is not None
    assert (scan.plain, scan.breaks, scan.longest, scan.utf8, scan.leads) == \
        (True, 3, 8, True, False)


@pytest.mark.parametrize(("data", "utf8", "leads"), [
    ("id,t\n1,Müller\n".encode(), True, False),          # ü = C3 BC: not a lead pair
    ("id,t\n1,MÃ¼ller\n".encode(), True, True),          # Ã = C3 83
    ("id,t\n1,\"â€œx\"\n".encode(), True, True),        # â = C3 A2
    (b"id,t\n1,M\xfcller\n", False, False),             # cp1252 byte: not UTF-8
    (b"id,t\n1,x\xc3", False, False),                    # a lead byte ending the file
])
@pytest.mark.parametrize("split", [0, 1 << 30])
def test_scan_checks_utf8_and_mojibake_leads(data: bytes, utf8: bool, leads: bool,
                                             split: int,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(linescan, "_SPLIT_BYTES", split)
    monkeypatch.setattr(linescan, "_REGEX_BLOCK", 1)
    scan = linescan.scan(data, ",")
    assert scan is not None
    assert (scan.utf8, scan.leads) == (utf8, leads)


def test_invalid_utf8_in_a_plain_file_names_row_and_byte() -> None:
    """pyarrow no longer checks each value when the scan found the file valid; an invalid
    file still reaches the strict decoder: row 3, byte offset 13 ("id,t\\n" and "1,ok\\n"
    are 5 bytes each, then "2,M" 3)."""
    from qbr.errors import InputError

    data = b"id,t\n1,ok\n2,M\xfcller\n"
    with pytest.raises(InputError, match=r"row 3.*byte offset 13|byte offset 13.*row 3"):
        fastcsv.read_columns(data, "t.csv", "utf-8", ",")
