"""Hand-worked examples for the uptime and credit rules of SPEC §4.

Quarter 2026Q3 for a Europe/Berlin client runs from 2026-07-01 00:00 CEST (2026-06-30
22:00Z) to 2026-10-01 00:00 CEST (2026-09-30 22:00Z): 92 days = 132,480 minutes."""

from __future__ import annotations

import pytest
from engine_helpers import maintenance, monitor, outage, utc

from qbr.config import CreditRow
from qbr.quarters import Quarter
from qbr.uptime import credit_amount, credit_pct, critical_uptime, monitor_uptime

Q3 = Quarter(2026, 3).bounds("Europe/Berlin")
AFTER = utc(2026, 10, 5)  # as_of after the quarter: the whole quarter is observed
CREDITS = (CreditRow(99.9, 5.0), CreditRow(99.5, 10.0), CreditRow(99.0, 20.0))


def test_quarter_bounds_are_local_midnights() -> None:
    assert (utc(2026, 6, 30, 22), utc(2026, 9, 30, 22)) == Q3


def test_overlapping_outages_count_once() -> None:
    # 10:00–11:00Z and 10:30–12:00Z overlap: union 10:00–12:00 = 120 min, not 150.
    outs = [outage(utc(2026, 8, 3, 10), utc(2026, 8, 3, 11)),
            outage(utc(2026, 8, 3, 10, 30), utc(2026, 8, 3, 12))]
    m = monitor_uptime(monitor(), Q3, AFTER, outs, [], 99.9)
    assert m.window_seconds == 132_480 * 60
    assert m.downtime_seconds == 120 * 60
    # 100 × (1 − 120/132480) = 99.909420289855…
    assert m.uptime_pct == pytest.approx(100 * (1 - 120 / 132_480), abs=1e-12)
    assert m.met  # ≥ 99.9


def test_outage_inside_maintenance_is_not_downtime() -> None:
    # Maintenance Sun 2026-08-02 00:00–02:00Z (120 min) removed from the window; an outage
    # 00:30–01:30Z inside it counts 0; another outage 01:30–02:30Z counts only 02:00–02:30.
    outs = [outage(utc(2026, 8, 2, 0, 30), utc(2026, 8, 2, 1, 30)),
            outage(utc(2026, 8, 2, 1, 30), utc(2026, 8, 2, 2, 30))]
    maint = [maintenance(utc(2026, 8, 2, 0), utc(2026, 8, 2, 2))]
    m = monitor_uptime(monitor(), Q3, AFTER, outs, maint, 99.9)
    assert m.window_seconds == (132_480 - 120) * 60
    assert m.downtime_seconds == 30 * 60


def test_maintenance_of_another_monitor_does_not_apply() -> None:
    maint = [maintenance(utc(2026, 8, 2, 0), utc(2026, 8, 2, 2), monitor_name="mail-01")]
    m = monitor_uptime(monitor(), Q3, AFTER, [], maint, 99.9)
    assert m.window_seconds == 132_480 * 60


def test_outage_across_quarter_boundary_is_split_at_local_midnight() -> None:
    # Down 2026-06-30 21:30Z → 2026-07-01 01:30Z. Q3 starts 2026-06-30 22:00Z (CEST
    # midnight), so Q3 counts 22:00–01:30 = 210 min, Q2 the remaining 30 min.
    outs = [outage(utc(2026, 6, 30, 21, 30), utc(2026, 7, 1, 1, 30))]
    q3 = monitor_uptime(monitor(), Q3, AFTER, outs, [], 99.9)
    assert q3.downtime_seconds == 210 * 60
    q2 = monitor_uptime(monitor(), Quarter(2026, 2).bounds("Europe/Berlin"), AFTER, outs,
                        [], 99.9)
    assert q2.downtime_seconds == 30 * 60


def test_open_outage_lasts_until_as_of_and_window_ends_at_as_of() -> None:
    # as_of 2026-07-11 22:00Z: window 2026-06-30 22:00Z → 07-11 22:00Z = 11 days =
    # 15,840 min. Outage from 2026-07-11 21:00Z without an end: 60 min down.
    # Uptime = 100 × (1 − 60/15840) = 99.62121…
    as_of = utc(2026, 7, 11, 22)
    m = monitor_uptime(monitor(), Q3, as_of, [outage(utc(2026, 7, 11, 21), None)], [], 99.9)
    assert m.window_seconds == 15_840 * 60
    assert m.downtime_seconds == 60 * 60
    assert m.uptime_pct == pytest.approx(100 * (1 - 60 / 15_840))
    assert m.met is False


def test_monitor_observed_from_mid_quarter() -> None:
    # Observed from 2026-09-30 12:00Z: window 12:00–22:00Z = 600 min.
    mon = monitor()
    mon = type(mon)(mon.monitor, mon.client, True, None, utc(2026, 9, 30, 12), None)
    m = monitor_uptime(mon, Q3, AFTER, [], [], 99.9)
    assert m.window_seconds == 600 * 60 and m.uptime_pct == 100.0


def test_empty_window_has_no_uptime() -> None:
    as_of = utc(2026, 6, 1)  # before the quarter
    m = monitor_uptime(monitor(), Q3, as_of, [], [], 99.9)
    assert m.uptime_pct is None and m.met is None
    assert critical_uptime([m]) == (None, None)


def test_critical_uptime_is_time_weighted_and_reports_worst() -> None:
    # fw: window 132,480, down 120; vpn observed the last 600 min of the quarter, down 60.
    # Critical = (133,080 − 180) / 133,080 = 99.864743…; worst = vpn 100 × (1 − 60/600) = 90.
    # A non-critical monitor with a huge outage does not count.
    fw = monitor_uptime(monitor(), Q3, AFTER,
                        [outage(utc(2026, 8, 3, 10), utc(2026, 8, 3, 12))], [], 99.9)
    vpn_mon = monitor("vpn")
    vpn_mon = type(vpn_mon)("vpn", "acme", True, None, utc(2026, 9, 30, 12), None)
    vpn = monitor_uptime(vpn_mon, Q3, AFTER,
                         [outage(utc(2026, 9, 30, 13), utc(2026, 9, 30, 14), "vpn")], [], 99.9)
    web = monitor_uptime(monitor("web", critical=False), Q3, AFTER,
                         [outage(utc(2026, 7, 2), utc(2026, 7, 9), "web")], [], 99.0)
    crit, worst = critical_uptime([fw, vpn, web])
    assert crit == pytest.approx(100 * (133_080 - 180) / 133_080)
    assert worst == pytest.approx(90.0)


@pytest.mark.parametrize(
    ("uptime", "expected"),
    [
        (99.9, 0.0),        # at the threshold: "strictly below" does not apply → 0 %
        (99.8999999, 5.0),  # just below 99.9 → 5 %
        (99.5, 5.0),        # at 99.5: only the 99.9 row applies
        (99.49, 10.0),      # below 99.9 and 99.5 → largest = 10 %
        (98.0, 20.0),       # below all three → 20 %
        (None, None),       # no critical monitor → null
    ],
)
def test_credit_thresholds(uptime: float | None, expected: float | None) -> None:
    assert credit_pct(uptime, CREDITS) == expected


def test_credit_amount_rounds_half_up_to_minor_unit() -> None:
    # 12,345.50 × 5 % = 617.275 → 617.28 (half-up), not banker's 617.28/617.27.
    assert credit_amount(12_345.50, 5.0, 2) == 617.28
    # 1,000.10 × 2.5 % = 25.0025 → 25.00
    assert credit_amount(1_000.10, 2.5, 2) == 25.0
    # JPY has no minor unit: 33,333 × 5 % = 1,666.65 → 1,667
    assert credit_amount(33_333, 5.0, 0) == 1667.0
    assert credit_amount(1000, None, 2) is None
