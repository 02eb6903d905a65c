"""Canonical records after ingest (SPEC §2).

Every instant is a timezone-aware ``datetime`` in UTC. Every record keeps the file and
the 1-based row (as a spreadsheet user counts it, header = row 1) it came from, so any
number in a pack can be traced back to an export line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

#: Canonical ticket statuses a source's ``values.status`` map may produce. Which of them
#: stop the resolution clock is the tier's ``pause_statuses`` (SPEC §3).
CANONICAL_STATUSES = frozenset(
    {"running", "pause", "waiting_customer", "waiting_vendor", "resolved", "closed",
     "excluded"}
)


@dataclass(frozen=True)
class Provenance:
    """Where a record came from: the export file (as named in the config) and its row."""

    file: str
    row: int


@dataclass(frozen=True)
class Ticket:
    """One ticket (SPEC §2). ``priority`` is the tier priority key after the source's
    priority map, or ``None`` when the exported value is unmapped (unclassified)."""

    system: str
    ticket_id: str
    client: str
    priority: str | None
    priority_raw: str
    created_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    updated_at: datetime | None
    status: str | None
    title: str
    category: str | None
    queue: str | None
    reported_pause_minutes: float | None  # business minutes, computed by the vendor
    source: Provenance
    excluded_reason: str | None = None  # SPEC §3a: set = taken out of the SLA, with why

    @property
    def key(self) -> tuple[str, str]:
        """Ticket identity: (source system, ticket id), ids compared as exact strings."""
        return (self.system, self.ticket_id)


@dataclass(frozen=True)
class StatusEvent:
    """The ticket's canonical ``status`` is in force from ``at`` until its next event."""

    system: str
    ticket_id: str
    at: datetime
    status: str
    source: Provenance
    priority: str | None = None  # SPEC §3a: tier priority in force from ``at``, if carried


@dataclass(frozen=True)
class Monitor:
    """A monitored system of one client. ``guarantee_pct`` overrides the tier's.

    The observed span is ``[observed_from, observed_until)``; ``None`` means "always"
    and "until ``as_of``" (SPEC §2, outage lists)."""

    monitor: str
    client: str
    critical: bool
    guarantee_pct: float | None = None
    observed_from: datetime | None = None
    observed_until: datetime | None = None


@dataclass(frozen=True)
class Outage:
    """A monitor down from ``start`` to ``end`` (``None``: still down at ``as_of``)."""

    monitor: str
    client: str
    start: datetime
    end: datetime | None
    reason: str | None
    source: Provenance


@dataclass(frozen=True)
class Maintenance:
    """A maintenance window, for a whole client (``monitor is None``) or one monitor."""

    client: str
    monitor: str | None
    start: datetime
    end: datetime
    source: Provenance


@dataclass(frozen=True)
class Unmonitored:
    """A span in which a monitor was not watched (a state-change log's Paused → Started,
    a check log's gap; SPEC §2). Kept out of the uptime window like maintenance, but
    reported separately as unmonitored time, never as maintenance."""

    client: str
    monitor: str
    start: datetime
    end: datetime
    source: Provenance
