"""Outage, maintenance and monitor sources (SPEC §2, §7): monitors resolve by normalised
name or alias to their client; unknown monitors are unassigned and counted by name."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from helpers_config import make_config, source, write

from qbr.ingest import load_dataset
from qbr.model import Maintenance, Monitor


def test_outages_maintenance_and_monitor_rows(tmp_path: Path) -> None:
    write(tmp_path, "outages.csv", "Monitor,Start,End,Reason\n"
          "firewall\u00a001,2025-07-01 10:00,2025-07-01 10:30,power\n"
          "FW-01,2025-07-02 10:00,,\nprinter,2025-07-01 10:00,2025-07-01 11:00,\n"
          "vpn-gw,2025-07-03 10:00,2025-07-03 10:10,\n"
          "fw-01,2025-07-04 10:00,2025-07-04 09:00,\n")
    write(tmp_path, "maint.csv", "Client,Monitor,Start,End\n"
          "ACME GmbH,,2025-07-05 22:00,2025-07-06 02:00\n,mail,2025-07-06 22:00,2025-07-06 23:00\n"
          "Initech,,2025-07-05 22:00,2025-07-06 02:00\n")
    write(tmp_path, "monitors.csv", "Monitor,Client,Critical,SLA\n"
          "vpn-gw,Globex Corp,ja,\"99,5 %\"\nmail,ACME GmbH,no,\nlab,Initech,x,\n")
    sources = {
        "outages": source("outages.csv", kind="outages", columns={
            "monitor": "Monitor", "start": "Start", "end": "End", "reason": "Reason"}),
        "maint": source("maint.csv", kind="maintenance", columns={
            "client": "Client", "monitor": "Monitor", "start": "Start", "end": "End"}),
        "monitors": source("monitors.csv", kind="monitors", decimal=",", columns={
            "monitor": "Monitor", "client": "Client", "critical": "Critical",
            "guarantee_pct": "SLA"}),
    }
    data = load_dataset(make_config(tmp_path, sources))
    assert [(o.monitor, o.client, o.end is None) for o in data.outages] == [
        ("fw-01", "acme", False), ("fw-01", "acme", True), ("vpn-gw", "globex", False)]
    assert data.outages[0].start == datetime(2025, 7, 1, 8, 0, tzinfo=UTC)
    assert data.maintenance == (
        Maintenance("acme", None, datetime(2025, 7, 5, 20, 0, tzinfo=UTC),
                    datetime(2025, 7, 6, 0, 0, tzinfo=UTC), data.maintenance[0].source),
        Maintenance("acme", "mail", datetime(2025, 7, 6, 20, 0, tzinfo=UTC),
                    datetime(2025, 7, 6, 21, 0, tzinfo=UTC), data.maintenance[1].source))
    assert Monitor("vpn-gw", "globex", True, 99.5) in data.monitors
    assert [m.monitor for m in data.monitors] == ["fw-01", "mail", "vpn-gw"]
    outages, maint, monitors = data.files
    assert (outages.read, outages.accepted, outages.unassigned) == (5, 3, 1)
    assert outages.unassigned_names == {"printer": 1}
    assert outages.rejected == {"end-before-start": 1}
    assert maint.unassigned_names == {"Initech": 1}
    assert monitors.rejected == {"duplicate-monitor": 1}
    assert monitors.unassigned_names == {"Initech": 1}
    assert [(r.file, r.row, r.reason, r.client) for r in data.rejections] == [
        ("outages.csv", 6, "end-before-start", "acme"),
        ("monitors.csv", 3, "duplicate-monitor", "acme")]


def test_config_monitors_carry_their_observed_span(tmp_path: Path) -> None:
    from helpers_config import client

    clients = {"acme": client("ACME GmbH", monitors=[{
        "monitor": "fw-01", "critical": True, "monitored_from": "2025-07-15T00:00:00Z"}])}
    data = load_dataset(make_config(tmp_path, {}, clients))
    assert data.monitors == (Monitor("fw-01", "acme", True, None,
                                     datetime(2025, 7, 15, tzinfo=UTC), None),)
