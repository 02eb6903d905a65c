"""Raw rows with provenance: header matching and row classification (SPEC §7).

A reader (CSV or XLSX) turns bytes into a *grid*: ``(row number, cells)`` pairs, where the
row number is the 1-based row as a spreadsheet user counts it (header = row 1). This
module finds the mapped columns in the header and classifies every data row *before*
any value is interpreted, so blank rows, repeated headers, total rows and ragged rows
become rejections with a reason code instead of silently vanishing or turning into data.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from qbr.errors import InputError

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


@dataclass(frozen=True)
class RawTable:
    """A file's header (normalised labels, as written otherwise), the cell position of
    each mapped canonical field, and every data row in file order."""

    file: str
    header: tuple[str, ...]
    index: Mapping[str, int]
    rows: tuple[RawRow, ...]

    def label(self, field: str) -> str:
        """The export header label of a mapped canonical field (for messages)."""
        return self.header[self.index[field]]


def build_table(file: str, grid: Grid, columns: Mapping[str, str],
                id_field: str | None = None) -> RawTable:
    """Match ``columns`` (canonical field → export header) against the grid's first row and
    classify every later row. Raises :class:`InputError` for a missing or duplicate
    mapped header. ``id_field`` is the field whose cell tells a summary row from data."""
    if not grid:
        raise InputError(file, "empty file (no header row)")
    header_row, header_cells = grid[0]
    header = tuple(normalise_header(cell_text(c)) for c in header_cells)
    if not any(header):
        raise InputError(file, "the header row is blank", row=header_row)
    index = _match_columns(file, header, columns)
    id_index = index.get(id_field) if id_field else None
    keys = tuple(h.casefold() for h in header)
    rows = tuple(_classify(header, keys, id_index, number, tuple(cells))
                 for number, cells in grid[1:])
    return RawTable(file=file, header=header, index=index, rows=rows)


def _match_columns(file: str, header: tuple[str, ...],
                   columns: Mapping[str, str]) -> dict[str, int]:
    positions: dict[str, list[int]] = {}
    for i, label in enumerate(header):
        positions.setdefault(label.casefold(), []).append(i)
    index: dict[str, int] = {}
    missing: list[str] = []
    for field, wanted in columns.items():
        found = positions.get(normalise_header(wanted).casefold(), [])
        if not found:
            missing.append(wanted)
        elif len(found) > 1:
            where = " and ".join(str(i + 1) for i in found)
            raise InputError(file, f"duplicate-label: column {wanted!r} appears at "
                                   f"positions {where}", row=1, column=wanted)
        else:
            index[field] = found[0]
    if missing:
        raise InputError(file, f"missing column(s): {_names(missing)} "
                               f"(the header has {_names(header)})", row=1)
    return index


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
