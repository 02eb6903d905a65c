"""The column-wise engine against two oracles, on thousands of random tickets:

1. the per-ticket reference of SPEC §3/§3a in ``vector_helpers.reference`` (reopens,
   priority changes, exclusions, pauses, events before creation and at equal instants);
2. today's scalar :func:`qbr.sla.evaluate` on tickets without reopen, priority change or
   exclusion;
3. the scalar :func:`qbr.ticketrules.ticket_sla` with every rule on: the workbook rows.

Created times fall around the DST changes (Berlin 26 Oct 2025 / 29 Mar 2026, New York
2 Nov 2025 / 8 Mar 2026), Bavarian and New York holidays, the lunch break of the split
day and the December half days. Seconds must agree to 1e-6 (whole-second inputs make both
exact); states, events, priorities, reopen and exclusion flags must agree exactly.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from vector_helpers import make_config, reference, run_vector, vector_engine

from qbr.calendar import BusinessClock, ClockSpec, calendar_name, clock_spec
from qbr.model import Provenance, StatusEvent, Ticket
from qbr.quarters import Quarter
from qbr.sla import evaluate
from qbr.ticketrules import ticket_sla

SRC = Provenance("t.csv", 2)
CONFIG = make_config()
QUARTERS = {Quarter(2025, 4): (datetime(2025, 10, 1, tzinfo=UTC), datetime(2026, 1, 6,
                                                                              tzinfo=UTC)),
            Quarter(2026, 1): (datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 4, 6,
                                                                         tzinfo=UTC))}
STATUSES = ["running", "pause", "waiting_customer", "waiting_vendor", "resolved", "closed",
            "excluded"]
MINUTES = 60
# Shrinking a batch of 50 tickets takes minutes; the failure message names the ticket.
NO_SHRINK = (Phase.explicit, Phase.reuse, Phase.generate)
CLOCKS: dict[ClockSpec, BusinessClock] = {}


def gold_targets(prio: str) -> tuple[float, float] | None:
    tier = CONFIG.tiers["gold"]
    if prio not in tier.response_minutes:
        return None
    return tier.response_minutes[prio], tier.resolution_minutes[prio]


@st.composite
def a_ticket(draw: st.DrawFn, idx: int, quarter: Quarter, plain: bool = False
             ) -> tuple[Ticket, list[StatusEvent], bool]:
    """A random ticket with its events; ``plain`` = no reopen, priority or exclusion."""
    q_lo, q_hi = QUARTERS[quarter]
    span = int((q_hi - q_lo).total_seconds())
    created = q_lo + timedelta(seconds=draw(st.integers(0, span - 1)) // 60 * 60
                               + draw(st.sampled_from([0, 0, 17])))
    later = st.integers(0, 20 * 24 * 60).map(lambda m: created + timedelta(minutes=m))
    opt = st.none() | later
    client = draw(st.sampled_from(["acme", "hudson"]))
    system = draw(st.sampled_from(["psa", "psa", "mail"]))
    prio = draw(st.sampled_from(["P1", "P2", "P3", "P4", "PX", None]))
    resolved = draw(opt)
    t = Ticket(system=system, ticket_id=f"T{idx}", client=client, priority=prio,
               priority_raw=str(prio), created_at=created,
               first_response_at=draw(opt), resolved_at=resolved,
               closed_at=None if plain else draw(opt), updated_at=None, status=None,
               title="t", category=None if plain else draw(
                   st.sampled_from([None, "Incident", " project "])),
               queue=None, source=SRC,
               reported_pause_minutes=draw(st.none() | st.floats(0, 600)),
               excluded_reason=None if plain else draw(st.sampled_from([None, None, "CR"])))
    events: list[StatusEvent] = []
    if system == "psa":
        n = draw(st.integers(0, 7))
        at = created - timedelta(minutes=draw(st.sampled_from([0, 0, 30])))
        allowed = ["running", "pause", "waiting_customer", "waiting_vendor"] if plain \
            else STATUSES
        for _ in range(n):
            at += timedelta(minutes=draw(st.sampled_from([0, 5, 90, 600, 3000])))
            p = None if plain else draw(st.sampled_from([None, None, "P1", "P2", "P3",
                                                         "PX"]))
            events.append(StatusEvent("psa", t.ticket_id, at, draw(st.sampled_from(allowed)),
                                      SRC, p))
        if plain and resolved is not None:
            # the history resolves the ticket when the export says it was resolved
            if all(e.at <= resolved for e in events):
                events.append(StatusEvent("psa", t.ticket_id, resolved, "resolved", SRC))
            else:
                t = Ticket(**{**t.__dict__, "resolved_at": None})
    return t, events, system == "psa"


def batch(quarter: Quarter, plain: bool = False
          ) -> st.SearchStrategy[list[tuple[Ticket, list[StatusEvent], bool]]]:
    return st.integers(40, 60).flatmap(
        lambda n: st.tuples(*(a_ticket(i, quarter, plain) for i in range(n))).map(list))


AS_OF = st.sampled_from([datetime(2025, 11, 20, 9, tzinfo=UTC),
                         datetime(2026, 1, 10, 12, tzinfo=UTC),
                         datetime(2026, 3, 20, 7, 30, tzinfo=UTC),
                         datetime(2026, 5, 1, tzinfo=UTC)])


def same(vector: dict[str, object], ref: dict[str, object]) -> None:
    for m in ("response", "resolution"):
        vp, ve, vs, vat = vector[m]  # type: ignore[misc]
        rp, re_, rs, rat = ref[m]  # type: ignore[misc]
        assert (vp, vs, vat) == (rp, rs, rat), m
        assert abs(ve - re_) <= 1e-6, m
    assert abs(vector["paused"] - ref["paused"]) <= 1e-6  # type: ignore[operator]
    assert vector["reopened"] == ref["reopened"]
    assert vector["excluded"] == ref["excluded"]


@pytest.mark.parametrize("quarter", list(QUARTERS))
@settings(max_examples=40, deadline=None, phases=NO_SHRINK,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_vector_equals_reference(quarter: Quarter, data: st.DataObject) -> None:
    tickets = data.draw(batch(quarter))
    as_of = data.draw(AS_OF)
    flat = [t for t, _, _ in tickets]
    events = [e for _, evs, _ in tickets for e in evs]
    got = run_vector(CONFIG, flat, events, quarter, as_of)
    expected_ids = {t.ticket_id for t in flat if t.created_at <= as_of and Quarter.of(
        t.created_at, CONFIG.clients[t.client].timezone) == quarter}
    assert set(got) == expected_ids
    for t, evs, history in tickets:
        if t.ticket_id in got:
            want = reference(CONFIG, t, evs if history else None, as_of)
            try:
                same(got[t.ticket_id], want)
            except AssertionError as exc:
                raise AssertionError(f"{exc}: {t} {evs} as_of={as_of} "
                                     f"vector={got[t.ticket_id]} reference={want}") from None


@pytest.mark.parametrize("quarter", list(QUARTERS))
@settings(max_examples=25, deadline=None, phases=NO_SHRINK,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_vector_equals_scalar_engine_without_new_rules(quarter: Quarter,
                                                       data: st.DataObject) -> None:
    tickets = data.draw(batch(quarter, plain=True))
    as_of = data.draw(AS_OF)
    flat = [t for t, _, _ in tickets]
    got = run_vector(CONFIG, flat, [e for _, evs, _ in tickets for e in evs], quarter, as_of)
    for t, evs, history in tickets:
        if t.ticket_id not in got:
            continue
        client = CONFIG.clients[t.client]
        tier = CONFIG.tiers[client.tier]
        prio = t.priority if t.priority in tier.response_minutes else None
        spec = clock_spec(CONFIG.calendars[calendar_name(tier, client, prio)],
                          client.timezone, client.holidays)
        clock = CLOCKS.setdefault(spec, BusinessClock(spec))
        sla = evaluate(t, tuple(evs) if history else None, as_of, clock, tier.pause_statuses,
                       gold_targets)
        v = got[t.ticket_id]
        for m, measure in (("response", sla.response), ("resolution", sla.resolution)):
            assert v[m][2] == measure.state, (t, m)
            assert abs(v[m][1] - measure.elapsed_minutes * MINUTES) <= 1e-6, (t, m)
            want_at = None if measure.event_at is None else measure.event_at.timestamp()
            assert v[m][3] == want_at
        assert abs(v["paused"] - sla.paused_seconds) <= 1e-6


@pytest.mark.parametrize("quarter", list(QUARTERS))
@settings(max_examples=20, deadline=None, phases=NO_SHRINK,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_vector_rows_equal_ticket_sla_with_every_rule(quarter: Quarter,
                                                      data: st.DataObject) -> None:
    """The workbook rows of the column-wise engine against the scalar oracle
    :func:`qbr.ticketrules.ticket_sla` with every §3a rule on, plus exported statuses
    (resolved/closed without any time, ``excluded`` without a history)."""
    tickets = data.draw(batch(quarter))
    statuses = data.draw(st.lists(st.sampled_from([None, "running", "resolved", "closed",
                                                   "excluded"]),
                                  min_size=len(tickets), max_size=len(tickets)))
    blind = data.draw(st.lists(st.booleans(), min_size=len(tickets), max_size=len(tickets)))
    drawn = []
    for (t, evs, history), status, no_times in zip(tickets, statuses, blind, strict=True):
        change: dict[str, object] = {"status": status}
        if no_times:  # SPEC §3a closed without a close time
            change |= {"resolved_at": None, "closed_at": None}
        drawn.append((replace(t, **change), evs, history))  # type: ignore[arg-type]
    as_of = data.draw(AS_OF)
    flat = [t for t, _, _ in drawn]
    engine = vector_engine(CONFIG, flat, [e for _, evs, _ in drawn for e in evs])
    rows = {r.ticket_id: r for key in CONFIG.clients
            for r in engine.client_quarter(key, quarter, as_of).tickets}

    def clock_for(spec: ClockSpec) -> BusinessClock:
        return CLOCKS.setdefault(spec, BusinessClock(spec))

    for t, evs, history in drawn:
        if t.ticket_id not in rows:
            continue
        client = CONFIG.clients[t.client]
        want = ticket_sla(CONFIG, client, CONFIG.tiers[client.tier], t,
                          tuple(sorted(evs, key=lambda e: e.at)) if history else None,
                          as_of, clock_for)
        row = rows[t.ticket_id]
        for got, exp in ((row.response, want.response), (row.resolution, want.resolution)):
            assert (got.state, got.event_at, got.priority, got.target_minutes) == \
                (exp.state, exp.event_at, exp.priority, exp.target_minutes), (t, evs)
            assert abs(got.elapsed_minutes - exp.elapsed_minutes) * MINUTES <= 1e-6, (t, evs)
        assert abs(row.paused_minutes * MINUTES - want.paused_seconds) <= 1e-6, (t, evs)
        assert abs(row.reopened_minutes * MINUTES - want.reopened_seconds) <= 1e-6, (t, evs)
        assert (row.excluded_reason, row.reopened, row.closed_without_time,
                row.pause_measured, row.calendar) == \
            (want.excluded_reason, want.reopened, want.closed_without_time,
             want.pause_measured, want.resolution_calendar), (t, evs)
