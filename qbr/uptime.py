"""Uptime per monitor and client, and the service credit (SPEC §4). Pure functions.

Window = the quarter (client-local midnights) ∩ the monitor's observed span ∩ (−∞, as_of),
minus the union of the maintenance windows of the monitor and of its client. Downtime =
the union of the monitor's outages (an open one lasts until ``as_of``) inside the window,
so overlapping outages count once and an outage across a quarter boundary is split there.
All durations here are wall-clock (real) minutes, not business minutes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from qbr.config import CreditRow
from qbr.intervals import Interval, intersect, subtract, total_seconds, union
from qbr.model import Maintenance, Monitor, Outage, Unmonitored


@dataclass(frozen=True)
class MonitorUptime:
    """One monitor's quarter. ``uptime_pct`` is ``None`` when the window is empty."""

    monitor: str
    critical: bool
    window_seconds: float
    downtime_seconds: float
    guarantee_pct: float
    window: tuple[Interval, ...]
    unmonitored_seconds: float = 0.0  # not watched (paused, silent): out of the window

    @property
    def uptime_pct(self) -> float | None:
        if self.window_seconds <= 0:
            return None
        return 100.0 * (1.0 - self.downtime_seconds / self.window_seconds)

    @property
    def met(self) -> bool | None:
        pct = self.uptime_pct
        return None if pct is None else pct >= self.guarantee_pct


def outage_span(outage: Outage, as_of: datetime) -> Interval | None:
    """The outage as known at ``as_of``: not yet started → ``None``; no end, or an end
    after ``as_of`` → still down until ``as_of``."""
    if outage.start >= as_of:
        return None
    end = outage.end if outage.end is not None and outage.end <= as_of else as_of
    return (outage.start, end)


def monitor_window(monitor: Monitor, quarter: Interval, as_of: datetime,
                   maintenance: Sequence[Maintenance],
                   unmonitored: Sequence[Unmonitored] = ()) -> list[Interval]:
    """The measured window of a monitor in a quarter (see module docstring). Unmonitored
    spans of the monitor (paused, silent) are holes like maintenance (SPEC §2)."""
    start = max(quarter[0], monitor.observed_from or quarter[0])
    end = min(quarter[1], monitor.observed_until or as_of, as_of)
    holes = [(m.start, m.end) for m in maintenance
             if m.client == monitor.client and m.monitor in (None, monitor.monitor)]
    holes += [(u.start, u.end) for u in unmonitored if u.monitor == monitor.monitor]
    return subtract([(start, end)], holes) if end > start else []


def unmonitored_seconds(monitor: Monitor, quarter: Interval, as_of: datetime,
                        unmonitored: Sequence[Unmonitored]) -> float:
    """Wall-clock seconds of the monitor's unmonitored spans inside its observed span
    in the quarter (overlaps counted once), reported apart from maintenance."""
    start = max(quarter[0], monitor.observed_from or quarter[0])
    end = min(quarter[1], monitor.observed_until or as_of, as_of)
    spans = union((u.start, u.end) for u in unmonitored if u.monitor == monitor.monitor)
    return total_seconds(intersect(spans, [(start, end)])) if end > start else 0.0


def monitor_uptime(monitor: Monitor, quarter: Interval, as_of: datetime,
                   outages: Sequence[Outage], maintenance: Sequence[Maintenance],
                   tier_guarantee_pct: float,
                   unmonitored: Sequence[Unmonitored] = ()) -> MonitorUptime:
    """Window and downtime of one monitor for one quarter, in seconds."""
    window = monitor_window(monitor, quarter, as_of, maintenance, unmonitored)
    spans = [outage_span(o, as_of) for o in outages if o.monitor == monitor.monitor]
    down = intersect(union(s for s in spans if s is not None), window)
    guarantee = monitor.guarantee_pct if monitor.guarantee_pct is not None \
        else tier_guarantee_pct
    return MonitorUptime(monitor.monitor, monitor.critical, total_seconds(window),
                         total_seconds(down), guarantee, tuple(window),
                         unmonitored_seconds(monitor, quarter, as_of, unmonitored))


def critical_uptime(monitors: Sequence[MonitorUptime]) -> tuple[float | None, float | None]:
    """(time-weighted critical uptime %, worst critical monitor %) over critical monitors
    with a non-empty window; ``(None, None)`` when there is none."""
    measured = [m for m in monitors if m.critical and m.window_seconds > 0]
    if not measured:
        return None, None
    window = sum(m.window_seconds for m in measured)
    down = sum(m.downtime_seconds for m in measured)
    worst = min(m.uptime_pct for m in measured if m.uptime_pct is not None)
    return 100.0 * (window - down) / window, worst


def credit_pct(critical_pct: float | None, table: Sequence[CreditRow]) -> float | None:
    """The credit percentage of the quarterly fee: the largest ``pct`` among rows whose
    threshold the (unrounded) critical uptime is strictly below; 0 when none applies;
    ``None`` without a measured critical monitor."""
    if critical_pct is None:
        return None
    applicable = [row.pct for row in table if critical_pct < row.below]
    return max(applicable, default=0.0)


def credit_amount(fee: float, pct: float | None, minor_digits: int) -> float | None:
    """fee × pct / 100, rounded half-up to the currency's minor unit (2 for EUR)."""
    if pct is None:
        return None
    exact = Decimal(str(fee)) * Decimal(str(pct)) / Decimal(100)
    return float(exact.quantize(Decimal(1).scaleb(-minor_digits), rounding=ROUND_HALF_UP))


def outage_downtime_in(outage: Outage, window: Sequence[Interval], as_of: datetime) -> float:
    """Seconds of one outage inside a monitor's window (for the pack's outage list)."""
    span = outage_span(outage, as_of)
    return 0.0 if span is None else total_seconds(intersect([span], window))
