"""The column-wise engine behind :class:`qbr.metrics.Engine`.

One quarter is computed for all clients at once (tickets, aggregates and uptime) and
cached per ``(quarter, as_of)``; :meth:`VectorEngine.client_quarter` then slices one
client's SPEC §6 entry out of it. Ticket and outage rows for packs are built only when a
caller reads them, through :func:`ticket_rows` (the one place a :class:`TicketRow` is
made from engine results).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar, overload

import numpy as np
import pandas as pd

from qbr.config import Client, Config
from qbr.engine.aggregate import client_summaries
from qbr.engine.columns import NAT, Columns, build_columns
from qbr.engine.subset import client_config, client_frames
from qbr.engine.tickets import STATE_NAMES, UNCLASSIFIED, TicketResults, evaluate_quarter
from qbr.engine.uptime import UptimeResults, evaluate_uptime
from qbr.frames import (
    Frames,
    frames_from_records,
    maintenance_records,
    monitor_records,
    unmonitored_records,
)
from qbr.model import Maintenance, Monitor, Unmonitored
from qbr.pack import Measure, OutageRow, TicketRow
from qbr.quarters import Quarter
from qbr.sla import TicketSla
from qbr.ticketrules import make_row
from qbr.uptime import MonitorUptime, monitor_window

if TYPE_CHECKING:  # qbr.metrics imports this module at its end (its Engine)
    from qbr.metrics import ClientQuarter

T = TypeVar("T")


class LazyRows(Sequence[T]):
    """A tuple built on first use (a million ticket rows are only made when read)."""

    def __init__(self, build: Callable[[], Sequence[T]]) -> None:
        self._build: Callable[[], Sequence[T]] | None = build
        self._rows: tuple[T, ...] = ()

    def _get(self) -> tuple[T, ...]:
        if self._build is not None:
            self._rows, self._build = tuple(self._build()), None
        return self._rows

    @overload
    def __getitem__(self, i: int) -> T: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[T]: ...
    def __getitem__(self, i: int | slice) -> T | Sequence[T]:
        return self._get()[i]

    def __len__(self) -> int:
        return len(self._get())

    def __iter__(self) -> Iterator[T]:
        return iter(self._get())

    def __eq__(self, other: object) -> bool:
        return tuple(self) == (tuple(other) if isinstance(other, Sequence) else other)

    def __hash__(self) -> int:
        return hash(self._get())


def dataset_frames(dataset: Any) -> Frames:
    """The dataset's frames when ingest made them, else converted from its records."""
    frames = getattr(dataset, "frames", None)
    if isinstance(frames, Frames):
        return frames
    return frames_from_records(dataset.tickets, dataset.status_events, dataset.outages,
                               dataset.maintenance, dataset.monitors,
                               getattr(dataset, "unmonitored", ()))


@dataclass(frozen=True)
class QuarterRun:
    tickets: TicketResults
    uptime: UptimeResults
    summaries: dict[str, tuple[dict[str, Any], ...]]
    by_client: dict[int, np.ndarray]  # client code → positions in ``tickets``


class VectorEngine:
    """Computes client quarters from one dataset and config, column-wise."""

    def __init__(self, config: Config, dataset: Any,
                 clients: Sequence[str] | None = None) -> None:
        """With ``clients`` (config keys), only those clients' rows are evaluated: the
        single-client path of ``qbr report`` and ``qbr metrics --client`` (see
        :mod:`qbr.engine.subset`); their results equal the whole portfolio's."""
        self.dataset = dataset
        if clients is None:
            self.config = config
            self.frames = dataset_frames(dataset)
        else:
            self.config = client_config(config, clients)
            self.frames = client_frames(dataset_frames(dataset), clients)
        self.cols: Columns = build_columns(self.config, self.frames)
        self._runs: dict[tuple[Quarter, datetime], QuarterRun] = {}
        self._rejected: dict[str, int] = {}
        for r in getattr(dataset, "rejections", ()):
            if r.client is not None:
                self._rejected[r.client] = self._rejected.get(r.client, 0) + 1

    def run(self, quarter: Quarter, as_of: datetime) -> QuarterRun:
        """Every client's tickets, aggregates and uptime of ``quarter`` (cached)."""
        key = (quarter, as_of)
        if key not in self._runs:
            res = evaluate_quarter(self.config, self.frames, self.cols, quarter, as_of)
            # small unsigned keys get numpy's radix sort (500 clients: one linear pass)
            small = np.uint16 if len(self.cols.clients) < 0xFFFF else np.int64
            order = np.argsort(res.client.astype(small), kind="stable")
            cuts = np.searchsorted(res.client[order], np.arange(len(self.cols.clients) + 1))
            by_client = {i: order[cuts[i]:cuts[i + 1]] for i in range(len(self.cols.clients))}
            self._runs[key] = QuarterRun(
                res, evaluate_uptime(self.config, self.frames, quarter, as_of),
                client_summaries(self.config, self.cols, res, self._rejected), by_client)
        return self._runs[key]

    def client_quarter(self, key: str, quarter: Quarter, as_of: datetime) -> ClientQuarter:
        """SLA and uptime of client ``key`` in ``quarter`` as known at ``as_of`` (UTC)."""
        from qbr.metrics import ClientQuarter, _entry

        client = self.config.clients[key]
        tier = self.config.tiers[client.tier]
        run = self.run(quarter, as_of)
        ci = self.cols.clients.index(key)
        positions = run.by_client[ci]
        plain, mrows = _monitors(run.uptime, key, tier.uptime_guarantee_pct)
        tickets_c, response, resolution = run.summaries[key]
        # The entry needs each window's length only (the column-wise pass); the window
        # intervals, which only a pack's incident list reads, are laid out on first use.
        entry = _entry(client, tier, (), plain, tickets_c["rejected"],
                       as_of >= quarter.bounds(client.timezone)[1],
                       blocks=(tickets_c, response, resolution))
        rows: LazyRows[TicketRow] = LazyRows(
            lambda: ticket_rows(self.frames, run.tickets, positions, self.cols))
        outages: LazyRows[OutageRow] = LazyRows(
            lambda: _outage_rows(run.uptime, mrows, as_of))
        monitors: LazyRows[MonitorUptime] = LazyRows(
            lambda: self._with_windows(client, quarter, as_of, plain))
        return ClientQuarter(client, quarter, entry, rows, monitors, outages)

    def _with_windows(self, client: Client, quarter: Quarter, as_of: datetime,
                      monitors: list[MonitorUptime]) -> list[MonitorUptime]:
        """One client's monitors with their window intervals (UTC), which the pack's
        incident list clips outages to. The column-wise pass computes only the window's
        length; a client has few monitors, so the scalar rule lays out its intervals from
        that client's rows of the frames (never from record tuples, which a columnar
        ingest does not build)."""
        from qbr.maintenance import scheduled_maintenance

        if not monitors:
            return monitors
        bounds = quarter.bounds(client.timezone)
        records, maintenance, spans = self._uptime_records.get(client.key, ({}, [], []))
        windows = [*maintenance,
                   *scheduled_maintenance(client, bounds[0], bounds[1], self.config.file)]
        return [replace(u, window=tuple(monitor_window(records[u.monitor], bounds, as_of,
                                                       windows, spans)))
                if u.monitor in records else u for u in monitors]

    @cached_property
    def _uptime_records(self) -> dict[str, tuple[dict[str, Monitor], list[Maintenance],
                                                 list[Unmonitored]]]:
        """client key → (its monitors by name, maintenance windows, unmonitored spans) as
        records, converted once for all clients (a few per client, never per ticket)."""
        out: dict[str, tuple[dict[str, Monitor], list[Maintenance], list[Unmonitored]]] = {}

        def of(key: str) -> tuple[dict[str, Monitor], list[Maintenance], list[Unmonitored]]:
            return out.setdefault(key, ({}, [], []))

        for m in monitor_records(self.frames.monitors):
            of(m.client)[0][m.monitor] = m
        for w in maintenance_records(self.frames.maintenance):
            of(w.client)[1].append(w)
        for u in unmonitored_records(self.frames.unmonitored):
            of(u.client)[2].append(u)
        return out


def _monitors(up: UptimeResults, key: str, tier_guarantee: float | None
              ) -> tuple[list[MonitorUptime], np.ndarray]:
    """One client's monitors as :class:`MonitorUptime` (frame order)."""
    rows = up.by_client.get(key, np.empty(0, dtype="int64"))
    values = up.plain
    out = []
    for i in rows.tolist():  # one client's monitors: building its JSON objects
        name, critical, window, down, guarantee, unmonitored = values[i]
        if guarantee != guarantee:  # NaN: the tier's
            if tier_guarantee is None:  # the config loader refuses this
                raise ValueError(f"monitor {name!r} has no guarantee")
            guarantee = tier_guarantee
        out.append(MonitorUptime(name, critical, window, down, guarantee, (),
                                 unmonitored_seconds=unmonitored))
    return out, rows


def _instant(ns: int) -> datetime | None:
    return None if ns == NAT else pd.Timestamp(ns, tz=UTC).to_pydatetime()


def _outage_rows(up: UptimeResults, monitor_rows: np.ndarray, as_of: datetime
                 ) -> tuple[OutageRow, ...]:
    """A client's outages that count in a window this quarter, by start."""
    pick = np.flatnonzero(np.isin(up.outage_monitor, monitor_rows) & (up.outage_counted > 0))
    frame = up.outages.iloc[pick]
    order = np.argsort(frame["start"].to_numpy(), kind="stable")
    rows = []
    for j in order:
        o = frame.iloc[j]
        end = o["end"]
        critical = bool(up.monitors["critical"].iloc[up.outage_monitor[pick[j]]])
        rows.append(OutageRow(
            str(o["monitor"]), critical, pd.Timestamp(o["start"]).to_pydatetime(),
            None if pd.isna(end) or end > as_of else pd.Timestamp(end).to_pydatetime(),
            float(up.outage_counted[pick[j]]) / 60.0,
            None if pd.isna(o["reason"]) else str(o["reason"])))
    return tuple(rows)


def _text(value: object) -> str | None:
    """A text cell of the frames: ``None`` (or pandas NA) stays absent."""
    return None if value is None or value is pd.NA or (isinstance(value, float) and
                                                       value != value) else str(value)


def _instant_or_none(value: object) -> datetime | None:
    """A frames instant as an aware ``datetime``; ``NaT`` is absent."""
    return None if value is None or value is pd.NaT else pd.Timestamp(value).to_pydatetime()  # type: ignore[arg-type]


def ticket_rows(frames: Frames, res: TicketResults, positions: np.ndarray, cols: Columns
                ) -> list[TicketRow]:
    """The workbook's ticket rows for ``positions`` of the results, made by
    :func:`qbr.ticketrules.make_row` exactly as the scalar engine makes them."""
    records = frames.tickets.iloc[res.rows[positions]].to_dict("records")
    out = []
    names = cols.priorities
    for rec, p in zip(records, positions.tolist(), strict=True):
        reason = None if res.excluded[p] is None else str(res.excluded[p])
        measures = {}
        for m in ("response", "resolution"):
            state = int(res.state[m][p])
            classified = state != UNCLASSIFIED
            measures[m] = Measure(float(res.target[m][p]) if classified else None,
                                  float(res.elapsed[m][p]) / 60.0,
                                  "excluded" if reason is not None
                                  else STATE_NAMES[state],  # type: ignore[arg-type]
                                  _instant(int(res.event_ns[m][p])),
                                  names[int(res.prio[m][p])] if classified else None)
        sla = TicketSla(
            measures["response"], measures["resolution"], float(res.paused[p]),
            bool(res.pause_measured[p]), reopened_seconds=float(res.reopened_seconds[p]),
            reopened=bool(res.reopened[p]), excluded_reason=reason,
            closed_without_time=bool(res.closed_without_time[p]),
            resolution_calendar=res.calendars[int(res.calendar[p])])
        code = int(cols.t_prio[res.rows[p]])
        out.append(make_row(
            sla, system=str(rec["system"]), ticket_id=str(rec["ticket_id"]),
            title=str(rec["title"]),
            priority=names[code] if bool(res.classified[p]) else None,
            priority_raw=str(rec["priority_raw"]),
            created_at=pd.Timestamp(rec["created_at"]).to_pydatetime(),
            source_file=str(rec["source_file"]), source_row=int(rec["source_row"]),
            category=_text(rec["category"]), status=_text(rec["status"]),
            resolved_at=_instant_or_none(rec["resolved_at"]),
            closed_at=_instant_or_none(rec["closed_at"])))
    return out
