"""A small config and runners for the column-wise engine tests, plus a per-ticket
reference implementation of SPEC §3/§3a written independently of qbr/engine.

Config: tier ``gold`` (P1–P4; P1 on the built-in ``24x7``, else ``office-de``; pauses
``waiting_customer``/``waiting_vendor``; category "Project" excluded). ``office-de`` =
Mon–Fri 08:00–12:00 + 13:00–17:00 Europe/Berlin, Bavarian holidays, half days on
24 and 31 December (08:00–12:00), Sat 2025-12-20 open 09:00–11:00. ``office-ny`` =
"mon-fri" 09:00–17:00, New York holidays. Clients: ``acme`` (Berlin, the tier's
calendars) and ``hudson`` (New York, client calendar ``office-ny``). System ``psa`` has a
status history source; ``mail`` has none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from qbr.calendar import BusinessClock, ClockSpec, calendar_name, clock_spec
from qbr.config import Config, parse_config
from qbr.engine.columns import build_columns
from qbr.engine.run import VectorEngine
from qbr.engine.tickets import STATE_NAMES, TicketResults, evaluate_quarter
from qbr.frames import frames_from_records
from qbr.model import StatusEvent, Ticket
from qbr.quarters import Quarter

COLUMNS = {"ticket_id": "Ticket", "client": "Company", "priority": "Priority",
           "created_at": "Created"}


def config_doc(**tier_overrides: Any) -> dict[str, Any]:
    src = {"timezone": "UTC", "date_format": "%Y-%m-%d %H:%M", "columns": COLUMNS}
    return {
        "msp": {"name": "Test MSP"},
        "calendars": {
            "office-de": {
                "hours": {"mon-fri": ["08:00-12:00", "13:00-17:00"]},
                "holidays": {"country": "DE", "subdiv": "BY"},
                "exceptions": {"2025-12-24": ["08:00-12:00"], "2025-12-31": ["08:00-12:00"],
                               "2025-12-20": ["09:00-11:00"]},
            },
            "office-ny": {"hours": {"mon-fri": ["09:00-17:00"]},
                          "holidays": {"country": "US", "subdiv": "NY"}},
        },
        "tiers": {"gold": {
            "response_minutes": {"P1": 30, "P2": 120, "P3": 480, "P4": 960},
            "resolution_minutes": {"P1": 240, "P2": 960, "P3": 2400, "P4": 4800},
            "calendar": "office-de", "calendar_by_priority": {"P1": "24x7"},
            "pause_statuses": ["waiting_customer", "waiting_vendor"],
            "exclude_categories": ["Project"],
            "objective_pct": 90, "uptime_guarantee_pct": 99.9, **tier_overrides}},
        "clients": {
            "acme": {"name": "ACME GmbH", "tier": "gold", "timezone": "Europe/Berlin",
                     "fee": 1000, "currency": "EUR"},
            "hudson": {"name": "Hudson Freight", "tier": "gold",
                       "timezone": "America/New_York", "fee": 1000, "currency": "USD",
                       "calendar": "office-ny"},
        },
        "sources": {
            "psa": {"path": "t.csv", "kind": "tickets", **src},
            "psa_status": {"path": "s.csv", "kind": "status", "system": "psa", **src,
                           "columns": {"ticket_id": "Ticket", "at": "At",
                                       "status": "Status"}},
            "mail": {"path": "m.csv", "kind": "tickets", **src},
        },
    }


def make_config(**tier_overrides: Any) -> Config:
    return parse_config(config_doc(**tier_overrides), Path("/tmp"))


@dataclass(frozen=True)
class Dataset:
    """The fields of :class:`qbr.ingest.Dataset` the engine reads."""

    tickets: tuple[Ticket, ...]
    status_events: dict[tuple[str, str], tuple[StatusEvent, ...]]
    outages: tuple[Any, ...] = ()
    maintenance: tuple[Any, ...] = ()
    monitors: tuple[Any, ...] = ()
    rejections: tuple[Any, ...] = ()


def group_events(events: list[StatusEvent]) -> dict[tuple[str, str], tuple[StatusEvent, ...]]:
    out: dict[tuple[str, str], list[StatusEvent]] = {}
    for e in events:
        out.setdefault((e.system, e.ticket_id), []).append(e)
    return {k: tuple(sorted(v, key=lambda e: e.at)) for k, v in out.items()}


def run_vector(config: Config, tickets: list[Ticket], events: list[StatusEvent],
               quarter: Quarter, as_of: datetime) -> dict[str, dict[str, Any]]:
    """ticket_id → the vector engine's results for that ticket, as plain values."""
    frames = frames_from_records(tickets, group_events(events), (), (), ())
    cols = build_columns(config, frames)
    res = evaluate_quarter(config, frames, cols, quarter, as_of)
    return _plain(res, [tickets[i] for i in res.rows], cols.priorities)


def vector_engine(config: Config, tickets: list[Ticket], events: list[StatusEvent]
                  ) -> VectorEngine:
    return VectorEngine(config, Dataset(tuple(tickets), group_events(events)))


def _plain(res: TicketResults, tickets: list[Ticket], names: tuple[str, ...]
           ) -> dict[str, dict[str, Any]]:
    out = {}
    for j, t in enumerate(tickets):
        row: dict[str, Any] = {}
        for m in ("response", "resolution"):
            code = int(res.prio[m][j])
            ev = int(res.event_ns[m][j])
            state = STATE_NAMES[int(res.state[m][j])]
            classified = code >= 0 and state != "unclassified"
            row[m] = (names[code] if classified else None, float(res.elapsed[m][j]), state,
                      None if ev == -2**63 else ev / 1e9)
        row["paused"] = float(res.paused[j])
        row["reopened"] = bool(res.reopened[j])
        row["excluded"] = res.excluded[j]
        out[t.ticket_id] = row
    return out


# ----------------------------------------------------------------- reference model

_CLOCKS: dict[ClockSpec, BusinessClock] = {}  # scalar clocks, one per spec


def reference(config: Config, ticket: Ticket, events: list[StatusEvent] | None,
              as_of: datetime) -> dict[str, Any]:
    """One ticket's SPEC §3/§3a measures, written plainly, one step at a time.
    ``events is None``: the ticket's system has no status history."""
    client = config.clients[ticket.client]
    tier = config.tiers[client.tier]

    def clock_for(prio: str | None) -> BusinessClock:
        name = calendar_name(tier, client, prio)
        spec = clock_spec(config.calendars[name], client.timezone, client.holidays)
        return _CLOCKS.setdefault(spec, BusinessClock(spec))

    def seen(t: datetime | None) -> datetime | None:
        return t if t is not None and t <= as_of else None

    # Timeline: (instant, status, priority) in force from instant; before created → at
    # created; of equal instants the later row wins, its priority too (README "Contract
    # rules": a row overtaken at its own instant was never in force).
    rows = [e for e in (events or []) if e.at <= as_of]
    timeline: list[tuple[datetime, str, str | None]] = []
    for e in rows:
        at = max(e.at, ticket.created_at)
        if timeline and timeline[-1][0] == at:
            timeline[-1] = (at, e.status, e.priority)
        else:
            timeline.append((at, e.status, e.priority))
    carried = [(at, p) for at, _, p in timeline if p is not None]

    done = {"resolved", "closed"}
    reopened = False
    first_done: datetime | None = None
    final_done: datetime | None = None
    in_done = False
    for at, status, _ in timeline:
        if status in done and not in_done:
            first_done = first_done or at
            final_done = at
            in_done = True
        elif status not in done and in_done:
            reopened = True
            final_done = None
            in_done = False

    fr, r, cl = seen(ticket.first_response_at), seen(ticket.resolved_at), seen(ticket.closed_at)
    if timeline:
        resp_at = min([t for t in (fr, first_done) if t is not None], default=None)
        res_at = final_done
    else:
        resp_at = min([t for t in (fr, r, cl) if t is not None], default=None)
        res_at = r or cl

    def prio_at(q: datetime) -> str | None:
        if not carried:
            return ticket.priority
        before = [p for at, p in carried if at <= q]
        return before[-1] if before else carried[0][1]

    out: dict[str, Any] = {}
    for measure, event_at in (("response", resp_at), ("resolution", res_at)):
        end = event_at or as_of
        prio = prio_at(end)
        prio = prio if prio in tier.response_minutes else None
        clock = clock_for(prio)
        elapsed = clock.seconds(ticket.created_at, end)
        pause = 0.0
        if measure == "resolution":
            if events is None:
                if ticket.reported_pause_minutes is not None:
                    pause = max(ticket.reported_pause_minutes, 0.0) * 60.0
            else:
                for i, (at, status, _) in enumerate(timeline):
                    if status in tier.pause_statuses or status in done:
                        stop = timeline[i + 1][0] if i + 1 < len(timeline) else end
                        pause += clock.seconds(min(at, end), min(stop, end))
            out["paused"] = min(pause, elapsed)
            elapsed = max(elapsed - pause, 0.0)
        if prio is None:
            state = "unclassified"
        else:
            target = getattr(tier, f"{measure}_minutes")[prio] * 60.0
            state = "breached" if elapsed > target else "met" if event_at else "pending"
        out[measure] = (prio, elapsed, state,
                        None if event_at is None else event_at.timestamp())
    # Exclusion reasons as the README words them: "status V" (V = the export values the
    # system's status map sends to excluded; the exported status without a history),
    # "category X" (compared ignoring case and spacing), the excluded column's value.
    reason = None
    held = any(s == "excluded" for _, s, _ in timeline) if timeline \
        else ticket.status == "excluded"
    if held:
        raws = sorted({raw for src in config.sources if src.system == ticket.system
                       for raw, canon in src.values.get("status", {}).items()
                       if canon == "excluded"})
        reason = f"status {' / '.join(raws)}" if raws else "status excluded"

    def fold(text: str) -> str:
        return " ".join(text.split()).casefold()

    wanted = {fold(c) for c in tier.exclude_categories}
    if ticket.category and fold(ticket.category) in wanted:
        reason = f"category {ticket.category}"
    if ticket.excluded_reason:
        reason = ticket.excluded_reason
    out["excluded"] = reason
    out["reopened"] = reopened and reason is None  # an excluded ticket is not "reopened"
    return out
