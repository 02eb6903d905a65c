"""Strict cell values (qbr.io.values): DST policy, declared date formats, number profiles.

ADVERSARIAL 21 (numbers bound to the profile), 22–23 (only declared date formats) and
the SPEC §2 local-time policy that case 34 checks end to end in test_ingest_dst.py."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from qbr.io.values import CellError, localise, parse_instant, parse_number, parse_percent

BERLIN = ZoneInfo("Europe/Berlin")


def test_plain_local_time_has_no_warning() -> None:
    assert localise(datetime(2025, 7, 1, 12, 0), BERLIN) == (
        datetime(2025, 7, 1, 10, 0, tzinfo=UTC), "")


def test_repeated_hour_takes_the_first_occurrence() -> None:
    value, note = localise(datetime(2025, 10, 26, 2, 30), BERLIN)
    assert value == datetime(2025, 10, 26, 0, 30, tzinfo=UTC)  # 02:30 CEST
    assert note.startswith("ambiguous local time 2025-10-26 02:30 in Europe/Berlin")
    assert "CEST, +02:00" in note


def test_skipped_hour_moves_forward_to_the_first_valid_minute() -> None:
    value, note = localise(datetime(2025, 3, 30, 2, 30, 15), BERLIN)
    assert value == datetime(2025, 3, 30, 1, 0, tzinfo=UTC)  # 03:00 CEST
    assert "moved forward to 03:00 CEST (+02:00)" in note


def test_offset_and_z_are_converted_as_given() -> None:
    fmts = ("%Y-%m-%d %H:%M%z",)
    assert parse_instant("2025-10-26 02:30+01:00", fmts, BERLIN) == (
        datetime(2025, 10, 26, 1, 30, tzinfo=UTC), "")
    assert parse_instant("2025-10-26 02:30Z", fmts, BERLIN)[0] == datetime(
        2025, 10, 26, 2, 30, tzinfo=UTC)


def test_german_format_is_day_first_only_because_declared() -> None:
    fmts = ("%d.%m.%Y %H:%M",)
    values = [parse_instant(v, fmts, BERLIN)[0].date().isoformat()
              for v in ("01.02.2025 14:05", "13.01.2025 09:00", "03.04.2025 08:00")]
    assert values == ["2025-02-01", "2025-01-13", "2025-04-03"]
    message = "'2025-01-13' matches none of the accepted formats '%d.%m.%Y %H:%M'"
    with pytest.raises(CellError, match=re.escape(message)):
        parse_instant("2025-01-13", fmts, BERLIN)


def test_formats_are_tried_in_order() -> None:
    fmts = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M")
    assert parse_instant("2025-07-01 12:00", fmts, BERLIN)[0].hour == 10


@pytest.mark.parametrize(("text", "decimal", "expected"), [
    ("1.234,5", ",", 1234.5), ("0,5", ",", 0.5), ("2", ",", 2.0), ("1.234", ",", 1234.0),
    ("1.234", ".", 1.234), ("1,234.5", ".", 1234.5), ("-3", ".", -3.0)])
def test_numbers_follow_the_source_profile(text: str, decimal: str, expected: float) -> None:
    assert parse_number(text, decimal) == expected


@pytest.mark.parametrize(("text", "decimal"), [("1,234.5", ","), ("1,5", "."), ("NA", "."),
                                               ("12a", ",")])
def test_numbers_outside_the_profile_are_errors(text: str, decimal: str) -> None:
    with pytest.raises(CellError, match="is not a number"):
        parse_number(text, decimal)


def test_percentages() -> None:
    assert parse_percent("99,95 %", ",") == 99.95
    assert parse_percent("100%", ".") == 100.0
    with pytest.raises(CellError):
        parse_percent("101", ".")
