"""Hand-worked examples for the SPEC §3a calendar and ticket rules, run through the
column-wise engine (``qbr.metrics.Engine``). Every expected number is worked out in the
comment above it.

Config (tests/vector_helpers.py): tier gold — response P1 30 / P2 120 / P3 480 min,
resolution P1 240 / P2 960 / P3 2400 min; P1 on the built-in 24x7, else ``office-de``
(Mon–Fri 08:00–12:00 + 13:00–17:00 Europe/Berlin, Bavarian holidays, half days on 24 and
31 Dec 08:00–12:00). Client ``hudson`` (New York) has its own calendar ``office-ny``
("mon-fri" 09:00–17:00). In October Berlin is UTC+2 until the 26th, in December UTC+1;
New York is UTC−4 in October.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from vector_helpers import config_doc, make_config, vector_engine

from qbr.config import parse_config
from qbr.errors import ConfigError
from qbr.model import Provenance, StatusEvent, Ticket
from qbr.pack import TicketRow
from qbr.quarters import Quarter

SRC = Provenance("t.csv", 2)
Q4 = Quarter(2025, 4)
AS_OF = datetime(2026, 1, 10, tzinfo=UTC)
CONFIG = make_config()


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def ticket(tid: str, created: datetime, *, client: str = "acme", priority: str = "P2",
           system: str = "psa", first_response: datetime | None = None,
           resolved: datetime | None = None, category: str | None = None,
           excluded: str | None = None) -> Ticket:
    return Ticket(system=system, ticket_id=tid, client=client, priority=priority,
                  priority_raw=priority, created_at=created, first_response_at=first_response,
                  resolved_at=resolved, closed_at=None, updated_at=None, status=None,
                  title="t", category=category, queue=None, reported_pause_minutes=None,
                  source=SRC, excluded_reason=excluded)


def ev(tid: str, at: datetime, status: str, priority: str | None = None) -> StatusEvent:
    return StatusEvent("psa", tid, at, status, SRC, priority)


def run(tickets: list[Ticket], events: list[StatusEvent] = (),  # type: ignore[assignment]
        client: str = "acme") -> tuple[dict[str, Any], dict[str, TicketRow]]:
    cq = vector_engine(CONFIG, tickets, list(events)).client_quarter(client, Q4, AS_OF)
    return cq.entry, {r.ticket_id: r for r in cq.tickets}


# ------------------------------------------------------------------------ calendars


def test_half_day_on_christmas_eve() -> None:
    # Created Wed 2025-12-24 08:00 CET (07:00Z); answered Mon 2025-12-29 09:00 CET (08:00Z).
    # 24 Dec is a half day: 08:00–12:00 = 240 min. 25/26 Dec holidays, 27/28 weekend.
    # Mon 08:00–09:00 = 60 min → 300 min > 120: breached.
    # Second ticket created 24 Dec 13:00 CET (12:00Z), answered 29 Dec 08:30 CET (07:30Z):
    # the afternoon of the half day is closed → only Mon 08:00–08:30 = 30 min: met.
    entry, rows = run([ticket("A", utc(2025, 12, 24, 7), first_response=utc(2025, 12, 29, 8)),
                       ticket("B", utc(2025, 12, 24, 12),
                              first_response=utc(2025, 12, 29, 7, 30))])
    assert rows["A"].response.elapsed_minutes == 300.0
    assert rows["A"].response.state == "breached"
    assert rows["B"].response.elapsed_minutes == 30.0
    assert entry["response"]["P2"]["met"] == 1 and entry["response"]["P2"]["breached"] == 1


def test_exception_opens_a_saturday() -> None:
    # Sat 2025-12-20 is opened 09:00–11:00 by an exception. Created Fri 19 Dec 16:30 CET
    # (15:30Z), answered Mon 22 Dec 08:15 CET (07:15Z): Fri 16:30–17:00 = 30, Sat 09–11 =
    # 120, Mon 08:00–08:15 = 15 → 165 min.
    _, rows = run([ticket("A", utc(2025, 12, 19, 15, 30),
                          first_response=utc(2025, 12, 22, 7, 15))])
    assert rows["A"].response.elapsed_minutes == 165.0


def test_weekday_range_and_client_calendar() -> None:
    # hudson runs P2 on its own office-ny ("mon-fri" 09:00–17:00 New York, no lunch).
    # Created Fri 2025-10-17 16:00 EDT (20:00Z), answered Mon 20 Oct 10:30 EDT (14:30Z):
    # Fri 16:00–17:00 = 60, weekend closed, Mon 09:00–10:30 = 90 → 150 min.
    # (On the tier's office-de in New York time it would be Fri 16–17 = 60 + Mon 08:00–10:30
    # less nothing = 150 + 60 = 210: the client calendar decides.)
    _, rows = run([ticket("A", utc(2025, 10, 17, 20), client="hudson",
                          first_response=utc(2025, 10, 20, 14, 30))], client="hudson")
    assert rows["A"].response.elapsed_minutes == 150.0
    assert rows["A"].calendar == "office-ny"


def test_tier_priority_calendar_survives_a_client_default() -> None:
    # hudson P1: the tier's calendar_by_priority P1 = 24x7 still applies (the client only
    # replaced the default). Created Sat 2025-10-18 02:00Z, answered 02:45Z → 45 min > 30.
    _, rows = run([ticket("A", utc(2025, 10, 18, 2), client="hudson", priority="P1",
                          first_response=utc(2025, 10, 18, 2, 45))], client="hudson")
    assert rows["A"].calendar == "24x7"
    assert rows["A"].response.elapsed_minutes == 45.0
    assert rows["A"].response.state == "breached"


# ---------------------------------------------------------------------- ticket rules


def test_reopened_ticket_counts_final_resolution_without_the_done_time() -> None:
    # P3 on office-de. Created Mon 2025-10-06 08:00 CEST (06:00Z). History: running at
    # creation, resolved Tue 07 08:00, reopened (running) Wed 08 08:00, resolved Wed 10:00.
    # The export's resolved_at (Tue) is not used: there is a history.
    # Gross Mon 8 h + Tue 8 h + Wed 2 h = 1080 min; done Tue 08:00 → Wed 08:00 = Tue's
    # 8 business hours = 480 min subtracted → 600 min ≤ 2400: met.
    # Response = first entry into done, Tue 08:00 → 480 min ≤ 480: met.
    t = ticket("A", utc(2025, 10, 6, 6), priority="P3", resolved=utc(2025, 10, 7, 6))
    events = [ev("A", utc(2025, 10, 6, 6), "running"), ev("A", utc(2025, 10, 7, 6), "resolved"),
              ev("A", utc(2025, 10, 8, 6), "running"), ev("A", utc(2025, 10, 8, 8), "resolved")]
    entry, rows = run([t], events)
    row = rows["A"]
    assert row.resolution.elapsed_minutes == 600.0
    assert row.resolution.event_at == utc(2025, 10, 8, 8)
    assert row.paused_minutes == 480.0
    assert row.response.elapsed_minutes == 480.0 and row.response.state == "met"
    assert row.reopened
    assert entry["tickets"]["reopened"] == 1


def test_closed_after_resolved_is_no_reopen() -> None:
    # resolved Mon 10:00 CEST → closed Wed: one done run, no reopen; resolution at Mon
    # 10:00 = 2 h = 120 min.
    t = ticket("A", utc(2025, 10, 6, 6), priority="P3")
    events = [ev("A", utc(2025, 10, 6, 8), "resolved"), ev("A", utc(2025, 10, 8, 8), "closed")]
    entry, rows = run([t], events)
    assert rows["A"].resolution.elapsed_minutes == 120.0
    assert entry["tickets"]["reopened"] == 0


def test_reopened_and_still_open_has_no_resolution_event() -> None:
    # P2 (resolution 960 min). Created Mon 2025-10-06 08:00 CEST; resolved 09:00; reopened
    # 10:00; nothing after. At as_of (Jan 2026) gross is months of hours minus the one
    # done hour: far beyond 960 → breached, with no resolution event.
    t = ticket("A", utc(2025, 10, 6, 6))
    events = [ev("A", utc(2025, 10, 6, 7), "resolved"), ev("A", utc(2025, 10, 6, 8), "running")]
    _, rows = run([t], events)
    assert rows["A"].resolution.event_at is None
    assert rows["A"].resolution.state == "breached"
    assert rows["A"].paused_minutes == 60.0


def test_priority_raised_counts_in_the_new_priority_cell_timed_from_creation() -> None:
    # Exported P3. Created Mon 2025-10-06 08:00 CEST (06:00Z) with P3; first response
    # 08:20 (before the raise) → response uses P3 on office-de: 20 min ≤ 480, P3 cell.
    # Raised to P1 at 10:00 CEST; resolved 11:00 CEST (09:00Z) → resolution uses P1 on
    # 24x7 from creation: 3 h = 180 min ≤ 240, P1 cell.
    t = ticket("A", utc(2025, 10, 6, 6), priority="P3", first_response=utc(2025, 10, 6, 6, 20))
    events = [ev("A", utc(2025, 10, 6, 6), "running", "P3"),
              ev("A", utc(2025, 10, 6, 8), "running", "P1"),
              ev("A", utc(2025, 10, 6, 9), "resolved")]
    entry, rows = run([t], events)
    assert entry["response"]["P3"]["met"] == 1 and entry["response"]["P1"]["met"] == 0
    assert entry["resolution"]["P1"]["met"] == 1 and entry["resolution"]["P3"]["met"] == 0
    assert rows["A"].resolution.elapsed_minutes == 180.0
    assert rows["A"].response.elapsed_minutes == 20.0


def test_priority_change_at_the_event_instant_is_in_force() -> None:
    # Created Mon 08:00 CEST as P2; resolved at 18:00 CEST (16:00Z) in the same row set as
    # a change to P1 at that instant → P1, 24x7: 10 h = 600 min > 240: breached in P1.
    # (On P2/office-de it would be 8 h = 480 ≤ 960: met. The change decides.)
    t = ticket("A", utc(2025, 10, 6, 6))
    events = [ev("A", utc(2025, 10, 6, 6), "running", "P2"),
              ev("A", utc(2025, 10, 6, 16), "resolved", "P1")]
    entry, _ = run([t], events)
    assert entry["resolution"]["P1"]["breached"] == 1
    assert entry["resolution"]["P2"]["met"] == 0


def test_exclusions_by_status_category_and_column() -> None:
    # Four P2 tickets; A normal (answered after 30 min: met), B held "excluded" for a while,
    # C of category " project " (tier excludes "Project", compared ignoring case and
    # spacing), D flagged by the export's excluded column. Only A is measured; all four
    # are in total.
    created = utc(2025, 10, 6, 6)
    tickets = [ticket(x, created, first_response=utc(2025, 10, 6, 6, 30), category=cat,
                      excluded=flag) for x, cat, flag in
               (("A", None, None), ("B", None, None), ("C", " project ", None),
                ("D", None, "change request"))]
    events = [ev("B", utc(2025, 10, 6, 7), "excluded"), ev("B", utc(2025, 10, 6, 8), "running")]
    entry, rows = run(tickets, events)
    assert entry["tickets"]["total"] == 4 and entry["tickets"]["excluded"] == 3
    assert entry["response"]["all"] == {"met": 1, "breached": 0, "pending": 0,
                                        "attainment_pct": 100.0}
    assert rows["B"].excluded_reason == "status excluded"  # no export value mapped here
    assert rows["C"].excluded_reason == "category  project "
    assert rows["D"].excluded_reason == "change request"
    assert rows["A"].excluded_reason is None


def test_excluded_ticket_is_not_counted_as_reopened() -> None:
    t = ticket("A", utc(2025, 10, 6, 6), excluded="warranty")
    events = [ev("A", utc(2025, 10, 6, 7), "resolved"), ev("A", utc(2025, 10, 6, 8), "running")]
    entry, _ = run([t], events)
    assert entry["tickets"]["reopened"] == 0 and entry["tickets"]["excluded"] == 1


# --------------------------------------------------------------------- config errors


@pytest.mark.parametrize(("calendar", "key", "words"), [
    ({"hours": {}}, "calendars.c.hours", "no opening hours"),
    ({"hours": {"mon-fri": ["08:00-17:00"], "fri": ["08:00-12:00"]}}, "calendars.c.hours.fri",
     "fri is named twice"),
    ({"hours": {"fri-mon": ["08:00-17:00"]}}, "calendars.c.hours.fri-mon", "forward range"),
    ({"type": "24x7", "hours": {"mon": ["08:00-17:00"]}}, "calendars.c.hours", "always open"),
    ({"type": "24x7", "holidays": {"country": "DE"}}, "calendars.c.holidays", "always open"),
    ({"type": "24x7", "exceptions": {"2025-12-24": []}}, "calendars.c.exceptions",
     "always open"),
    ({"hours": {"mon": ["08:00-17:00"]}, "exceptions": {"24.12.2025": []}},
     "calendars.c.exceptions.24.12.2025", "YYYY-MM-DD"),
])
def test_calendar_config_errors(calendar: dict[str, Any], key: str, words: str) -> None:
    doc = config_doc()
    doc["calendars"]["c"] = calendar
    with pytest.raises(ConfigError) as err:
        parse_config(doc, CONFIG.base)
    assert err.value.key == key and words in str(err.value)


def test_client_calendar_must_exist() -> None:
    doc = config_doc()
    doc["clients"]["acme"]["calendar_by_priority"] = {"P2": "nope"}
    with pytest.raises(ConfigError) as err:
        parse_config(doc, CONFIG.base)
    assert err.value.key == "clients.acme.calendar_by_priority.P2"


def test_builtin_24x7_needs_no_definition_and_weekday_range_expands() -> None:
    assert CONFIG.calendars["24x7"].always
    ny = CONFIG.calendars["office-ny"]
    assert [len(day) for day in ny.hours] == [1, 1, 1, 1, 1, 0, 0]
