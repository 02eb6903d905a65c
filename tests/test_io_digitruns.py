"""Unpadded numeric dates (qbr.io.digitruns, the path ServiceNow's ``29/2/2016 01:16``
takes): what it takes, it reads exactly as strptime does; what it leaves, the regex and
strptime paths decide as before (SPEC §2: declared formats only, nothing guessed)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_io_dates_columnar import _columnar, _scalar

from qbr.io.digitruns import digit_fields, plan

UCI = "%d/%m/%Y %H:%M"


def test_plan_takes_numeric_fields_between_literals_only() -> None:
    assert plan(UCI) == (["d", "m", "Y", "H", "M"], ["", "/", "/", " ", ":", ""])
    assert plan("T%Y-%m-%dZ") == (["Y", "m", "d"], ["T", "-", "-", "Z"])
    for fmt in ("%Y%m%d", "%d/%b/%Y", "%d/%m/%y", "%d/%m/%Y %H:%M%z", "%d/%m/%Y 1%H",
                "%d/%m/%Y %H:%M:%S.%f", "%d/%m/%d", "%d%%%m", "%d/%m/%Y\t%H", "plain"):
        assert plan(fmt) is None, fmt


def test_servicenow_values_hand_worked() -> None:
    values = ["29/2/2016 01:16",   # 2016 is a leap year
              "5/3/2016 1:05",     # one-digit day, month and hour
              "29/2/2015 01:16",   # 2015 is not: bad
              "31/4/2016 10:00",   # April has 30 days: bad
              "1/13/2016 10:00",   # no month 13: bad
              "1/1/2016 24:00",    # no hour 24: bad
              "1/1/2016  10:00",   # two spaces: strptime's \s+ takes it (regex path)
              "1/1/16 10:00",      # a two-digit year is not %Y: bad
              "01/01/2016 10:00"]  # zero-padded values fit too
    got = _columnar(values, [UCI], ZoneInfo("Europe/Berlin"))
    # Europe/Berlin is UTC+1 in winter (CET) and UTC+2 from 27 March 2016 (CEST):
    # 29 Feb 01:16 CET = 00:16 UTC; 5 Mar 01:05 CET = 00:05 UTC; 1 Jan 10:00 CET = 09:00.
    assert got == [("2016-02-29T00:16:00.000000000", ""), ("2016-03-05T00:05:00.000000000", ""),
                   ("bad", ""), ("bad", ""), ("bad", ""), ("bad", ""),
                   ("2016-01-01T09:00:00.000000000", ""), ("bad", ""),
                   ("2016-01-01T09:00:00.000000000", "")]
    fields, taken = digit_fields(pa.array(values), UCI) or ({}, np.array([]))
    # The fast path itself took the well-formed ones (range checks on the month's length
    # are the caller's: 29/2/2015 and 31/4 pass here and fail there).
    assert taken.tolist() == [True, True, True, True, False, False, False, False, True]
    assert fields["d"][:2].tolist() == [29, 5] and fields["H"][:2].tolist() == [1, 1]


def test_nulls_and_empty_values_are_not_taken() -> None:
    fields, taken = digit_fields(pa.array(["", None, "2/3/2024 4:05"]), UCI) or ({}, None)
    assert taken is not None and taken.tolist() == [False, False, True]
    assert fields["Y"][2] == 2024 and fields["M"][2] == 5


_PIECES = st.sampled_from(["/", ":", " ", "  ", "-", ".", "T", "t", "", "a", "٣", "x1"])
_DIGITS = st.text(alphabet="0123456789", min_size=0, max_size=5)


@st.composite
def _value(draw: st.DrawFn) -> str:
    """A value shaped like ``d/m/Y H:M`` whose fields and separators may be wrong."""
    seps = ["/", "/", " ", ":"]
    parts = []
    for i in range(5):
        parts.append(draw(st.sampled_from(["1", "9", "12", "29", "31", "2016", "00"]) |
                          _DIGITS))
        if i < 4:
            parts.append(seps[i] if draw(st.integers(0, 4)) else draw(_PIECES))
    return "".join(parts)


@settings(max_examples=60, deadline=None)
@given(st.lists(_value(), min_size=1, max_size=40))
def test_agrees_with_strptime_on_arbitrary_values(values: list[str]) -> None:
    tz = ZoneInfo("UTC")
    assert _columnar(values, [UCI], tz) == _scalar(values, [UCI], tz)


@pytest.mark.parametrize("fmt", ["%m/%d/%Y %H:%M:%S", "%Y-%m-%d %H:%M", "%d.%m.%Y"])
def test_other_numeric_formats_agree_with_strptime(fmt: str) -> None:
    values = ["1/2/2025 3:04:05", "12/31/2025 23:59:59", "2/30/2025 1:00:00",
              "2025-1-2 3:04", "2025-01-02 03:04", "2025-1-32 3:04", "1.2.2025", "31.12.2025",
              "31.11.2025", "7.7.1678", "7.7.2261", "12/31/2025 23:59:60"]
    tz = ZoneInfo("America/New_York")
    assert _columnar(values, [fmt], tz) == _scalar(values, [fmt], tz)


def test_years_outside_datetime64_are_bad_never_wrapped() -> None:
    # datetime64[ns] holds 1677-09-21 .. 2262-04-11: years 1677 and 2262 stay bad here,
    # as they do on the other columnar paths (test_io_dates_columnar).
    got = _columnar(["7.7.1677", "7.7.2262", "7.7.2261"], ["%d.%m.%Y"], ZoneInfo("UTC"))
    assert got == [("bad", ""), ("bad", ""), ("2261-07-07T00:00:00.000000000", "")]


def test_slices_large_strings_and_chunks_read_their_own_values() -> None:
    # The buffers of a slice start before its first value: offsets must be its own.
    texts = pa.array(["x", "1/2/2024 3:04", "29/2/2024 10:00", "7/7/2000 1:1"])
    for array, days in ((texts.slice(1), [1, 29, 7]),
                        (texts.cast(pa.large_string()).slice(2), [29, 7]),
                        (pa.chunked_array([texts[:2], texts[2:]]), [0, 1, 29, 7])):
        fields, taken = digit_fields(array, UCI) or ({}, np.array([]))
        assert fields["d"][taken].tolist() == [d for d in days if d], array


def test_a_long_column_of_repeated_values_reads_each_distinct_value_once() -> None:
    # 5,000 values (over the 4,096 from which repeats are read once), 45 distinct, in a
    # shuffled order: each position must get its own value's reading, bad ones included.
    distinct = [f"{d}/{m}/2016 {h}:05" for d in (1, 9, 29, 30, 31) for m in (2, 4, 12)
                for h in (0, 7, 23)]
    rng = np.random.default_rng(5)
    values = [distinct[i] for i in rng.integers(0, len(distinct), 5000)]
    tz = ZoneInfo("Europe/Berlin")
    got = _columnar(values, [UCI], tz)
    assert got == _scalar(values, [UCI], tz)
    # 30 and 31 February and 31 April do not exist: 3 × 3 hours of the 45 are bad.
    bad = {v for v in distinct if v.startswith(("30/2/", "31/2/", "31/4/"))}
    assert len(bad) == 9
    assert [g[0] == "bad" for g in got] == [v in bad for v in values]
