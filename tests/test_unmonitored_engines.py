"""Unmonitored spans (state and check logs, SPEC §2) in both engines and in the deck's
availability row: the span is left out of the uptime window like maintenance, reported
apart as "not monitored", and time that is both maintenance and unmonitored counts once,
as maintenance."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from qbr.config import Config, parse_config
from qbr.metrics import Engine, ScalarEngine
from qbr.model import Maintenance, Monitor, Outage, Provenance, Unmonitored
from qbr.packparts import system_rows
from qbr.quarters import parse_quarter

SRC = Provenance("log.csv", 2)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def config(tmp: Path) -> Config:
    return parse_config({
        "msp": {"name": "MSP", "timezone": "UTC"},
        "calendars": {"always": {"type": "24x7"}},
        "tiers": {"std": {"calendar": "always", "response_minutes": {"P1": 60},
                          "resolution_minutes": {"P1": 240}, "objective_pct": 90,
                          "uptime_guarantee_pct": 99.0}},
        "clients": {"acme": {"name": "Acme", "tier": "std", "timezone": "UTC", "fee": 100,
                             "currency": "EUR",
                             "monitors": [{"monitor": "web", "critical": True}]}},
        "sources": {},
    }, tmp)


def dataset() -> SimpleNamespace:
    """Observed 07-01 00:00 → 07-02 00:00 (1,440 min). Maintenance 02:00–04:00, unmonitored
    03:00–06:00 (overlapping the maintenance by one hour) and 10:00–11:00, an outage
    05:00–12:00."""
    return SimpleNamespace(
        tickets=(), status_events={}, rejections=(), files=(), warnings=(),
        monitors=(Monitor("web", "acme", True, observed_from=utc("2026-07-01T00:00"),
                          observed_until=utc("2026-07-02T00:00")),),
        outages=(Outage("web", "acme", utc("2026-07-01T05:00"), utc("2026-07-01T12:00"),
                        None, SRC),),
        maintenance=(Maintenance("acme", "web", utc("2026-07-01T02:00"),
                                 utc("2026-07-01T04:00"), SRC),),
        unmonitored=(Unmonitored("acme", "web", utc("2026-07-01T03:00"),
                                 utc("2026-07-01T06:00"), SRC),
                     Unmonitored("acme", "web", utc("2026-07-01T10:00"),
                                 utc("2026-07-01T11:00"), SRC)))


@pytest.mark.parametrize("engine", [Engine, ScalarEngine])
def test_unmonitored_leaves_the_window_and_is_reported_apart(tmp_path: Path,
                                                             engine: type) -> None:
    cfg = config(tmp_path)
    cq = engine(cfg, dataset()).client_quarter("acme", parse_quarter("2026Q3"),
                                               utc("2026-10-05T00:00"))
    (mon,) = cq.entry["uptime"]["monitors"]
    # holes: maintenance 02–04 ∪ unmonitored 03–06, 10–11 = 02–06 + 10–11 = 300 min;
    # window 1,440 − 300 = 1,140 min. Unmonitored not already maintenance: 04–06 + 10–11
    # = 180 min (03–04 is maintenance). Downtime: outage 05–12 minus the holes 05–06 and
    # 10–11 = 420 − 120 = 300 min → 100 × (1 − 300/1,140) = 73.684 %.
    assert mon["window_minutes"] == 1140
    assert mon["unmonitored_minutes"] == 180
    assert mon["downtime_minutes"] == 300
    assert mon["uptime_pct"] == pytest.approx(100 * (1 - 300 / 1140))
    # The deck's row: measured 1,140 + maintenance 120 + not monitored 180 = 1,440 of the
    # observed day; outside the observed span (rest of the quarter up to 10-01) is not
    # monitored either: 92 days − 1 day = 91 × 1,440 = 131,040 min more.
    span = (utc("2026-07-01T00:00"), utc("2026-10-01T00:00"))
    (row,) = system_rows(cq.monitors, dataset().monitors, {"web": "Web shop"}, span)
    assert row.label == "Web shop"
    assert row.maintenance_minutes == 120
    assert row.unmonitored_minutes == 180 + 131_040
