"""Per-client, per-quarter SLA and uptime figures at full precision, and the versioned
metrics JSON ``qbr.metrics/1`` (SPEC §6). Nothing here rounds or formats."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from babel.numbers import get_currency_precision

from qbr.calendar import BusinessClock, ClockSpec, clock_spec
from qbr.config import Client, Config, Tier
from qbr.ingest import Dataset
from qbr.model import Maintenance, Monitor, Outage, Ticket, Unmonitored
from qbr.pack import OutageRow, TicketRow
from qbr.quarters import Quarter
from qbr.sla import evaluate, nearest_rank
from qbr.uptime import (
    MonitorUptime,
    credit_amount,
    credit_pct,
    critical_uptime,
    monitor_uptime,
    outage_downtime_in,
    outage_span,
)

SCHEMA = "qbr.metrics/1"
MEASURES = ("response", "resolution")


@dataclass
class ClientData:
    """One client's records, grouped once per run."""

    tickets: list[Ticket] = field(default_factory=list)
    monitors: list[Monitor] = field(default_factory=list)
    outages: list[Outage] = field(default_factory=list)
    maintenance: list[Maintenance] = field(default_factory=list)
    unmonitored: list[Unmonitored] = field(default_factory=list)
    rejected: int = 0


@dataclass(frozen=True)
class ClientQuarter:
    """Everything computed for one client and quarter; ``entry`` is its SPEC §6 JSON."""

    client: Client
    quarter: Quarter
    entry: dict[str, Any]
    tickets: tuple[TicketRow, ...]
    monitors: tuple[MonitorUptime, ...]
    outages: tuple[OutageRow, ...]


class Engine:
    """Computes client quarters from one dataset and config. Business clocks are built
    once per (calendar, zone, holidays) and shared by every ticket that runs on them."""

    def __init__(self, config: Config, dataset: Dataset) -> None:
        self.config = config
        self.dataset = dataset
        self._clocks: dict[ClockSpec, BusinessClock] = {}
        self._by_client = _group(config, dataset)
        # Systems with a status history source: their tickets' pauses are measurable even
        # when a ticket has no event (it simply never changed status).
        self._history_systems = {s.system for s in config.sources if s.kind == "status"}

    def clock(self, spec: ClockSpec) -> BusinessClock:
        if spec not in self._clocks:
            self._clocks[spec] = BusinessClock(spec)
        return self._clocks[spec]

    def client_quarter(self, key: str, quarter: Quarter, as_of: datetime) -> ClientQuarter:
        """SLA and uptime of client ``key`` in ``quarter`` as known at ``as_of`` (UTC)."""
        client = self.config.clients[key]
        tier = self.config.tiers[client.tier]
        data = self._by_client.get(key, ClientData())
        q_start, q_end = quarter.bounds(client.timezone)
        rows = tuple(self._ticket_row(t, client, tier, as_of) for t in data.tickets
                     if t.created_at <= as_of and Quarter.of(t.created_at,
                                                             client.timezone) == quarter)
        monitors = tuple(monitor_uptime(m, (q_start, q_end), as_of, data.outages,
                                        data.maintenance, tier.uptime_guarantee_pct,
                                        data.unmonitored)
                         for m in data.monitors)
        outages = _outage_rows(data.outages, monitors, as_of)
        entry = _entry(client, tier, rows, monitors, data.rejected, as_of >= q_end)
        return ClientQuarter(client, quarter, entry, rows, monitors, outages)

    def _ticket_row(self, ticket: Ticket, client: Client, tier: Tier, as_of: datetime
                    ) -> TicketRow:
        prio = ticket.priority if ticket.priority in tier.response_minutes else None
        cal_name = tier.calendar_for(prio) if prio else tier.calendar
        spec = clock_spec(self.config.calendars[cal_name], client.timezone, client.holidays)
        events = self.dataset.status_events.get(ticket.key)
        if events is None and ticket.system in self._history_systems:
            events = ()

        def targets(p: str) -> tuple[float, float] | None:
            if p not in tier.response_minutes:
                return None
            return tier.response_minutes[p], tier.resolution_minutes[p]

        sla = evaluate(ticket, events, as_of, self.clock(spec), tier.pause_statuses, targets)
        return TicketRow(
            system=ticket.system, ticket_id=ticket.ticket_id, title=ticket.title,
            priority=prio, priority_raw=ticket.priority_raw, calendar=cal_name,
            created_at=ticket.created_at, response=sla.response, resolution=sla.resolution,
            paused_minutes=sla.paused_seconds / 60.0, pause_measured=sla.pause_measured,
            source_file=ticket.source.file, source_row=ticket.source.row)


def _group(config: Config, dataset: Dataset) -> dict[str, ClientData]:
    groups: dict[str, ClientData] = defaultdict(ClientData)
    for t in dataset.tickets:
        groups[t.client].tickets.append(t)
    for m in dataset.monitors:
        groups[m.client].monitors.append(m)
    for o in dataset.outages:
        groups[o.client].outages.append(o)
    for w in dataset.maintenance:
        groups[w.client].maintenance.append(w)
    for u in dataset.unmonitored:
        groups[u.client].unmonitored.append(u)
    for r in dataset.rejections:
        if r.client is not None:
            groups[r.client].rejected += 1
    return {k: v for k, v in groups.items() if k in config.clients}


def _number(value: float) -> float | int:
    """Targets from the config print as written (15, not 15.0)."""
    return int(value) if float(value).is_integer() else value


def _pct(met: int, breached: int) -> float | None:
    return None if met + breached == 0 else 100.0 * met / (met + breached)


def _measure_block(rows: Sequence[TicketRow], tier: Tier, measure: str) -> dict[str, Any]:
    """The SPEC §6 ``response``/``resolution`` object: per priority and pooled ``all``."""
    block: dict[str, Any] = {}
    totals = {"met": 0, "breached": 0, "pending": 0}
    targets = getattr(tier, f"{measure}_minutes")
    for prio in tier.priorities:
        measures = [getattr(r, measure) for r in rows if r.priority == prio]
        counts = {s: sum(m.state == s for m in measures) for s in totals}
        done = [m.elapsed_minutes for m in measures if m.event_at is not None]
        block[prio] = {"target_minutes": _number(targets[prio]), **counts,
                       "attainment_pct": _pct(counts["met"], counts["breached"]),
                       "median_minutes": nearest_rank(done, 50),
                       "p90_minutes": nearest_rank(done, 90)}
        for s in totals:
            totals[s] += counts[s]
    block["all"] = {**totals, "attainment_pct": _pct(totals["met"], totals["breached"])}
    return block


def _uptime_block(monitors: Sequence[MonitorUptime]) -> dict[str, Any]:
    crit, worst = critical_uptime(monitors)
    return {
        "monitors": [{"monitor": m.monitor, "critical": m.critical, "uptime_pct": m.uptime_pct,
                      "downtime_minutes": m.downtime_seconds / 60.0,
                      "window_minutes": m.window_seconds / 60.0,
                      "unmonitored_minutes": m.unmonitored_seconds / 60.0,
                      "guarantee_pct": m.guarantee_pct, "met": m.met} for m in monitors],
        "critical_uptime_pct": crit, "worst_critical_pct": worst}


def _sla_met(response: Mapping[str, Any], resolution: Mapping[str, Any],
             monitors: Sequence[MonitorUptime], objective: float) -> bool | None:
    """True when every measured attainment ≥ objective and every measured critical monitor
    meets its guarantee; ``None`` when nothing was measured (SPEC §3)."""
    checks = [v["attainment_pct"] >= objective for block in (response, resolution)
              for v in block.values() if v["attainment_pct"] is not None]
    checks += [bool(m.met) for m in monitors if m.critical and m.met is not None]
    return None if not checks else all(checks)


def _entry(client: Client, tier: Tier, rows: Sequence[TicketRow],
           monitors: Sequence[MonitorUptime], rejected: int, quarter_over: bool
           ) -> dict[str, Any]:
    response = _measure_block(rows, tier, "response")
    resolution = _measure_block(rows, tier, "resolution")
    uptime = _uptime_block(monitors)
    pct = credit_pct(uptime["critical_uptime_pct"], tier.credits)
    amount = credit_amount(client.fee, pct, get_currency_precision(client.currency))
    # A ticket is pending while either clock still runs within target (typically: open).
    pending = sum(r.response.state == "pending" or r.resolution.state == "pending"
                  for r in rows)
    return {
        "client": client.key, "name": client.name, "tier": tier.name,
        "tickets": {"total": len(rows), "unclassified": sum(r.priority is None for r in rows),
                    "pending": pending, "rejected": rejected},
        "response": response, "resolution": resolution, "uptime": uptime,
        "sla_met": _sla_met(response, resolution, monitors, tier.objective_pct),
        "credits": {"pct": pct, "amount": amount, "currency": client.currency,
                    "provisional": not quarter_over},
    }


def _outage_rows(outages: Iterable[Outage], monitors: Sequence[MonitorUptime],
                 as_of: datetime) -> tuple[OutageRow, ...]:
    """Outages that touch a monitor's window this quarter, with their counted minutes."""
    by_name = {m.monitor: m for m in monitors}
    rows = []
    for o in sorted(outages, key=lambda o: o.start):
        mon = by_name.get(o.monitor)
        span = outage_span(o, as_of)
        if mon is None or span is None:
            continue
        counted = outage_downtime_in(o, mon.window, as_of)
        if counted <= 0:
            continue
        end = o.end if o.end is not None and o.end <= as_of else None
        rows.append(OutageRow(o.monitor, mon.critical, o.start, end, counted / 60.0, o.reason))
    return tuple(rows)


def default_as_of(dataset: Dataset) -> datetime:
    """The latest observed instant in the inputs (SPEC §3): ticket timestamps, status
    events, outage starts and ends — not maintenance windows (they are plans)."""
    instants: list[datetime] = []
    for t in dataset.tickets:
        instants += [x for x in (t.created_at, t.first_response_at, t.resolved_at,
                                 t.closed_at, t.updated_at) if x is not None]
    instants += [e.at for events in dataset.status_events.values() for e in events]
    instants += [x for o in dataset.outages for x in (o.start, o.end) if x is not None]
    if dataset.last_seen is not None:  # an uptime log's last row (README "Uptime logs")
        instants.append(dataset.last_seen)
    return max(instants, default=datetime(1970, 1, 1, tzinfo=UTC)).astimezone(UTC)


def metrics_document(results: Sequence[ClientQuarter], quarter: Quarter, as_of: datetime
                     ) -> dict[str, Any]:
    """The SPEC §6 document for the given client quarters."""
    return {"schema": SCHEMA, "quarter": str(quarter), "as_of": as_of.isoformat(),
            "clients": [r.entry for r in results]}

