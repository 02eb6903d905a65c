"""One ticket under its client's contract (SPEC §3, §3a): which calendar and targets each
priority brings, why a ticket is excluded, and the :class:`~qbr.pack.TicketRow` the
workbook lists. The engine and ``qbr explain`` both call :func:`ticket_sla`, so the
workbook and the explanation cannot disagree."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from qbr.calendar import BusinessClock, ClockSpec, clock_spec
from qbr.calendar import calendar_name as client_calendar_name
from qbr.config import Client, Config, Tier, normalise_name
from qbr.ingest import Dataset
from qbr.model import StatusEvent, Ticket
from qbr.pack import TicketRow
from qbr.sla import Terms, TicketSla, evaluate_ticket

ClockFor = Callable[[ClockSpec], BusinessClock]


def calendar_name(client: Client, tier: Tier, priority: str | None) -> str:
    """The calendar a priority's clock runs on, with the client's calendars replacing the
    tier's key by key (SPEC §3a; see :func:`qbr.calendar.calendar_name`, which both
    engines use)."""
    return client_calendar_name(tier, client, priority)


def terms_for(config: Config, client: Client, tier: Tier, clock_for: ClockFor
              ) -> Callable[[str | None], Terms]:
    """Targets and clock of each priority; a priority the tier lacks is unclassified and
    runs on the tier's default calendar (measured, never judged)."""

    def terms(priority: str | None) -> Terms:
        prio = priority if priority in tier.response_minutes else None
        name = calendar_name(client, tier, prio)
        clock = clock_for(clock_spec(config.calendars[name], client.timezone,
                                     client.holidays))
        if prio is None:
            return Terms(None, None, None, clock, name)
        return Terms(prio, tier.response_minutes[prio], tier.resolution_minutes[prio],
                     clock, name)

    return terms


def exclusion(ticket: Ticket, tier: Tier) -> str | None:
    """Why a ticket is out of the SLA before its history is read (SPEC §3a): the source's
    ``excluded`` column (its value is the reason), else a category the tier excludes
    (compared after the same normalisation as company names: case and spacing)."""
    if ticket.excluded_reason:
        return ticket.excluded_reason
    wanted = {normalise_name(c) for c in getattr(tier, "exclude_categories", ())}
    if ticket.category and normalise_name(ticket.category) in wanted:
        return f"category {ticket.category}"
    return None


def status_reason(config: Config, system: str) -> str:
    """The reason shown for a ticket excluded by status: the export value(s) the system's
    status maps send to ``excluded`` (the canonical record keeps only the canonical
    status, so several such values are listed together)."""
    raws = sorted({raw for s in config.sources if s.system == system
                   for raw, canon in s.values.get("status", {}).items() if canon == "excluded"})
    return f"status {' / '.join(raws)}" if raws else "status excluded"


def history_of(config: Config, dataset: Dataset, ticket: Ticket
               ) -> Sequence[StatusEvent] | None:
    """The ticket's status events; ``()`` when its system has a status source but the
    ticket never changed status (its pauses are measured: zero); ``None`` when the
    system has no status history at all (SPEC §3: reported pause or unmeasured)."""
    events = dataset.status_events.get(ticket.key)
    if events is None and any(s.kind == "status" and s.system == ticket.system
                              for s in config.sources):
        return ()
    return events


def ticket_sla(config: Config, client: Client, tier: Tier, ticket: Ticket,
               events: Sequence[StatusEvent] | None, as_of: datetime, clock_for: ClockFor
               ) -> TicketSla:
    """Both measures of one ticket at ``as_of`` with every contract rule applied."""
    return evaluate_ticket(ticket, events, as_of, terms_for(config, client, tier, clock_for),
                           tier.pause_statuses, exclusion(ticket, tier),
                           status_reason(config, ticket.system))


def ticket_row(config: Config, client: Client, tier: Tier, ticket: Ticket,
               events: Sequence[StatusEvent] | None, as_of: datetime, clock_for: ClockFor
               ) -> TicketRow:
    """The workbook's row of one ticket (see :func:`ticket_sla`)."""
    sla = ticket_sla(config, client, tier, ticket, events, as_of, clock_for)
    return make_row(
        sla, system=ticket.system, ticket_id=ticket.ticket_id, title=ticket.title,
        priority=ticket.priority if ticket.priority in tier.response_minutes else None,
        priority_raw=ticket.priority_raw, created_at=ticket.created_at,
        source_file=ticket.source.file, source_row=ticket.source.row,
        category=ticket.category, status=ticket.status, resolved_at=ticket.resolved_at,
        closed_at=ticket.closed_at, url=getattr(ticket, "url", None))


def make_row(sla: TicketSla, *, system: str, ticket_id: str, title: str,
             priority: str | None, priority_raw: str, created_at: datetime,
             source_file: str, source_row: int, category: str | None = None,
             status: str | None = None, resolved_at: datetime | None = None,
             closed_at: datetime | None = None, url: str | None = None) -> TicketRow:
    """The one place a :class:`TicketRow` is made, from a ticket's measures (scalar
    :func:`ticket_sla` or the column-wise engine's) and its identity. ``priority`` is the
    exported priority when the tier has it (``None``: unclassified)."""
    return TicketRow(
        system=system, ticket_id=ticket_id, title=title, priority=priority,
        priority_raw=priority_raw, calendar=sla.resolution_calendar, created_at=created_at,
        response=sla.response, resolution=sla.resolution,
        paused_minutes=sla.paused_seconds / 60.0, pause_measured=sla.pause_measured,
        source_file=source_file, source_row=source_row,
        excluded_reason=sla.excluded_reason, reopened=sla.reopened,
        reopened_minutes=sla.reopened_seconds / 60.0,
        closed_without_time=sla.closed_without_time,
        category=category, status=status, resolved_at=resolved_at, closed_at=closed_at,
        url=url)
