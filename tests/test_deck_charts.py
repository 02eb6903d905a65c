"""Trend chart axes (issue 7 §1): a sane range, unique tick labels, the target line in view."""

from __future__ import annotations

import gettext

import pytest

from qbr.report.charts import _places, axis_range
from qbr.report.formatters import Formatters


@pytest.mark.parametrize(("values", "line", "min_span"), [
    ([99.97, 99.99, 99.96], 99.9, 0.5),   # a 0.03-point dip must not look like a crash
    ([99.99, 100.0], 99.5, 0.5),
    ([87.3, 95.8, 100.0], 92.0, 10.0),
    ([12.0, 100.0], 95.0, 10.0),
])
def test_axis_holds_values_and_line_with_unique_labels(values: list[float], line: float,
                                                        min_span: float) -> None:
    lo, hi, ticks = axis_range(values, line, min_span)
    assert lo <= min([*values, line]) and hi > 100.0
    assert 100.0 - lo >= min_span  # never zoomed in below the minimum span
    assert len(ticks) <= 7
    fmt = Formatters.create("de_DE", "Europe/Berlin", gettext.NullTranslations())
    labels = [fmt.percent(round(t, 6), _places(ticks)) for t in ticks]
    assert len(set(labels)) == len(labels), labels


def test_uptime_axis_for_a_small_dip() -> None:
    # values 99.96–99.99 against 99.9: the axis spans 99.5–100 (0.5 points), step 0.1
    lo, _hi, ticks = axis_range([99.97, 99.99, 99.96], 99.9, 0.5)
    assert lo == pytest.approx(99.5) and ticks[1] - ticks[0] == pytest.approx(0.1)
