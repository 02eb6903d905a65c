"""One ticket's SLA clocks at ``as_of`` (SPEC §3). Pure: no I/O, no wall clock.

- Response event = the earliest of first response, resolved and closed that exist by
  ``as_of`` (resolving or closing a ticket also answers the client).
- Resolution event = resolved, else closed.
- Elapsed = business seconds from ``created_at`` to the event (to ``as_of`` while there is
  none) on the ticket's calendar. Pauses stop the *resolution* clock only.
- Met when elapsed seconds ≤ target × 60; without an event: breached once elapsed at
  ``as_of`` exceeds the target, else pending.
- SPEC §3a (:func:`evaluate_ticket`): with a status history, done/reopen decide the
  events; each measure takes the priority in force at its event; excluded tickets keep
  their clocks for ``explain`` but their states are ``excluded``.

This scalar engine is the oracle of the bulk engine and the source of ``qbr explain``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from qbr.calendar import BusinessClock
from qbr.history import DONE, Lifecycle, has_priority_history, lifecycle, priority_at
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
    """Both measures of one ticket plus the pause that was subtracted (business seconds:
    status pauses and, with a history, time sat in done before a reopen)."""

    response: Measure
    resolution: Measure
    paused_seconds: float
    pause_measured: bool
    reopened_seconds: float = 0.0
    reopened: bool = False
    excluded_reason: str | None = None
    closed_without_time: bool = False
    response_rule: str = ""
    resolution_rule: str = ""
    response_calendar: str = ""
    resolution_calendar: str = ""


@dataclass(frozen=True)
class Terms:
    """What a priority brings to a ticket's measures: its targets (business minutes,
    ``None`` when the priority is not in the tier: unclassified) and the clock its calendar
    runs on. ``priority`` is the tier key, ``None`` for unclassified."""

    priority: str | None
    response_minutes: float | None
    resolution_minutes: float | None
    clock: BusinessClock
    calendar: str


def evaluate(ticket: Ticket, events: Sequence[StatusEvent] | None, as_of: datetime,
             clock: BusinessClock, pause_statuses: frozenset[str],
             targets: Callable[[str], tuple[float, float] | None]) -> TicketSla:
    """:func:`evaluate_ticket` with one clock for every priority.

    ``targets(priority)`` gives (response, resolution) minutes, or ``None`` when the
    priority is not in the tier (unclassified: measured, never judged)."""

    def terms(priority: str | None) -> Terms:
        wanted = targets(priority) if priority is not None else None
        if not wanted:
            return Terms(None, None, None, clock, "")
        return Terms(priority, wanted[0], wanted[1], clock, "")

    return evaluate_ticket(ticket, events, as_of, terms, pause_statuses)


def evaluate_ticket(ticket: Ticket, events: Sequence[StatusEvent] | None, as_of: datetime,
                    terms: Callable[[str | None], Terms], pause_statuses: frozenset[str],
                    excluded_reason: str | None = None,
                    status_reason: str = "status excluded") -> TicketSla:
    """A ticket's response and resolution measures at ``as_of`` under SPEC §3 and §3a.

    ``events`` is the ticket's status history (``None``: its source has none). With at
    least one event known at ``as_of`` the history decides the events (§3a): response =
    the earliest of first response and the first entry into done; resolution = the last
    entry into done not followed by a reopen; time in done before a reopen is subtracted
    like a pause. Otherwise the exported times decide (§3). Each measure uses the priority
    in force at its event (at ``as_of`` without one) and that priority's target and
    calendar, timed from creation. ``excluded_reason`` (column or category) or holding the
    status ``excluded`` (reason ``status_reason``) makes both states ``excluded``."""
    known = [e for e in events or () if e.at <= as_of]
    life = lifecycle(ticket.created_at, known, as_of) if known else None

    resp_at, resp_rule = _response(ticket, life, as_of)
    resp_terms = terms(_priority(ticket, known, resp_at or as_of, as_of))
    resp_elapsed = resp_terms.clock.seconds(ticket.created_at, resp_at or as_of)

    res_at, res_rule, closed_blind = _resolution(ticket, life, as_of)
    res_terms = terms(_priority(ticket, known, res_at or as_of, as_of))
    res_clock = res_terms.clock
    end = res_at or as_of
    gross = res_clock.seconds(ticket.created_at, end)
    if events is None:
        pause = measure_pause(ticket, None, end, as_of, res_clock, pause_statuses)
        status_spans: list[Interval] = []
    else:
        status_spans = paused_intervals(ticket.created_at, end, known, pause_statuses)
        pause = PauseResult(res_clock.seconds_in(status_spans), True)
    reopen_spans = _clip(life.reopen_spans if life else (), ticket.created_at, end)
    reopened_s = res_clock.seconds_in(reopen_spans)
    if reopen_spans:  # a span cannot be both paused and done; the union keeps it exact
        subtracted = res_clock.seconds_in(union([*status_spans, *reopen_spans]))
    else:
        subtracted = pause.seconds
    net = max(gross - subtracted, 0.0)  # a vendor's reported pause may exceed the span

    excluded = excluded_reason or (status_reason if _holds_excluded(ticket, life) else None)
    resp_state = judge(resp_elapsed, resp_terms.response_minutes, resp_at is not None)
    res_state = judge(net, res_terms.resolution_minutes, res_at is not None)
    if excluded:
        resp_state = res_state = "excluded"
    response = Measure(resp_terms.response_minutes, resp_elapsed / 60.0, resp_state, resp_at,
                       resp_terms.priority)
    resolution = Measure(res_terms.resolution_minutes, net / 60.0, res_state, res_at,
                         res_terms.priority)
    return TicketSla(
        response, resolution, min(subtracted, gross), pause.measured,
        reopened_seconds=reopened_s, reopened=bool(life and life.reopened) and not excluded,
        excluded_reason=excluded, closed_without_time=closed_blind,
        response_rule=resp_rule, resolution_rule=res_rule,
        response_calendar=resp_terms.calendar, resolution_calendar=res_terms.calendar)


def _clip(spans: Sequence[Interval], start: datetime, end: datetime) -> list[Interval]:
    return [(max(a, start), min(b, end)) for a, b in spans if min(b, end) > max(a, start)]


def _holds_excluded(ticket: Ticket, life: Lifecycle | None) -> bool:
    """The canonical status ``excluded`` held at any time by ``as_of``: from the history
    when there is one, else the exported status (SPEC §3a)."""
    return life.excluded if life is not None else ticket.status == "excluded"


def _priority(ticket: Ticket, known: Sequence[StatusEvent], when: datetime,
              as_of: datetime) -> str | None:
    """The priority in force at a measure's event (SPEC §3a); the exported one without a
    priority history."""
    if not has_priority_history(known, as_of):
        return ticket.priority
    return priority_at(ticket.created_at, known, when, as_of, ticket.priority)


def _fmt(t: datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M UTC")


def _response(ticket: Ticket, life: Lifecycle | None, as_of: datetime
              ) -> tuple[datetime | None, str]:
    """The response event and the rule that chose it, in words."""
    first = seen(ticket.first_response_at, as_of)
    if life is not None:
        done = life.first_done
        if first is not None and (done is None or first <= done):
            return first, "response = first response time"
        if done is not None:
            why = "no first response in the export" if first is None else \
                "earlier than the first response"
            return done, f"response = first entry into {life.first_done_status} in the " \
                f"status history: {why}"
        return None, "no response by as_of"
    candidates = [(t, name) for t, name in ((first, "first response"),
                                            (seen(ticket.resolved_at, as_of), "resolved"),
                                            (seen(ticket.closed_at, as_of), "closed"))
                  if t is not None]
    if not candidates:
        return None, "no response by as_of"
    at, name = min(candidates, key=lambda c: c[0])  # stable: first response wins a tie
    if name == "first response":
        return at, "response = first response time"
    why = "no first response in the export" if first is None else \
        "earlier than the first response"
    return at, f"response = {name} time: {why} (resolving or closing answers the client)"


def _resolution(ticket: Ticket, life: Lifecycle | None, as_of: datetime
                ) -> tuple[datetime | None, str, bool]:
    """The resolution event, the rule that chose it, and whether the export says
    resolved/closed without any time (counted and shown; the ticket stays open)."""
    if life is not None:
        reopens = len(life.reopen_spans)
        again = f" after {reopens} reopen{'s' if reopens > 1 else ''}" if reopens else ""
        if life.resolved is not None:
            return life.resolved, f"resolution = last entry into {life.resolved_status} in " \
                f"the status history{again} (exported resolved/closed times not used)", False
        if reopens:
            return None, f"no resolution by as_of: reopened at " \
                f"{_fmt(life.reopen_spans[-1][1])}", False
        return None, "no resolution by as_of", False
    resolved, closed = seen(ticket.resolved_at, as_of), seen(ticket.closed_at, as_of)
    if resolved is not None:
        return resolved, "resolution = resolved time", False
    if closed is not None:
        return closed, "resolution = closed time: no resolved time in the export", False
    if ticket.status in DONE and ticket.resolved_at is None and ticket.closed_at is None:
        return None, f"no resolution: status {ticket.status} but no resolved or closed " \
            "time in the export (counted as open at as_of)", True
    return None, "no resolution by as_of", False


def nearest_rank(values: Sequence[float], pct: float) -> float | None:
    """The smallest value v with at least ``pct`` % of values ≤ v (SPEC §3). The median of
    an even count is the lower middle value, so "p % of tickets within v" is true."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))  # ceil without float error for int pct
    return ordered[int(rank) - 1]
