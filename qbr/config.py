"""The one TOML config: MSP, calendars, tiers, clients with monitors, and input sources.

Loading validates everything up front, so a typo fails before any file is read, with a
one-line message naming the config file and the dotted key (``qbr.toml:
tiers.gold.response_minutes.P1: expected a positive number``). The schema is documented
in README.md ("Configuration"); ``sample_data/qbr.toml`` is a complete working example.
"""

from __future__ import annotations

import itertools
import math
import re
import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from qbr.config_rules import (
    Recurrence,
    check_date_formats,
    check_guarantees,
    parse_credits,
    parse_schedule,
)
from qbr.errors import ConfigError
from qbr.model import CANONICAL_STATUSES

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SOURCE_KINDS = ("tickets", "status", "outages", "maintenance", "monitors",
                "events", "uptime_states", "checks")  # the last three: qbr.logs
#: Keys of a source's ``[sources.X.fold]`` table (event logs, README "Event logs").
FOLD_KEYS = ("response_activity", "response_state_not", "response_assigned")
#: Canonical uptime states a ``values.state`` map may produce (state-change and check logs).
UPTIME_STATES = ("up", "down", "paused")
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*([smhd])$")
_HEX_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
_RANGE = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")
_LOGO_SUFFIXES = (".png", ".jpg", ".jpeg", ".svg")


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


# --------------------------------------------------------------------------- helpers


class _Reader:
    """Typed access to one TOML table that reports the dotted key on every error."""

    def __init__(self, file: str, data: Mapping[str, Any], prefix: str) -> None:
        self.file, self.data, self.prefix = file, data, prefix

    def key(self, name: str) -> str:
        return f"{self.prefix}.{name}" if self.prefix else name

    def fail(self, name: str, message: str) -> ConfigError:
        return ConfigError(self.file, self.key(name), message)

    def get(self, name: str, kind: type | tuple[type, ...], default: Any = ..., *,
            what: str = "") -> Any:
        if name not in self.data:
            if default is ...:
                raise self.fail(name, "missing")
            return default
        value = self.data[name]
        # bool is an int in Python; a number field must not accept true/false.
        bad_bool = isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple)
                                                             else (kind,))
        if not isinstance(value, kind) or bad_bool:
            raise self.fail(name, f"expected {what or _kind_name(kind)}, got {value!r}")
        return value

    def number(self, name: str, default: Any = ..., *, positive: bool = False) -> Any:
        value = self.get(name, (int, float), default, what="a number")
        if isinstance(value, float) and not math.isfinite(value):
            raise self.fail(name, f"expected a finite number, got {value!r}")
        if value is not None and value is not default and positive and value <= 0:
            raise self.fail(name, f"expected a positive number, got {value!r}")
        return float(value) if isinstance(value, int | float) else value

    def strings(self, name: str, default: Any = ...) -> list[str]:
        values = self.get(name, list, default, what="a list of strings")
        for i, value in enumerate(values):
            if not isinstance(value, str):
                raise self.fail(f"{name}[{i}]", f"expected a string, got {value!r}")
        return list(values)

    def pct(self, name: str, default: Any = ...) -> Any:
        """A percentage in [0, 100]."""
        value = self.number(name, default)
        if isinstance(value, float) and not 0.0 <= value <= 100.0:
            raise self.fail(name, f"expected a percentage from 0 to 100, got {value!r}")
        return value

    def table(self, name: str, default: Any = ...) -> _Reader:
        return _Reader(self.file, self.get(name, dict, default, what="a table"),
                       self.key(name))

    def unknown(self, allowed: set[str]) -> None:
        for name in self.data:
            if name not in allowed:
                raise self.fail(name, f"unknown key (allowed: {', '.join(sorted(allowed))})")


def _kind_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    names = {str: "a string", int: "a whole number", float: "a number", dict: "a table",
             list: "a list", bool: "true or false"}
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def _zone(r: _Reader, name: str, default: Any = ...) -> Any:
    value = r.get(name, str, default)
    if value is None or (value is default and default is not ...):
        return value
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise r.fail(name, f"unknown time zone {value!r} (use an IANA name such as "
                           "'Europe/Berlin')") from None
    return value


def _instant(r: _Reader, name: str) -> datetime | None:
    value = r.get(name, (str, datetime), None, what="an ISO 8601 instant with offset")
    if value is None:
        return None
    try:
        parsed = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    except ValueError:
        raise r.fail(name, f"not an ISO 8601 instant: {value!r}") from None
    if parsed.tzinfo is None:
        raise r.fail(name, "needs an offset or Z (naive times are ambiguous)")
    return parsed


def _holiday_rule(r: _Reader, name: str) -> HolidayRule | None:
    if name not in r.data:
        return None
    t = r.table(name)
    t.unknown({"country", "subdiv", "categories"})
    country = t.get("country", str)
    subdiv = t.get("subdiv", str, None)
    categories = tuple(t.strings("categories", ["public"]))
    import holidays as holidays_lib

    try:
        holidays_lib.country_holidays(country, subdiv=subdiv, years=2026,
                                      categories=categories)
    except (NotImplementedError, ValueError, KeyError) as exc:
        # The holidays package says which part is unknown (country, subdivision, category).
        raise ConfigError(t.file, t.prefix, str(exc).strip("'\"")) from None
    return HolidayRule(country, subdiv, categories)


# ------------------------------------------------------------------------- sections


BUILTIN_24X7 = "24x7"
_DAY_RANGE = re.compile(r"^([a-z]{3})-([a-z]{3})$")


def _calendar(r: _Reader, name: str) -> Calendar:
    r.unknown({"type", "hours", "holidays", "closed", "timezone", "exceptions"})
    kind = r.get("type", str, "hours")
    if kind == "24x7":
        # SPEC §3a: a 24x7 calendar ignores hours and holidays, so setting them is a
        # mistake to report, not to ignore.
        for key in ("hours", "holidays", "closed", "exceptions"):
            if key in r.data:
                raise r.fail(key, "a 24x7 calendar is always open: remove this key or "
                                  "use type = 'hours'")
        return Calendar(name=name, always=True)
    if kind != "hours":
        raise r.fail("type", f"expected '24x7' or 'hours', got {kind!r}")
    if name == BUILTIN_24X7:
        raise r.fail("type", "the name '24x7' is the built-in always-open calendar")
    week = _week(r.table("hours"))
    closed: set[date] = set()
    for i, value in enumerate(r.get("closed", list, [])):
        try:
            closed.add(value if isinstance(value, date) else date.fromisoformat(value))
        except (TypeError, ValueError):
            raise r.fail(f"closed[{i}]", f"expected a date YYYY-MM-DD, got {value!r}") from None
    exceptions = _exceptions(r.table("exceptions", {}))
    return Calendar(name=name, always=False, hours=week, holidays=_holiday_rule(r, "holidays"),
                    closed=frozenset(closed), timezone=_zone(r, "timezone", None),
                    exceptions=exceptions)


def _week(hours_t: _Reader) -> tuple[tuple[tuple[time, time], ...], ...]:
    """Opening ranges per weekday from ``hours``, whose keys are day names or forward
    ranges of them (``"mon-fri"``); a day named twice is an error (SPEC §3a)."""
    if not hours_t.data:
        raise ConfigError(hours_t.file, hours_t.prefix, "no opening hours: name at least "
                          "one day (e.g. \"mon-fri\" = [\"08:00-17:00\"]) or use type = '24x7'")
    week: list[tuple[tuple[time, time], ...] | None] = [None] * 7
    for key in hours_t.data:
        m = _DAY_RANGE.match(key)
        if key in WEEKDAYS:
            days = [WEEKDAYS.index(key)]
        elif m and m.group(1) in WEEKDAYS and m.group(2) in WEEKDAYS \
                and WEEKDAYS.index(m.group(1)) <= WEEKDAYS.index(m.group(2)):
            days = list(range(WEEKDAYS.index(m.group(1)), WEEKDAYS.index(m.group(2)) + 1))
        else:
            raise hours_t.fail(key, "expected a day (mon … sun) or a forward range such as "
                                    "'mon-fri'")
        ranges = _day_ranges(hours_t, key)
        for d in days:
            if week[d] is not None:
                raise hours_t.fail(key, f"{WEEKDAYS[d]} is named twice")
            week[d] = ranges
    return tuple(w or () for w in week)


def _exceptions(r: _Reader) -> tuple[tuple[date, tuple[tuple[time, time], ...]], ...]:
    """``exceptions = {"2026-12-24" = ["08:00-12:00"]}``: local dates whose ranges replace
    the weekday's (SPEC §3a)."""
    out = []
    for key in r.data:
        try:
            day = date.fromisoformat(str(key))
        except ValueError:
            raise r.fail(str(key), "expected a date YYYY-MM-DD") from None
        out.append((day, _day_ranges(r, key)))
    return tuple(sorted(out))


def _day_ranges(r: _Reader, day: str) -> tuple[tuple[time, time], ...]:
    ranges: list[tuple[time, time]] = []
    for i, text in enumerate(r.get(day, list, [])):
        m = _RANGE.match(text) if isinstance(text, str) else None
        if not m:
            raise r.fail(f"{day}[{i}]", f"expected 'HH:MM-HH:MM', got {text!r}")
        h1, m1, h2, m2 = (int(g) for g in m.groups())
        end_is_midnight = (h2, m2) == (24, 0)
        if h1 > 23 or m1 > 59 or m2 > 59 or (h2 > 23 and not end_is_midnight):
            raise r.fail(f"{day}[{i}]", f"not a time range: {text!r}")
        start = time(h1, m1)
        end = time.max if end_is_midnight else time(h2, m2)
        if end <= start:
            raise r.fail(f"{day}[{i}]", f"range ends before it starts or crosses midnight: "
                                        f"{text!r} (split it at 24:00)")
        ranges.append((start, end))
    ranges.sort()
    for (_, e1), (s2, _) in itertools.pairwise(ranges):
        if s2 < e1:
            raise r.fail(day, "opening ranges overlap")
    return tuple(ranges)


def _minutes_table(r: _Reader, name: str) -> dict[str, float]:
    t = r.table(name)
    if not t.data:
        raise r.fail(name, "needs at least one priority")
    return {p: t.number(p, positive=True) for p in t.data}


def _tier(r: _Reader, name: str, calendars: Mapping[str, Calendar]) -> Tier:
    r.unknown({"response_minutes", "resolution_minutes", "calendar", "calendar_by_priority",
               "pause_statuses", "objective_pct", "uptime_guarantee_pct", "credits", "label",
               "exclude_categories", "credit_cap_pct", "credit_combine"})
    response = _minutes_table(r, "response_minutes")
    resolution = _minutes_table(r, "resolution_minutes")
    if set(response) != set(resolution):
        raise r.fail("resolution_minutes", "must name the same priorities as response_minutes")
    calendar = r.get("calendar", str)
    if calendar not in calendars:
        raise r.fail("calendar", f"unknown calendar {calendar!r}")
    by_prio = _calendar_map(r, response, calendars)
    pauses = r.strings("pause_statuses", ["pause", "waiting_customer", "waiting_vendor"])
    for i, status in enumerate(pauses):
        if status not in CANONICAL_STATUSES - {"running", "resolved", "closed", "excluded"}:
            raise r.fail(f"pause_statuses[{i}]", f"expected one of pause, waiting_customer, "
                                                  f"waiting_vendor, got {status!r}")
    combine = r.get("credit_combine", str, "max")
    if combine not in ("max", "sum"):
        raise r.fail("credit_combine", f"expected 'max' or 'sum', got {combine!r}")
    return Tier(
        name=name, response_minutes=response, resolution_minutes=resolution,
        calendar=calendar, calendar_by_priority=dict(by_prio.data),
        pause_statuses=frozenset(pauses), objective_pct=r.pct("objective_pct", None),
        uptime_guarantee_pct=r.pct("uptime_guarantee_pct", None),
        credits=parse_credits(r, CreditRow),
        label=r.get("label", str, None),
        exclude_categories=tuple(r.strings("exclude_categories", [])),
        credit_cap_pct=r.pct("credit_cap_pct", None), credit_combine=combine,
    )


def _calendar_map(r: _Reader, priorities: Mapping[str, float],
                  calendars: Mapping[str, Calendar]) -> _Reader:
    """``calendar_by_priority`` of a tier or client, checked against the priorities."""
    by_prio = r.table("calendar_by_priority", {})
    for prio, cal in by_prio.data.items():
        if prio not in priorities:
            raise by_prio.fail(prio, f"unknown priority (tier has {', '.join(priorities)})")
        if cal not in calendars:
            raise by_prio.fail(prio, f"unknown calendar {cal!r}")
    return by_prio


def _monitor(r: _Reader) -> MonitorConfig:
    r.unknown({"monitor", "critical", "guarantee_pct", "monitored_from", "monitored_until",
               "aliases", "maintenance_schedule", "label"})
    start, until = _instant(r, "monitored_from"), _instant(r, "monitored_until")
    if start is not None and until is not None and until <= start:
        raise r.fail("monitored_until", f"{until.isoformat()} is not after monitored_from "
                                        f"{start.isoformat()}")
    return MonitorConfig(
        monitor=r.get("monitor", str), critical=r.get("critical", bool, False),
        guarantee_pct=r.pct("guarantee_pct", None), monitored_from=start,
        monitored_until=until, aliases=tuple(r.strings("aliases", [])),
        maintenance_schedule=parse_schedule(r), label=r.get("label", str, None),
    )


def _account_manager(r: _Reader) -> AccountManagerConfig | None:
    """``account_manager = {name, email, phone}``: name required, the rest optional."""
    if "account_manager" not in r.data:
        return None
    am = r.table("account_manager")
    am.unknown({"name", "email", "phone"})
    email = am.get("email", str, None)
    if email is not None and not re.fullmatch(r"[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+", email):
        raise am.fail("email", f"expected an e-mail address, got {email!r}")
    return AccountManagerConfig(am.get("name", str), email, am.get("phone", str, None))


def _next_review(r: _Reader) -> date | None:
    """``next_review = 2027-01-20`` (a TOML date) or the string "2027-01-20"."""
    value = r.data.get("next_review")
    if value is None:
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise r.fail("next_review", f"expected a date such as 2027-01-20, got {value!r}")


def _client(r: _Reader, key: str, tiers: Mapping[str, Tier],
            calendars: Mapping[str, Calendar] | None = None) -> Client:
    r.unknown({"name", "tier", "timezone", "locale", "aliases", "fee", "currency", "holidays",
               "monitors", "figures_opt_out", "maintenance_schedule", "account_manager",
               "next_review", "calendar", "calendar_by_priority"})
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,63}", key):
        raise ConfigError(r.file, r.prefix, "client keys name output files: use lower-case "
                                            "letters, digits, '-' and '_' (at most 64)")
    tier = r.get("tier", str)
    if tier not in tiers:
        raise r.fail("tier", f"unknown tier {tier!r} (have {', '.join(tiers)})")
    currency = r.get("currency", str, None)
    if currency is None and "fee" in r.data:
        raise r.fail("currency", "missing (a fee needs its ISO 4217 currency)")
    if currency is not None and not re.fullmatch(r"[A-Z]{3}", currency):
        raise r.fail("currency", f"expected an ISO 4217 code such as 'EUR', got {currency!r}")
    monitors = []
    for i, m in enumerate(r.get("monitors", list, [])):
        if not isinstance(m, dict):
            raise r.fail(f"monitors[{i}]", "expected a table")
        monitors.append(_monitor(_Reader(r.file, m, r.key(f"monitors[{i}]"))))
    locale = r.get("locale", str, "en")
    _check_locale(r, locale)
    # SPEC §3a client calendars: checked like the tier's, against the tier's priorities.
    known = calendars or {}
    calendar = r.get("calendar", str, None)
    if calendar is not None and calendar not in known:
        raise r.fail("calendar", f"unknown calendar {calendar!r}")
    by_prio = _calendar_map(r, tiers[tier].response_minutes, known)
    return Client(
        key=key, name=r.get("name", str), tier=tier, timezone=_zone(r, "timezone"),
        locale=locale, aliases=tuple(r.strings("aliases", [])),
        fee=_fee(r), currency=currency, holidays=_holiday_rule(r, "holidays"),
        monitors=tuple(monitors), figures_opt_out=r.get("figures_opt_out", bool, False),
        maintenance_schedule=parse_schedule(r),
        account_manager=_account_manager(r), next_review=_next_review(r),
        calendar=calendar, calendar_by_priority=dict(by_prio.data),
    )


def _fee(r: _Reader) -> float | None:
    fee: float | None = r.number("fee", None)
    if fee is not None and fee < 0:
        raise r.fail("fee", f"expected a fee of 0 or more, got {fee!r}")
    return fee


def _check_locale(r: _Reader, locale: str) -> None:
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(locale)
    except (UnknownLocaleError, ValueError):
        raise r.fail("locale", f"unknown locale {locale!r} (e.g. 'en', 'de_DE')") from None


def _source(r: _Reader, name: str, base: Path, default_tz: str | None) -> Source:
    r = _with_preset(r)
    r.unknown({"path", "kind", "system", "encoding", "delimiter", "date_format", "timezone",
               "columns", "values", "decimal", "sheet", "preset", "fold", "null_values",
               "stale_after", "interval", "gap_factor", "defaults", "client_pattern"})
    kind = r.get("kind", str)
    if kind not in SOURCE_KINDS:
        raise r.fail("kind", f"expected one of {', '.join(SOURCE_KINDS)}, got {kind!r}")
    tz = _zone(r, "timezone", None) or default_tz
    if tz is None:
        raise r.fail("timezone", "naive timestamps need a time zone: set it on the source "
                                 "or msp.timezone")
    fmt = r.get("date_format", str, None) if isinstance(r.data.get("date_format"), str) \
        else r.strings("date_format", ["%Y-%m-%d %H:%M:%S"])
    check_date_formats(r, [fmt] if isinstance(fmt, str) else fmt)
    delimiter = r.get("delimiter", str, ",")
    if delimiter not in (",", ";", "\t", "|"):
        raise r.fail("delimiter", f"expected ',', ';', tab or '|', got {delimiter!r}")
    decimal = r.get("decimal", str, ".")
    if decimal not in (".", ","):
        raise r.fail("decimal", f"expected '.' or ',', got {decimal!r}")
    encoding = r.get("encoding", str, "utf-8-sig")
    try:
        "".encode(encoding)
    except LookupError:
        raise r.fail("encoding", f"unknown encoding {encoding!r}") from None
    columns = r.table("columns")
    values = r.table("values", {})
    values.unknown(set(_VALUE_MAPS))  # a typo such as values.priorty is an error
    maps = {k: dict(values.table(k).data) for k in values.data}
    for field_name, mapping in maps.items():
        for raw, canon in mapping.items():
            if not isinstance(canon, str):
                raise values.fail(f"{field_name}.{raw}", "expected a string")
    for raw, canon in maps.get("status", {}).items():
        if canon not in CANONICAL_STATUSES:
            raise values.fail(f"status.{raw!r}", f"expected one of "
                                                 f"{', '.join(sorted(CANONICAL_STATUSES))}")
    extra = _source_values(r)
    return Source(
        name=name, path=(base / r.get("path", str)).resolve(), kind=kind,
        system=r.get("system", str, name), encoding=encoding,
        delimiter=delimiter, date_formats=tuple([fmt] if isinstance(fmt, str) else fmt),
        timezone=tz, values=maps,
        # A field mapped to "" is not in this export (drops a preset's column).
        columns={k: str(v) for k, v in columns.data.items() if v != ""},
        decimal=decimal, sheet=r.get("sheet", str, None), **extra,
        **_log_keys(r, kind, maps),
    )


#: The value maps a source may declare (canonical field → map of export values):
#: ``state`` for uptime logs, ``activity`` for event logs (README "Event logs").
_VALUE_MAPS = ("priority", "status", "state", "activity")


# ------------------------------------------------- presets and logs (README "Presets")


def _with_preset(r: _Reader) -> _Reader:
    """The source table with its ``preset``'s table merged *under* it: every key the
    source sets wins; ``columns`` and each ``values`` map merge key by key."""
    name = r.get("preset", str, None)
    if name is None:
        return r
    from qbr.presets import PRESETS

    if name not in PRESETS:
        raise r.fail("preset", f"unknown preset {name!r} (known: {', '.join(sorted(PRESETS))})")
    return _Reader(r.file, _merge(PRESETS[name].table, r.data), r.prefix)


def _merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _duration(r: _Reader, name: str) -> float | None:
    """``"90s"``, ``"5m"``, ``"2h"``, ``"3d"`` → seconds."""
    text = r.get(name, str, None)
    if text is None:
        return None
    m = _DURATION.match(text.strip())
    if not m or float(m.group(1)) <= 0:
        raise r.fail(name, f"expected a duration such as '5m', '2h' or '3d', got {text!r}")
    return float(m.group(1)) * {"s": 1, "m": 60, "h": 3600, "d": 86400}[m.group(2)]


def _log_keys(r: _Reader, kind: str, maps: Mapping[str, Mapping[str, str]]
              ) -> dict[str, Any]:
    fold = r.table("fold", {})
    fold.unknown(set(FOLD_KEYS))
    for key in ("response_activity", "response_state_not"):
        fold.strings(key, [])
    fold.get("response_assigned", bool, False)
    if fold.data and kind != "events":
        raise r.fail("fold", "only a source of kind 'events' is folded")
    for raw, canon in maps.get("state", {}).items():
        if canon not in UPTIME_STATES:
            raise r.fail(f"values.state.{raw!r}", f"expected one of {', '.join(UPTIME_STATES)}")
    interval = _duration(r, "interval")
    if kind == "checks" and interval is None:
        raise r.fail("interval", "a check log needs the probe interval, e.g. '5m'")
    gap = r.number("gap_factor", 3.0, positive=True)
    return {"preset": r.get("preset", str, None), "fold": dict(fold.data),
            "stale_after_seconds": _duration(r, "stale_after"), "interval_seconds": interval,
            "gap_factor": gap}


def _source_values(r: _Reader) -> dict[str, Any]:
    """``null_values``, ``defaults`` and ``client_pattern`` of a source (README
    "Values that never turn into wrong numbers")."""
    nulls = tuple(v.strip() for v in r.strings("null_values", []))
    if "" in nulls:
        raise r.fail("null_values", "the empty string is always blank; list other tokens")
    defaults = r.table("defaults", {})
    for key, value in defaults.data.items():
        if not isinstance(value, str):
            raise defaults.fail(key, f"expected a string, got {value!r}")
    pattern = r.get("client_pattern", str, None)
    if pattern is not None:
        try:
            compiled = re.compile(pattern)
        except re.error as exc:
            raise r.fail("client_pattern", f"not a regular expression: {exc}") from None
        if "client" not in compiled.groupindex:
            raise r.fail("client_pattern", "needs a named group (?P<client>...)")
    return {"null_values": nulls, "defaults": dict(defaults.data), "client_pattern": pattern}


def _brand(r: _Reader, base: Path) -> Brand:
    folder_name = r.get("brand", str, None)
    folder = (base / folder_name).resolve() if folder_name else None
    if folder is not None and not folder.is_dir():
        raise r.fail("brand", f"brand folder not found: {folder}")
    logo = None
    logo_name = r.get("logo", str, None)
    if logo_name is not None:
        if folder is None:
            raise r.fail("logo", "a logo needs msp.brand (the folder it lives in)")
        logo = (folder / logo_name).resolve()
        # SPEC §8: brand images are checked at load time, inside their layer, by type.
        if not logo.is_relative_to(folder) or not logo.is_file():
            raise r.fail("logo", "must be a file inside the brand folder")
        if logo.suffix.lower() not in _LOGO_SUFFIXES:
            raise r.fail("logo", "must be a PNG, JPEG or SVG file")
    colours = {}
    for key, default in (("primary_color", "#1F3A5F"), ("accent_color", "#2E8B57")):
        value = r.get(key, str, default)
        if not _HEX_COLOUR.match(value):
            raise r.fail(key, "must match #RRGGBB")
        colours[key] = value
    return Brand(folder=folder, logo=logo, **colours)


def _alias_index(file: str, clients: Mapping[str, Client]) -> dict[str, str]:
    index: dict[str, str] = {}
    for client in clients.values():
        for name in (client.key, client.name, *client.aliases):
            norm = normalise_name(name)
            other = index.setdefault(norm, client.key)
            if other != client.key:
                raise ConfigError(file, f"clients.{client.key}", f"name {name!r} collides with "
                                  f"client {other!r} after normalisation")
    return index


def load_config(path: str | Path) -> Config:
    """Read and validate the TOML config at ``path``. Raises :class:`ConfigError`."""
    file = Path(path)
    label = str(path)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(label, "", "config file not found (pass --config)") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(label, "", f"not valid TOML: {exc}") from None
    return parse_config(data, file.resolve().parent, label)


def parse_config(data: Mapping[str, Any], base: Path, label: str = "qbr.toml") -> Config:
    """Validate an already-parsed TOML document; relative paths are read against ``base``."""
    root = _Reader(label, data, "")
    root.unknown({"msp", "figures", "calendars", "tiers", "clients", "sources"})
    msp = root.table("msp")
    msp.unknown({"name", "timezone", "brand", "logo", "primary_color", "accent_color",
                 "locale", "fiscal_year_start", "notes", "paper", "psa_url_host"})
    fiscal = msp.get("fiscal_year_start", int, None)
    if fiscal is not None and not 1 <= fiscal <= 12:
        raise msp.fail("fiscal_year_start", f"expected a month 1–12, got {fiscal!r}")
    default_tz = _zone(msp, "timezone", None)
    cal_t = root.table("calendars")
    calendars = {n: _calendar(cal_t.table(n), n) for n in cal_t.data}
    # SPEC §3a: the name "24x7" exists without being defined.
    calendars.setdefault(BUILTIN_24X7, Calendar(name=BUILTIN_24X7, always=True))
    tier_t = root.table("tiers")
    tiers = {n: _tier(tier_t.table(n), n, calendars) for n in tier_t.data}
    client_t = root.table("clients")
    clients = {k: _client(client_t.table(k), k, tiers, calendars) for k in client_t.data}
    if not clients:
        raise root.fail("clients", "needs at least one client")
    _unique_monitors(label, clients)
    check_guarantees(label, clients, tiers)
    src_t = root.table("sources")
    sources = tuple(_source(src_t.table(n), n, base, default_tz) for n in src_t.data)
    _check_priority_maps(label, sources, tiers)
    figures = root.table("figures", {})
    figures.unknown({"min_clients"})
    min_clients = figures.get("min_clients", int, 5)
    if min_clients < 1:
        raise figures.fail("min_clients", f"expected 1 or more, got {min_clients!r}")
    locale = msp.get("locale", str, "en")
    _check_locale(msp, locale)
    return Config(
        file=label, base=base, msp_name=msp.get("name", str), timezone=default_tz,
        brand=_brand(msp, base), calendars=calendars, tiers=tiers, clients=clients,
        sources=sources, min_clients=min_clients,
        figures_locale=locale, alias_index=_alias_index(label, clients),
        fiscal_year_start=fiscal,
        **_report_options(msp, base),
    )


def _report_options(msp: _Reader, base: Path) -> dict[str, Any]:
    """``msp.notes`` (folder, relative to the config), ``msp.paper`` and
    ``msp.psa_url_host`` (a bare host name such as ``psa.example.de``)."""
    notes = msp.get("notes", str, None)
    paper = msp.get("paper", str, None)
    if paper is not None and paper not in ("A4", "Letter"):
        raise msp.fail("paper", f"expected 'A4' or 'Letter', got {paper!r}")
    host = msp.get("psa_url_host", str, None)
    if host is not None and not re.fullmatch(r"[A-Za-z0-9.-]+(:\d+)?", host):
        raise msp.fail("psa_url_host", f"expected a host name such as 'psa.example.de', "
                                       f"got {host!r}")
    return {"notes": (base / notes).resolve() if notes else None, "paper": paper,
            "psa_url_host": host.lower() if host else None}


def _check_priority_maps(file: str, sources: tuple[Source, ...],
                         tiers: Mapping[str, Tier]) -> None:
    """A priority map target no tier knows is a typo (``P9``), not an unclassified ticket."""
    known = {p for tier in tiers.values() for p in tier.priorities}
    for source in sources:
        for raw, target in source.values.get("priority", {}).items():
            if target not in known:
                raise ConfigError(file, f"sources.{source.name}.values.priority.{raw!r}",
                                  f"{target!r} is no tier's priority (tiers have "
                                  f"{', '.join(sorted(known))})")


def _unique_monitors(file: str, clients: Mapping[str, Client]) -> None:
    seen: dict[str, str] = {}
    for client in clients.values():
        for m in client.monitors:
            for name in (m.monitor, *m.aliases):
                other = seen.setdefault(normalise_name(name), client.key)
                if other != client.key or sum(
                    normalise_name(name) in {normalise_name(x) for x in (mm.monitor, *mm.aliases)}
                    for mm in client.monitors
                ) > 1:
                    raise ConfigError(file, f"clients.{client.key}.monitors",
                                      f"monitor {name!r} is configured twice")
