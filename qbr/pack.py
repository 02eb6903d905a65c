"""The one neutral structure a client's pack is rendered from (STYLE: compute → one
structure → one renderer per output). The PDF and the XLSX read only this, so they cannot
disagree, and no renderer computes a metric.

Units: instants are UTC ``datetime``; durations are minutes as ``float`` (business minutes
for SLA measures, wall-clock minutes for uptime); percentages are unrounded floats in
[0, 100]. Formatting (truncation, locale) happens only in the renderers' formatters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

State = Literal["met", "breached", "pending", "unclassified"]


@dataclass(frozen=True)
class Measure:
    """One SLA measure (response or resolution) of one ticket at ``as_of``.

    ``elapsed_minutes`` is business minutes from creation to the event (or to ``as_of``
    while pending), pauses subtracted for resolution. ``target_minutes`` is ``None`` for
    unclassified tickets."""

    target_minutes: float | None
    elapsed_minutes: float
    state: State
    event_at: datetime | None  # the response/resolution instant, None while pending


@dataclass(frozen=True)
class TicketRow:
    """One ticket of the quarter, as listed in the workbook and (if breached) the PDF."""

    system: str
    ticket_id: str
    title: str
    priority: str | None  # tier priority key; None = unclassified
    priority_raw: str
    calendar: str  # name of the calendar its clock ran on
    created_at: datetime
    response: Measure
    resolution: Measure
    paused_minutes: float  # business minutes subtracted from resolution
    pause_measured: bool
    source_file: str
    source_row: int
    excluded_reason: str | None = None  # SPEC §3a: out of the SLA, with why
    reopened: bool = False  # SPEC §3a: left "done" by as_of


@dataclass(frozen=True)
class OutageRow:
    """An outage of a monitor, clipped to the quarter's uptime window."""

    monitor: str
    critical: bool
    start: datetime
    end: datetime | None  # None: still down at as_of
    downtime_minutes: float  # counted in the window (maintenance and overlaps removed)
    reason: str | None


@dataclass(frozen=True)
class FileCounts:
    """Row accounting of one input file (SPEC §7): read = accepted + unassigned + rejected."""

    file: str
    kind: str
    read: int
    accepted: int
    unassigned: int
    rejected: int
    rejected_by_reason: dict[str, int]


@dataclass(frozen=True)
class DataNote:
    """What the numbers rest on: the cut-off and how every input row was used."""

    as_of: datetime
    files: tuple[FileCounts, ...]
    rows_read: int
    rows_accepted: int
    rows_unassigned: int
    rows_rejected: int
    client_rejected: int  # rejected rows whose company maps to this client
    pending: int
    unclassified: int
    pause_unmeasured: int  # tickets whose pauses could not be measured
    warnings: int  # e.g. ambiguous DST local times


@dataclass(frozen=True)
class CalendarNote:
    """Methodology line: which calendar applies to which priorities, described."""

    name: str
    priorities: tuple[str, ...]
    always: bool
    timezone: str
    hours: tuple[tuple[str, tuple[str, ...]], ...]  # (weekday "mon", ("08:00-12:00", …))
    holidays: str | None  # "DE-BY" or None
    closed_dates: tuple[str, ...]


@dataclass(frozen=True)
class HistoryPoint:
    """One quarter of the trend chart (the pack's quarter and up to four before it)."""

    quarter: str
    response_pct: float | None
    resolution_pct: float | None
    critical_uptime_pct: float | None


@dataclass(frozen=True)
class Pack:
    """Everything a client's PDF and workbook show, computed once."""

    msp_name: str
    client_key: str
    client_name: str
    tier: str
    locale: str
    timezone: str  # the client's zone; instants are shown in it
    quarter: str
    quarter_start: datetime
    quarter_end: datetime
    as_of: datetime
    metrics: dict[str, Any]  # this client's entry of the SPEC §6 JSON, full precision
    objective_pct: float
    tickets: tuple[TicketRow, ...]
    outages: tuple[OutageRow, ...]
    data_note: DataNote
    calendars: tuple[CalendarNote, ...]
    pause_statuses: tuple[str, ...]
    history: tuple[HistoryPoint, ...]
    brand_folder: Path | None = None
    logo: Path | None = None
    primary_color: str = "#1F3A5F"
    accent_color: str = "#2E8B57"
    extra: dict[str, Any] = field(default_factory=dict)
