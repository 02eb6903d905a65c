"""Readers: export file → :class:`RawTable` (raw rows with provenance, SPEC §7).

Readers read; adapters interpret (STYLE rule 2). This package knows encodings,
delimiters, sheets, headers and row shapes, nothing about tickets or clients; the
adapter in :mod:`qbr.ingest` turns the raw rows into canonical records.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from qbr.config import Source
from qbr.io.fastcsv import read_file_columns
from qbr.io.table import (
    Cell,
    RawRow,
    RawTable,
    build_columns,
    build_table,
    cell_text,
    normalise_header,
)
from qbr.io.xlsxfile import read_xlsx

__all__ = ["Cell", "RawRow", "RawTable", "cell_text", "normalise_header", "read_table"]

XLSX_SUFFIXES = (".xlsx", ".xlsm")


def header_labels(wanted: Iterable[str]) -> list[str]:
    """The labels that find the header line: each mapped label, and for a label chosen
    by position (``"Severity#2"``, README "Duplicate headers") its bare name too."""
    out = []
    for label in wanted:
        out.append(label)
        bare = re.sub(r"#\d+$", "", label)
        if bare != label:
            out.append(bare)
    return out


def read_table(source: Source, file: str, id_field: str | None = None) -> RawTable:
    """Read ``source.path`` (XLSX by suffix, else CSV) and classify its rows.

    ``file`` is the name used in messages (the path as written in the config);
    ``id_field`` is the canonical field whose cell tells a summary row from data.
    Raises :class:`qbr.errors.InputError` for problems with the file as a whole."""
    if source.path.suffix.lower() in XLSX_SUFFIXES:
        grid = read_xlsx(source.path, file, source.sheet)
        return build_table(file, grid, source.columns, id_field)
    # Ticket and status sources read their mapped columns only (a wide export parses
    # faster); the other kinds' row adapters see every cell.
    data, note = read_file_columns(source.path, file, source.encoding, source.delimiter,
                                   header_labels(source.columns.values()),
                                   only_mapped=source.kind in ("tickets", "status"))
    if isinstance(data, list):  # the stdlib reader's records (see qbr.io.fastcsv)
        table = build_table(file, data, source.columns, id_field)
    else:
        table = build_columns(file, data, source.columns, id_field)
    table.note = note
    return table
