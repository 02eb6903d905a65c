"""Small builders for engine tests: calendars, tickets, events, monitors (no files)."""

from __future__ import annotations

from datetime import UTC, datetime, time

from qbr.calendar import BusinessClock, clock_spec
from qbr.config import Calendar, HolidayRule
from qbr.model import Maintenance, Monitor, Outage, Provenance, StatusEvent, Ticket

BERLIN = "Europe/Berlin"
SRC = Provenance("test.csv", 2)

#: Mon–Fri 08:00–12:00 and 13:00–17:00 (8 business hours a day, lunch closed).
OFFICE_DAY = ((time(8), time(12)), (time(13), time(17)))
OFFICE = Calendar("office", False, (OFFICE_DAY,) * 5 + ((), ()), HolidayRule("DE", "BY"))
ALWAYS = Calendar("always", True)


def utc(*parts: int) -> datetime:
    """A UTC instant: utc(2026, 7, 3, 14, 0)."""
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def clock(calendar: Calendar = OFFICE, zone: str = BERLIN,
          holidays: HolidayRule | None = None) -> BusinessClock:
    return BusinessClock(clock_spec(calendar, zone, holidays))


def ticket(created: datetime, *, first_response: datetime | None = None,
           resolved: datetime | None = None, closed: datetime | None = None,
           priority: str | None = "P2", ticket_id: str = "T-1", client: str = "acme",
           reported_pause: float | None = None) -> Ticket:
    return Ticket(system="psa", ticket_id=ticket_id, client=client, priority=priority,
                  priority_raw=priority or "Prio X", created_at=created,
                  first_response_at=first_response, resolved_at=resolved, closed_at=closed,
                  updated_at=None, status=None, title="Printer on fire", category=None,
                  queue=None, reported_pause_minutes=reported_pause, source=SRC)


def event(at: datetime, status: str, ticket_id: str = "T-1") -> StatusEvent:
    return StatusEvent("psa", ticket_id, at, status, SRC)


def monitor(name: str = "fw-01", critical: bool = True, guarantee: float | None = None,
            client: str = "acme") -> Monitor:
    return Monitor(name, client, critical, guarantee)


def outage(start: datetime, end: datetime | None, name: str = "fw-01",
           client: str = "acme") -> Outage:
    return Outage(name, client, start, end, "test", SRC)


def maintenance(start: datetime, end: datetime, monitor_name: str | None = None,
                client: str = "acme") -> Maintenance:
    return Maintenance(client, monitor_name, start, end, SRC)
