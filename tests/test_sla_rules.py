"""Hand-worked examples for each SLA rule of SPEC §3. Every expected number is worked out
in the comment above it; none was copied from the code's output.

Calendar "office" = Mon–Fri 08:00–12:00 + 13:00–17:00 Europe/Berlin, Bavarian holidays.
In summer Berlin is UTC+2 (CEST), in winter UTC+1 (CET)."""

from __future__ import annotations

import pytest
from engine_helpers import ALWAYS, OFFICE, clock, event, ticket, utc

from qbr.sla import evaluate, nearest_rank, paused_intervals

PAUSES = frozenset({"waiting_customer", "waiting_vendor"})


def targets(resp: float, res: float):  # type: ignore[no-untyped-def]
    return lambda p: (resp, res)


def test_weekend_is_not_business_time() -> None:
    # Created Fri 2026-07-03 16:30 CEST (14:30Z), answered Mon 2026-07-06 08:45 CEST (06:45Z).
    # Fri 16:30–17:00 = 30 min; Sat, Sun closed; Mon 08:00–08:45 = 45 min → 75 min.
    t = ticket(utc(2026, 7, 3, 14, 30), first_response=utc(2026, 7, 6, 6, 45))
    sla = evaluate(t, (), utc(2026, 8, 1), clock(), PAUSES, targets(60, 600))
    assert sla.response.elapsed_minutes == 75.0
    assert sla.response.state == "breached"  # 75 > 60


def test_lunch_break_is_not_business_time() -> None:
    # Created Tue 2026-07-07 11:30 CEST, first response 13:20 CEST the same day.
    # 11:30–12:00 = 30 min, 12:00–13:00 closed, 13:00–13:20 = 20 min → 50 min: met at 60.
    t = ticket(utc(2026, 7, 7, 9, 30), first_response=utc(2026, 7, 7, 11, 20))
    sla = evaluate(t, (), utc(2026, 8, 1), clock(), PAUSES, targets(60, 600))
    assert sla.response.elapsed_minutes == 50.0
    assert sla.response.state == "met"


def test_bavarian_holiday_is_closed() -> None:
    # Corpus Christi (Fronleichnam) Thu 2026-06-04 is a public holiday in Bavaria.
    # Created Wed 2026-06-03 16:00 CEST, resolved Fri 2026-06-05 09:00 CEST.
    # Wed 16:00–17:00 = 60; Thu closed; Fri 08:00–09:00 = 60 → 120 min.
    t = ticket(utc(2026, 6, 3, 14), resolved=utc(2026, 6, 5, 7))
    sla = evaluate(t, (), utc(2026, 7, 1), clock(), PAUSES, targets(60, 120))
    assert sla.resolution.elapsed_minutes == 120.0
    assert sla.resolution.state == "met"  # exactly at target: elapsed ≤ target × 60


def test_october_dst_change_on_office_hours() -> None:
    # Fri 2025-10-24 16:00 CEST (14:00Z) → Mon 2025-10-27 09:00 CET (08:00Z).
    # Clocks go back on Sun 26 Oct; opening hours are wall-clock: Fri 16–17 = 60 min,
    # Mon 08–09 = 60 min → 120 min (the extra hour fell on a closed Sunday).
    t = ticket(utc(2025, 10, 24, 14), resolved=utc(2025, 10, 27, 8))
    sla = evaluate(t, (), utc(2025, 11, 1), clock(), PAUSES, targets(60, 600))
    assert sla.resolution.elapsed_minutes == 120.0


def test_october_dst_change_on_24x7() -> None:
    # Sat 2025-10-25 12:00 CEST (10:00Z) → Sun 2025-10-26 12:00 CET (11:00Z): on the wall
    # clock 24 h apart, but real time is 25 h = 1500 min because 02:00–03:00 ran twice.
    t = ticket(utc(2025, 10, 25, 10), resolved=utc(2025, 10, 26, 11), priority="P1")
    sla = evaluate(t, (), utc(2025, 11, 1), clock(ALWAYS), PAUSES, targets(15, 240))
    assert sla.resolution.elapsed_minutes == 1500.0
    assert sla.resolution.state == "breached"


def test_paused_twice_stops_resolution_clock_only() -> None:
    # Mon 2026-07-06, CEST. Created 08:00, first response 08:10, waiting on customer
    # 09:00–10:30, running, waiting on vendor 13:30–14:00 (lunch 12–13 is closed anyway),
    # resolved 16:00.
    # Gross 08:00–16:00 minus lunch = 7 h = 420 min; pauses 90 + 30 = 120 → 300 min.
    # Response: 08:00–08:10 = 10 min, not reduced by pauses.
    t = ticket(utc(2026, 7, 6, 6), first_response=utc(2026, 7, 6, 6, 10),
               resolved=utc(2026, 7, 6, 14))
    events = [event(utc(2026, 7, 6, 6), "running"),
              event(utc(2026, 7, 6, 7), "waiting_customer"),
              event(utc(2026, 7, 6, 8, 30), "running"),
              event(utc(2026, 7, 6, 11, 30), "waiting_vendor"),
              event(utc(2026, 7, 6, 12), "running"),
              event(utc(2026, 7, 6, 14), "resolved")]
    sla = evaluate(t, events, utc(2026, 8, 1), clock(), PAUSES, targets(15, 300))
    assert sla.response.elapsed_minutes == 10.0
    assert sla.paused_seconds == 120 * 60
    assert sla.resolution.elapsed_minutes == 300.0
    assert sla.resolution.state == "met"
    assert sla.pause_measured


def test_pause_over_lunch_counts_business_time_only() -> None:
    # Waiting on customer Mon 2026-07-06 11:30–13:30 CEST: business part is 11:30–12:00
    # and 13:00–13:30 = 60 min (lunch is not business time, so not double-subtracted).
    t = ticket(utc(2026, 7, 6, 6), resolved=utc(2026, 7, 6, 14))
    # With a history the resolution is its entry into done (SPEC §3a), so it is listed.
    events = [event(utc(2026, 7, 6, 9, 30), "waiting_customer"),
              event(utc(2026, 7, 6, 11, 30), "running"),
              event(utc(2026, 7, 6, 14), "resolved")]
    sla = evaluate(t, events, utc(2026, 8, 1), clock(), PAUSES, targets(15, 600))
    # Gross 08:00–16:00 = 420 min, minus 60 → 360 min.
    assert sla.paused_seconds == 3600
    assert sla.resolution.elapsed_minutes == 360.0


def test_event_before_created_is_in_force_from_created() -> None:
    # A "waiting_customer" event stamped 1 h before creation pauses from creation on.
    t = ticket(utc(2026, 7, 6, 6))
    spans = paused_intervals(t.created_at, utc(2026, 7, 6, 8),
                             [event(utc(2026, 7, 6, 5), "waiting_customer"),
                              event(utc(2026, 7, 6, 7), "running")], PAUSES)
    assert spans == [(utc(2026, 7, 6, 6), utc(2026, 7, 6, 7))]


def test_equal_timestamps_later_row_wins() -> None:
    # Two events at the same instant: the later row (running) is in force.
    spans = paused_intervals(utc(2026, 7, 6, 6), utc(2026, 7, 6, 8),
                             [event(utc(2026, 7, 6, 6), "waiting_customer"),
                              event(utc(2026, 7, 6, 6), "running")], PAUSES)
    assert spans == []


def test_still_open_at_as_of_is_pending_then_breached() -> None:
    # Created Mon 2026-09-28 09:00 CEST, no response or resolution yet.
    t = ticket(utc(2026, 9, 28, 7))
    # as_of Mon 10:00 CEST (08:00Z): 60 min elapsed; response target 120 → pending.
    early = evaluate(t, (), utc(2026, 9, 28, 8), clock(), PAUSES, targets(120, 960))
    assert (early.response.state, early.response.elapsed_minutes) == ("pending", 60.0)
    assert early.response.event_at is None
    # as_of Mon 15:00 CEST (13:00Z): 09–12 + 13–15 = 300 min > 120 → already breached.
    late = evaluate(t, (), utc(2026, 9, 28, 13), clock(), PAUSES, targets(120, 960))
    assert (late.response.state, late.response.elapsed_minutes) == ("breached", 300.0)
    assert late.resolution.state == "pending"  # 300 ≤ 960


def test_timestamps_after_as_of_have_not_happened() -> None:
    # Resolved after as_of → still open at as_of: pending, elapsed to as_of.
    # Created Mon 2026-09-28 09:00 CEST; as_of 10:00 CEST → 60 min; resolved at 11:00.
    t = ticket(utc(2026, 9, 28, 7), resolved=utc(2026, 9, 28, 9))
    sla = evaluate(t, (), utc(2026, 9, 28, 8), clock(), PAUSES, targets(120, 960))
    assert sla.resolution.state == "pending"
    assert sla.resolution.elapsed_minutes == 60.0


def test_only_a_close_time_answers_and_resolves() -> None:
    # Created Tue 2026-07-07 09:00 CEST, only closed at 10:30 CEST: closing answers the
    # client (response 90 min) and resolves the ticket (resolution 90 min).
    t = ticket(utc(2026, 7, 7, 7), closed=utc(2026, 7, 7, 8, 30))
    sla = evaluate(t, (), utc(2026, 8, 1), clock(), PAUSES, targets(60, 240))
    assert sla.response.elapsed_minutes == 90.0 and sla.response.state == "breached"
    assert sla.resolution.elapsed_minutes == 90.0 and sla.resolution.state == "met"


def test_response_is_earliest_of_response_resolved_closed() -> None:
    # First response stamped after resolution (a PSA quirk): resolved at 09:20 answers first.
    t = ticket(utc(2026, 7, 7, 7), first_response=utc(2026, 7, 7, 8),
               resolved=utc(2026, 7, 7, 7, 20))
    sla = evaluate(t, (), utc(2026, 8, 1), clock(), PAUSES, targets(30, 240))
    assert sla.response.elapsed_minutes == 20.0


def test_no_status_history_uses_reported_pause_or_flags_unmeasured() -> None:
    # Created Tue 2026-07-07 08:00, resolved 12:00 CEST: gross 240 business minutes.
    base = dict(resolved=utc(2026, 7, 7, 10))
    vendor = ticket(utc(2026, 7, 7, 6), reported_pause=45.0, **base)  # type: ignore[arg-type]
    sla = evaluate(vendor, None, utc(2026, 8, 1), clock(), PAUSES, targets(30, 240))
    assert sla.resolution.elapsed_minutes == 195.0 and sla.pause_measured  # 240 − 45
    blind = ticket(utc(2026, 7, 7, 6), **base)  # type: ignore[arg-type]
    sla = evaluate(blind, None, utc(2026, 8, 1), clock(), PAUSES, targets(30, 240))
    assert sla.resolution.elapsed_minutes == 240.0 and not sla.pause_measured


def test_unclassified_ticket_is_never_judged() -> None:
    t = ticket(utc(2026, 7, 7, 7), resolved=utc(2026, 7, 9, 7), priority=None)
    sla = evaluate(t, (), utc(2026, 8, 1), clock(), PAUSES, lambda p: None)
    assert sla.response.state == sla.resolution.state == "unclassified"
    assert sla.response.target_minutes is None


@pytest.mark.parametrize(
    ("values", "pct", "expected"),
    [
        # n=4 even: median is the lower middle value (rank ceil(4·0.5)=2 → 20).
        ([40, 10, 30, 20], 50, 20),
        # n=10: P90 rank ceil(10·0.9)=9 → 9th smallest = 9.
        ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90, 9),
        # n=7: P90 rank ceil(6.3)=7 → largest; median rank ceil(3.5)=4 → 4th = 4.
        ([7, 6, 5, 4, 3, 2, 1], 90, 7),
        ([7, 6, 5, 4, 3, 2, 1], 50, 4),
        ([5.5], 90, 5.5),
        ([], 50, None),
    ],
)
def test_nearest_rank(values: list[float], pct: int, expected: float | None) -> None:
    assert nearest_rank(values, pct) == expected


def test_office_calendar_fixture_is_what_the_comments_assume() -> None:
    assert OFFICE.hours[0][0][0].hour == 8 and not OFFICE.always
