"""The Arrow cast path for clean fixed-width date columns (qbr.io.isocast) gives exactly
what the digit-by-digit path gives, and takes the column only when every value passes."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
import pytest

from qbr.io import dates
from qbr.io.isocast import cast_uniform

BERLIN = ZoneInfo("Europe/Berlin")

CASES = [
    ("%Y-%m-%dT%H:%M:%S%z", "2025-07-01T12:00:00Z"),
    ("%Y-%m-%dT%H:%M:%S%z", "2025-07-01T12:00:00+0100"),
    ("%Y-%m-%dT%H:%M:%S%z", "2025-07-01T12:00:00-05:30"),
    ("%Y-%m-%dT%H:%M:%S%z", "2025-07-01T12:00:00+12:60"),  # offset minute 60: bad
    ("%d/%m/%Y %H:%M", "29/02/2024 00:00"),
    ("%d/%m/%Y %H:%M", "29/02/2023 00:00"),                 # no 29 February: bad
    ("%d/%m/%Y %H:%M", "01/07/1677 00:00"),                 # before 1678: bad
    ("%d/%m/%Y %H:%M", "31/12/2261 23:59"),
    ("%m/%d/%Y %H:%M:%S", "12/31/2025 23:59:59"),
    ("%m/%d/%Y %H:%M:%S", "12/31/2025 24:00:00"),           # hour 24: bad
    ("%m/%d/%Y %H:%M:%S", "12/31/2025 23:59:60"),           # second 60: bad
    ("%Y%m%d%H%M", "202507011200"),
    ("%Y-%m-%d %H:%M", "2025-07-01 12:00"),                # ISO as written: cast as is
    ("%Y-%m-%dT%H:%M:%S", "2025-10-26T02:30:00"),           # a repeated hour in Berlin
    ("%Y-%m-%d", "2025-13-01"),                             # month 13: bad
    ("%Y-%m-%d %H:%M:%S%z", "1678-01-01 00:30:00+01:00"),   # written 1678: kept
    ("%Y-%m-%d %H:%M:%S%z", "1677-12-31 23:30:00-01:00"),   # written 1677: bad
    ("%d.%m.%Y", "01.07.2025"),
]


def _digit_path(texts: pa.Array, fmt: str) -> dates.Instants:
    saved = dates.cast_uniform
    dates.cast_uniform = lambda *_args: None  # type: ignore[assignment]
    try:
        return dates.parse_column(texts, [fmt], BERLIN)
    finally:
        dates.cast_uniform = saved


@pytest.mark.parametrize(("fmt", "value"), CASES)
def test_cast_path_equals_digit_path(fmt: str, value: str) -> None:
    texts = pa.array([value] * 3, pa.string())
    got = dates.parse_column(texts, [fmt], BERLIN)
    want = _digit_path(texts, fmt)
    assert np.array_equal(got.utc, want.utc, equal_nan=True)
    assert got.bad.tolist() == want.bad.tolist()


def test_hand_worked_instants() -> None:
    # 12:00 at +01:00 is 11:00 UTC; 12:00 wall time in Berlin in July (CEST, +02:00)
    # is 10:00 UTC.
    aware = dates.parse_column(pa.array(["2025-07-01T12:00:00+01:00"]),
                               ["%Y-%m-%dT%H:%M:%S%z"], BERLIN)
    naive = dates.parse_column(pa.array(["01/07/2025 12:00"]), ["%d/%m/%Y %H:%M"], BERLIN)
    assert aware.utc[0] == np.datetime64("2025-07-01T11:00:00", "ns")
    assert naive.utc[0] == np.datetime64("2025-07-01T10:00:00", "ns")


def _grid(values: list[str]) -> np.ndarray:
    return np.frombuffer("".join(values).encode(), dtype=np.uint8).reshape(len(values), -1)


def test_one_bad_value_leaves_the_column_to_the_digit_path() -> None:
    fields = [("d", 0), ("m", 3), ("Y", 6)]
    literals = [(2, "/"), (5, "/")]
    clean = _grid(["01/07/2025", "02/07/2025"])
    assert cast_uniform(clean, fields, literals, 10, False) is not None
    for bad in (["01/07/2025", "30/02/2025"], ["01/07/2025", "0x/07/2025"],
                ["01/07/2025", "01-07-2025"]):
        assert cast_uniform(_grid(bad), fields, literals, 10, False) is None
    # Through parse_column: only the bad row is bad, the other is read.
    out = dates.parse_column(pa.array(["01/07/2025", "30/02/2025"]), ["%d/%m/%Y"], BERLIN)
    assert out.bad.tolist() == [False, True]
    assert out.utc[0] == np.datetime64("2025-06-30T22:00:00", "ns")
