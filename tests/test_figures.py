"""Sales figures are rounded against the MSP (SPEC §5) and never name a client."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from qbr.figures import round_down, round_up_minutes


def test_spec_examples() -> None:
    assert round_down(99.9949, 2) == 99.99  # SPEC §5: 99.9949 % → "99.99 %"
    assert round_up_minutes(9.2) == 10       # SPEC §5: a median of 9.2 min → "10 min"
    assert round_down(95.0, 1) == 95.0
    assert round_up_minutes(9.0) == 9
    assert round_down(99.99999999, 2) == 99.99  # never shows 100 unless exactly 100


@given(st.floats(min_value=0, max_value=100, allow_nan=False))
def test_rounded_share_never_looks_better(value: float) -> None:
    assert round_down(value, 2) <= value


@given(st.floats(min_value=0, max_value=1e6, allow_nan=False))
def test_rounded_duration_never_looks_better(value: float) -> None:
    assert round_up_minutes(value) >= value - 1e-9
