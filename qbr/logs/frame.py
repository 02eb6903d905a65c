"""Raw rows → the text frame the folding functions read, and vectorised cell parsing.

A folding function never sees a reader: it gets a DataFrame with one ``str`` column per
mapped canonical field (``""`` for blank or a declared null token) and ``row`` (int, 1-based
as a spreadsheet counts, header = 1). The table comes from the same column-wise reader as
ticket exports (:func:`qbr.io.read_table`: pyarrow CSV, preamble and ``sep=`` handling,
XLSX). Rows the reader already rejected (blank, repeated header, ragged, formula without
value) become rejections here and never reach the fold.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pyarrow as pa
from pandas.api.extensions import ExtensionArray

from qbr.adapt_columns import mapped_texts
from qbr.adapter import InputWarning, Rejection
from qbr.config import Source
from qbr.io import RawTable
from qbr.io.ambiguous import ambiguous
from qbr.io.serial import parse_dates


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
    #: Event logs: the status history, :data:`qbr.frames.EVENT_COLUMNS` schema.
    events: pd.DataFrame | None = None
    #: Event logs: the folded tickets (all, unassigned too: ``client`` ``""``),
    #: ``TICKET_COLUMNS`` schema (:func:`qbr.logs.events.ticket_list` gives records).
    tickets: pd.DataFrame | None = None


def text_frame(table: RawTable, source: Source) -> tuple[pd.DataFrame, list[Rejection]]:
    """The mapped cells of every well-formed row as stripped text, plus the reader's
    rejections. Column-wise, with exactly the ticket adapter's cell rules
    (:func:`qbr.adapt_columns.mapped_texts`): a ``source.null_values`` token reads as
    blank, a blank cell of a field in ``source.defaults`` takes the default (also when
    the field has no column), and ``source.client_pattern`` cuts the client out of the
    client cell (no match: the whole cell, so the row shows up as unassigned under its
    own name)."""
    texts = mapped_texts(table, source)
    good = ~np.asarray(table.reasons, dtype=object).astype(bool)
    keep = pa.array(good)
    data: dict[str, object] = {"row": table.numbers[good]}
    for name, column in texts.items():
        data[name] = column.filter(keep).to_pandas()
    frame = pd.DataFrame({k: (v.reset_index(drop=True) if isinstance(v, pd.Series) else v)
                          for k, v in data.items()})
    rejected = []
    for pos in np.flatnonzero(~good).tolist():
        column, detail = table.notes.get(pos, (None, ""))
        rejected.append(Rejection(table.file, int(table.numbers[pos]), str(table.reasons[pos]),
                                  column, detail, None))
    return frame, rejected


def parse_instants(values: pd.Series, formats: Sequence[str], zone: ZoneInfo,
                   serial: str | None = None
                   ) -> tuple[pd.Series, dict[str, str], dict[str, str]]:
    """Each text cell as a UTC ``Timestamp`` (``NaT`` when blank or bad).

    Returns (instants, bad: value → detail, notes: value → DST warning). The distinct
    values are read once, column-wise, by the ticket reader's
    :func:`qbr.io.dates.parse_column` (same formats rule, same DST policy), so a log with
    many repeated times is cheap. ``serial``: the Excel date system of serial numbers
    (:func:`qbr.io.serial.serial_system`), ``None`` when they are not dates."""
    codes, distinct = pd.factorize(values, use_na_sentinel=False)
    texts = pa.array(plain_texts(distinct), pa.string())
    parsed, serials = parse_dates(texts, formats, zone, None, serial)
    listed = ", ".join(repr(f) for f in formats)
    bad = {str(distinct[i]): serials.get(i) or
           f"{distinct[i]!r} matches none of the accepted formats {listed}"
           for i in np.flatnonzero(parsed.bad).tolist()}
    notes = {str(distinct[i]): note for i, note in parsed.notes.items()}
    utc = pd.DatetimeIndex(parsed.utc[codes]).tz_localize("UTC")
    return pd.Series(utc, index=values.index), bad, notes


class Rejector:
    """Marks rows of a fold's text frame rejected: the first reason per row wins, each
    rejected row becomes one :class:`Rejection` in ``into`` (file, row, the field's export
    header, detail). ``keep`` is the mask of rows still accepted.

    ``detail`` is one text for every row, a Series aligned with the frame, a mapping
    from the field's cell text, or a function of the rejected rows' cells (list of str).
    The last two are evaluated for the rejected rows only: building a message per row of
    a 141,712-row log costs more than the fold."""

    def __init__(self, frame: pd.DataFrame, file: str, labels: Mapping[str, str],
                 into: list[Rejection]) -> None:
        self.frame, self.file, self.labels, self.into = frame, file, labels, into
        self.keep = pd.Series(True, index=frame.index)

    def __call__(self, mask: pd.Series, reason: str, field: str,
                 detail: pd.Series | str | Mapping[str, str]
                 | Callable[[list[str]], list[str]]) -> None:
        frame = self.frame
        hit = mask & self.keep
        if not hit.any():
            return
        texts: Sequence[object]
        if isinstance(detail, str):
            texts = [detail] * int(hit.sum())
        elif isinstance(detail, pd.Series):
            texts = detail[hit].tolist()
        elif isinstance(detail, Mapping):
            texts = [detail.get(c, "") for c in frame.loc[hit, field].tolist()]
        else:
            texts = detail(frame.loc[hit, field].tolist())
        for row, text in zip(frame.loc[hit, "row"].tolist(), texts, strict=True):
            self.into.append(Rejection(self.file, int(row), reason, self.labels.get(field),
                                       text, None))
        self.keep &= ~hit


def ambiguous_values(values: pd.Series, formats: Sequence[str]) -> dict[str, str]:
    """Distinct cell texts that two of ``formats`` read as different instants → message
    (README "Ambiguous dates"; :func:`qbr.io.ambiguous.ambiguous`)."""
    if len(formats) < 2:
        return {}
    distinct = pd.unique(values.astype(str))
    found = ambiguous(pa.array(plain_texts(distinct), pa.string()), formats)
    return {str(distinct[i]): message for i, message in found.items()}


def map_text(values: pd.Series, mapping: Mapping[str, str | None]) -> pd.Series:
    """``values.map(mapping)`` (``None`` where a text has no entry) through the distinct
    texts: pandas maps an Arrow-backed text column value by value in Python, which
    costs ~0.3 s per 141,712-row column."""
    codes, distinct = pd.factorize(values, use_na_sentinel=False)
    looked = np.array([mapping.get(v) for v in plain_texts(distinct)] + [None], dtype=object)
    return pd.Series(looked[codes], index=values.index, dtype=object)


def plain_texts(values: pd.Index | np.ndarray | ExtensionArray) -> list[str]:
    """The values as Python ``str``, converted in one step: iterating an Arrow-backed
    index value by value costs ~2.6 µs a value (0.2 s for the UCI log's timestamps)."""
    return [str(v) for v in np.asarray(values, dtype=object).tolist()]
