"""Raw rows with provenance: header matching and row classification (SPEC §7).

A reader (CSV or XLSX) turns bytes into a *grid*: ``(row number, cells)`` pairs, where the
row number is the 1-based row as a spreadsheet user counts it (header = row 1). This
module finds the mapped columns in the header and classifies every data row *before*
any value is interpreted, so blank rows, repeated headers, total rows and ragged rows
become rejections with a reason code instead of silently vanishing or turning into data.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from qbr.errors import InputError
from qbr.io.fastcsv import CsvColumns

#: A raw cell. CSV gives only ``str``; XLSX also gives numbers and datetimes as typed.
Cell = str | int | float | datetime

#: ``(row number, cells)`` as produced by a reader; row 1 is the header.
Grid = Sequence[tuple[int, Sequence[Cell]]]

#: First cells that mark a summary row (casefolded, SPEC §7 "total rows").
SUMMARY_WORDS = frozenset({"total", "totals", "gesamt", "summe", "sum", "grand total"})


def normalise_header(label: str) -> str:
    """A header label as matched: NFC, NBSP → space, BOM and surrounding space stripped."""
    text = unicodedata.normalize("NFC", label).replace("\u00a0", " ")
    return text.replace("\ufeff", "").strip()


def cell_text(cell: Cell) -> str:
    """The cell as text, stripped. Integral floats from XLSX lose their ``.0`` so that an
    id typed as a number (``123``) reads as ``"123"``; datetimes use ISO 8601."""
    if isinstance(cell, str):
        return cell.strip()
    if isinstance(cell, datetime):
        return cell.isoformat(sep=" ")
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


@dataclass(frozen=True)
class RawRow:
    """One data row. ``reason`` is set when the reader already rejects it (blank-row,
    header-repeat, summary-row, extra-cell, missing-cell); ``column`` names the header
    label concerned, if any."""

    row: int
    cells: tuple[Cell, ...]
    reason: str | None = None
    column: str | None = None
    detail: str = ""


class RawTable:
    """A file's header (normalised labels, as written otherwise), the cell position of
    each mapped canonical field, and every data row in file order, column-wise.

    ``numbers`` holds each data row's number; ``columns`` one Arrow string column per
    header cell (raw text, ``""`` where a row is short); ``reasons`` the reader's
    rejection code per row (``None`` = data), with ``notes`` giving (column, detail) for
    exactly those. ``exact`` keeps the cells of rows whose shape or types a string column cannot
    show (ragged rows; XLSX rows with numbers or dates); ``typed`` maps a column to its
    non-text cells by row position (XLSX)."""

    def __init__(self, file: str, header: tuple[str, ...], index: Mapping[str, int],
                 numbers: np.ndarray, columns: Sequence[pa.Array | None], reasons: np.ndarray,
                 notes: Mapping[int, tuple[str | None, str]],
                 exact: Mapping[int, tuple[Cell, ...]] | None = None,
                 typed: Mapping[int, Mapping[int, Cell]] | None = None,
                 unread: Callable[[], list[pa.Array | None]] | None = None) -> None:
        self.file, self.header, self.index = file, header, index
        self.numbers, self.reasons, self.notes = numbers, reasons, notes
        # Columns a wide CSV left unparsed are None until asked for (qbr.io.fastcsv).
        self._columns, self._unread = list(columns), unread
        self.exact = exact or {}
        self.typed = typed or {}
        self.note = ""  # lines skipped above the header (qbr.io.preamble), for a warning
        # The reader saw none of the byte pairs mojibake starts with (qbr.io.mojibake).
        self.no_mojibake = False
        self._trimmed: dict[int, pa.Array] = {}

    def __len__(self) -> int:
        return int(self.numbers.size)

    @property
    def kept(self) -> np.ndarray:
        """Per row, whether the reader kept it as data (no reason code): from ``notes``,
        which both builders fill for exactly the rows with a reason, so five million rows
        cost no truth test of an object array. A fresh array: callers may change it."""
        kept = np.ones(len(self), dtype=bool)
        if self.notes:
            kept[np.fromiter(self.notes, dtype=np.int64, count=len(self.notes))] = False
        return kept

    @property
    def columns(self) -> list[pa.Array]:
        """Every header column (parsing the ones left out, if any)."""
        if self._unread is not None and any(c is None for c in self._columns):
            self._columns = self._unread()
            self._unread = None
        parsed = [c for c in self._columns if c is not None]
        assert len(parsed) == len(self._columns), "a column left unparsed"
        return parsed

    def column(self, i: int) -> pa.Array:
        """Header column ``i`` (raw text)."""
        col = self._columns[i]
        return col if col is not None else self.columns[i]

    def label(self, field: str) -> str:
        """The export header label of a mapped canonical field (for messages)."""
        return position_label(self.header, self.index[field])

    def text(self, field: str) -> pa.Array:
        """A mapped field's cells as stripped text (``""`` when unmapped or blank)."""
        i = self.index.get(field)
        if i is None:
            return pa.array([""] * len(self), pa.string())
        # Trimmed once per column: mojibake, the status check and the adapters all ask.
        if i not in self._trimmed:
            self._trimmed[i] = trimmed(self.column(i))
        return self._trimmed[i]

    @property
    def rows(self) -> tuple[RawRow, ...]:
        """Every data row as a :class:`RawRow` (for small files and tests)."""
        cols = [c.to_pylist() for c in self.columns]
        out = []
        for pos, number in enumerate(self.numbers.tolist()):
            cells = self.exact.get(pos)
            if cells is None:
                cells = tuple(col[pos] for col in cols)
            reason = self.reasons[pos]
            column, detail = self.notes.get(pos, (None, ""))
            out.append(RawRow(number, cells, reason, column, detail))
        return tuple(out)


def trimmed(col: pa.Array) -> pa.Array:
    """``pc.utf8_trim_whitespace(col)``, without copying a column that has nothing to
    trim: when no value starts or ends with a byte that a whitespace character can begin
    or end with (:data:`_FIRST`, :data:`_LAST`), the column is returned as it is. Most
    export columns are clean; trimming copies every string."""
    if isinstance(col, pa.ChunkedArray) or col.type != pa.string() or col.null_count:
        return pc.utf8_trim_whitespace(col)
    n = len(col)
    offsets = np.frombuffer(col.buffers()[1], dtype=np.int32)[col.offset:col.offset + n + 1]
    data = col.buffers()[2]
    if n == 0 or data is None:
        return col
    raw = np.frombuffer(data, dtype=np.uint8)
    if raw.size == 0:
        return col
    # An empty value's "first" and "last" bytes are its neighbours' (clamped into the
    # buffer): they can only send the column to the exact trim, never skip it, and no
    # mask of the filled values is built (five million ids: a third of the time). One
    # clipped gather per end, then two reductions for the usual printable-ASCII ends.
    if _edgy(raw.take(offsets[:-1], mode="clip"), _FIRST) or \
            _edgy(raw.take(offsets[1:] - 1, mode="clip"), _LAST):
        return pc.utf8_trim_whitespace(col)
    return col


def _edgy(ends: np.ndarray, table: np.ndarray) -> bool:
    """Whether any byte of ``ends`` is marked in ``table``: when all lie within ``!`` to
    ``~`` (none marked), two reductions answer without a lookup per value."""
    if ends.size == 0 or (int(ends.min()) >= 0x21 and int(ends.max()) < 0x7F):
        return False
    return bool(table[ends].any())


#: The bytes a character that ``utf8_trim_whitespace`` trims can begin and end with in
#: UTF-8 (:func:`trimmed`): ASCII below ``!`` and DEL; beyond ASCII, the lead and the
#: last byte of U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F,
#: U+3000, and for safety U+FEFF (a test checks every code point). "„Büro“" (E2 80 9E
#: ... E2 80 9C) needs no trim.
_FIRST = np.zeros(256, dtype=bool)
_FIRST[[*range(0x21), 0x7F, 0xC2, 0xE1, 0xE2, 0xE3, 0xEF]] = True
_LAST = np.zeros(256, dtype=bool)
_LAST[[*range(0x21), 0x7F, *range(0x80, 0x8B), 0x9F, 0xA0, 0xA8, 0xA9, 0xAF, 0xBF]] = True


def build_table(file: str, grid: Grid, columns: Mapping[str, str],
                id_field: str | None = None) -> RawTable:
    """Match ``columns`` (canonical field → export header) against the grid's first row and
    classify every later row. Raises :class:`InputError` for a missing or duplicate
    mapped header. ``id_field`` is the field whose cell tells a summary row from data."""
    if not grid:
        raise InputError(file, "empty file (no header row)")
    header_row, header_cells = grid[0]
    header = _header(file, header_row, header_cells)
    index = _match_columns(file, header, columns)
    id_index = index.get(id_field) if id_field else None
    keys = tuple(h.casefold() for h in header)
    rows = [_formula(_classify(header, keys, id_index, number, tuple(cells)), header,
                     set(index.values()))
            for number, cells in grid[1:]]
    width = len(header)
    texts: list[list[str]] = [[] for _ in range(width)]
    typed: dict[int, dict[int, Cell]] = {}
    for pos, raw in enumerate(rows):
        for j in range(width):
            cell = raw.cells[j] if j < len(raw.cells) else ""
            texts[j].append(cell if isinstance(cell, str) else cell_text(cell))
            if not isinstance(cell, str):
                typed.setdefault(j, {})[pos] = cell
    return RawTable(
        file, header, index, np.array([r.row for r in rows], dtype=np.int64),
        [pa.array(t, pa.string()) for t in texts],
        np.array([r.reason for r in rows], dtype=object),
        {pos: (r.column, r.detail) for pos, r in enumerate(rows) if r.reason is not None},
        {pos: r.cells for pos, r in enumerate(rows)}, typed)


def build_columns(file: str, data: CsvColumns, columns: Mapping[str, str],
                  id_field: str | None = None) -> RawTable:
    """:func:`build_table` for a column-wise CSV: the same classification, decided
    column-wise; only rows that might be blank, a repeated header or a summary row (their
    first or id cell is empty or matches) and ragged rows are classified one by one."""
    header = _header(file, 1, data.header)
    index = _match_columns(file, header, columns)
    id_index = index.get(id_field) if id_field else None
    keys = tuple(h.casefold() for h in header)
    total = int(data.numbers.size)
    reasons = np.full(total, None, dtype=object)
    notes: dict[int, tuple[str | None, str]] = {}
    stripped: dict[int, pa.Array] = {}
    if total and header:
        stripped[0] = trimmed(_parsed(data, 0))
        first = pc.utf8_lower(stripped[0])
        words = sorted(SUMMARY_WORDS | {w + ":" for w in SUMMARY_WORDS} |
                       {"", keys[0], header[0].lower()})
        maybe = pc.is_in(first, value_set=pa.array(words, pa.string()))
        if id_index is not None and id_index != 0:  # the first column is checked above
            ident = pc.utf8_lower(trimmed(_parsed(data, id_index)))
            maybe = pc.or_(maybe, pc.is_in(ident, value_set=pa.array(words, pa.string())))
        candidates = set(np.flatnonzero(maybe.to_numpy(zero_copy_only=False)).tolist())
        candidates |= set(data.ragged)
        for pos in sorted(candidates):
            cells = data.ragged.get(pos)
            if cells is None and data.record is not None:
                cells = data.record(pos)  # some columns were not parsed: the raw record
            if cells is None:
                cells = [col[pos].as_py() for col in data.columns if col is not None]
            raw = _classify(header, keys, id_index, int(data.numbers[pos]), tuple(cells))
            reasons[pos] = raw.reason
            if raw.reason is not None:
                notes[pos] = (raw.column, raw.detail)
    exact: dict[int, tuple[Cell, ...]] = {p: tuple(c) for p, c in data.ragged.items()}
    table = RawTable(file, header, index, data.numbers, data.columns, reasons, notes, exact,
                     unread=data.unread)
    table._trimmed.update(stripped)  # the first column is trimmed once, not per reader
    table.no_mojibake = data.no_mojibake
    return table


def _parsed(data: CsvColumns, i: int) -> pa.Array:
    """Column ``i`` of a column-wise CSV, parsing the rest when it was left out."""
    col = data.columns[i]
    if col is None:
        assert data.unread is not None
        data.columns = data.unread()
        data.unread = data.record = None
        col = data.columns[i]
    assert col is not None
    return col


def _formula(raw: RawRow, header: tuple[str, ...], mapped: set[int]) -> RawRow:
    """A data row with a formula cell that has no computed value in a mapped column is
    rejected as ``formula-without-value`` naming sheet and cell (ADVERSARIAL 33)."""
    if raw.reason is not None:
        return raw
    for j in sorted(mapped):
        cell = raw.cells[j] if j < len(raw.cells) else ""
        where = getattr(cell, "where", None)
        if where is not None:
            return RawRow(raw.row, raw.cells, "formula-without-value", header[j],
                          f"{where}: formula {getattr(cell, 'formula', '')!r} has no computed "
                          f"value in the file (open and save it in Excel, or export values)")
    return raw


def _header(file: str, row: int, cells: Sequence[Cell]) -> tuple[str, ...]:
    header = tuple(normalise_header(cell_text(c)) for c in cells)
    if not any(header):
        raise InputError(file, "the header row is blank", row=row)
    return header


def _match_columns(file: str, header: tuple[str, ...],
                   columns: Mapping[str, str]) -> dict[str, int]:
    positions: dict[str, list[int]] = {}
    for i, label in enumerate(header):
        positions.setdefault(label.casefold(), []).append(i)
    index: dict[str, int] = {}
    missing: list[str] = []
    for field, wanted in columns.items():
        key = normalise_header(wanted).casefold()
        found = positions.get(key, [])
        if not found:
            found = _by_position(positions, key)
        if not found:
            missing.append(wanted)
        elif len(found) > 1:
            raise DuplicateHeaderError(file, field, wanted, found)
        else:
            index[field] = found[0]
    if missing:
        raise InputError(file, f"missing column(s): {_names(missing)} "
                               f"(the header has {_names(header)})", row=1)
    return index


_POSITION = re.compile(r"^(.*)#(\d+)$")


def _by_position(positions: Mapping[str, list[int]], key: str) -> list[int]:
    """README "Duplicate headers": ``"Severity#2"`` is the second column headed
    ``Severity``, only when that header repeats (a header literally named ``Severity#2``
    is matched first, by the caller). ``[]`` when there is no such column."""
    m = _POSITION.match(key)
    if not m:
        return []
    found = positions.get(m.group(1).strip(), [])
    n = int(m.group(2))
    return [found[n - 1]] if len(found) > 1 and 1 <= n <= len(found) else []


class DuplicateHeaderError(InputError):
    """A mapped header that the file repeats, mapped by its bare name: the config must
    say which one (``"Severity#2"``), so it is a config error (exit 78)."""

    exit_code = 78

    def __init__(self, file: str, field: str, wanted: str, found: list[int]) -> None:
        where = " and ".join(str(i + 1) for i in found)
        choices = " or ".join(repr(f"{wanted}#{k}") for k in range(1, len(found) + 1))
        super().__init__(file, f"duplicate-label: column {wanted!r} appears at positions "
                               f"{where}: map columns.{field} to {choices} (the config "
                               f"must say which one)", row=1, column=wanted)


def position_label(header: tuple[str, ...], i: int) -> str:
    """Header ``i``'s label as a message names it: ``"Severity#2"`` when it repeats."""
    label = header[i]
    same = [j for j, h in enumerate(header) if h.casefold() == label.casefold()]
    return label if len(same) == 1 else f"{label}#{same.index(i) + 1}"


def _names(labels: Iterable[str]) -> str:
    return ", ".join(repr(label) for label in labels)


def _classify(header: tuple[str, ...], keys: tuple[str, ...], id_index: int | None,
              number: int, cells: tuple[Cell, ...]) -> RawRow:
    texts = [cell_text(c) for c in cells]
    if not any(texts):
        return RawRow(number, cells, "blank-row", None, "every cell is empty")
    if tuple(normalise_header(t).casefold() for t in texts) == keys:
        return RawRow(number, cells, "header-repeat", None, "repeats the header row")
    if _is_summary(texts, id_index):
        first = next(t for t in texts if t)
        return RawRow(number, cells, "summary-row", None, f"a summary row ({first!r})")
    if len(cells) > len(header):
        return RawRow(number, cells, "extra-cell", None,
                      f"{len(cells)} cells but the header has {len(header)}: extra cell "
                      f"at position {len(header) + 1}")
    if len(cells) < len(header):
        return RawRow(number, cells, "missing-cell", header[len(cells)],
                      f"{len(cells)} cells but the header has {len(header)}")
    return RawRow(number, cells)


def _is_summary(texts: list[str], id_index: int | None) -> bool:
    """A total row: the first non-empty cell is a summary word and the id cell holds no
    id (it is empty or is that word), so a ticket really titled "Total" stays data."""
    first = next(t for t in texts if t)
    if first.casefold().rstrip(":").strip() not in SUMMARY_WORDS:
        return False
    if id_index is None or id_index >= len(texts):
        return True
    ident = texts[id_index]
    return not ident or ident.casefold().rstrip(":").strip() in SUMMARY_WORDS
