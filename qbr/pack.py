"""The one neutral structure a client's pack is rendered from (STYLE: compute → one
structure → one renderer per output). The PDF and the XLSX read only this, so they cannot
disagree, and no renderer computes a metric.

Units: instants are UTC ``datetime``; durations are minutes as ``float`` (business minutes
for SLA measures, wall-clock minutes for uptime); percentages are unrounded floats in
[0, 100]. Formatting (truncation, locale) happens only in the renderers' formatters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from qbr.packdesk import DeskView

State = Literal["met", "breached", "pending", "unclassified", "excluded"]


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
    priority: str | None = None  # SPEC §3a: the tier priority in force at the event


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
    # SPEC §3a, additive: why the ticket is out of the SLA (None = in it), whether it was
    # reopened, business minutes sat in done before a reopen (part of paused_minutes), and
    # a status resolved/closed exported without any time (counted and shown).
    excluded_reason: str | None = None
    reopened: bool = False
    reopened_minutes: float = 0.0
    closed_without_time: bool = False
    # Issue 7: the service-desk view and the workbook's columns. Defaults keep older callers
    # (and tests that build rows by hand) working.
    category: str | None = None
    status: str | None = None  # canonical status (SPEC §2) as last exported
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    url: str | None = None  # the ticket's link as exported; shown only if allowlisted


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
    # Issue 7 §2: what the client's own pack may show — only rows of this client.
    client_rejected_by_reason: dict[str, int] = field(default_factory=dict)
    client_warnings: int = 0  # adjusted values in rows of this client's tickets
    # Issue 5 §5 (qbr.packnotes): this client's contradictory tickets by kind, and what
    # stands in for the response event when the export has no first-response time.
    client_contradictions: dict[str, int] = field(default_factory=dict)
    response_stand_in: str | None = None
    response_rules: tuple[tuple[str, str], ...] = ()  # (kind, value), qbr.packnotes


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
    objective_pct: float | None  # None: the tier states no objective
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
    # Issue 7: the quarter's story. All optional so a hand-built pack still renders.
    tier_label: str | None = None  # the contract's name as the client knows it
    previous: dict[str, Any] | None = None  # previous quarter's metrics entry, if any data
    previous_tickets: tuple[TicketRow, ...] = ()  # for the category trend
    systems: tuple[SystemRow, ...] = ()
    incidents: tuple[Incident, ...] = ()
    credit: CreditView | None = None
    priority_clocks: dict[str, PriorityClock] = field(default_factory=dict)
    notes_markdown: str | None = None  # notes/<client>/<quarter>.md, untrusted text
    account_manager: AccountManager | None = None
    next_review: date | None = None
    paper: str = "A4"  # "A4" or "Letter"
    link_hosts: tuple[str, ...] = ()  # hosts whose https links become clickable
    desk: DeskView | None = None  # tickets by month, category, recurring issues


@dataclass(frozen=True)
class PriorityClock:
    """How a priority's targets are counted: round the clock, or business time of a
    calendar whose usual working day has ``day_minutes`` (480 for 08:00–17:00 with lunch)."""

    always: bool
    day_minutes: int | None


@dataclass(frozen=True)
class SystemRow:
    """One monitored system's quarter, in wall-clock minutes.

    ``span_minutes`` = the quarter up to the cut-off; it splits into ``measured_minutes``
    (the uptime window), ``maintenance_minutes`` and ``unmonitored_minutes`` (before the
    system was watched, after it stopped, or a monitoring gap)."""

    monitor: str
    label: str  # display name (config ``label``), else the monitor key
    critical: bool
    uptime_pct: float | None
    guarantee_pct: float
    met: bool | None
    downtime_minutes: float
    measured_minutes: float
    maintenance_minutes: float
    unmonitored_minutes: float
    observed_from: datetime | None  # first instant of the window, None if never measured
    observed_until: datetime | None


@dataclass(frozen=True)
class Incident:
    """Overlapping or touching outages of one system merged into one incident, clipped to
    the uptime window: the incidents of a system add up to its downtime (SPEC §4)."""

    monitor: str
    label: str
    critical: bool
    start: datetime
    end: datetime | None  # None: still down at the cut-off
    downtime_minutes: float  # wall-clock minutes inside the window
    outages: int  # how many exported outage rows were merged
    reasons: tuple[str, ...]  # distinct reasons as exported (untrusted text)


@dataclass(frozen=True)
class CreditView:
    """The credit and its working: the tier's table, the row that applied, the fee."""

    table: tuple[tuple[float, float], ...]  # uptime rows (below %, credit %), highest first
    applied_below: float | None  # the threshold of the uptime row that applied, None if none
    critical_uptime_pct: float | None
    pct: float | None
    fee: float | None  # None: no fee configured, so no amount (SPEC §3a)
    amount: float | None
    currency: str
    provisional: bool
    # SPEC §3a: rows on the ``all`` attainment of response/resolution (metric, below %,
    # credit %), and every row that applied (metric, measured %, below %, credit %).
    attainment_rows: tuple[tuple[str, float, float], ...] = ()
    applied: tuple[tuple[str, float, float, float], ...] = ()
    cap_pct: float | None = None
    combine: str = "max"


@dataclass(frozen=True)
class AccountManager:
    """The MSP's contact for the client (config ``clients.X.account_manager``)."""

    name: str
    email: str | None = None
    phone: str | None = None
