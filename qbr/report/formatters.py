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
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_time, get_day_names
from babel.numbers import format_currency, format_decimal, get_currency_precision, parse_pattern
from markupsafe import Markup

from qbr.display import NOISE_PLACES, truncate

DASH = "—"

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
