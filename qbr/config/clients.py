"""The ``[clients]`` section: clients, their monitors, contacts and name index (SPEC §7)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime

from qbr.config.model import (
    AccountManagerConfig,
    Calendar,
    Client,
    MonitorConfig,
    Tier,
    normalise_name,
)
from qbr.config.reader import _holiday_rule, _instant, _Reader, _zone
from qbr.config.tiers import _calendar_map
from qbr.config_rules import parse_schedule
from qbr.errors import ConfigError


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


def _unique_monitors(file: str, clients: Mapping[str, Client]) -> None:
    """A monitor name or alias (normalised) belongs to one monitor of one client. Linear in
    the number of names: a portfolio of 10,000 monitors is checked in milliseconds."""
    owner: dict[str, tuple[str, int]] = {}  # normalised name -> (client key, monitor index)
    for client in clients.values():
        for i, m in enumerate(client.monitors):
            for name in (m.monitor, *m.aliases):
                norm = normalise_name(name)
                other = owner.setdefault(norm, (client.key, i))
                if other != (client.key, i):
                    raise ConfigError(file, f"clients.{client.key}.monitors",
                                      f"monitor {name!r} is configured twice")
