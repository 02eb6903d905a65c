"""Display formatting: the only place where numbers become text (STYLE rule 6).

SPEC §6 display rules:

* percentages are **truncated toward zero** at the shown precision (2 decimals for
  uptime, 1 for attainment), so a shown value never reaches a threshold the exact value
  misses, and "100" appears only when nothing was lost;
* money is rounded half-up to the currency's minor unit;
* ``None`` is an em dash.

Numbers, percentages, dates and money are localised with Babel for the pack's locale
(``de_DE`` → ``99,95 %``, ``30.09.2026``, ``1.234,50 €``). Instants are shown in the
client's time zone.
"""

from __future__ import annotations

import copy
import gettext
import math
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_time, get_day_names
from babel.numbers import format_currency, format_decimal, get_currency_precision, parse_pattern
from markupsafe import Markup

from qbr.display import NOISE_PLACES, truncate

DASH = "—"
Instant = datetime  # the method ``Formatters.datetime`` shadows the type inside the class
Day = date  # likewise ``Formatters.date``

# C0 controls except tab/newline, DEL and C1, bidi embeddings/overrides/isolates (ADVERSARIAL 8).
_SURROGATES = re.compile("[\ud800-\udfff]")
_UNSAFE_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f]")


def round_money(amount: float | Decimal | None, currency: str) -> Decimal | None:
    """``amount`` rounded half-up to the minor unit of ``currency`` (EUR: cents)."""
    if amount is None:
        return None
    exact = Decimal(str(amount)) if isinstance(amount, float) else amount
    step = Decimal(1).scaleb(-get_currency_precision(currency))
    return exact.quantize(step, rounding=ROUND_HALF_UP)


def clean_text(text: str) -> str:
    """Untrusted text made safe to show: controls and bidi overrides removed, lone
    surrogates replaced by U+FFFD (ADVERSARIAL 8). Escaping is autoescape's job."""
    return _UNSAFE_TEXT.sub("", _SURROGATES.sub("\ufffd", text))


def css_string(text: str) -> Markup:
    """A CSS string literal for ``text`` with every non-alphanumeric character escaped,
    so data can never end the string, the rule or the ``<style>`` element (used for the
    running page footer). Markup: it is safe to place verbatim inside ``<style>``."""
    parts = [ch if ch.isalnum() and ch.isascii() else f"\\{ord(ch):06x}" for ch in text]
    return Markup('"' + "".join(parts) + '"')


def css_counter_text(template: str, counters: dict[str, str]) -> Markup:
    """A CSS ``content`` value from a translated template with ``{name}`` slots:
    ``css_counter_text("Seite {page} von {pages}", {"page": "page", "pages": "pages"})``
    → ``"Seite " counter(page) " von " counter(pages)``."""
    pieces: list[str] = []
    for i, chunk in enumerate(re.split(r"\{(\w+)\}", template)):
        if i % 2:
            pieces.append(f"counter({counters[chunk]})")
        elif chunk:
            pieces.append(str(css_string(chunk)))
    return Markup(" ".join(pieces))


@dataclass(frozen=True)
class Formatters:
    """Locale- and zone-bound formatters, exposed to templates as filters."""

    locale: Locale
    zone: ZoneInfo
    translations: gettext.NullTranslations

    @classmethod
    def create(
        cls, locale: str, timezone: str, translations: gettext.NullTranslations
    ) -> Formatters:
        """Formatters for a Babel locale name (``de_DE``) and an IANA zone name."""
        return cls(Locale.parse(locale.replace("-", "_")), ZoneInfo(timezone), translations)

    def percent(self, value: float | Decimal | None, places: int) -> str:
        """A percentage (0–100 scale) truncated to ``places`` decimals: ``99,95 %``."""
        shown = truncate(value, places)
        if shown is None:
            return DASH
        pattern = copy.copy(parse_pattern(self.locale.percent_formats[None].pattern))
        pattern.frac_prec = (places, places)
        return str(pattern.apply(shown / 100, self.locale))

    def attainment(self, value: float | Decimal | None) -> str:
        """Attainment % with one truncated decimal (SPEC §6)."""
        return self.percent(value, 1)

    def uptime(self, value: float | Decimal | None) -> str:
        """Uptime % with two truncated decimals (SPEC §6)."""
        return self.percent(value, 2)

    def number(self, value: float | int | None, places: int = 0) -> str:
        """A plain localised number (counts, minutes), rounded half-even to ``places``."""
        if value is None:
            return DASH
        fmt = "#,##0" + ("." + "0" * places if places else "")
        return str(format_decimal(value, format=fmt, locale=self.locale))

    def money(self, amount: float | Decimal | None, currency: str | None) -> str:
        """Money rounded half-up to the minor unit: ``1.234,50 €`` / ``€1,234.50``."""
        if amount is None or not currency:
            return DASH
        rounded = round_money(amount, currency)
        assert rounded is not None  # amount is not None here
        return str(format_currency(rounded, currency, locale=self.locale))

    def local(self, instant: datetime) -> datetime:
        """``instant`` (tz-aware) in the client's zone."""
        return instant.astimezone(self.zone)

    def date(self, instant: datetime | None) -> str:
        """The client-local calendar date: ``30.09.2026`` / ``Sep 30, 2026``."""
        if instant is None:
            return DASH
        return str(format_date(self.local(instant), format="medium", locale=self.locale))

    def datetime(self, instant: datetime | None) -> str:
        """Client-local date and time to the minute: ``30.09.2026 14:05``."""
        if instant is None:
            return DASH
        local = self.local(instant)
        time_text = format_time(local, format="short", locale=self.locale)
        return f"{self.date(instant)} {time_text}"

    def datetime_tz(self, instant: Instant | None) -> str:
        """Like :meth:`datetime`, with the zone's abbreviation: ``14.08.2026 09:12 MESZ``."""
        if instant is None:
            return DASH
        return f"{self.datetime(instant)} {zone_abbreviation(instant, self.zone, self.locale)}"

    def month(self, day: Day) -> str:
        """A month as ``Juli 2026`` / ``July 2026``."""
        return str(format_date(day, format="LLLL yyyy", locale=self.locale))

    def day(self, day: Day | None) -> str:
        """A calendar date (no time, no zone): ``20.01.2027`` / ``Jan 20, 2027``."""
        return DASH if day is None else str(format_date(day, format="medium",
                                                         locale=self.locale))

    def end_date(self, instant: Instant | None) -> str:
        """The last day of a half-open span ending at ``instant`` (a span ending at local
        midnight 1 Oct ends on 30 Sep)."""
        if instant is None:
            return DASH
        local = self.local(instant)
        if local.hour == 0 and local.minute == 0 and local.second == 0:
            local = local - timedelta(seconds=1)
        return str(format_date(local, format="medium", locale=self.locale))

    def until(self, end: Instant | None, start: Instant | None) -> str:
        """The end of a span: only the time (with zone) when it falls on the start's
        local day, else the full date and time — ``07:35 MESZ`` / ``21.08.2026 09:10 MESZ``."""
        if end is None:
            return DASH
        if start is not None and self.local(end).date() == self.local(start).date():
            time_text = format_time(self.local(end), format="short", locale=self.locale)
            return f"{time_text} {zone_abbreviation(end, self.zone, self.locale)}"
        return self.datetime_tz(end)

    def quarter(self, quarter: str) -> str:
        """``2026Q3`` → ``Q3 2026`` / ``3. Quartal 2026``."""
        return quarter_label(quarter, self.translations)

    def points(self, now: float | None, before: float | None, places: int) -> str | None:
        """The change between two percentages as shown (both truncated first, so the
        difference matches the figures on the page): ``+2.7 pts`` / ``+2,7 Pkt.``."""
        a, b = truncate(now, places), truncate(before, places)
        if a is None or b is None:
            return None
        diff = a - b
        sign = "+" if diff > 0 else ("−" if diff < 0 else "±")
        text = self.number(float(abs(diff)), places)
        return self.translations.gettext("%(sign)s%(n)s pts") % {"sign": sign, "n": text}

    def weekday(self, key: str) -> str:
        """A weekday key (``"mon"``) as the locale's abbreviated name (``Mo.``/``Mon``)."""
        index = ("mon", "tue", "wed", "thu", "fri", "sat", "sun").index(key.lower())
        return str(get_day_names("abbreviated", locale=self.locale)[index])

    def duration(self, minutes: float | None) -> str:
        """Business minutes as ``1 h 05 min`` (``45 min``, ``< 1 min``).

        Rounded **up** to whole minutes, so a shown time is never better than the exact
        one (the same direction as SPEC §5's sales figures)."""
        if minutes is None or not math.isfinite(minutes):
            return DASH
        _ = self.translations.gettext
        if 0 < minutes < 1:
            return _("< 1 min")
        whole = math.ceil(round(minutes, NOISE_PLACES))
        hours, rest = divmod(whole, 60)
        if hours == 0:
            return _("%(m)d min") % {"m": rest}
        return _("%(h)s h %(m)02d min") % {"h": self.number(hours), "m": rest}


# --------------------------------------------------------------------- issue 7 wording

PRIORITY_WORDS = {"P1": "critical", "P2": "high", "P3": "medium", "P4": "low"}


def quarter_label(quarter: str, translations: gettext.NullTranslations) -> str:
    """``"2026Q3"`` → ``"Q3 2026"`` / ``"3. Quartal 2026"`` (from the catalog)."""
    match = re.fullmatch(r"(\d{4})Q([1-4])", quarter)
    if not match:
        return quarter
    return translations.gettext("Q%(n)s %(year)s") % {"n": match.group(2),
                                                       "year": match.group(1)}


def priority_label(key: str | None, translations: gettext.NullTranslations) -> str:
    """``P1`` → ``P1 (critical)`` / ``P1 (kritisch)``; other keys as they are. The words
    assume the usual P1–P4 scale (README "Wording")."""
    _ = translations.gettext
    if key is None:
        return _("unclassified")
    words = {"critical": _("critical"), "high": _("high"), "medium": _("medium"),
             "low": _("low")}
    word = PRIORITY_WORDS.get(key)
    return f"{key} ({words[word]})" if word else key


def compact_duration(minutes: float, translations: gettext.NullTranslations,
                     number: Any) -> str:
    """Whole minutes as ``15 min``, ``4 h``, ``1 h 30 min`` (targets are whole)."""
    _ = translations.gettext
    whole = math.ceil(round(minutes, NOISE_PLACES))
    hours, rest = divmod(whole, 60)
    if hours == 0:
        return _("%(m)d min") % {"m": rest}
    if rest == 0:
        return _("%(h)s h") % {"h": number(hours)}
    return _("%(h)s h %(m)d min") % {"h": number(hours), "m": rest}


def target_text(minutes: float | None, always: bool, day_minutes: int | None,
                translations: gettext.NullTranslations, number: Any) -> str:
    """A target as the contract means it. Round the clock: ``4 h``. Business time on a
    calendar whose working day has ``day_minutes``: whole days as ``3 business days
    (24 h)`` / ``3 Arbeitstage (24 h)``, otherwise ``4 business hours`` or ``15 min``
    (minutes of service time; the methodology says so)."""
    if minutes is None or not math.isfinite(minutes):
        return DASH
    plain = compact_duration(minutes, translations, number)
    if always or not day_minutes or minutes < 60:
        return plain
    if minutes >= day_minutes and minutes % day_minutes == 0:
        days = int(minutes // day_minutes)
        return translations.ngettext(
            "%(n)s business day (%(h)s)", "%(n)s business days (%(h)s)", days
        ) % {"n": number(days), "h": plain}
    if minutes % 60 == 0:
        hours = int(minutes // 60)
        return translations.ngettext("%(n)s business hour", "%(n)s business hours",
                                     hours) % {"n": number(hours)}
    return translations.gettext("%(d)s business time") % {"d": plain}


def zone_abbreviation(instant: datetime, zone: ZoneInfo, locale: Locale) -> str:
    """The zone's short name at ``instant`` in the reader's language: MESZ, BST, EDT.

    CLDR has short names only for the zones a language commonly uses; for the others
    Babel gives an offset (``+0100`` for Rome in English) or, in some English locales, a
    long name (``Eastern Standard Time``). Then the tz database's abbreviation stands in
    where it is a word (CET, EST, JST); a zone whose abbreviation is itself an offset
    (``+03``) keeps Babel's offset."""
    from babel.dates import format_datetime

    local = instant.astimezone(zone)
    name = str(format_datetime(local, "z", locale=locale))
    if name.isalpha() and len(name) <= 5:
        return name
    fallback = local.tzname() or ""
    return fallback if fallback.isalpha() else name
