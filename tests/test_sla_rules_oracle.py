"""The SPEC §3a history rules (done class, reopens, pauses) against an independent
minute-by-minute reference on random tickets. The reference shares no code with the
engine: it asks, for every minute, "is the desk open (Mon–Fri 08–12, 13–17 Berlin, no
holidays in the window), which status is in force, is it paused or done?"."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from engine_helpers import OFFICE, clock, event, ticket, utc

from qbr.sla import evaluate

BERLIN = ZoneInfo("Europe/Berlin")
PAUSES = frozenset({"waiting_customer", "waiting_vendor"})
STATUSES = ("running", "waiting_customer", "waiting_vendor", "resolved", "closed")
START = utc(2026, 7, 6, 5)  # Mon 6 Jul 2026 07:00 CEST; no Bavarian holiday until 15 Aug


def open_minute(t: datetime) -> bool:
    local = t.astimezone(BERLIN)
    return local.weekday() < 5 and (8 <= local.hour < 12 or 13 <= local.hour < 17)


def status_at(t: datetime, created: datetime, events: list) -> str:  # type: ignore[type-arg]
    """The status in force during minute [t, t+1): the last event (export order breaks ties)
    stamped at or before t, read from creation on; "running" before the first."""
    current = "running"
    for e in events:  # already in time order; equal stamps keep export order
        if max(e.at, created) <= t:
            current = e.status
    return current


def reference(created: datetime, events: list, as_of: datetime
              ) -> tuple[datetime | None, float, datetime | None, float]:  # type: ignore[type-arg]
    minutes = int((as_of - created).total_seconds() // 60)
    # One more instant than there are minutes: an event stamped exactly at as_of has
    # happened (SPEC §3), so an entry into done at as_of counts (with zero minutes).
    timeline = [created + timedelta(minutes=i) for i in range(minutes + 1)]
    states = [status_at(t, created, events) for t in timeline]
    done = [s in ("resolved", "closed") for s in states]
    # Entries into done: a minute in done whose previous minute was not (or creation).
    entries = [i for i, d in enumerate(done) if d and (i == 0 or not done[i - 1])]
    first_done = timeline[entries[0]] if entries else None
    final = entries[-1] if entries and all(done[entries[-1]:]) else None
    resolved_at = timeline[final] if final is not None else None
    end = final if final is not None else minutes
    response_end = entries[0] if entries else minutes
    response = sum(open_minute(timeline[i]) for i in range(response_end))
    resolution = sum(open_minute(timeline[i]) and states[i] not in PAUSES and not done[i]
                     for i in range(end))
    return first_done, float(response), resolved_at, float(resolution)


def random_history(rng: random.Random, created: datetime) -> list:  # type: ignore[type-arg]
    events, t = [], created - timedelta(minutes=rng.choice((0, 0, 0, 30)))
    for _ in range(rng.randint(0, 9)):
        t += timedelta(minutes=rng.choice((0, 5, 45, 120, 600, 1500)))
        events.append(event(t, rng.choice(STATUSES)))
    return events


def test_random_histories_match_the_minute_reference() -> None:
    rng = random.Random(20261005)
    office = clock(OFFICE)
    for _ in range(300):
        created = START + timedelta(minutes=rng.randrange(0, 3 * 1440))
        events = random_history(rng, created)
        as_of = created + timedelta(minutes=rng.randrange(60, 6 * 1440))
        t = ticket(created)  # no first response: the response is the first entry into done
        sla = evaluate(t, events, as_of, office, PAUSES, lambda p: (60.0, 480.0))
        first_done, response, resolved_at, resolution = reference(created, events, as_of)
        context = (created, [(e.at, e.status) for e in events], as_of)
        if not any(e.at <= as_of for e in events):
            continue  # no history known: the exported times decide (SPEC §3)
        assert sla.response.event_at == first_done, context
        assert sla.response.elapsed_minutes == response, context
        assert sla.resolution.event_at == resolved_at, context
        assert sla.resolution.elapsed_minutes == resolution, context
