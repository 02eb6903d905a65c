"""``qbr explain``: one ticket's clocks as a timeline (SPEC §3, §3a).

The verdicts come from :func:`qbr.ticketrules.ticket_sla`, the very function the engine
builds the workbook's ticket rows from, so the two cannot disagree. This module only adds
the *why*: the span from creation to the event (or ``as_of``) cut into intervals — open,
outside hours, lunch, weekend, holiday (by name, from the ``holidays`` package), closed
date, paused by status, sat in done before a reopen — with the business minutes each
counts and the running total. Instants are UTC; the text view shows them in the clock's
zone (the client's, or the calendar's own).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache, lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import holidays as holidays_lib

from qbr.calendar import BusinessClock, ClockSpec, clock_spec, local_to_utc
from qbr.config import WEEKDAYS, Config, HolidayRule
from qbr.errors import UsageError
from qbr.history import lifecycle
from qbr.ingest import Dataset
from qbr.intervals import Interval, union
from qbr.model import StatusEvent, Ticket
from qbr.pack import Measure
from qbr.quarters import Quarter, quarter_of
from qbr.sla import TicketSla, paused_intervals
from qbr.ticketrules import history_of, ticket_sla

SCHEMA = "qbr.explain/1"


@dataclass(frozen=True)
class Segment:
    """One interval of a clock: ``kind`` is ``open``, ``outside_hours``, ``lunch``,
    ``weekend``, ``holiday``, ``closed_date``, ``closed``, ``paused`` or ``reopened``;
    ``business_minutes`` is what it adds to the clock (0 unless ``open``)."""

    start: datetime
    end: datetime
    kind: str
    label: str
    business_minutes: float
    running_minutes: float


@dataclass(frozen=True)
class MeasureStory:
    """One measure's verdict, the rule that chose its event, and its timeline."""

    name: str
    measure: Measure
    calendar: str
    timezone: str
    rule: str
    verdict: str
    segments: tuple[Segment, ...]
    subtracted_minutes: float = 0.0  # resolution: pauses and time in done (business min)
    reopened_minutes: float = 0.0
    reported_pause_minutes: float | None = None  # vendor's figure, no history to place


@dataclass(frozen=True)
class Explanation:
    """Everything ``qbr explain`` prints for one ticket."""

    client: str
    quarter: str
    as_of: datetime
    ticket: Ticket
    sla: TicketSla
    response: MeasureStory
    resolution: MeasureStory


# ------------------------------------------------------------------------ building


def explain_ticket(client: str, quarter: str, ticket: Ticket,
                   events: Sequence[StatusEvent] | None, sla: TicketSla, as_of: datetime,
                   clock_for_calendar: Callable[[str], BusinessClock],
                   pause_statuses: frozenset[str]) -> Explanation:
    """Lay out both clocks of ``ticket``. ``clock_for_calendar(name)`` gives the business
    clock of a calendar name for this client (the same clocks the verdicts used)."""
    known = [e for e in events or () if e.at <= as_of]
    created = ticket.created_at

    resp_clock = clock_for_calendar(sla.response_calendar)
    resp_end = sla.response.event_at or as_of
    response = MeasureStory(
        "response", sla.response, sla.response_calendar, resp_clock.spec.timezone,
        sla.response_rule, verdict(sla.response, sla.excluded_reason),
        tuple(_running(calendar_segments(resp_clock, created, resp_end))))

    res_clock = clock_for_calendar(sla.resolution_calendar)
    res_end = sla.resolution.event_at or as_of
    overlays: list[tuple[Interval, str, str]] = []
    if known:
        spans = paused_intervals(created, res_end, known, pause_statuses)
        overlays += [(s, "paused", _status_at(known, s[0], created)) for s in spans]
        life = lifecycle(created, known, as_of)
        overlays += [((a, min(b, res_end)), "reopened", "resolved, then reopened")
                     for a, b in life.reopen_spans if min(b, res_end) > a]
    segments = calendar_segments(res_clock, created, res_end)
    reported = ticket.reported_pause_minutes if events is None else None
    resolution = MeasureStory(
        "resolution", sla.resolution, sla.resolution_calendar, res_clock.spec.timezone,
        sla.resolution_rule, verdict(sla.resolution, sla.excluded_reason),
        tuple(_running(_overlay(segments, overlays))),
        subtracted_minutes=sla.paused_seconds / 60.0,
        reopened_minutes=sla.reopened_seconds / 60.0, reported_pause_minutes=reported)
    return Explanation(client, quarter, as_of, ticket, sla, response, resolution)


def _status_at(events: Sequence[StatusEvent], at: datetime, created: datetime) -> str:
    current = ""
    for e in sorted(events, key=lambda e: e.at):
        if max(e.at, created) <= at:
            current = e.status
    return current or "paused"


def verdict(m: Measure, excluded_reason: str | None) -> str:
    """The verdict in words, with the comparison that decided it (unrounded minutes)."""
    elapsed = f"{m.elapsed_minutes:.1f}"
    if m.state == "excluded":
        return f"excluded ({excluded_reason}): in no count, percentile or 'all'"
    if m.state == "unclassified" or m.target_minutes is None:
        return "unclassified: the priority is not in the tier (measured, never judged)"
    target = f"{m.target_minutes:g}"
    if m.state == "met":
        return f"met: {elapsed} ≤ {target} min"
    if m.state == "breached":
        return f"breached: {elapsed} > {target} min" + ("" if m.event_at else
                                                       " (already at as_of)")
    return f"pending: {elapsed} ≤ {target} min at as_of, no event yet (listed, not counted)"


# ----------------------------------------------------------------- calendar layout


@cache
def _holiday_names(rule: HolidayRule, year: int) -> dict[date, str]:
    days = holidays_lib.country_holidays(rule.country, subdiv=rule.subdiv, years=year,
                                         observed=True, categories=rule.categories)
    return {d: str(name) for d, name in days.items()}


def _closed_reason(clock: BusinessClock, day: date) -> tuple[str, str]:
    """Why a local day has no opening hours: closed date, holiday (named), weekend."""
    cal = clock.spec.calendar
    if day in cal.closed:
        return "closed_date", "closed date"
    rule = clock.spec.holidays
    if rule is not None and day in _holiday_names(rule, day.year):
        return "holiday", _holiday_names(rule, day.year)[day]
    if not cal.hours[day.weekday()]:
        if day.weekday() >= 5:
            return "weekend", "weekend"
        return "closed", f"no opening hours on {WEEKDAYS[day.weekday()]}"
    return "closed", "closed (calendar exception)"


def calendar_segments(clock: BusinessClock, start: datetime, end: datetime
                      ) -> list[tuple[datetime, datetime, str, str]]:
    """``[start, end)`` cut into open and closed intervals of ``clock``'s calendar, with
    neighbouring intervals of the same kind and label merged (a night is one interval)."""
    if end <= start:
        return []
    if clock.spec.calendar.always:
        return [(start, end, "open", "open (24x7)")]
    zone = ZoneInfo(clock.spec.timezone)
    out: list[tuple[datetime, datetime, str, str]] = []
    day = start.astimezone(zone).date() - timedelta(days=1)
    last = end.astimezone(zone).date()
    while day <= last:
        out += _day_segments(clock, day, zone)
        day += timedelta(days=1)
    clipped = [(max(a, start), min(b, end), k, lab) for a, b, k, lab in out
               if min(b, end) > max(a, start)]
    return _merge(clipped)


def _day_segments(clock: BusinessClock, day: date, zone: ZoneInfo
                  ) -> list[tuple[datetime, datetime, str, str]]:
    lo = local_to_utc(day, time(0), zone)
    hi = local_to_utc(day + timedelta(days=1), time(0), zone)
    ranges = [(datetime.fromtimestamp(a, lo.tzinfo), datetime.fromtimestamp(b, lo.tzinfo))
              for a, b in clock._open_ranges(day)]  # the clock's own day layout
    if not ranges:
        kind, label = _closed_reason(clock, day)
        return [(lo, hi, kind, label)]
    out = []
    cursor = lo
    for i, (a, b) in enumerate(ranges):
        if a > cursor:
            gap = ("outside_hours", "outside opening hours") if i == 0 else ("lunch", "lunch")
            out.append((cursor, a, *gap))
        out.append((a, b, "open", "open"))
        cursor = b
    if hi > cursor:
        out.append((cursor, hi, "outside_hours", "outside opening hours"))
    return out


def _merge(segments: Iterable[tuple[datetime, datetime, str, str]]
           ) -> list[tuple[datetime, datetime, str, str]]:
    out: list[tuple[datetime, datetime, str, str]] = []
    for seg in segments:
        if out and out[-1][1] == seg[0] and out[-1][2:] == seg[2:] and seg[2] != "open":
            out[-1] = (out[-1][0], seg[1], seg[2], seg[3])
        else:
            out.append(seg)
    return out


def _overlay(segments: Sequence[tuple[datetime, datetime, str, str]],
             overlays: Sequence[tuple[Interval, str, str]]
             ) -> list[tuple[datetime, datetime, str, str]]:
    """Open time inside a pause or a stay in done becomes ``paused``/``reopened``: it is
    shown, but adds nothing to the resolution clock. Closed time stays closed."""
    cuts = union(iv for iv, _, _ in overlays)
    out: list[tuple[datetime, datetime, str, str]] = []
    for a, b, kind, label in segments:
        if kind != "open":
            out.append((a, b, kind, label))
            continue
        points = sorted({a, b, *(x for iv in cuts for x in iv if a < x < b)})
        for s, e in itertools.pairwise(points):
            hit = next(((k, lab) for iv, k, lab in overlays if iv[0] <= s and e <= iv[1]),
                       None)
            out.append((s, e, *hit) if hit else (s, e, kind, label))
    return out


def _running(segments: Sequence[tuple[datetime, datetime, str, str]]) -> list[Segment]:
    total = 0.0
    out = []
    for a, b, kind, label in segments:
        minutes = (b - a).total_seconds() / 60.0 if kind == "open" else 0.0
        total += minutes
        out.append(Segment(a, b, kind, label, minutes, total))
    return out


# ------------------------------------------------------------------------- output


def _story_json(s: MeasureStory) -> dict[str, Any]:
    m = s.measure
    doc: dict[str, Any] = {
        "priority": m.priority, "calendar": s.calendar, "timezone": s.timezone,
        "target_minutes": m.target_minutes, "elapsed_minutes": m.elapsed_minutes,
        "state": m.state, "event_at": m.event_at.isoformat() if m.event_at else None,
        "rule": s.rule, "verdict": s.verdict,
        "timeline": [{"start": g.start.isoformat(), "end": g.end.isoformat(),
                      "kind": g.kind, "label": g.label,
                      "business_minutes": g.business_minutes,
                      "running_minutes": g.running_minutes} for g in s.segments],
    }
    if s.name == "resolution":
        doc["subtracted_minutes"] = s.subtracted_minutes
        doc["reopened_minutes"] = s.reopened_minutes
        doc["reported_pause_minutes"] = s.reported_pause_minutes
    return doc


def explanation_json(x: Explanation) -> dict[str, Any]:
    """The ``qbr.explain/1`` document: per measure the elapsed minutes and state exactly
    as the workbook's row has them, the rule, the verdict and the timeline."""
    t = x.ticket
    return {
        "schema": SCHEMA, "client": x.client, "quarter": x.quarter,
        "as_of": x.as_of.isoformat(), "system": t.system, "ticket_id": t.ticket_id,
        "title": t.title, "priority_exported": t.priority_raw,
        "created_at": t.created_at.isoformat(), "excluded_reason": x.sla.excluded_reason,
        "reopened": x.sla.reopened, "pause_measured": x.sla.pause_measured,
        "closed_without_time": x.sla.closed_without_time,
        "source": {"file": t.source.file, "row": t.source.row},
        "response": _story_json(x.response), "resolution": _story_json(x.resolution),
    }


#: How each interval kind reads in the terminal.
_LABELS = {"open": "{label}", "outside_hours": "outside opening hours", "lunch": "lunch",
           "weekend": "weekend", "holiday": "holiday: {label}", "closed_date": "closed date",
           "paused": "paused ({label})", "reopened": "resolved, then reopened"}


def _local(t: datetime, zone: str) -> str:
    return t.astimezone(ZoneInfo(zone)).strftime("%a %Y-%m-%d %H:%M")


def explanation_lines(x: Explanation) -> Iterable[str]:
    """The terminal view: header, then each clock's timeline and verdict."""
    t = x.ticket
    yield f"Ticket {t.ticket_id} ({t.system}) of client {x.client}, quarter {x.quarter}"
    yield f"Title: {t.title!r} · priority as exported {t.priority_raw!r}"
    yield f"Source: {t.source.file}, row {t.source.row}"
    if x.sla.excluded_reason:
        yield f"EXCLUDED from the SLA: {x.sla.excluded_reason}"
    for story in (x.response, x.resolution):
        m = story.measure
        target = "no target" if m.target_minutes is None else f"target {m.target_minutes:g} min"
        yield ""
        yield (f"{story.name.capitalize()}: priority {m.priority or '(unclassified)'}, "
               f"calendar {story.calendar} ({story.timezone}), {target}")
        yield f"  {'from':<20} {'to':<20} {'interval':<34} {'min':>8} {'running':>9}"
        for g in story.segments:
            label = _LABELS.get(g.kind, "{label}").format(label=g.label)
            yield (f"  {_local(g.start, story.timezone):<20} {_local(g.end, story.timezone):<20}"
                   f" {label[:34]:<34} {g.business_minutes:>8.1f} {g.running_minutes:>9.1f}")
        if story.reported_pause_minutes is not None:
            yield f"  minus the vendor's reported pause: {story.reported_pause_minutes:g} min"
        if story.name == "resolution" and story.subtracted_minutes:
            yield (f"  not counted: {story.subtracted_minutes:.1f} business min paused or "
                   f"resolved before a reopen")
        yield f"  {story.rule}"
        yield f"  elapsed {m.elapsed_minutes:.1f} business min → {story.verdict}"


# --------------------------------------------------------------------------- finding


@lru_cache(maxsize=64)
def _shared_clock(spec: ClockSpec) -> BusinessClock:
    """Clocks are pure functions of their spec; sharing them makes a script that explains
    every ticket of a quarter as fast as the engine's own run."""
    return BusinessClock(spec)


def find_and_explain(config: Config, dataset: Dataset, client: str, ticket_id: str,
                     quarter: Quarter | None, as_of: datetime) -> Explanation:
    """Find ticket ``ticket_id`` (or ``SYSTEM:ID`` when two systems share an id) of
    ``client`` created by ``as_of`` and explain it. Without ``quarter`` the ticket's own
    quarter (client zone) is used; with one, the ticket must belong to it."""
    c = config.clients[client]
    tier = config.tiers[c.tier]
    bare, found = ticket_id, [t for t in dataset.tickets
                              if t.client == client and t.ticket_id == ticket_id]
    if not found and ":" in ticket_id:  # SYSTEM:ID (an id may itself contain ':')
        system, _, bare = ticket_id.partition(":")
        found = [t for t in dataset.tickets if t.client == client and t.ticket_id == bare
                 and t.system == system]
    if not found:
        raise UsageError(f"no ticket {ticket_id!r} of client {client!r} in the inputs")
    if len(found) > 1:
        raise UsageError(f"ticket id {bare!r} exists in several systems: "
                         f"{', '.join(sorted(t.system for t in found))}; pass SYSTEM:{bare}")
    ticket = found[0]
    if ticket.created_at > as_of:
        raise UsageError(f"ticket {ticket_id!r} was created after as_of {as_of.isoformat()}")
    own = quarter_of(ticket.created_at, c.timezone, quarter)
    if quarter is not None and own != quarter:
        raise UsageError(f"ticket {ticket_id!r} belongs to {own}, not {quarter} (a ticket "
                         "belongs to the quarter of its creation in the client's zone)")
    clock_for = _shared_clock

    def clock_for_calendar(name: str) -> BusinessClock:
        return clock_for(clock_spec(config.calendars[name], c.timezone, c.holidays))

    events = history_of(config, dataset, ticket)
    sla = ticket_sla(config, c, tier, ticket, events, as_of, clock_for)
    return explain_ticket(client, str(quarter or own), ticket, events, sla, as_of,
                          clock_for_calendar, tier.pause_statuses)
