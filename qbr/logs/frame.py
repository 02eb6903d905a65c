"""Raw rows → the text frame the folding functions read, and vectorised cell parsing.

A folding function never sees a reader: it gets a DataFrame with one ``str`` column per
mapped canonical field (``""`` for blank or a declared null token) and ``row`` (int, 1-based
as a spreadsheet counts, header = 1). Rows a reader already rejected (blank, repeated
header, ragged) become rejections here and never reach the fold.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import pandas as pd

from qbr.adapter import InputWarning, Rejection
from qbr.config import Source
from qbr.io import RawTable, cell_text
from qbr.io.values import CellError, parse_instant


@dataclass
class Folded:
    """What a fold produced from one file. ``rows`` maps each accepted data row to the
    record key it was folded into (ticket id or monitor name) and that key's client
    (``None`` = unassigned, with ``names`` giving the exported name)."""

    records: list[object] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    warnings: list[InputWarning] = field(default_factory=list)
    rows: dict[int, str | None] = field(default_factory=dict)  # row → client key or None
    names: dict[int, str] = field(default_factory=dict)  # row → exported client/monitor name
    last_seen: datetime | None = None  # latest instant of the log (UTC)
    ticket_rows: dict[str, list[int]] = field(default_factory=dict)  # ticket id → rows


def text_frame(table: RawTable, source: Source) -> tuple[pd.DataFrame, list[Rejection]]:
    """The mapped cells of every well-formed row as stripped text, plus the reader's
    rejections. A cell equal to one of ``source.null_values`` reads as blank; a blank
    cell of a field in ``source.defaults`` takes the default (also when the field has
    no column); ``source.client_pattern`` cuts the client out of the client cell."""
    nulls = set(source.null_values)
    good = [raw for raw in table.rows if raw.reason is None]
    data: dict[str, list[object]] = {"row": [raw.row for raw in good]}
    for name, i in table.index.items():
        cells = (cell_text(raw.cells[i]) if i < len(raw.cells) else "" for raw in good)
        data[name] = [("" if c in nulls else c) for c in cells]
    for name, value in source.defaults.items():  # a blank (or unmapped) cell → default
        data[name] = [c or value for c in data.get(name, [""] * len(good))]
    if source.client_pattern and "client" in data:
        pattern = re.compile(source.client_pattern)
        data["client"] = [_client(pattern, str(c)) for c in data["client"]]
    rejected = [Rejection(table.file, raw.row, raw.reason or "", raw.column, raw.detail, None)
                for raw in table.rows if raw.reason is not None]
    return pd.DataFrame(data), rejected


def _client(pattern: re.Pattern[str], cell: str) -> str:
    """The ``client`` group of ``client_pattern`` in the cell; the whole cell when the
    pattern does not match (so the row shows up as unassigned under its own name)."""
    match = pattern.search(cell)
    return match.group("client").strip() if match and match.group("client") else cell


def parse_instants(values: pd.Series, formats: Sequence[str], zone: ZoneInfo
                   ) -> tuple[pd.Series, dict[str, str], dict[str, str]]:
    """Each text cell as a UTC ``Timestamp`` (``NaT`` when blank or bad).

    Returns (instants, bad: value → detail, notes: value → DST warning). Each distinct
    value is parsed once with the same strict rule as the row reader
    (:func:`qbr.io.values.parse_instant`), so a log with many repeated times is cheap."""
    parsed: dict[str, datetime | None] = {}
    bad: dict[str, str] = {}
    notes: dict[str, str] = {}
    for text in pd.unique(values):
        if not text:
            parsed[text] = None
            continue
        try:
            at, note = parse_instant(text, formats, zone)
        except CellError as exc:
            parsed[text], bad[text] = None, exc.detail
            continue
        parsed[text] = at
        if note:
            notes[text] = note
    out = pd.to_datetime(values.map(parsed), utc=True)
    return out, bad, notes
