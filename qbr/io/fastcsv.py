"""Columnar CSV reader: bytes → one Arrow string column per header field (SPEC §7).

pyarrow splits and unquotes the file; this module makes sure its records are exactly the
ones the strict stdlib reader (:func:`qbr.io.csvfile.parse`) would give, and numbers them
as a spreadsheet user counts lines. Before pyarrow runs, one pass (:mod:`qbr.io.linescan`)
proves for most exports that every line is a record of whole fields; then the line count
numbers the records and nothing else is located. Otherwise the quote characters are checked
with numpy: every quote must open a field, close one, or be half of a doubled ``""``.
When that holds, a line break is a record boundary exactly when an even number of quotes
precedes it, so record starts, their physical line numbers and raw field counts follow
from positions alone. Anything else (an unclosed quote, text after a closing quote, a
quote inside an unquoted field, a lone ``\\r`` in a ``\\n`` file) goes to the stdlib
reader, which either parses it as legal or rejects the file naming the starting row.

Every value is read as text: no null guessing (``NA`` stays ``"NA"``), no type inference
(``00123`` stays ``"00123"``). Rows whose raw field count differs from the header are
returned with their own cells so that ``extra-cell``/``missing-cell`` are judged on the
raw count (ADVERSARIAL 30).
"""

from __future__ import annotations

import csv
import threading
from collections.abc import Callable, Collection
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from qbr.errors import InputError
from qbr.io.arrowhook import quiet_undecodable_rows
from qbr.io.bytepos import positions
from qbr.io.linescan import Scan as _Scan
from qbr.io.linescan import scan as _scan
from qbr.io.mapped import Data

_QUOTE, _LF, _CR = ord('"'), ord("\n"), ord("\r")
_SPLIT = 100_000  # rows from which the columns are combined on two threads
_UTF8 = frozenset({"utf-8", "utf8", "utf-8-sig", "utf_8", "utf_8_sig", "u8"})


@dataclass
class CsvColumns:
    """A CSV file read column-wise. ``numbers[i]`` is data record ``i``'s first physical
    line (header = 1); ``columns[j][i]`` its raw (unstripped) cell ``j``, ``""`` where the
    record is short; ``ragged`` maps a record whose field count differs from the header's
    to its exact cells."""

    header: list[str]
    numbers: np.ndarray
    columns: list[pa.Array | None]
    ragged: dict[int, list[str]] = field(default_factory=dict)
    # A wide export read for its mapped columns only (``wanted``): the others are None
    # until ``unread()`` parses every column; ``record(i)`` gives record i's exact cells.
    unread: Callable[[], list[pa.Array | None]] | None = None
    record: Callable[[int], list[str]] | None = None
    # No byte pair that mojibake starts with occurs in the file (qbr.io.mojibake).
    no_mojibake: bool = False


Records = CsvColumns | list[tuple[int, list[str]]]


class _Fallback(Exception):
    """The fast path cannot vouch for the file; the stdlib reader decides."""


def utf8_bytes(data: Data, file: str, encoding: str) -> Data:
    """The file as UTF-8 without BOM. UTF-8 input is checked lazily (pyarrow validates it,
    and a failure re-decodes strictly for the row and byte offset); other encodings are
    decoded strictly here."""
    from qbr.io.csvfile import decode

    if encoding.lower().replace("_", "-") in _UTF8:
        return data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    return decode(data, file, encoding).encode("utf-8")


def read_columns(data: Data, file: str, encoding: str, delimiter: str,
                 labels: Collection[str] = (), only_mapped: bool = False,
                 scanned: tuple[_Scan | None] | None = None) -> tuple[Records, str]:
    """Read ``data`` (the file's bytes): :class:`CsvColumns`, or the stdlib reader's
    ``(row number, cells)`` records when the file needs exact quote handling; plus a note
    on lines skipped above the header (:mod:`qbr.io.preamble`; ``labels`` are the mapped
    column labels that find it). ``only_mapped``: when at most half the header is mapped,
    pyarrow parses the first and the mapped columns only (a wide export such as the
    ServiceNow event log: 36 columns, 5 mapped); the rest on demand. ``scanned``: the
    :func:`qbr.io.linescan.scan` of ``data`` with ``delimiter``, made while the file was
    read (:mod:`qbr.io.readscan`); used when the body is ``data`` itself (no BOM, no
    lines above the header) and the delimiter is the one found."""
    from qbr.io.csvfile import decode, parse
    from qbr.io.preamble import locate

    buf = utf8_bytes(data, file, encoding)
    start = locate(buf, delimiter, labels)
    body = buf[start.offset:] if start.offset else buf
    try:
        # The scan of ``data`` holds for ``body`` when no line above the header was cut
        # off; a cut BOM is part of the header line and changes no fact but the longest
        # line, which only sizes pyarrow's blocks (3 bytes more: still large enough).
        same = body is data or (not start.offset and len(body) == len(data) - 3)
        known = scanned if same and start.delimiter == delimiter else None
        fast = _fast(body, file, start.delimiter, labels if only_mapped else None, known)
        fast.numbers += start.lines
        return fast, start.note
    except (_Fallback, pa.ArrowInvalid, UnicodeDecodeError):
        # Exact quote handling, or invalid UTF-8 (the strict decoder names row and byte).
        pass
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        decode(data, file, encoding)  # raises with the row and byte offset
        raise
    try:
        records = parse(text, file, start.delimiter)
    except InputError as exc:
        if exc.row is None or not start.lines:
            raise
        message = str(exc).split(": ", 1)[1]
        raise InputError(file, message, row=exc.row + start.lines, column=exc.column) from None
    return [(n + start.lines, cells) for n, cells in records], start.note


def _fast(buf: Data, file: str, delimiter: str,
          wanted: Collection[str] | None = None,
          scanned: tuple[_Scan | None] | None = None) -> CsvColumns:
    arr = np.frombuffer(buf, dtype=np.uint8)
    scan = scanned[0] if scanned is not None else _scan(buf, delimiter)
    if scan is not None and scan.plain:
        return _fast_plain(buf, arr, file, delimiter, wanted, scan)
    n = arr.size
    lf = positions(arr, _LF)
    plain = False
    quotes = _quotes(arr, delimiter)
    cr_only = lf.size == 0
    has_cr = b"\r" in buf  # a byte search: most files have no "\r" to locate
    breaks = positions(arr, _CR) if cr_only and has_cr else lf
    ends = breaks[_outside(breaks, quotes)]
    if not cr_only and has_cr:
        cr = positions(arr, _CR)
        cr = cr[_outside(cr, quotes)]
        # A lone "\r" outside quotes in a "\n" file ends a record for the stdlib reader
        # but not a line: leave such files to it.
        if cr.size and (cr[-1] == n - 1 or np.any(arr[np.minimum(cr + 1, n - 1)] != _LF)):
            raise _Fallback
    starts = np.concatenate(([0], ends + 1))
    if starts[-1] >= n:  # the file ends with a line break: no record after it
        starts = starts[:-1]
    # A record's first physical line: 1 + the line breaks (inside quotes too) before it;
    # with no break inside quotes, record i starts on line i + 1.
    lines = np.arange(1, starts.size + 1) if ends.size == breaks.size else \
        np.searchsorted(breaks, starts, side="left") + 1
    header_end = int(ends[0]) if ends.size else n
    multiline = bool(breaks.size - ends.size)
    longest = int(np.diff(np.concatenate((starts, [n]))).max()) if starts.size else n
    stops = np.concatenate((ends, [n]))[: starts.size]
    return _assemble(buf, arr, file, delimiter, wanted, header_end, lines[1:].astype(np.int64),
                     multiline, longest, scan, lambda: (starts, stops, quotes, plain))


def _fast_plain(buf: Data, arr: np.ndarray, file: str, delimiter: str,
                wanted: Collection[str] | None, scan: _Scan) -> CsvColumns:
    """Every line is a record (:func:`_scan` proved it): record numbers, the header's end
    and the block size follow from the line count and the longest line, so the line
    break positions are located only if a record turns out ragged."""
    n = arr.size
    records = scan.breaks + 1 - int(buf[-1] == _LF)
    header_end = buf.find(b"\n") if scan.breaks else n

    def bounds() -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
        ends = positions(arr, _LF)
        starts = np.concatenate(([0], ends + 1))[:records]
        stops = np.concatenate((ends, [n]))[:records]
        return starts, stops, np.empty(0, dtype=np.int64), True

    return _assemble(buf, arr, file, delimiter, wanted, header_end,
                     np.arange(2, records + 1, dtype=np.int64), False, scan.longest,
                     scan, bounds)


def _assemble(buf: Data, arr: np.ndarray, file: str, delimiter: str,
              wanted: Collection[str] | None, header_end: int, numbers: np.ndarray,
              multiline: bool, longest: int, scan: _Scan | None,
              bounds: Callable[[], tuple[np.ndarray, np.ndarray, np.ndarray, bool]]
              ) -> CsvColumns:
    """The columns, given the records' numbers, the header's end and (``bounds``, called
    only for a ragged record or a raw record asked for) each record's start and stop, the
    quote positions and whether they were skipped as not needed (plain lines)."""
    n = arr.size
    header = _header(buf, header_end, delimiter, file)
    width = len(header)
    body_start = min(header_end + 1, n)
    keep = _kept(header, wanted)
    # 1 MiB blocks parse faster than larger ones (they stay in cache; measured 1.4 s
    # against 2.2 s for the 249 MB benchmark export); a longer record gets a block twice
    # its size, as a record may not straddle more than one block boundary.
    block = max(1 << 20, 2 * longest)
    # The scan validated the whole file as UTF-8 (which every field then is): pyarrow
    # need not check each value again (0.18 CPU s for a million-row export). A wide
    # export read for its mapped columns keeps pyarrow's check, which covers those only.
    checked = scan is not None and scan.utf8 and keep is None
    table = _arrow(buf, body_start, width, delimiter, multiline, keep, block, not checked)
    ragged: dict[int, list[str]] = {}
    if table.num_rows != numbers.size:
        starts, stops, quotes, skipped = bounds()
        if skipped:  # the quote positions, skipped for plain lines, count the fields
            quotes = _quotes(arr, delimiter)
        counts = _field_counts(arr, quotes, ord(delimiter), starts, n)[1:]
        lengths = stops - starts - (arr[np.maximum(stops - 1, 0)] == _CR)
        empty = lengths[1:] <= 0
        bad = np.flatnonzero((counts != width) & ~empty)
        if table.num_rows + bad.size != numbers.size:
            raise _Fallback
        ragged = {int(i): _cells(buf[int(starts[i + 1]):int(stops[i + 1])], delimiter)
                  for i in bad}
    columns = _place(table, numbers.size, ragged, width)
    clean = scan is not None and not scan.leads
    if keep is None:
        return CsvColumns(header, numbers, columns, ragged, no_mojibake=clean)

    def unread() -> list[pa.Array | None]:
        return _place(_arrow(buf, body_start, width, delimiter, multiline, None, block),
                      numbers.size, ragged, width)

    where: list[tuple[np.ndarray, np.ndarray]] = []

    def record(i: int) -> list[str]:
        if not where:
            where.append(bounds()[:2])
        starts, stops = where[0]
        return _cells(buf[int(starts[i + 1]):int(stops[i + 1])], delimiter)

    return CsvColumns(header, numbers, columns, ragged, unread, record, no_mojibake=clean)


def _quotes(arr: np.ndarray, delimiter: str) -> np.ndarray:
    """The quote positions, checked by :func:`_check_quotes` (else: _Fallback)."""
    quotes = positions(arr, _QUOTE)
    if arr.size < 2**31 - 1:  # half the memory: an export quoting every cell has 6 a row
        quotes = quotes.astype(np.int32)
    _check_quotes(arr, quotes, ord(delimiter))
    return quotes


def _kept(header: list[str], wanted: Collection[str] | None) -> list[int] | None:
    """The columns to parse: the first and the ``wanted`` labels' (compared as
    :func:`qbr.io.table.normalise_header` does), or None (all) unless that leaves out
    at least half the header."""
    if wanted is None:
        return None
    from qbr.io.table import normalise_header

    keys = {normalise_header(w).casefold() for w in wanted}
    keep = [j for j, h in enumerate(header)
            if j == 0 or normalise_header(h).casefold() in keys]
    return keep if len(keep) * 2 <= len(header) else None


def _place(table: pa.Table, total: int, ragged: dict[int, list[str]],
           width: int) -> list[pa.Array | None]:
    """One array per header column (None where not parsed), the ragged records put back
    in their places. Column by column, each chunked column released once combined: the
    peak holds one column twice, not the whole file."""
    names = set(table.column_names)
    if ragged:
        return _expand(table, total, ragged, width, names)
    chunked: dict[str, pa.ChunkedArray] = {name: table.column(name) for name in names}
    rows = table.num_rows
    del table

    def combined(i: int) -> pa.Array | None:
        column = chunked.pop(f"c{i}", None)  # released once combined
        return None if column is None else column.combine_chunks()

    if rows < _SPLIT:
        return [combined(i) for i in range(width)]
    # Two columns at a time (Arrow's concatenation releases the GIL): the copy of a
    # million-row export's columns takes half the time, and the peak holds two columns
    # twice, not the whole file.
    with ThreadPoolExecutor(2) as pool:
        return list(pool.map(combined, range(width)))


def _check_quotes(arr: np.ndarray, quotes: np.ndarray, delim: int) -> None:
    """Every quote opens a field, closes one or is half of ``""`` (else: _Fallback).

    Quotes alternate between opening (even index: outside quotes before it) and closing
    (odd index). An even-index quote must follow a delimiter or line break, or directly
    follow the previous quote (the second half of ``""``); an odd-index one must precede a
    delimiter, a line break or the end, or directly precede the next quote."""
    if quotes.size == 0:
        return
    if quotes.size % 2:
        raise _Fallback
    boundary = np.zeros(256, dtype=bool)
    boundary[[delim, _LF, _CR]] = True
    opening, closing = quotes[0::2], quotes[1::2]
    n = arr.size
    before = boundary[arr[np.maximum(opening - 1, 0)]]
    before[opening == 0] = True
    paired = np.zeros(opening.size, dtype=bool)
    paired[1:] = opening[1:] - 1 == closing[:-1]
    if not bool(np.all(before | paired)):
        raise _Fallback
    after = boundary[arr[np.minimum(closing + 1, n - 1)]]
    after[closing == n - 1] = True
    paired = np.zeros(closing.size, dtype=bool)
    paired[:-1] = closing[:-1] + 1 == opening[1:]
    if not bool(np.all(after | paired)):
        raise _Fallback


def _outside(positions: np.ndarray, quotes: np.ndarray) -> np.ndarray:
    """Which positions lie outside quotes (an even number of quotes before them)."""
    if quotes.size == 0:
        return np.ones(positions.size, dtype=bool)
    even: np.ndarray = np.searchsorted(quotes, positions) % 2 == 0
    return even


def _header(buf: Data, end: int, delimiter: str, file: str) -> list[str]:
    text = buf[:end].decode("utf-8").removeprefix("\ufeff").rstrip("\r")
    rows = list(csv.reader([text], delimiter=delimiter, strict=True)) if text else [[]]
    return rows[0] if rows else []


def _arrow(buf: Data, start: int, width: int, delimiter: str, multiline: bool,
           keep: list[int] | None, block: int = 1 << 20, check_utf8: bool = True
           ) -> pa.Table:
    names = [f"c{i}" for i in range(width)]
    include = names if keep is None else [names[i] for i in keep]
    body = pa.py_buffer(buf)[start:]
    if body.size == 0:
        return pa.table({name: pa.array([], pa.string()) for name in include})
    with quiet_undecodable_rows(_skip_row):
        return _read_arrow(body, names, include, delimiter, multiline, block, check_utf8)


def _read_arrow(body: pa.Buffer, names: list[str], include: list[str], delimiter: str,
                multiline: bool, block: int, check_utf8: bool = True) -> pa.Table:
    return pacsv.read_csv(
        body,
        # Arrow's thread pool splits the parse over the cores (as the benchmark's floor
        # does); it is idle again before any pack is rendered in a forked child.
        read_options=pacsv.ReadOptions(column_names=names, block_size=block,
                                        use_threads=True),
        parse_options=pacsv.ParseOptions(delimiter=delimiter, quote_char='"',
                                          double_quote=True, escape_char=False,
                                          newlines_in_values=multiline,
                                          ignore_empty_lines=False,
                                          invalid_row_handler=_skip_row),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()), null_values=[],
            include_columns=include,
            strings_can_be_null=False, quoted_strings_can_be_null=False,
            check_utf8=check_utf8))


def _skip_row(_row: object) -> str:
    """pyarrow's handler for a record whose field count differs from the header's: skip it
    here; :func:`_expand` puts its own cells back in place."""
    return "skip"


def _field_counts(arr: np.ndarray, quotes: np.ndarray, delim: int, starts: np.ndarray,
                  n: int) -> np.ndarray:
    """Raw field count per record (delimiters outside quotes + 1)."""
    delims = positions(arr, delim)
    delims = delims[_outside(delims, quotes)]
    per = np.diff(np.searchsorted(delims, np.concatenate((starts, [n]))))
    counts: np.ndarray = per + 1
    return counts


def _cells(raw: Data, delimiter: str) -> list[str]:
    text = raw.decode("utf-8").removesuffix("\r")
    return next(csv.reader([text], delimiter=delimiter, strict=True), [])


def _expand(table: pa.Table, total: int, ragged: dict[int, list[str]],
            width: int, names: set[str]) -> list[pa.Array | None]:
    """pyarrow skipped the ragged records: put their own cells (cut or padded to the
    header's width) back in their places."""
    bad = np.array(sorted(ragged), dtype=np.int64)
    keep = np.ones(total, dtype=bool)
    keep[bad] = False
    take = np.empty(total, dtype=np.int64)
    take[keep] = np.arange(table.num_rows)
    take[bad] = table.num_rows + np.arange(bad.size)
    out: list[pa.Array | None] = []
    for i in range(width):
        if f"c{i}" not in names:
            out.append(None)
            continue
        extra = [ragged[p][i] if i < len(ragged[p]) else "" for p in bad.tolist()]
        col = pa.concat_arrays([*table.column(f"c{i}").chunks,
                                pa.array(extra, pa.string())])
        out.append(col.take(pa.array(take)))
    return out


def read_file_columns(path: Path, file: str, encoding: str, delimiter: str,
                      labels: Collection[str] = (), only_mapped: bool = False
                      ) -> tuple[Records, str]:
    """:func:`read_columns` on the file at ``path`` (no size limit: SPEC §7 exports of a
    million rows are ~240 MB)."""
    from qbr.io.csvfile import read_bytes

    alone = threading.current_thread() is threading.main_thread()
    if alone and encoding.lower().replace("_", "-") in _UTF8:
        # Read and scanned at once (qbr.io.readscan): the scan of the first blocks runs
        # while the rest is read. Only for a read on the main thread: ingest reads a
        # ticket and a status file side by side on two threads, which keep both cores
        # busy already; there the overlap measured slower (1M tickets + 5M status rows:
        # +0.2-0.8 s wall in three alternating pairs).
        from qbr.io.readscan import read_scanned

        data, scan = read_scanned(path, file, delimiter)
        return read_columns(data, file, encoding, delimiter, labels, only_mapped, (scan,))
    return read_columns(read_bytes(path, file), file, encoding, delimiter, labels,
                        only_mapped)
