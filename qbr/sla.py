"""One ticket's SLA clocks at ``as_of`` (SPEC §3). Pure: no I/O, no wall clock.

- Response event = the earliest of first response, resolved and closed that exist by
  ``as_of`` (resolving or closing a ticket also answers the client).
- Resolution event = resolved, else closed.
- Elapsed = business seconds from ``created_at`` to the event (to ``as_of`` while there is
  none) on the ticket's calendar. Pauses stop the *resolution* clock only.
- Met when elapsed seconds ≤ target × 60; without an event: breached once elapsed at
  ``as_of`` exceeds the target, else pending.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from qbr.calendar import BusinessClock
from qbr.intervals import Interval, union
from qbr.model import StatusEvent, Ticket
from qbr.pack import Measure, State


@dataclass(frozen=True)
class PauseResult:
    """Business seconds subtracted from the resolution clock, and whether we could know."""

    seconds: float
    measured: bool


def seen(t: datetime | None, as_of: datetime) -> datetime | None:
    """A timestamp after ``as_of`` has not happened yet (SPEC §3)."""
    return t if t is not None and t <= as_of else None


def response_event(ticket: Ticket, as_of: datetime) -> datetime | None:
    """Earliest of first response, resolved and closed that happened by ``as_of``."""
    times = [seen(t, as_of) for t in (ticket.first_response_at, ticket.resolved_at,
                                       ticket.closed_at)]
    present = [t for t in times if t is not None]
    return min(present) if present else None


def resolution_event(ticket: Ticket, as_of: datetime) -> datetime | None:
    """Resolved, else closed, as known at ``as_of``."""
    return seen(ticket.resolved_at, as_of) or seen(ticket.closed_at, as_of)


def paused_intervals(created: datetime, end: datetime, events: Sequence[StatusEvent],
                     pause_statuses: frozenset[str]) -> list[Interval]:
    """Wall-clock intervals inside ``[created, end)`` during which a pause status was in
    force. Each event holds from its ``at`` (from ``created`` if stamped earlier) until the
    next event; equal ``at`` keep export order, so the later row wins (SPEC §2)."""
    spans: list[Interval] = []
    ordered = sorted(events, key=lambda e: e.at)  # stable: equal `at` keep file order
    for i, event in enumerate(ordered):
        if event.status not in pause_statuses:
            continue
        start = max(event.at, created)
        stop = ordered[i + 1].at if i + 1 < len(ordered) else end
        stop = min(stop, end)
        if stop > start:
            spans.append((start, stop))
    return union(spans)


def measure_pause(ticket: Ticket, events: Sequence[StatusEvent] | None, end: datetime,
                  as_of: datetime, clock: BusinessClock, pause_statuses: frozenset[str]
                  ) -> PauseResult:
    """Paused business seconds in ``[created, end)``.

    ``events is None`` means the ticket's source has no status history: the vendor's
    ``reported_pause`` (business minutes) is used when present, else the pause is zero and
    flagged unmeasured (SPEC §3) so the pack can say so."""
    if events is None:
        if ticket.reported_pause_minutes is not None:
            return PauseResult(max(ticket.reported_pause_minutes, 0.0) * 60.0, True)
        return PauseResult(0.0, False)
    known = [e for e in events if e.at <= as_of]
    spans = paused_intervals(ticket.created_at, end, known, pause_statuses)
    return PauseResult(clock.seconds_in(spans), True)


def judge(elapsed_seconds: float, target_minutes: float | None, has_event: bool) -> State:
    """met / breached / pending for one measure; ``unclassified`` without a target."""
    if target_minutes is None:
        return "unclassified"
    if elapsed_seconds <= target_minutes * 60.0:
        return "met" if has_event else "pending"
    return "breached"


@dataclass(frozen=True)
class TicketSla:
    """Both measures of one ticket plus the pause that was subtracted."""

    response: Measure
    resolution: Measure
    paused_seconds: float
    pause_measured: bool


def evaluate(ticket: Ticket, events: Sequence[StatusEvent] | None, as_of: datetime,
             clock: BusinessClock, pause_statuses: frozenset[str],
             targets: Callable[[str], tuple[float, float] | None]) -> TicketSla:
    """Compute a ticket's response and resolution measures at ``as_of``.

    ``targets(priority)`` gives (response, resolution) minutes, or ``None`` when the
    priority is not in the tier (unclassified: measured, never judged)."""
    wanted = targets(ticket.priority) if ticket.priority is not None else None
    resp_target, res_target = wanted if wanted else (None, None)

    resp_at = response_event(ticket, as_of)
    resp_elapsed = clock.seconds(ticket.created_at, resp_at or as_of)
    response = Measure(resp_target, resp_elapsed / 60.0,
                       judge(resp_elapsed, resp_target, resp_at is not None), resp_at)

    res_at = resolution_event(ticket, as_of)
    end = res_at or as_of
    pause = measure_pause(ticket, events, end, as_of, clock, pause_statuses)
    gross = clock.seconds(ticket.created_at, end)
    net = max(gross - pause.seconds, 0.0)  # a vendor's reported pause may exceed the span
    resolution = Measure(res_target, net / 60.0, judge(net, res_target, res_at is not None),
                         res_at)
    return TicketSla(response, resolution, min(pause.seconds, gross), pause.measured)


def nearest_rank(values: Sequence[float], pct: float) -> float | None:
    """The smallest value v with at least ``pct`` % of values ≤ v (SPEC §3). The median of
    an even count is the lower middle value, so "p % of tickets within v" is true."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))  # ceil without float error for int pct
    return ordered[int(rank) - 1]
