"""Display rules (SPEC §6): truncation, money, locale formats, durations."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from qbr.display import truncate
from qbr.report.formatters import (
    DASH,
    Formatters,
    clean_text,
    css_counter_text,
    css_string,
    round_money,
)
from qbr.report.i18n import load_translations


def fmt(locale: str = "en") -> Formatters:
    return Formatters.create(locale, "Europe/Berlin", load_translations(locale))


@pytest.mark.parametrize(
    ("value", "places", "shown"),
    [
        (99.999, 2, "99.99"),
        (99.99999, 2, "99.99"),
        (99.95, 1, "99.9"),
        (100.0, 2, "100.00"),
        (99.9999999, 1, "99.9"),
        (0.0, 1, "0.0"),
        (95.0, 1, "95.0"),
        (100 * 19 / 20, 1, "95.0"),  # float noise must not cost a digit
        (Decimal("12.3456"), 2, "12.34"),
    ],
)
def test_truncate_never_rounds_up(value: float, places: int, shown: str) -> None:
    assert truncate(value, places) == Decimal(shown)


def test_truncate_null_and_nan() -> None:
    assert truncate(None, 2) is None
    assert truncate(float("nan"), 2) is None


def test_english_percentages() -> None:
    f = fmt("en")
    assert f.uptime(99.999) == "99.99%"
    assert f.uptime(100.0) == "100.00%"
    assert f.attainment(99.95) == "99.9%"
    assert f.attainment(None) == DASH


def test_german_percentages_dates_money() -> None:
    f = fmt("de_DE")
    assert f.uptime(99.95) == "99,95\xa0%"
    assert f.attainment(99.99) == "99,9\xa0%"
    assert f.date(datetime(2026, 9, 30, 12, 0, tzinfo=UTC)) == "30.09.2026"
    assert f.money(1234.5, "EUR") == "1.234,50\xa0€"


def test_dates_in_client_zone() -> None:
    # 22:30 UTC on 30 Sep is already 1 Oct in Berlin (CEST).
    instant = datetime(2026, 9, 30, 22, 30, tzinfo=UTC)
    assert fmt("de_DE").date(instant) == "01.10.2026"
    assert fmt("en").datetime(instant).startswith("Oct 1, 2026 12:30")


def test_money_rounds_half_up_to_minor_unit() -> None:
    assert round_money(612.505, "EUR") == Decimal("612.51")
    assert round_money(0.125, "EUR") == Decimal("0.13")
    assert round_money(1000.5, "JPY") == Decimal("1001")
    assert fmt("en").money(612.505, "EUR") == "€612.51"
    assert fmt("en").money(None, "EUR") == DASH


@pytest.mark.parametrize(
    ("minutes", "en", "de"),
    [
        (65.0, "1 h 05 min", "1 Std. 05 Min."),
        (45.0, "45 min", "45 Min."),
        (44.2, "45 min", "45 Min."),  # rounded up, never better than exact
        (0.4, "< 1 min", "< 1 Min."),
        (0.0, "0 min", "0 Min."),
        (1500.0, "25 h 00 min", "25 Std. 00 Min."),
        (None, DASH, DASH),
    ],
)
def test_duration(minutes: float | None, en: str, de: str) -> None:
    assert fmt("en").duration(minutes) == en
    assert fmt("de_DE").duration(minutes) == de


def test_clean_text_strips_controls_and_bidi() -> None:
    assert clean_text("Rechnung\u202efdp") == "Rechnungfdp"
    assert clean_text("a\x00b\x0bc\x1b[31md\te\nf") == "abc[31md\te\nf"
    assert clean_text("x\ud800y") == "x\ufffdy"


def test_css_string_cannot_break_out() -> None:
    text = css_string('"; } body { background: url(http://x) } </style><script>')
    assert text.count('"') == 2
    assert "<" not in text and "}" not in text and "(" not in text


def test_css_counter_text() -> None:
    value = css_counter_text("Seite {page} von {pages}", {"page": "page", "pages": "pages"})
    assert value == '"Seite\\000020" counter(page) "\\000020von\\000020" counter(pages)'


@pytest.mark.parametrize(
    ("locale", "zone", "expected"),
    [
        # CLDR's own short names where the language has them.
        ("de_DE", "Europe/Berlin", "MESZ"),
        ("en_US", "America/New_York", "EDT"),
        ("en_GB", "Europe/London", "BST"),
        # No CLDR short name: Babel gives "+0200" for Rome in American English; the tz
        # database's "CEST" stands in.
        ("en_US", "Europe/Rome", "CEST"),
        # en_GB's CLDR name for New York is the long "Eastern Daylight Time": "EDT".
        ("en_GB", "America/New_York", "EDT"),
        # A zone whose tz abbreviation is itself an offset ("+03") keeps Babel's offset.
        ("en_US", "Europe/Istanbul", "+0300"),
    ],
)
def test_zone_abbreviation_is_a_short_name(locale: str, zone: str, expected: str) -> None:
    # 14 Aug 2026 07:12 UTC: summer time in every zone above that has one.
    instant = datetime(2026, 8, 14, 7, 12, tzinfo=UTC)
    text = Formatters.create(locale, zone, load_translations(locale)).datetime_tz(instant)
    assert text.endswith(" " + expected), text
