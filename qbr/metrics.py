"""Per-client, per-quarter SLA and uptime figures at full precision, and the versioned
metrics JSON ``qbr.metrics/1`` (SPEC §6). Nothing here rounds or formats."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from qbr.calendar import BusinessClock, ClockSpec
from qbr.config import Client, Config, Tier
from qbr.ingest import Dataset
from qbr.maintenance import scheduled_maintenance
from qbr.model import Maintenance, Monitor, Outage, Ticket, Unmonitored
from qbr.pack import OutageRow, TicketRow
from qbr.quarters import Quarter
from qbr.sla import nearest_rank
from qbr.ticketrules import ticket_row
from qbr.uptime import (
    MonitorUptime,
    credits_block,
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
    tickets: Sequence[TicketRow]  # the vector engine builds them on first read
    monitors: Sequence[MonitorUptime]  # the vector engine lays out windows on first read
    outages: Sequence[OutageRow]


class ScalarEngine:
    """Computes client quarters one ticket at a time (the oracle of the column-wise
    :class:`Engine`, kept for tests). Business clocks are built once per (calendar,
    zone, holidays) and shared by every ticket that runs on them."""

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
                     if t.created_at <= as_of and quarter.holds(t.created_at,
                                                                client.timezone))
        # SPEC §3a: recurring windows join the one-off ones in the §4 union.
        maintenance = [*data.maintenance,
                       *scheduled_maintenance(client, q_start, q_end, self.config.file)]
        monitors = tuple(monitor_uptime(m, (q_start, q_end), as_of, data.outages,
                                        maintenance, tier.uptime_guarantee_pct,
                                        data.unmonitored)
                         for m in data.monitors)
        outages = _outage_rows(data.outages, monitors, as_of)
        entry = _entry(client, tier, rows, monitors, data.rejected, as_of >= q_end)
        return ClientQuarter(client, quarter, entry, rows, monitors, outages)

    def _ticket_row(self, ticket: Ticket, client: Client, tier: Tier, as_of: datetime
                    ) -> TicketRow:
        events = self.dataset.status_events.get(ticket.key)
        if events is None and ticket.system in self._history_systems:
            events = ()
        return ticket_row(self.config, client, tier, ticket, events, as_of, self.clock)


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
        # SPEC §3a: a measure counts under the priority in force at its event.
        measures = [getattr(r, measure) for r in rows if _measure_priority(r, measure) == prio]
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


def _measure_priority(row: TicketRow, measure: str) -> str | None:
    """The priority a measure counts under: the one in force at its event (SPEC §3a);
    rows built without it (no priority history known) fall back to the ticket's."""
    m = getattr(row, measure)
    if m.priority is None and m.state != "unclassified":
        return row.priority
    return m.priority  # type: ignore[no-any-return]


def _uptime_block(monitors: Sequence[MonitorUptime]) -> dict[str, Any]:
    crit, worst = critical_uptime(monitors)
    return {
        "monitors": [{"monitor": m.monitor, "critical": m.critical, "uptime_pct": m.uptime_pct,
                      "downtime_minutes": m.downtime_seconds / 60.0,
                      "window_minutes": m.window_seconds / 60.0,
                      "guarantee_pct": m.guarantee_pct, "met": m.met,
                      "unmonitored_minutes": m.unmonitored_seconds / 60.0}
                     for m in monitors],
        "critical_uptime_pct": crit, "worst_critical_pct": worst}


def _sla_met(response: Mapping[str, Any], resolution: Mapping[str, Any],
             monitors: Sequence[MonitorUptime], objective: float | None) -> bool | None:
    """True when every measured attainment ≥ objective and every measured critical monitor
    meets its guarantee; ``None`` when nothing was measured (SPEC §3). A tier without an
    ``objective_pct`` judges only its monitors."""
    checks = [v["attainment_pct"] >= objective for block in (response, resolution)
              for v in block.values()
              if v["attainment_pct"] is not None and objective is not None]
    checks += [bool(m.met) for m in monitors if m.critical and m.met is not None]
    return None if not checks else all(checks)


def _entry(client: Client, tier: Tier, rows: Sequence[TicketRow],
           monitors: Sequence[MonitorUptime], rejected: int, quarter_over: bool,
           blocks: tuple[dict[str, Any], dict[str, Any], dict[str, Any]] | None = None
           ) -> dict[str, Any]:
    """One client's SPEC §6 object. ``blocks`` = (tickets, response, resolution) objects
    already aggregated by the column-wise engine; without it they come from ``rows``."""
    # SPEC §3a: an excluded ticket is in no count, percentile or `all`, but in the total.
    counted = [r for r in rows if r.excluded_reason is None]
    response = blocks[1] if blocks else _measure_block(counted, tier, "response")
    resolution = blocks[2] if blocks else _measure_block(counted, tier, "resolution")
    uptime = _uptime_block(monitors)
    # A ticket is pending while either clock still runs within target (typically: open).
    pending = sum(r.response.state == "pending" or r.resolution.state == "pending"
                  for r in counted)
    return {
        "client": client.key, "name": client.name, "tier": tier.name,
        "tickets": blocks[0] if blocks else {
            "total": len(rows), "unclassified": sum(r.priority is None for r in counted),
            "pending": pending, "rejected": rejected, "excluded": len(rows) - len(counted),
            "reopened": sum(r.reopened for r in counted),
            "closed_without_time": sum(r.closed_without_time for r in counted)},
        "response": response, "resolution": resolution, "uptime": uptime,
        "sla_met": _sla_met(response, resolution, monitors, tier.objective_pct),
        "credits": credits_block(client, tier, response, resolution, uptime, quarter_over),
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


# The column-wise engine (qbr/engine) is the one the CLI, packs and figures use; it needs
# the helpers above, hence the import at the end.
from qbr.engine.run import VectorEngine as Engine  # noqa: E402

__all__ = ["SCHEMA", "ClientQuarter", "Engine", "ScalarEngine", "default_as_of",
           "metrics_document"]
