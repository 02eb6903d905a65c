"""A realistic :class:`qbr.pack.Pack` for renderer tests: ACME GmbH, 2026Q3, 30 tickets,
3 monitors (one without a window), some nulls (P4 measured nothing).

``make_pack(**overrides)`` returns the pack with dataclass fields replaced; the metrics
are derived from the generated tickets here (test data only — renderers never compute).
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from typing import Any

from qbr.pack import (
    CalendarNote,
    CreditView,
    DataNote,
    FileCounts,
    HistoryPoint,
    Incident,
    Measure,
    OutageRow,
    Pack,
    PriorityClock,
    SystemRow,
    TicketRow,
)
from qbr.packdesk import desk_view

AS_OF = datetime(2026, 10, 5, 6, 0, tzinfo=UTC)
Q_START = datetime(2026, 6, 30, 22, 0, tzinfo=UTC)
Q_END = datetime(2026, 9, 30, 22, 0, tzinfo=UTC)
TARGETS = {"P1": (15, 240), "P2": (30, 480), "P3": (120, 1440), "P4": (480, 2880)}
_PRIORITIES = ["P1", "P2", "P2", "P3", "P3", "P3"]
_TITLES = [
    "Firewall drops VPN tunnels after update",
    "Drucker im 2. OG druckt nicht",
    "Outlook: Postfach voll",
    "New starter laptop: M. Schäfer",
    "Backup job failed on fs-02",
    "Teams-Anrufe brechen ab",
]


def _measure(target: float | None, elapsed: float, pending: bool = False) -> Measure:
    if target is None:
        return Measure(None, elapsed, "unclassified", None)
    if pending:
        state = "breached" if elapsed > target else "pending"
        return Measure(target, elapsed, state, None)  # type: ignore[arg-type]
    state = "met" if elapsed <= target else "breached"
    return Measure(target, elapsed, state, AS_OF - timedelta(days=10))  # type: ignore[arg-type]


def make_ticket(
    i: int,
    priority: str | None = "P2",
    title: str | None = None,
    response: float = 12.0,
    resolution: float = 300.0,
    pending: bool = False,
    ticket_id: str | None = None,
) -> TicketRow:
    """One ticket of the quarter; ``priority=None`` makes it unclassified."""
    resp_t, reso_t = TARGETS[priority] if priority else (None, None)
    return TicketRow(
        system="autotask",
        ticket_id=ticket_id or f"T{20260 + i:05d}",
        title=title if title is not None else _TITLES[i % len(_TITLES)] + f" (#{i})",
        priority=priority,
        priority_raw=priority or "Prio A",
        calendar="24x7" if priority == "P1" else "office",
        created_at=Q_START + timedelta(days=2 + i * 3, hours=7, minutes=13 * i % 60),
        response=_measure(resp_t, response, pending=False),
        resolution=_measure(reso_t, resolution, pending=pending),
        paused_minutes=35.0 if i % 4 == 0 else 0.0,
        pause_measured=i % 7 != 3,
        source_file="autotask_tickets.csv",
        source_row=i + 2,
    )


def make_tickets() -> tuple[TicketRow, ...]:
    """30 tickets: mostly met, a few breached, one pending, one unclassified."""
    tickets = []
    for i in range(28):
        priority = _PRIORITIES[i % len(_PRIORITIES)]
        resp_t, reso_t = TARGETS[priority]
        late = i % 9 == 4
        tickets.append(
            make_ticket(
                i,
                priority,
                response=resp_t * (1.6 if late else 0.4 + (i % 5) / 10),
                resolution=reso_t * (1.3 if i % 11 == 5 else 0.5 + (i % 3) / 10),
            )
        )
    tickets.append(make_ticket(28, "P3", response=30.0, resolution=200.0, pending=True))
    tickets.append(make_ticket(29, None, response=45.5, resolution=620.0))
    return tuple(tickets)


def _rank(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    k = max(1, -(-len(ordered) * p // 100))
    return ordered[int(k) - 1]


def _measure_metrics(tickets: tuple[TicketRow, ...], name: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, targets in TARGETS.items():
        ms = [getattr(t, name) for t in tickets if t.priority == key]
        met = sum(m.state == "met" for m in ms)
        breached = sum(m.state == "breached" for m in ms)
        done = [m.elapsed_minutes for m in ms if m.event_at is not None]
        out[key] = {
            "target_minutes": targets[0 if name == "response" else 1],
            "met": met,
            "breached": breached,
            "pending": sum(m.state == "pending" for m in ms),
            "attainment_pct": 100 * met / (met + breached) if met + breached else None,
            "median_minutes": _rank(done, 50),
            "p90_minutes": _rank(done, 90),
        }
    met = sum(v["met"] for v in out.values())
    breached = sum(v["breached"] for v in out.values())
    out["all"] = {
        "met": met,
        "breached": breached,
        "pending": sum(v["pending"] for v in out.values()),
        "attainment_pct": 100 * met / (met + breached) if met + breached else None,
    }
    return out


def make_metrics(tickets: tuple[TicketRow, ...]) -> dict[str, Any]:
    """A SPEC §6 client entry for ``tickets`` and three monitors."""
    monitors = [
        {
            "monitor": "fw-01",
            "critical": True,
            "uptime_pct": 99.98037439613527,
            "downtime_minutes": 26.0,
            "window_minutes": 132480.0,
            "guarantee_pct": 99.9,
            "met": True,
        },
        {
            "monitor": "vpn-gw",
            "critical": True,
            "uptime_pct": 99.8512,
            "downtime_minutes": 197.1,
            "window_minutes": 132480.0,
            "guarantee_pct": 99.9,
            "met": False,
        },
        {
            "monitor": "intranet-web",
            "critical": False,
            "uptime_pct": None,
            "downtime_minutes": 0.0,
            "window_minutes": 0.0,
            "guarantee_pct": 99.5,
            "met": None,
        },
    ]
    return {
        "client": "acme",
        "name": "ACME GmbH",
        "tier": "gold",
        "tickets": {"total": len(tickets), "unclassified": 1, "pending": 1, "rejected": 2},
        "response": _measure_metrics(tickets, "response"),
        "resolution": _measure_metrics(tickets, "resolution"),
        "uptime": {
            "monitors": monitors,
            "critical_uptime_pct": 99.91578719806763,
            "worst_critical_pct": 99.8512,
        },
        "sla_met": False,
        "credits": {"pct": 5.0, "amount": 612.505, "currency": "EUR", "provisional": False},
    }


def make_outages() -> tuple[OutageRow, ...]:
    """Outages: two critical (one with a hostile-looking reason), one non-critical."""
    day = Q_START + timedelta(days=40)
    return (
        OutageRow(
            "fw-01",
            True,
            day + timedelta(hours=3),
            day + timedelta(hours=3, minutes=26),
            26.0,
            "Firmware-Update (geplant, überzogen)",
        ),
        OutageRow(
            "vpn-gw",
            True,
            day + timedelta(days=20, hours=14),
            day + timedelta(days=20, hours=17, minutes=17),
            197.1,
            None,
        ),
        OutageRow("intranet-web", False, day + timedelta(days=30), None, 0.0, "DNS"),
    )


def make_data_note() -> DataNote:
    files = (
        FileCounts(
            "autotask_tickets.csv",
            "tickets",
            412,
            380,
            20,
            12,
            {"event-before-created": 2, "duplicate-row": 10},
        ),
        FileCounts("uptimerobot.csv", "outages", 57, 55, 2, 0, {}),
    )
    return DataNote(
        AS_OF,
        files,
        rows_read=469,
        rows_accepted=435,
        rows_unassigned=22,
        rows_rejected=12,
        client_rejected=2,
        pending=1,
        unclassified=1,
        pause_unmeasured=4,
        warnings=1,
    )


def make_calendars() -> tuple[CalendarNote, ...]:
    office = tuple((d, ("08:00-12:00", "13:00-17:00")) for d in ("mon", "tue", "wed", "thu"))
    return (
        CalendarNote("24x7", ("P1",), True, "Europe/Berlin", (), None, ()),
        CalendarNote(
            "office",
            ("P2", "P3", "P4"),
            False,
            "Europe/Berlin",
            (*office, ("fri", ("08:00-15:00",))),
            "DE-BY",
            ("2026-12-24",),
        ),
    )


def make_history() -> tuple[HistoryPoint, ...]:
    return (
        HistoryPoint("2025Q3", 91.2, 88.0, 99.95),
        HistoryPoint("2025Q4", 93.5, None, 99.99),
        HistoryPoint("2026Q1", 96.1, 92.4, 99.97),
        HistoryPoint("2026Q2", 95.0, 94.2, 100.0),
        HistoryPoint("2026Q3", 92.0, 96.0, 99.91578719806763),
    )


def make_pack(**overrides: Any) -> Pack:
    """The ACME 2026Q3 pack, with any :class:`Pack` field replaced by ``overrides``.

    Passing ``tickets`` without ``metrics`` recomputes the metrics for them."""
    tickets = overrides.get("tickets", make_tickets())
    pack = Pack(
        msp_name="Nordlicht IT Services GmbH",
        client_key="acme",
        client_name="ACME GmbH",
        tier="gold",
        locale="en",
        timezone="Europe/Berlin",
        quarter="2026Q3",
        quarter_start=Q_START,
        quarter_end=Q_END,
        as_of=AS_OF,
        metrics=make_metrics(tickets),
        objective_pct=95.0,
        tickets=tickets,
        outages=make_outages(),
        data_note=make_data_note(),
        calendars=make_calendars(),
        pause_statuses=("Waiting for customer", "Waiting for vendor"),
        history=make_history(),
        tier_label="Gold",
        previous=make_metrics(tickets[:20]),
        previous_tickets=tickets[:20],
        systems=make_systems(),
        incidents=make_incidents(),
        credit=make_credit(),
        priority_clocks={"P1": PriorityClock(True, None), "P2": PriorityClock(False, 480),
                         "P3": PriorityClock(False, 480), "P4": PriorityClock(False, 480)},
        desk=desk_view(tickets, tickets[:20], "Europe/Berlin",
                       [date(2026, 7, 1), date(2026, 8, 1), date(2026, 9, 1)]),
    )
    return dataclasses.replace(pack, **overrides)


def make_systems() -> tuple[SystemRow, ...]:
    """The three monitors of :func:`make_metrics` as system rows (wall-clock minutes)."""
    return (
        SystemRow("fw-01", "Firewall", True, 99.98037439613527, 99.9, True, 26.0, 132480.0,
                  0.0, 0.0, Q_START, Q_END),
        SystemRow("vpn-gw", "VPN gateway", True, 99.8512, 99.9, False, 197.1, 132480.0,
                  0.0, 0.0, Q_START, Q_END),
        SystemRow("intranet-web", "Intranet", False, None, 99.5, None, 0.0, 0.0, 0.0,
                  132480.0, None, None),
    )


def make_incidents() -> tuple[Incident, ...]:
    """The outages of :func:`make_outages` as merged incidents (one report each)."""
    day = Q_START + timedelta(days=40)
    return (
        Incident("fw-01", "Firewall", True, day + timedelta(hours=3),
                 day + timedelta(hours=3, minutes=26), 26.0, 1,
                 ("Firmware-Update (geplant, überzogen)",)),
        Incident("vpn-gw", "VPN gateway", True, day + timedelta(days=20, hours=14),
                 day + timedelta(days=20, hours=17, minutes=17), 197.1, 2, ()),
    )


def make_credit() -> CreditView:
    """Gold credit table; 99.9157… < 99.9 is false, so… the test data says 5 %: the
    critical uptime 99.9157 is below no row but the metrics carry 5 % — keep them equal by
    using a table whose 99.95 row applies: 99.9157 < 99.95 → 5 % × 12,250.10 = 612.505."""
    return CreditView(table=((99.95, 5.0), (99.5, 10.0), (99.0, 20.0)), applied_below=99.95,
                      critical_uptime_pct=99.91578719806763, pct=5.0, fee=12250.10,
                      amount=612.505, currency="EUR", provisional=False)
