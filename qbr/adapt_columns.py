"""Column-wise adapter for ticket and status sources (SPEC §2, §7): one file's raw columns
→ a frame of valid rows plus rejections, with the row adapter's rules and precedence.

A row's first failing check decides its reason, in the order :mod:`qbr.adapter` checks a
row: the reader's own verdict (blank, repeated header, summary, ragged), a required value
that is blank (``missing-cell``), unreadable timestamps (``bad-date``: created, first
response, resolved, closed), an event before creation (``event-before-created``), an
unreadable or impossible reported pause (``bad-number``/``bad-value``), then
``updated_at``. Value maps and client names are resolved once per distinct value.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from qbr.adapter import REQUIRED, InputWarning, Rejection, check_statuses_column
from qbr.config import Config, Source
from qbr.io import RawTable
from qbr.io.dates import Instants, parse_column
from qbr.io.values import CellError, parse_number

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
        self.field: dict[int, str] = {}
        self.detail: dict[int, str] = {}

    @property
    def open(self) -> np.ndarray:
        free: np.ndarray = ~self.reason.astype(bool)  # reasons are non-empty codes
        return free

    def mark(self, mask: np.ndarray, reason: str, name: str,
             detail: Callable[[int], str]) -> None:
        for pos in np.flatnonzero(mask & self.open).tolist():
            self.reason[pos], self.field[pos], self.detail[pos] = reason, name, detail(pos)

    def rejections(self, hint: Callable[[int], str | None]) -> list[Rejection]:
        out = []
        table = self.table
        for pos in np.flatnonzero(~self.open).tolist():
            name = self.field.get(pos)
            if name is not None:
                column = table.label(name) if name in table.index else None
                detail = self.detail[pos]
            else:
                column, detail = table.notes.get(pos, (None, ""))
            out.append(Rejection(table.file, int(table.numbers[pos]), str(self.reason[pos]),
                                 column, detail, hint(pos)))
        return out


def _texts(table: RawTable) -> dict[str, pa.Array]:
    return {name: table.text(name) for name in table.index}


def _blank(col: pa.Array) -> np.ndarray:
    return np.asarray(pc.equal(col, "").to_numpy(zero_copy_only=False), dtype=bool)


def _lookup(col: pa.Array, resolve: Callable[[str], Any]) -> np.ndarray:
    """``resolve`` applied once per distinct value of ``col`` (object array)."""
    encoded = col.dictionary_encode()
    keys = [resolve(v) for v in encoded.dictionary.to_pylist()]
    table = np.array([*keys, None], dtype=object)
    idx = encoded.indices.fill_null(len(keys)).to_numpy(zero_copy_only=False)
    out: np.ndarray = table[idx]
    return out


def _strings(col: pa.Array) -> np.ndarray:
    return np.asarray(col.to_numpy(zero_copy_only=False), dtype=object)


def _dates(ctx: _Ctx, name: str, verdicts: _Verdicts, warn: list[tuple[int, int, str, str]],
           order: int) -> np.ndarray:
    """Parse ``name`` (NaT when unmapped or blank); bad values are ``bad-date``."""
    table = ctx.table
    if name not in table.index:
        return np.full(len(table), np.datetime64("NaT", "ns"))
    col = ctx.texts[name]
    parsed: Instants = parse_column(col, ctx.source.date_formats, ctx.zone,
                                    table.typed.get(table.index[name]))
    formats = ", ".join(repr(f) for f in ctx.source.date_formats)
    verdicts.mark(parsed.bad, "bad-date", name,
                  lambda p: f"{col[p].as_py()!r} matches none of the accepted formats "
                            f"{formats}")
    for pos, note in parsed.notes.items():
        warn.append((pos, order, table.label(name), note))
    return parsed.utc


@dataclass
class _Ctx:
    config: Config
    source: Source
    table: RawTable
    zone: ZoneInfo
    texts: dict[str, pa.Array]


def _required(ctx: _Ctx, verdicts: _Verdicts) -> None:
    for name in REQUIRED[ctx.source.kind]:
        verdicts.mark(_blank(ctx.texts[name]), "missing-cell", name,
                      lambda _p: "required value is blank")


def _warnings(ctx: _Ctx, verdicts: _Verdicts, warn: list[tuple[int, int, str, str]]
              ) -> list[InputWarning]:
    ok = verdicts.open
    return [InputWarning(ctx.table.file, int(ctx.table.numbers[pos]), label, note)
            for pos, _order, label, note in sorted(warn) if ok[pos]]


def interpret_tickets(config: Config, source: Source, table: RawTable) -> Columnar:
    """A tickets file → valid rows (frames schema) and rejections (SPEC §7)."""
    ctx = _Ctx(config, source, table, ZoneInfo(source.timezone), _texts(table))
    check_statuses_column(ctx.table, source, ctx.texts.get("status"), table.reasons)
    verdicts = _Verdicts(table)
    _required(ctx, verdicts)
    warn: list[tuple[int, int, str, str]] = []
    created = _dates(ctx, "created_at", verdicts, warn, 0)
    events = {name: _dates(ctx, name, verdicts, warn, i + 1) for i, name in enumerate(_EVENTS)}
    for name, at in events.items():
        early = ~np.isnat(at) & ~np.isnat(created) & (at < created)
        verdicts.mark(early, "event-before-created", name, _before(at, created))
    pause = _pause(ctx, verdicts, created, events)
    updated = _dates(ctx, "updated_at", verdicts, warn, 4)
    company = _strings(ctx.texts["client"])
    clients = _lookup(ctx.texts["client"], config.client_for_name)
    prio_raw = _strings(ctx.texts["priority"])
    priority = _priorities(ctx, clients)
    ok = verdicts.open
    rows = np.flatnonzero(ok)
    data: dict[str, Any] = {
        "system": np.full(rows.size, source.system, dtype=object),
        "ticket_id": _strings(ctx.texts["ticket_id"])[rows],
        "client": np.where(clients[rows].astype(bool), clients[rows], ""),
        "priority": priority[rows], "priority_raw": prio_raw[rows],
        "created_at": created[rows], "first_response_at": events["first_response_at"][rows],
        "resolved_at": events["resolved_at"][rows], "closed_at": events["closed_at"][rows],
        "updated_at": updated[rows], "status": _status(ctx)[rows],
        "title": _optional(ctx, "title", "")[rows],
        "category": _optional(ctx, "category", None)[rows],
        "queue": _optional(ctx, "queue", None)[rows],
        "reported_pause_minutes": pause[rows],
        "excluded_reason": _optional(ctx, "excluded", None)[rows],
        "source_file": np.full(rows.size, table.file, dtype=object),
        "source_row": table.numbers[rows],
        "_client": clients[rows], "_name": company[rows],
    }
    hint = _lookup(ctx.texts["client"], lambda v: config.client_for_name(v) if v else None)
    return Columnar(_frame(data), verdicts.rejections(lambda p: hint[p]),
                    _warnings(ctx, verdicts, warn))


def interpret_status(config: Config, source: Source, table: RawTable) -> Columnar:
    """A status-history file → valid events (frames schema) and rejections. The events'
    bucket follows their ticket (:func:`qbr.ingest.load_dataset`)."""
    ctx = _Ctx(config, source, table, ZoneInfo(source.timezone), _texts(table))
    check_statuses_column(ctx.table, source, ctx.texts.get("status"), table.reasons)
    verdicts = _Verdicts(table)
    _required(ctx, verdicts)
    warn: list[tuple[int, int, str, str]] = []
    at = _dates(ctx, "at", verdicts, warn, 0)
    ok = verdicts.open
    rows = np.flatnonzero(ok)
    prio = _event_priorities(ctx)
    data = {
        "system": np.full(rows.size, source.system, dtype=object),
        "ticket_id": _strings(ctx.texts["ticket_id"])[rows], "at": at[rows],
        "status": _status(ctx)[rows], "priority": prio[rows],
        "source_file": np.full(rows.size, table.file, dtype=object),
        "source_row": table.numbers[rows],
        "_client": np.full(rows.size, None, dtype=object),
        "_name": np.full(rows.size, "", dtype=object),
    }
    return Columnar(_frame(data), verdicts.rejections(lambda _p: None),
                    _warnings(ctx, verdicts, warn))


def _frame(data: Mapping[str, Any]) -> pd.DataFrame:
    out = {}
    for name, values in data.items():
        if isinstance(values, np.ndarray) and values.dtype.kind == "M":
            out[name] = pd.Series(pd.DatetimeIndex(values).tz_localize("UTC"))
        else:
            out[name] = pd.Series(values)
    return pd.DataFrame(out)


def _fmt(value: Any) -> str:
    return pd.Timestamp(value).strftime("%Y-%m-%d %H:%M")


def _before(at: np.ndarray, created: np.ndarray) -> Callable[[int], str]:
    def detail(pos: int) -> str:
        return f"{_fmt(at[pos])} UTC is before created_at {_fmt(created[pos])} UTC"
    return detail


def _optional(ctx: _Ctx, name: str, blank: str | None) -> np.ndarray:
    if name not in ctx.table.index:
        return np.full(len(ctx.table), blank, dtype=object)
    values = _strings(ctx.texts[name])
    if blank is None:
        values[values == ""] = None
    return values


def _status(ctx: _Ctx) -> np.ndarray:
    if "status" not in ctx.table.index:
        return np.full(len(ctx.table), None, dtype=object)
    known = {k.strip(): v for k, v in ctx.source.values.get("status", {}).items()}
    return _lookup(ctx.texts["status"], lambda v: known.get(v) if v else None)


def _priorities(ctx: _Ctx, clients: np.ndarray) -> np.ndarray:
    """Tier priority key per row, or ``None`` (unclassified) when the map or the client's
    tier lacks it (SPEC §3, ADVERSARIAL 38: never a default target)."""
    mapping = ctx.source.values.get("priority")
    known = None if mapping is None else {k.strip(): v for k, v in mapping.items()}
    raw = _strings(ctx.texts["priority"])
    keys = raw if known is None else _lookup(ctx.texts["priority"], known.get)
    tiers = {c: ctx.config.tiers[ctx.config.clients[c].tier].response_minutes
             for c in ctx.config.clients}
    pairs = pd.Series(list(zip(keys.tolist(), clients.tolist(), strict=True)), dtype=object)
    uniq = {p: (p[0] if p[0] is None or p[1] is None or p[0] in tiers[p[1]] else None)
            for p in set(pairs.tolist())}
    return np.asarray(pairs.map(uniq).to_numpy(dtype=object), dtype=object)


def _event_priorities(ctx: _Ctx) -> np.ndarray:
    """A status source's optional ``priority`` column through ``values.priority``
    (SPEC §3a: the priority in force from the event); ``None`` when blank or unmapped."""
    if "priority" not in ctx.table.index:
        return np.full(len(ctx.table), None, dtype=object)
    mapping = ctx.source.values.get("priority")
    known = None if mapping is None else {k.strip(): v for k, v in mapping.items()}
    return _lookup(ctx.texts["priority"],
                   lambda v: None if not v else (v if known is None else known.get(v)))


def _pause(ctx: _Ctx, verdicts: _Verdicts, created: np.ndarray,
           events: Mapping[str, np.ndarray]) -> np.ndarray:
    """Reported pause in business minutes (NaN = not reported). Unreadable is
    ``bad-number``; negative, or longer than the ticket's life (created to resolved, else
    closed), is ``bad-value``: a pause is never clamped into range."""
    n = len(ctx.table)
    if "reported_pause" not in ctx.table.index:
        return np.full(n, np.nan)
    col = ctx.texts["reported_pause"]

    def read(text: str) -> float | str:
        if not text:
            return float("nan")
        try:
            return parse_number(text, ctx.source.decimal)
        except CellError as exc:
            return exc.detail

    parsed = _lookup(col, read)
    bad = np.array([isinstance(v, str) for v in parsed], dtype=bool)
    verdicts.mark(bad, "bad-number", "reported_pause", lambda p: str(parsed[p]))
    values = np.where(bad, np.nan, parsed).astype(np.float64)
    end = np.where(np.isnat(events["resolved_at"]), events["closed_at"], events["resolved_at"])
    life = (end - created).astype("timedelta64[ns]").astype(np.int64) / _NS_PER_MIN
    life = np.where(np.isnat(end) | np.isnat(created), np.inf, life)
    text = _strings(col)
    verdicts.mark(values < 0, "bad-value", "reported_pause",
                  lambda p: f"reported pause {text[p]!r} is negative")
    verdicts.mark(values > life, "bad-value", "reported_pause",
                  lambda p: f"reported pause {text[p]!r} minutes is longer than the ticket's "
                            f"life ({life[p]:.0f} minutes from created to resolved/closed)")
    return values
