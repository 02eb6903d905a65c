"""Row adapter: one source's raw rows → canonical records or rejections (SPEC §2, §7).

:func:`interpret` reads a file's raw rows one by one through the source's column map
(canonical field → export header) and value maps (``values.priority``,
``values.status``). Rules that span rows and files (de-duplication, status events
following their ticket) live in :mod:`qbr.ingest`, which is the public entry point.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import NamedTuple
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from qbr.config import Config, Source, normalise_name
from qbr.errors import ConfigError, InputError
from qbr.io import Cell, RawRow, RawTable, cell_text
from qbr.io.serial import serial_instant, serial_system
from qbr.io.values import CellError, parse_bool, parse_instant, parse_number, parse_percent
from qbr.model import (
    CANONICAL_STATUSES,
    Maintenance,
    Monitor,
    Outage,
    Provenance,
    StatusEvent,
    Ticket,
)

#: Required canonical fields per source kind (a blank cell is ``missing-cell``).
REQUIRED: Mapping[str, tuple[str, ...]] = {
    "tickets": ("ticket_id", "client", "priority", "created_at"),
    "status": ("ticket_id", "at", "status"),
    "outages": ("monitor", "start"),
    "maintenance": ("start", "end"),  # plus client or monitor
    "monitors": ("monitor", "client"),
}
#: Optional canonical fields per source kind.
OPTIONAL: Mapping[str, tuple[str, ...]] = {
    "tickets": ("first_response_at", "resolved_at", "closed_at", "updated_at", "status",
                "title", "category", "queue", "reported_pause", "excluded"),
    "status": ("priority",),
    "outages": ("end", "reason"),
    "maintenance": ("client", "monitor", "reason"),
    "monitors": ("critical", "guarantee_pct"),
}
_EVENTS = ("first_response_at", "resolved_at", "closed_at")

Record = Ticket | StatusEvent | Outage | Maintenance | Monitor
#: Normalised monitor name or alias → (monitor name as configured, client key).
MonitorIndex = Mapping[str, tuple[str, str]]


class Rejection(NamedTuple):
    """A row that is not used, with a stable ``reason`` code (see module docstring).
    ``row`` is 1-based as a spreadsheet counts it (header = 1); ``column`` is the export
    header label concerned; ``client`` is the client key when the row's company maps.

    A named tuple, not a frozen dataclass: an event log read as tickets rejects most of
    its rows as ``superseded`` (the UCI log: 117k of 142k), and a tuple is built several
    times faster. It is as immutable; ``_asdict()`` gives its fields by name."""

    file: str
    row: int
    reason: str
    column: str | None
    detail: str
    client: str | None


@dataclass(frozen=True)
class InputWarning:
    """A value that was read, but adjusted (e.g. a DST-ambiguous local time, SPEC §2)."""

    file: str
    row: int
    column: str
    message: str


@dataclass(frozen=True)
class ValidRow:
    """A row that parsed. ``client`` is ``None`` for an unassigned row (its company or
    monitor maps to no client; ``name`` is that company or monitor name). The record's
    own ``client`` field is ``""`` then."""

    record: Record
    client: str | None
    name: str
    row: int


@dataclass
class Interpreted:
    """One file's rows after interpretation. Status events have ``client=None`` here:
    their bucket follows their ticket (:func:`qbr.ingest.load_dataset`)."""

    valid: list[ValidRow] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    warnings: list[InputWarning] = field(default_factory=list)


class _Reject(Exception):
    def __init__(self, reason: str, field: str, detail: str) -> None:
        super().__init__(detail)
        self.reason, self.field, self.detail = reason, field, detail


@dataclass
class _Context:
    config: Config
    source: Source
    table: RawTable
    zone: ZoneInfo
    monitors: MonitorIndex
    maps: dict[str, dict[str, str]] = field(init=False)

    def __post_init__(self) -> None:
        # Built once per file, not per row: value-map keys compare after strip.
        self.maps = {name: {k.strip(): v for k, v in values.items()}
                     for name, values in self.source.values.items()}

    def mapped(self, name: str) -> dict[str, str] | None:
        """The source's value map for ``name``; keys compare after strip (exact case)."""
        return self.maps.get(name)


class _Row:
    """Typed access to one raw row's mapped cells; collects its warnings."""

    def __init__(self, ctx: _Context, raw: RawRow) -> None:
        self.ctx, self.raw, self.warnings = ctx, raw, list[InputWarning]()
        self.provenance = Provenance(ctx.table.file, raw.row)

    def cell(self, name: str) -> Cell:
        """The raw cell; a ``null_values`` token or a blank reads as the field's default
        (or blank) — README "Values that never turn into wrong numbers"."""
        i = self.ctx.table.index.get(name)
        cell = "" if i is None or i >= len(self.raw.cells) else self.raw.cells[i]
        if isinstance(cell, str) and cell.strip() in self.ctx.source.null_values:
            cell = ""
        if cell == "" or (isinstance(cell, str) and not cell.strip()):
            return self.ctx.source.defaults.get(name, "")
        return cell

    def text(self, name: str) -> str:
        return cell_text(self.cell(name))

    def optional(self, name: str) -> str | None:
        return self.text(name) or None

    def instant(self, name: str) -> datetime | None:
        """The cell as a UTC instant (SPEC §2), ``None`` when blank."""
        if not self.text(name):
            return None
        try:  # README "Excel serial dates": a serial number, when the source reads them
            value, note = serial_instant(self.text(name), serial_system(self.ctx.source),
                                         self.ctx.zone) or \
                parse_instant(self.cell(name), self.ctx.source.date_formats, self.ctx.zone)
        except CellError as exc:
            raise _Reject(exc.reason, name, exc.detail) from None
        if note:
            self.warnings.append(InputWarning(self.ctx.table.file, self.raw.row,
                                              self.ctx.table.label(name), note))
        return value

    def needed(self, name: str) -> datetime:
        value = self.instant(name)
        if value is None:
            raise _Reject("missing-cell", name, "required value is blank")
        return value

    def convert(self, name: str, parse: Callable[[Cell], float | bool]) -> float | bool | None:
        if not self.text(name):
            return None
        try:
            return parse(self.cell(name))
        except CellError as exc:
            raise _Reject(exc.reason, name, exc.detail) from None

    def status(self) -> str | None:
        """Canonical status; every value is in the map (checked per file first)."""
        text = self.text("status")
        return (self.ctx.mapped("status") or {})[text] if text else None


# ---------------------------------------------------------------------- row adapters


def _ticket(row: _Row) -> ValidRow:
    ctx = row.ctx
    company, prio_raw = row.text("client"), row.text("priority")
    created = row.needed("created_at")
    events = {name: row.instant(name) for name in _EVENTS}
    for name, at in events.items():
        if at is not None and at < created:  # SPEC §3: elapsed time is never negative
            raise _Reject("event-before-created", name, f"{at:%Y-%m-%d %H:%M} UTC is before "
                                                        f"created_at {created:%Y-%m-%d %H:%M} UTC")
    client = ctx.config.client_for_name(company)
    pause = row.convert("reported_pause", lambda c: parse_number(c, ctx.source.decimal))
    ticket = Ticket(
        system=ctx.source.system, ticket_id=row.text("ticket_id"), client=client or "",
        priority=_priority(ctx, client, prio_raw), priority_raw=prio_raw,
        created_at=created, first_response_at=events["first_response_at"],
        resolved_at=events["resolved_at"], closed_at=events["closed_at"],
        updated_at=row.instant("updated_at"), status=row.status(), title=row.text("title"),
        category=row.optional("category"), queue=row.optional("queue"),
        reported_pause_minutes=None if pause is None else float(pause),
        source=row.provenance,
    )
    return ValidRow(ticket, client, company, row.raw.row)


def _priority(ctx: _Context, client: str | None, raw: str) -> str | None:
    """Tier priority key, or ``None`` (unclassified) when the map or the client's tier
    lacks it (SPEC §3, ADVERSARIAL 38: never a default target)."""
    priorities = ctx.mapped("priority")
    key = raw if priorities is None else priorities.get(raw)
    if key is None or client is None:
        return key
    tier = ctx.config.tiers[ctx.config.clients[client].tier]
    return key if key in tier.response_minutes else None


def _status_event(row: _Row) -> ValidRow:
    event = StatusEvent(system=row.ctx.source.system, ticket_id=row.text("ticket_id"),
                        at=row.needed("at"), status=row.status() or "",
                        source=row.provenance)
    return ValidRow(event, None, "", row.raw.row)


def _outage(row: _Row) -> ValidRow:
    name = row.text("monitor")
    monitor, client = _resolve_monitor(row.ctx, name)
    start, end = row.needed("start"), row.instant("end")
    if end is not None and end < start:
        raise _Reject("end-before-start", "end", "the outage ends before it starts")
    outage = Outage(monitor=monitor, client=client or "", start=start, end=end,
                    reason=row.optional("reason"), source=row.provenance)
    return ValidRow(outage, client, name, row.raw.row)


def _maintenance(row: _Row) -> ValidRow:
    start, end = row.needed("start"), row.needed("end")
    if end < start:
        raise _Reject("end-before-start", "end", "the window ends before it starts")
    name = row.text("monitor")
    if name:
        monitor, client = _resolve_monitor(row.ctx, name)
        window = Maintenance(client or "", monitor, start, end, row.provenance)
    else:
        name = row.text("client")
        client = row.ctx.config.client_for_name(name)
        window = Maintenance(client or "", None, start, end, row.provenance)
    return ValidRow(window, client, name, row.raw.row)


def _monitor(row: _Row) -> ValidRow:
    company = row.text("client")
    client = row.ctx.config.client_for_name(company)
    guarantee = row.convert("guarantee_pct",
                            lambda c: parse_percent(c, row.ctx.source.decimal))
    monitor = Monitor(monitor=row.text("monitor"), client=client or "",
                      critical=bool(row.convert("critical", parse_bool)),
                      guarantee_pct=None if guarantee is None else float(guarantee))
    return ValidRow(monitor, client, company, row.raw.row)


_ADAPTERS: Mapping[str, Callable[[_Row], ValidRow]] = {
    "tickets": _ticket, "status": _status_event, "outages": _outage,
    "maintenance": _maintenance, "monitors": _monitor,
}


def _resolve_monitor(ctx: _Context, name: str) -> tuple[str, str | None]:
    """(monitor name as configured, client key) — or (name, None) when unknown."""
    found = ctx.monitors.get(normalise_name(name))
    return found if found is not None else (name, None)


def _require(row: _Row) -> None:
    kind = row.ctx.source.kind
    for name in REQUIRED[kind]:
        if not row.text(name):
            raise _Reject("missing-cell", name, "required value is blank")
    if kind == "maintenance" and not (row.text("client") or row.text("monitor")):
        name = "monitor" if "monitor" in row.ctx.table.index else "client"
        raise _Reject("missing-cell", name, "a window needs a client or a monitor")


def _client_hint(row: _Row) -> str | None:
    """The client a rejected row belongs to, when its company or monitor maps (SPEC §6)."""
    if row.text("client") and row.ctx.source.kind != "status":
        return row.ctx.config.client_for_name(row.text("client"))
    if row.text("monitor") and row.ctx.source.kind in ("outages", "maintenance"):
        return _resolve_monitor(row.ctx, row.text("monitor"))[1]
    return None


# ---------------------------------------------------------------------- one source


def source_label(config: Config, source: Source) -> str:
    """The source's path for messages: as written in the config (relative paths are read
    against the config's folder), else relative to that folder when inside it, else
    absolute, never a climb of ``../..`` (README "Paths in messages")."""
    if source.written:
        return source.written
    relative = os.path.relpath(source.path, config.base.resolve())
    return source.path.as_posix() if relative.startswith("..") else Path(relative).as_posix()


def config_monitors(config: Config) -> tuple[Monitor, ...]:
    """The monitors declared in the config, with their observed span (SPEC §2)."""
    return tuple(Monitor(monitor=m.monitor, client=c.key, critical=m.critical,
                         guarantee_pct=m.guarantee_pct, observed_from=m.monitored_from,
                         observed_until=m.monitored_until)
                 for c in config.clients.values() for m in c.monitors)


def monitor_index(config: Config) -> dict[str, tuple[str, str]]:
    """Normalised monitor names and aliases of the config → (monitor, client key)."""
    return {normalise_name(name): (m.monitor, c.key)
            for c in config.clients.values() for m in c.monitors
            for name in (m.monitor, *m.aliases)}


def id_field(source: Source) -> str:
    """The field whose cell tells a summary row from data (see :mod:`qbr.io.table`)."""
    if source.kind in ("tickets", "status"):
        return "ticket_id"
    return "monitor" if "monitor" in source.columns else "client"


def interpret(config: Config, source: Source, table: RawTable,
              monitors: MonitorIndex) -> Interpreted:
    """Interpret each raw row of ``table`` (SPEC §7). ``monitors`` resolves outage and
    maintenance rows. Raises :class:`InputError` when the status map misses a value."""
    ctx = _Context(config, source, table, ZoneInfo(source.timezone), monitors)
    _check_statuses(ctx)
    result = Interpreted()
    for raw in table.rows:
        _interpret(ctx, raw, result)
    return result


def _interpret(ctx: _Context, raw: RawRow, result: Interpreted) -> None:
    row = _Row(ctx, raw)
    try:
        if raw.reason is not None:
            raise _Reject(raw.reason, "", raw.detail)
        _require(row)
        valid = _ADAPTERS[ctx.source.kind](row)
    except _Reject as exc:
        column = ctx.table.label(exc.field) if exc.field in ctx.table.index else raw.column
        result.rejections.append(Rejection(ctx.table.file, raw.row, exc.reason, column,
                                           exc.detail, _client_hint(row)))
        return
    result.valid.append(valid)
    result.warnings.extend(row.warnings)


def check_columns(config: Config, source: Source) -> None:
    """The column map names every required field and only known ones (else ConfigError)."""
    required, optional = REQUIRED[source.kind], OPTIONAL[source.kind]
    key = f"sources.{source.name}.columns"
    unknown = [name for name in {**source.columns, **source.defaults}
               if name not in required + optional]
    if unknown:
        raise ConfigError(config.file, key, f"unknown field(s) {', '.join(unknown)} for kind "
                                            f"{source.kind!r} (allowed: "
                                            f"{', '.join(required + optional)})")
    missing = [name for name in required
               if name not in source.columns and name not in source.defaults]
    if source.kind == "maintenance" and not {"client", "monitor"} & set(source.columns):
        missing.append("client or monitor")
    if missing:
        raise ConfigError(config.file, key, f"missing required field(s): {', '.join(missing)}")


def _check_statuses(ctx: _Context) -> None:
    """SPEC §3: the status map names every value the export uses; otherwise one error
    for the file lists the distinct unmapped values with their row counts."""
    if "status" not in ctx.table.index:
        return
    known = ctx.mapped("status") or {}
    unmapped = Counter(text for raw in ctx.table.rows if raw.reason is None
                       if (text := _Row(ctx, raw).text("status")) and text not in known)
    if not unmapped:
        return
    listed = ", ".join(f"{value!r} ({n} row{'s' if n > 1 else ''})"
                       for value, n in sorted(unmapped.items()))
    raise InputError(ctx.table.file, f"status value(s) missing from values.status: {listed}; "
                                     f"map each to one of "
                                     f"{', '.join(sorted(CANONICAL_STATUSES))}",
                     column=ctx.table.label("status"))


def check_statuses_column(table: RawTable, source: Source, col: pa.Array | None,
                          reasons: np.ndarray) -> None:
    """:func:`_check_statuses` for a column-wise table: one error for the file lists the
    distinct status values missing from ``values.status`` with their row counts."""
    if col is None:
        return
    known = {k.strip() for k in source.values.get("status", {})}
    kept = ~reasons.astype(bool)
    data = col if kept.all() else col.filter(pa.array(kept))  # rows the reader kept
    counts = pc.value_counts(data).to_pylist()
    unmapped = {c["values"]: c["counts"] for c in counts
                if c["values"] and c["values"] not in known}
    if not unmapped:
        return
    listed = ", ".join(f"{value!r} ({n} row{'s' if n > 1 else ''})"
                       for value, n in sorted(unmapped.items()))
    raise InputError(table.file, f"status value(s) missing from values.status: {listed}; "
                                 f"map each to one of "
                                 f"{', '.join(sorted(CANONICAL_STATUSES))}",
                     column=table.label("status"))
