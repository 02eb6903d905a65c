"""Column-wise adapter for ticket and status sources (SPEC §2, §7): one file's raw columns
→ a frame of valid rows plus rejections, with the row adapter's rules and precedence.

A row's first failing check decides its reason, in the order :mod:`qbr.adapter` checks a
row: the reader's own verdict (blank, repeated header, summary, ragged), a required value
that is blank (``missing-cell``), unreadable timestamps (``bad-date``: created, first
response, resolved, closed) or ones two formats read differently (``ambiguous-date``),
an event before creation (``event-before-created``), an unreadable or impossible
reported pause (``bad-number``/``bad-value``), then ``updated_at``. Value maps and
client names are resolved once per distinct value.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from qbr.adapt_codes import coded, decoded, priorities
from qbr.adapter import REQUIRED, InputWarning, Rejection, check_statuses_column
from qbr.config import Config, Source
from qbr.io import RawTable
from qbr.io.ambiguous import REASON as AMBIGUOUS
from qbr.io.ambiguous import ambiguous
from qbr.io.dates import SCALAR_RETRY_LIMIT
from qbr.io.prefetch import Ahead, parse_ahead
from qbr.io.serial import parse_dates, serial_system
from qbr.io.values import CellError, parse_instant, parse_number

_EVENTS = ("first_response_at", "resolved_at", "closed_at")
_NS_PER_MIN = 60_000_000_000


@dataclass
class Columnar:
    """One file's rows after interpretation: ``frame`` holds the valid rows in the
    :mod:`qbr.frames` schema plus ``_client`` (config key, ``None`` = unassigned) and
    ``_name`` (the exported company name)."""

    frame: pd.DataFrame
    rejections: list[Rejection] = field(default_factory=list)
    warnings: list[InputWarning] = field(default_factory=list)


class _Verdicts:
    """The first rejection reason per row; later checks never overwrite it."""

    def __init__(self, table: RawTable) -> None:
        self.table = table
        self.reason = np.array(table.reasons, dtype=object)
        self.open: np.ndarray = table.kept
        self.field: dict[int, str] = {}
        self.detail: dict[int, str] = {}

    def mark(self, mask: np.ndarray, reason: str, name: str,
             detail: Callable[[int], str]) -> None:
        for pos in np.flatnonzero(mask & self.open).tolist():
            self.reason[pos], self.field[pos], self.detail[pos] = reason, name, detail(pos)
            self.open[pos] = False

    def rejections(self, hints: pa.Array | None) -> list[Rejection]:
        """Every rejected row; ``hints`` gives each row's client key (SPEC §6)."""
        out = []
        table = self.table
        rejected = np.flatnonzero(~self.open)
        clients = [None] * rejected.size if hints is None else \
            hints.take(pa.array(rejected)).to_pylist()
        for pos, client in zip(rejected.tolist(), clients, strict=True):
            name = self.field.get(pos)
            if name is not None:
                column = table.label(name) if name in table.index else None
                detail = self.detail[pos]
            else:
                column, detail = table.notes.get(pos, (None, ""))
            out.append(Rejection(table.file, int(table.numbers[pos]), str(self.reason[pos]),
                                 column, detail, client))
        return out


def _texts(table: RawTable, source: Source,
           only: Callable[[str], bool] = lambda _name: True) -> dict[str, pa.Array]:
    """Each mapped (or defaulted) field's cells as stripped text, with the source's
    ``null_values`` read as blank, blanks filled from ``defaults``, and the client cell
    narrowed by ``client_pattern`` (README "Values that never turn into wrong numbers").
    ``only``: the fields wanted (default: all)."""
    nulls = pa.array(list(source.null_values), pa.string())
    out = {}
    for name in {*table.index, *source.defaults}:
        if not only(name):
            continue
        col = table.text(name)
        if len(nulls):
            col = pc.if_else(pc.is_in(col, value_set=nulls), "", col)
        if name in source.defaults:
            col = pc.if_else(pc.equal(col, ""), source.defaults[name], col)
        out[name] = col
    if source.client_pattern and "client" in out:
        pattern = re.compile(source.client_pattern)

        def narrow(text: str) -> str:
            found = pattern.search(text)
            return found.group("client").strip() if found and found.group("client") else text

        out["client"] = _lookup(out["client"], narrow)
    return out


def mapped_texts(table: RawTable, source: Source) -> dict[str, pa.Array]:
    """:func:`_texts` for the event and uptime logs (:mod:`qbr.logs.frame`), so every
    source kind reads ``null_values``, ``defaults`` and ``client_pattern`` alike."""
    return _texts(table, source)


def _label(table: RawTable, name: str) -> str:
    return table.label(name) if name in table.index else f"({name} default)"


def _blank(col: pa.Array) -> np.ndarray:
    return np.asarray(pc.equal(col, "").to_numpy(zero_copy_only=False), dtype=bool)


def _lookup(col: pa.Array, resolve: Callable[[str], str | None],
            encoded: bool = False) -> pa.Array:
    """``resolve`` applied once per distinct value of ``col`` (null where it gives None);
    with ``encoded``, as a dictionary array (no string copied per row)."""
    codes = col if pa.types.is_dictionary(col.type) else col.dictionary_encode()
    mapped = pa.array([resolve(v) for v in codes.dictionary.to_pylist()], pa.string())
    if not encoded:
        return mapped.take(codes.indices)
    unique = mapped.dictionary_encode()  # two values may map to one (Done, Closed → closed)
    return pa.DictionaryArray.from_arrays(unique.indices.take(codes.indices),
                                          unique.dictionary)


@dataclass
class _Ctx:
    config: Config
    source: Source
    table: RawTable
    zone: ZoneInfo
    texts: dict[str, pa.Array]
    parsed: Ahead = field(default_factory=Ahead)  # qbr.io.prefetch
    codes: dict[str, pa.DictionaryArray] = field(default_factory=dict)  # _status_codes


def _dates(ctx: _Ctx, name: str, verdicts: _Verdicts, warn: list[tuple[int, int, str, str]],
           order: int) -> np.ndarray:
    """Parse ``name`` (NaT when unmapped or blank); bad values are ``bad-date``."""
    table = ctx.table
    if name not in ctx.texts:
        return np.full(len(table), np.datetime64("NaT", "ns"))
    col = ctx.texts[name]
    # README "Excel serial dates": serial numbers first, when the source reads them.
    parsed, serials = ctx.parsed.pop(name) if name in ctx.parsed else \
        parse_dates(col, ctx.source.date_formats, ctx.zone,
                    table.typed.get(table.index.get(name, -1)), serial_system(ctx.source))
    formats = ", ".join(repr(f) for f in ctx.source.date_formats)
    def plain(p: int) -> str:
        return serials.get(p) or f"{col[p].as_py()!r} matches none of the accepted " \
            f"formats {formats}"

    # Few bad values went through strptime (io.dates._retry): say which failure it was.
    few = int(parsed.bad.sum()) <= SCALAR_RETRY_LIMIT
    verdicts.mark(parsed.bad, "bad-date", name,
                  (lambda p: serials.get(p) or _bad_date(col[p].as_py(), ctx, formats))
                  if few else plain)
    # README "Ambiguous dates": two declared formats reading a value differently.
    mixed = ambiguous(col, ctx.source.date_formats, ~parsed.bad & ~_blank(col)) \
        if len(ctx.source.date_formats) > 1 else {}
    if mixed:
        hit = np.zeros(len(col), dtype=bool)
        hit[list(mixed)] = True
        verdicts.mark(hit, AMBIGUOUS, name, mixed.__getitem__)
    for pos, note in parsed.notes.items():
        warn.append((pos, order, _label(table, name), note))
    bad = np.flatnonzero(parsed.bad)
    if bad.size and bad.size * 2 > int((~_blank(col)).sum()):
        hint = propose_format(col.take(pa.array(bad[:200])).to_pylist())
        warn.append((int(bad[0]), _COLUMN_NOTE + order, _label(table, name),
                     f"{bad.size} of {int((~_blank(col)).sum())} values match none of the "
                     f"declared formats {formats}; {hint}"))
    return parsed.utc


def _bad_date(text: str, ctx: _Ctx, formats: str) -> str:
    """Why a value is a bad date: the row-by-row reader's own message (no format matches,
    or before datetime.min in UTC), else it matched but lies outside the instants the
    columns hold (years 1678-2261)."""
    try:
        value, _ = parse_instant(text, ctx.source.date_formats, ctx.zone)
    except CellError as exc:
        return exc.detail
    if not 1678 <= value.year <= 2261:
        return f"{text} is out of the supported date range (years 1678-2261)"
    return f"{text!r} matches none of the accepted formats {formats}"


#: Formats tried when most values of a column fail the declared ones (a hint only: a
#: format is never applied unless the source declares it).
CANDIDATES = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S%z",
              "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%d %H:%M:%S.%f",
              "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y", "%d/%m/%Y %H:%M:%S",
              "%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y %I:%M %p",
              "%m/%d/%Y %I:%M:%S %p", "%d/%m/%Y", "%m/%d/%Y", "%Y-%m-%d", "%d-%m-%Y %H:%M",
              "%Y/%m/%d %H:%M:%S", "%d %b %Y %H:%M", "%b %d, %Y %I:%M %p")


def propose_format(values: list[str]) -> str:
    """A sentence naming the candidate format(s) that read every one of ``values``;
    day-first and month-first both fitting is said so (the user must choose)."""
    fits = [f for f in CANDIDATES if all(_fits(v, f) for v in values)]
    if not fits:
        return "no common format reads them either (check the column mapping)"
    if len(fits) > 1 and any("%d/%m" in f for f in fits) and any("%m/%d" in f for f in fits):
        return (f"both day-first {fits[0]!r} and month-first "
                f"{next(f for f in fits if '%m/%d' in f)!r} fit: declare the one the "
                f"export uses")
    return f"{fits[0]!r} reads them: declare it in date_format if that is the export's format"


def _fits(text: str, fmt: str) -> bool:
    try:
        datetime.strptime(text, fmt)
    except ValueError:
        return False
    return True


def _required(ctx: _Ctx, verdicts: _Verdicts) -> None:
    for name in REQUIRED[ctx.source.kind]:
        verdicts.mark(_blank(ctx.texts[name]), "missing-cell", name,
                      lambda _p: "required value is blank")


def _warnings(ctx: _Ctx, verdicts: _Verdicts, warn: list[tuple[int, int, str, str]]
              ) -> list[InputWarning]:
    ok = verdicts.open
    return [InputWarning(ctx.table.file, int(ctx.table.numbers[pos]), label, note)
            for pos, order, label, note in sorted(warn) if ok[pos] or order >= _COLUMN_NOTE]


#: Warnings about a whole column carry an order from here: kept although their row (the
#: first bad one) is rejected.
_COLUMN_NOTE = 100


def _constant(value: str, n: int) -> pa.Array:
    return pa.repeat(pa.scalar(value, pa.string()), n) if hasattr(pa, "repeat") else \
        pa.array([value] * n, pa.string())


def _repeated(value: str, n: int) -> pa.DictionaryArray:
    """``value`` ``n`` times as a one-entry dictionary (no string copied per row)."""
    return pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, dtype=np.int32)),
                                          pa.array([value], pa.string()))


def _encoded(col: pa.Array) -> pa.DictionaryArray:
    """A text column with few distinct values as a dictionary array (pandas categorical)."""
    if pa.types.is_dictionary(col.type):
        return col
    encoded: pa.DictionaryArray = col.dictionary_encode()
    return encoded


def interpret_tickets(config: Config, source: Source, table: RawTable) -> Columnar:
    """A tickets file → valid rows (frames schema) and rejections (SPEC §7)."""
    zone = ZoneInfo(source.timezone)
    names = ("created_at", *_EVENTS, "updated_at")
    texts = _texts(table, source, names.__contains__)
    # The date columns parse on two threads from here (qbr.io.prefetch) while this thread
    # maps the other columns; their verdicts are still given in the adapter's order.
    with parse_ahead(table, texts, names, source.date_formats, zone,
                     serial_system(source)) as ahead:
        texts.update(_texts(table, source, lambda name: name not in names))
        ctx = _Ctx(config, source, table, zone, texts, ahead)
        return _tickets(ctx)


def _tickets(ctx: _Ctx) -> Columnar:
    source, table = ctx.source, ctx.table
    check_statuses_column(ctx.table, source, _status_codes(ctx), ~table.kept)
    verdicts = _Verdicts(table)
    _required(ctx, verdicts)
    warn: list[tuple[int, int, str, str]] = []
    clients, c_idx, c_vals = _clients(ctx)
    mapped = {"client": pc.fill_null(clients, ""),
              "priority": priorities(ctx.config, source, ctx.texts["priority"], c_idx,
                                     c_vals),
              "status": _status(ctx), "title": _optional(ctx, "title", blank=""),
              "category": _optional(ctx, "category"), "queue": _optional(ctx, "queue"),
              "excluded_reason": _optional(ctx, "excluded")}
    created = _dates(ctx, "created_at", verdicts, warn, 0)
    events = {name: _dates(ctx, name, verdicts, warn, i + 1) for i, name in enumerate(_EVENTS)}
    for name, at in events.items():
        early = ~np.isnat(at) & ~np.isnat(created) & (at < created)
        verdicts.mark(early, "event-before-created", name, _before(at, created))
    pause = _pause(ctx, verdicts, created, events)
    updated = _dates(ctx, "updated_at", verdicts, warn, 4)
    rows = pa.array(np.flatnonzero(verdicts.open))
    n = len(rows)
    data: dict[str, Any] = {
        "system": _constant(source.system, n),
        "ticket_id": _at(ctx.texts["ticket_id"], rows),
        "client": _at(mapped["client"], rows),
        "priority": _at(mapped["priority"], rows),
        "priority_raw": _at(ctx.texts["priority"], rows),
        "created_at": created, "first_response_at": events["first_response_at"],
        "resolved_at": events["resolved_at"], "closed_at": events["closed_at"],
        "updated_at": updated, "status": _at(mapped["status"], rows),
        "title": _at(mapped["title"], rows),
        "category": _at(mapped["category"], rows),
        "queue": _at(mapped["queue"], rows),
        "reported_pause_minutes": pause,
        "excluded_reason": _at(mapped["excluded_reason"], rows),
        "source_file": _constant(table.file, n), "source_row": table.numbers,
        "_client": _at(clients, rows), "_name": _at(ctx.texts["client"], rows),
    }
    return Columnar(_frame(data, rows), verdicts.rejections(clients),
                    _warnings(ctx, verdicts, warn))


def interpret_status(config: Config, source: Source, table: RawTable) -> Columnar:
    """A status-history file → valid events (frames schema) and rejections. The events'
    bucket follows their ticket (:func:`qbr.ingest.load_dataset`)."""
    ctx = _Ctx(config, source, table, ZoneInfo(source.timezone), _texts(table, source))
    check_statuses_column(ctx.table, source, _status_codes(ctx), ~table.kept)
    verdicts = _Verdicts(table)
    _required(ctx, verdicts)
    warn: list[tuple[int, int, str, str]] = []
    at = _dates(ctx, "at", verdicts, warn, 0)
    rows = pa.array(np.flatnonzero(verdicts.open))
    n = len(rows)
    # Every text column but the id has few distinct values: dictionary-encoded (pandas
    # categoricals), so five million events hold codes, not strings. The event frame
    # (qbr.linking.status_events) decodes them once, after sorting.
    data = {
        "system": _repeated(source.system, n),
        "ticket_id": _at(ctx.texts["ticket_id"], rows), "at": at,
        "status": _at(_encoded(_status(ctx, encoded=True)), rows),
        "priority": _at(_encoded(_event_priorities(ctx)), rows),
        "source_file": _repeated(table.file, n), "source_row": table.numbers,
        "_client": pa.nulls(n, pa.string()), "_name": _repeated("", n),
    }
    return Columnar(_frame(data, rows), verdicts.rejections(None),
                    _warnings(ctx, verdicts, warn))


def _at(col: pa.Array, rows: pa.Array) -> pa.Array:
    """``col`` at the valid ``rows``; no copy when every row is valid (the usual file)."""
    return col if len(rows) == len(col) else col.take(rows)


def _frame(data: Mapping[str, Any], rows: pa.Array) -> pd.DataFrame:
    """The valid rows as a frame: Arrow text columns stay Arrow-backed (pandas ``str``,
    missing = NA); numpy columns (instants, numbers) are taken at ``rows``."""
    take = rows.to_numpy(zero_copy_only=False)
    arrays = {}
    for name, values in data.items():
        if isinstance(values, np.ndarray):
            picked = values if take.size == values.size else values[take]
            arrays[name] = pa.array(picked).cast(pa.timestamp("ns", tz="UTC")) \
                if picked.dtype.kind == "M" else pa.array(picked)
        else:
            arrays[name] = values
    frame: pd.DataFrame = pa.table(arrays).to_pandas()
    return frame


def _fmt(value: Any) -> str:
    return pd.Timestamp(value).strftime("%Y-%m-%d %H:%M")


def _before(at: np.ndarray, created: np.ndarray) -> Callable[[int], str]:
    def detail(pos: int) -> str:
        return f"{_fmt(at[pos])} UTC is before created_at {_fmt(created[pos])} UTC"
    return detail


def _optional(ctx: _Ctx, name: str, blank: str | None = None) -> pa.Array:
    """A mapped optional text column; blank cells are ``blank`` (null by default)."""
    if name not in ctx.texts:
        return pa.array([blank] * len(ctx.table), pa.string())
    col = ctx.texts[name]
    if blank == "":
        return col
    empty = pc.equal(col, "")
    if not pc.any(empty).as_py():  # nothing to blank out: no copy of the column
        return col
    return pc.if_else(empty, pa.scalar(None, pa.string()), col)


def _status_codes(ctx: _Ctx) -> pa.Array | None:
    """The status column dictionary-encoded, once: the unmapped-value check counts its
    codes and :func:`_status` maps its dictionary (one hash pass over the rows, not two)."""
    if "status" not in ctx.texts:
        return None
    if "status" not in ctx.codes:
        ctx.codes["status"] = ctx.texts["status"].dictionary_encode()
    return ctx.codes["status"]


def _status(ctx: _Ctx, encoded: bool = False) -> pa.Array:
    codes = _status_codes(ctx)
    if codes is None:
        return pa.nulls(len(ctx.table), pa.string())
    known = {k.strip(): v for k, v in ctx.source.values.get("status", {}).items()}
    return _lookup(codes, lambda v: known.get(v) if v else None, encoded)


def _clients(ctx: _Ctx) -> tuple[pa.Array, np.ndarray, list[str]]:
    """The config client key per row (null = unassigned), each exported name resolved
    once; also each row's index into the distinct keys (-1 = none) and those keys, which
    :func:`qbr.adapt_codes.priorities` pairs with the priority without hashing again."""
    index, keys = coded(ctx.texts["client"], ctx.config.client_for_name)
    return decoded(index, keys), index, keys


def _event_priorities(ctx: _Ctx) -> pa.Array:
    """A status source's optional ``priority`` column through ``values.priority``
    (SPEC §3a: the priority in force from the event); null when blank or unmapped."""
    if "priority" not in ctx.texts:
        return pa.nulls(len(ctx.table), pa.string())
    mapping = ctx.source.values.get("priority")
    known = None if mapping is None else {k.strip(): v for k, v in mapping.items()}
    return _lookup(ctx.texts["priority"],
                   lambda v: None if not v else (v if known is None else known.get(v)), True)


def _pause(ctx: _Ctx, verdicts: _Verdicts, created: np.ndarray,
           events: Mapping[str, np.ndarray]) -> np.ndarray:
    """Reported pause in business minutes (NaN = not reported). Unreadable is
    ``bad-number``; negative, or longer than the ticket's life (created to resolved, else
    closed), is ``bad-value``: a pause is never clamped into range."""
    n = len(ctx.table)
    if "reported_pause" not in ctx.texts:
        return np.full(n, np.nan)
    col = ctx.texts["reported_pause"]

    def read(text: str) -> float | str:
        if not text:
            return float("nan")
        try:
            return parse_number(text, ctx.source.decimal)
        except CellError as exc:
            return exc.detail

    encoded = col.dictionary_encode()
    table = [read(v) for v in encoded.dictionary.to_pylist()]
    parsed = np.array([*table, float("nan")], dtype=object)[
        encoded.indices.fill_null(len(table)).to_numpy(zero_copy_only=False)]
    bad = np.array([isinstance(v, str) for v in parsed], dtype=bool)
    verdicts.mark(bad, "bad-number", "reported_pause", lambda p: str(parsed[p]))
    values = np.where(bad, np.nan, parsed).astype(np.float64)
    end = np.where(np.isnat(events["resolved_at"]), events["closed_at"], events["resolved_at"])
    life = (end - created).astype("timedelta64[ns]").astype(np.int64) / _NS_PER_MIN
    life = np.where(np.isnat(end) | np.isnat(created), np.inf, life)
    text = col.to_pylist() if bool((values < 0).any() or (values > life).any()) else []
    verdicts.mark(values < 0, "bad-value", "reported_pause",
                  lambda p: f"reported pause {text[p]!r} is negative")
    verdicts.mark(values > life, "bad-value", "reported_pause",
                  lambda p: f"reported pause {text[p]!r} minutes is longer than the ticket's "
                            f"life ({life[p]:.0f} minutes from created to resolved/closed)")
    return values
