"""The validated config's dataclasses and shared constants (SPEC §7; README "Configuration")."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from qbr.config_rules import Recurrence

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SOURCE_KINDS = ("tickets", "status", "outages", "maintenance", "monitors",
                "events", "uptime_states", "checks")  # the last three: qbr.logs
#: Keys of a source's ``[sources.X.fold]`` table (event logs, README "Event logs").
FOLD_KEYS = ("response_activity", "response_state_not", "response_assigned")
#: Canonical uptime states a ``values.state`` map may produce (state-change and check logs).
UPTIME_STATES = ("up", "down", "paused")


def normalise_name(name: str) -> str:
    """Company-name key (SPEC §7): NFC, NBSP → space, whitespace runs collapsed, trimmed,
    casefolded. Nothing else: no transliteration (ü ≠ ue), no stripping of legal forms."""
    text = unicodedata.normalize("NFC", name).replace("\u00a0", " ")
    return " ".join(text.split()).casefold()


@dataclass(frozen=True)
class HolidayRule:
    """Public holidays of ``country`` (ISO 3166) and optional ``subdiv`` (e.g. DE/BY).

    ``categories`` are the ``holidays`` package's categories to close on; the default is
    its statutory ``public`` list. Bavaria's Assumption Day (15 Aug) is a public holiday
    only in Catholic-majority municipalities, so a Munich client adds ``"catholic"``."""

    country: str
    subdiv: str | None = None
    categories: tuple[str, ...] = ("public",)


@dataclass(frozen=True)
class Calendar:
    """Business hours. ``always`` (24x7) ignores hours and holidays.

    ``hours[i]`` are the ``[start, end)`` wall-clock ranges of weekday ``i`` (Monday = 0)."""

    name: str
    always: bool
    hours: tuple[tuple[tuple[time, time], ...], ...] = ((),) * 7
    holidays: HolidayRule | None = None
    closed: frozenset[date] = frozenset()
    timezone: str | None = None
    #: SPEC §3a dated exceptions: (local date, ranges) pairs, sorted; on such a date the
    #: ranges replace the weekday's (an empty tuple closes the day), before holidays.
    exceptions: tuple[tuple[date, tuple[tuple[time, time], ...]], ...] = ()

    def exception_for(self, day: date) -> tuple[tuple[time, time], ...] | None:
        """The exception ranges of local date ``day``, ``None`` when it has none."""
        for when, ranges in self.exceptions:
            if when == day:
                return ranges
        return None


@dataclass(frozen=True)
class CreditRow:
    """A credit of ``pct`` % of the quarterly fee when ``metric`` is strictly below
    ``below`` %: the client's critical uptime, or the ``all`` attainment of response or
    resolution (SPEC §4, §3a)."""

    below: float
    pct: float
    metric: str = "uptime"


@dataclass(frozen=True)
class Tier:
    """SLA tier: targets in minutes per priority (business minutes of the calendar)."""

    name: str
    response_minutes: Mapping[str, float]
    resolution_minutes: Mapping[str, float]
    calendar: str
    calendar_by_priority: Mapping[str, str]
    pause_statuses: frozenset[str]
    objective_pct: float | None  # None: attainment is shown but judged against nothing
    uptime_guarantee_pct: float | None  # None: every monitor names its own guarantee
    credits: tuple[CreditRow, ...]
    label: str | None = None  # SPEC §3a: shown in packs instead of the key
    exclude_categories: tuple[str, ...] = ()
    credit_cap_pct: float | None = None
    credit_combine: str = "max"

    @property
    def display_name(self) -> str:
        """What packs show (SPEC §3a): the label, else the key in words ("gold-plus" →
        "Gold Plus"). The one fallback; JSON and the internal appendix keep the key."""
        return self.label or self.name.replace("-", " ").replace("_", " ").title()

    @property
    def priorities(self) -> tuple[str, ...]:
        """Priority keys in config order (P1 first)."""
        return tuple(self.response_minutes)

    def calendar_for(self, priority: str) -> str:
        return self.calendar_by_priority.get(priority, self.calendar)


@dataclass(frozen=True)
class MonitorConfig:
    """A client's monitor; ``monitored_from``/``until`` bound an outage list's span."""

    monitor: str
    critical: bool
    guarantee_pct: float | None
    monitored_from: datetime | None
    monitored_until: datetime | None
    aliases: tuple[str, ...] = ()
    maintenance_schedule: tuple[Recurrence, ...] = ()
    label: str | None = None  # display name in the pack ("Firewall Munich")


@dataclass(frozen=True)
class AccountManagerConfig:
    """The MSP's contact printed on the client's pack (``clients.X.account_manager``)."""

    name: str
    email: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class Client:
    """A client of the MSP. ``key`` names its output files; ``name`` is shown as written."""

    key: str
    name: str
    tier: str
    timezone: str
    locale: str
    aliases: tuple[str, ...]
    fee: float | None  # quarterly; None: no fee configured, so no credit amount
    currency: str | None
    holidays: HolidayRule | None
    monitors: tuple[MonitorConfig, ...]
    figures_opt_out: bool = False
    maintenance_schedule: tuple[Recurrence, ...] = ()
    account_manager: AccountManagerConfig | None = None
    next_review: date | None = None
    #: SPEC §3a client calendars: replace the tier's default and per-priority calendars.
    calendar: str | None = None
    calendar_by_priority: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Source:
    """One input file and how to read it (SPEC §7)."""

    name: str
    path: Path
    kind: str
    system: str
    encoding: str
    delimiter: str
    date_formats: tuple[str, ...]
    timezone: str
    columns: Mapping[str, str]
    values: Mapping[str, Mapping[str, str]]
    decimal: str = "."
    sheet: str | None = None
    null_values: tuple[str, ...] = ()  # cell texts read as blank (after strip)
    defaults: Mapping[str, str] = field(default_factory=dict)  # field → value when blank
    client_pattern: str | None = None  # regex whose group "client" is the company name
    #: Excel serial numbers in date columns (README "Excel serial dates"): "1900" (Excel's
    #: default system, Lotus's 29 Feb 1900 included), "1904", or None (not read).
    serial_dates: str | None = None
    #: ``path`` as written in the config (messages show it so, README "Paths in messages").
    written: str = ""
    # Event and uptime logs (qbr.logs; README "Event logs", "Uptime logs").
    preset: str | None = None
    fold: Mapping[str, Any] = field(default_factory=dict)
    stale_after_seconds: float | None = None
    interval_seconds: float | None = None
    gap_factor: float = 3.0


@dataclass(frozen=True)
class Brand:
    """The MSP's look. ``folder`` is a template layer; ``logo`` a file inside it."""

    folder: Path | None
    logo: Path | None
    primary_color: str
    accent_color: str


@dataclass(frozen=True)
class Config:
    """The whole validated config. ``file`` is the config's name as given (for messages);
    paths are absolute (relative ones are read against ``base``, the config's folder)."""

    file: str
    base: Path
    msp_name: str
    timezone: str | None
    brand: Brand
    calendars: Mapping[str, Calendar]
    tiers: Mapping[str, Tier]
    clients: Mapping[str, Client]
    sources: tuple[Source, ...]
    min_clients: int = 5
    figures_locale: str = "en"
    alias_index: Mapping[str, str] = field(default_factory=dict)
    fiscal_year_start: int | None = None  # month 1–12; None: calendar quarters only
    notes: Path | None = None  # msp.notes: folder of notes/<client>/<quarter>.md
    paper: str | None = None  # msp.paper: "A4" or "Letter"; None = by the client's locale
    psa_url_host: str | None = None  # msp.psa_url_host: https links to it become clickable

    def client_for_name(self, name: str) -> str | None:
        """Config key of the client an exported company name belongs to, or ``None``."""
        return self.alias_index.get(normalise_name(name))
