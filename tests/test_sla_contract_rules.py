"""Hand-worked examples for the ticket rules of SPEC §3a: reopened tickets, priority
changes and exclusions. Every expected number is worked out in the comment above it.

Calendar "office" = Mon–Fri 08:00–12:00 + 13:00–17:00 Europe/Berlin (CEST = UTC+2 in
July); "always" = 24x7. Targets: P1 15/240 min on 24x7, P2 60/480 and P3 240/1440 on
office."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from engine_helpers import ALWAYS, OFFICE, SRC, clock, event, ticket, utc

from qbr.model import StatusEvent
from qbr.sla import Terms, evaluate_ticket

PAUSES = frozenset({"waiting_customer", "waiting_vendor"})
SRC_DIR = Path(__file__).resolve().parent
OFFICE_CLOCK, ALWAYS_CLOCK = clock(OFFICE), clock(ALWAYS)
TARGETS = {"P1": (15.0, 240.0), "P2": (60.0, 480.0), "P3": (240.0, 1440.0)}


def terms(priority: str | None) -> Terms:
    if priority not in TARGETS:
        return Terms(None, None, None, OFFICE_CLOCK, "office")
    resp, res = TARGETS[priority]
    on_24x7 = priority == "P1"
    return Terms(priority, resp, res, ALWAYS_CLOCK if on_24x7 else OFFICE_CLOCK,
                 "always" if on_24x7 else "office")


def prio_event(at, status: str, priority: str) -> StatusEvent:  # type: ignore[no-untyped-def]
    return StatusEvent("psa", "T-1", at, status, SRC, priority)


# Mon 2026-07-06: created 08:00 CEST (06:00Z), resolved 10:00 (08:00Z), reopened 14:00
# (12:00Z), resolved again Tue 09:00 (07:00Z), closed Wed 10:00 (08:00Z).
REOPEN_EVENTS = [event(utc(2026, 7, 6, 6), "running"),
                 event(utc(2026, 7, 6, 8), "resolved"),
                 event(utc(2026, 7, 6, 12), "running"),
                 event(utc(2026, 7, 7, 7), "resolved"),
                 event(utc(2026, 7, 8, 8), "closed")]


def test_reopened_ticket_resolution_is_the_final_one_minus_time_in_done() -> None:
    # The export's resolved time (Mon 08:30Z) is not used when there is a history.
    t = ticket(utc(2026, 7, 6, 6), resolved=utc(2026, 7, 6, 6, 30), closed=utc(2026, 7, 8, 8))
    sla = evaluate_ticket(t, REOPEN_EVENTS, utc(2026, 8, 1), terms, PAUSES)
    # Response = first entry into done, Mon 10:00: 08:00–10:00 = 120 min > 60 → breached.
    assert sla.response.event_at == utc(2026, 7, 6, 8)
    assert (sla.response.elapsed_minutes, sla.response.state) == (120.0, "breached")
    # Resolution = last entry into done not followed by a reopen = Tue 09:00 (resolved →
    # closed on Wed is neither a reopen nor a new event).
    # Gross: Mon 08–12 (240) + 13–17 (240) + Tue 08–09 (60) = 540 min.
    # Sat in done Mon 10:00–14:00: business 10–12 (120) + 13–14 (60) = 180 min.
    # Net 540 − 180 = 360 ≤ 480 → met.
    assert sla.resolution.event_at == utc(2026, 7, 7, 7)
    assert (sla.resolution.elapsed_minutes, sla.resolution.state) == (360.0, "met")
    assert sla.reopened and sla.reopened_seconds == 180 * 60
    assert sla.paused_seconds == 180 * 60
    assert "after 1 reopen" in sla.resolution_rule


def test_reopened_and_not_resolved_again_by_as_of() -> None:
    # as_of Mon 16:00 CEST (14:00Z): the last entry into done was followed by a reopen.
    # Elapsed at as_of: 08–12 (240) + 13–16 (180) = 420, minus done 10–14 (180) = 240 min.
    t = ticket(utc(2026, 7, 6, 6))
    sla = evaluate_ticket(t, REOPEN_EVENTS, utc(2026, 7, 6, 14), terms, PAUSES)
    assert sla.resolution.event_at is None
    assert (sla.resolution.elapsed_minutes, sla.resolution.state) == (240.0, "pending")
    assert sla.reopened and "reopened at 2026-07-06 12:00 UTC" in sla.resolution_rule
    # The same as a P3 with a 200-minute resolution target: 240 > 200 → breached.
    tight = evaluate_ticket(t, REOPEN_EVENTS, utc(2026, 7, 6, 14),
                            lambda p: replace(terms("P2"), resolution_minutes=200.0), PAUSES)
    assert tight.resolution.state == "breached"


def test_a_reopen_after_as_of_has_not_happened() -> None:
    # as_of Mon 11:00 CEST (09:00Z): only "running" and "resolved 10:00" are known.
    # Resolution Mon 10:00 = 120 min ≤ 480 → met; not reopened.
    t = ticket(utc(2026, 7, 6, 6))
    sla = evaluate_ticket(t, REOPEN_EVENTS, utc(2026, 7, 6, 9), terms, PAUSES)
    assert (sla.resolution.elapsed_minutes, sla.resolution.state) == (120.0, "met")
    assert not sla.reopened


def test_resolved_then_closed_is_one_resolution() -> None:
    # Resolved Mon 10:00, closed Mon 15:00: resolution 10:00 = 120 min; no reopen.
    t = ticket(utc(2026, 7, 6, 6))
    events = [event(utc(2026, 7, 6, 6), "running"), event(utc(2026, 7, 6, 8), "resolved"),
              event(utc(2026, 7, 6, 13), "closed")]
    sla = evaluate_ticket(t, events, utc(2026, 8, 1), terms, PAUSES)
    assert sla.resolution.event_at == utc(2026, 7, 6, 8)
    assert sla.resolution.elapsed_minutes == 120.0 and not sla.reopened


def test_reopen_and_pause_are_both_subtracted() -> None:
    # Mon: waiting on customer 09:00–09:30 CEST (30 min), resolved 10:00, reopened 11:00,
    # resolved 11:30. Gross 08:00–11:30 = 210; pause 30 + done 10:00–11:00 60 = 90 → 120.
    t = ticket(utc(2026, 7, 6, 6))
    events = [event(utc(2026, 7, 6, 7), "waiting_customer"),
              event(utc(2026, 7, 6, 7, 30), "running"),
              event(utc(2026, 7, 6, 8), "resolved"),
              event(utc(2026, 7, 6, 9), "running"),
              event(utc(2026, 7, 6, 9, 30), "closed")]
    sla = evaluate_ticket(t, events, utc(2026, 8, 1), terms, PAUSES)
    assert sla.resolution.elapsed_minutes == 120.0
    assert sla.paused_seconds == 90 * 60 and sla.reopened_seconds == 60 * 60


def test_a_done_overtaken_at_its_own_instant_is_no_reopen() -> None:
    # "resolved" and "running" stamped at the same instant: the later row (running) wins,
    # so the ticket never entered done (SPEC §2): no reopen, no resolution.
    t = ticket(utc(2026, 7, 6, 6))
    events = [event(utc(2026, 7, 6, 8), "resolved"), event(utc(2026, 7, 6, 8), "running")]
    sla = evaluate_ticket(t, events, utc(2026, 7, 6, 10), terms, PAUSES)
    assert not sla.reopened and sla.resolution.event_at is None


def test_priority_raised_before_resolution_counts_in_the_p1_cell_timed_from_creation() -> None:
    # Created Mon 08:00 CEST as P3; first response 08:20 (06:20Z); raised to P1 at 09:00
    # (07:00Z); resolved 11:00 (09:00Z).
    t = ticket(utc(2026, 7, 6, 6), first_response=utc(2026, 7, 6, 6, 20), priority="P1")
    events = [prio_event(utc(2026, 7, 6, 6), "running", "P3"),
              prio_event(utc(2026, 7, 6, 7), "running", "P1"),
              prio_event(utc(2026, 7, 6, 9), "resolved", "P1")]
    sla = evaluate_ticket(t, events, utc(2026, 8, 1), terms, PAUSES)
    # Response at 08:20 under P3 (office): 20 min ≤ 240 → met in the P3 response cell.
    assert (sla.response.priority, sla.response.elapsed_minutes, sla.response.state) == \
        ("P3", 20.0, "met")
    # Resolution at 11:00 under P1 (24x7, from creation 08:00): 180 min ≤ 240 → met, P1.
    assert (sla.resolution.priority, sla.resolution.elapsed_minutes,
            sla.resolution.state) == ("P1", 180.0, "met")
    assert sla.resolution_calendar == "always" and sla.response_calendar == "office"


def test_a_change_at_the_event_instant_is_in_force() -> None:
    # Raised P3 → P1 at 09:00 CEST, first response at exactly 09:00: P1 applies.
    # P1 on 24x7: 08:00–09:00 = 60 min > 15 → breached.
    t = ticket(utc(2026, 7, 6, 6), first_response=utc(2026, 7, 6, 7), priority="P1")
    events = [prio_event(utc(2026, 7, 6, 6), "running", "P3"),
              prio_event(utc(2026, 7, 6, 7), "running", "P1")]
    sla = evaluate_ticket(t, events, utc(2026, 7, 6, 9), terms, PAUSES)
    assert (sla.response.priority, sla.response.elapsed_minutes, sla.response.state) == \
        ("P1", 60.0, "breached")
    # No resolution yet: the priority at as_of (11:00 CEST) is P1; 24x7 180 ≤ 240 pending.
    assert (sla.resolution.priority, sla.resolution.state) == ("P1", "pending")


def test_without_priority_history_the_exported_priority_applies() -> None:
    # Events carry no priority: the exported P2 (office) is used for both measures.
    t = ticket(utc(2026, 7, 6, 6), first_response=utc(2026, 7, 6, 6, 30), priority="P2")
    sla = evaluate_ticket(t, [event(utc(2026, 7, 6, 6), "running")], utc(2026, 8, 1), terms,
                          PAUSES)
    assert sla.response.priority == sla.resolution.priority == "P2"
    assert sla.response.elapsed_minutes == 30.0


def test_excluded_status_at_any_time_excludes_with_its_reason() -> None:
    # Marked "Duplicate" (canonical excluded) for an hour, then closed: still excluded, and
    # a reopen in its history is not counted.
    t = ticket(utc(2026, 7, 6, 6))
    events = [event(utc(2026, 7, 6, 7), "resolved"), event(utc(2026, 7, 6, 8), "excluded"),
              event(utc(2026, 7, 6, 9), "closed")]
    sla = evaluate_ticket(t, events, utc(2026, 8, 1), terms, PAUSES,
                          status_reason="status Duplicate")
    assert sla.excluded_reason == "status Duplicate"
    assert sla.response.state == sla.resolution.state == "excluded"
    assert not sla.reopened
    # The clocks are still measured (for explain): resolution = last entry into done,
    # 11:00 CEST; gross 08–11 = 180, minus done 09:00–10:00 before the "reopen" = 120.
    assert sla.resolution.elapsed_minutes == 120.0


def test_excluded_column_reason_wins_and_status_after_as_of_does_not_count() -> None:
    t = replace(ticket(utc(2026, 7, 6, 6)), excluded_reason="Project work")
    sla = evaluate_ticket(t, (), utc(2026, 8, 1), terms, PAUSES, "Project work")
    assert sla.excluded_reason == "Project work"
    late = [event(utc(2026, 7, 6, 7), "running"), event(utc(2026, 8, 2), "excluded")]
    sla = evaluate_ticket(ticket(utc(2026, 7, 6, 6)), late, utc(2026, 8, 1), terms, PAUSES)
    assert sla.excluded_reason is None


def test_closed_status_without_any_time_is_flagged_and_stays_open() -> None:
    # No history, status closed, no resolved or closed time: no resolution event, flagged.
    # Created Mon 08:00 CEST, as_of Mon 10:00 CEST: 120 ≤ 480 → pending.
    t = replace(ticket(utc(2026, 7, 6, 6)), status="closed")
    sla = evaluate_ticket(t, None, utc(2026, 7, 6, 8), terms, PAUSES)
    assert sla.closed_without_time and sla.resolution.state == "pending"
    assert "no resolved or closed time" in sla.resolution_rule


def _row(ticket_id: str, resp: tuple[str, str], res: tuple[str, str],
         excluded: str | None = None, reopened: bool = False):  # type: ignore[no-untyped-def]
    from qbr.pack import Measure, TicketRow

    def m(state: str, prio: str) -> Measure:
        return Measure(100.0, 10.0, state, utc(2026, 7, 6, 7), prio)  # type: ignore[arg-type]

    return TicketRow("psa", ticket_id, "t", "P3", "P3", "office", utc(2026, 7, 6, 6),
                     m(*resp), m(*res), 0.0, True, "f.csv", 2, excluded_reason=excluded,
                     reopened=reopened)


def test_metrics_count_each_measure_at_its_priority_and_leave_excluded_out() -> None:
    import tomllib

    from mini_project import CONFIG

    from qbr.config import parse_config
    from qbr.metrics import _entry

    config = parse_config(tomllib.loads(CONFIG), SRC_DIR)
    client, tier = config.clients["acme"], config.tiers["gold"]
    rows = [
        # Raised P3 → P1 before resolution: response in the P3 cell, resolution in P1.
        _row("A", ("met", "P3"), ("met", "P1")),
        _row("B", ("breached", "P3"), ("met", "P3"), reopened=True),
        # Excluded: in no cell and not counted as reopened, but in the total.
        _row("C", ("excluded", "P3"), ("excluded", "P3"), excluded="status Duplicate",
             reopened=False),
    ]
    entry = _entry(client, tier, rows, (), 0, True)
    # Response P3: A met + B breached → 1/2 = 50 %; P1 response empty.
    assert (entry["response"]["P3"]["met"], entry["response"]["P3"]["breached"]) == (1, 1)
    assert entry["response"]["P1"]["attainment_pct"] is None
    # Resolution: A in P1 (met), B in P3 (met); all = 2 met.
    assert entry["resolution"]["P1"]["met"] == 1 and entry["resolution"]["P3"]["met"] == 1
    assert entry["resolution"]["all"] == {"met": 2, "breached": 0, "pending": 0,
                                          "attainment_pct": 100.0}
    assert entry["tickets"]["total"] == 3 and entry["tickets"]["excluded"] == 1
    assert entry["tickets"]["reopened"] == 1
