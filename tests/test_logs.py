"""Folding event and uptime logs (qbr.logs), hand-worked, through the DataFrame API that
any reader can feed, and end to end through load_dataset and the engine."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from qbr.config import Config, parse_config
from qbr.errors import ConfigError, InputError
from qbr.ingest import load_dataset, read_source
from qbr.logs.events import fold_events, ticket_list
from qbr.logs.uptime_states import fold_uptime
from qbr.metrics import Engine, default_as_of
from qbr.model import Monitor, Outage, Provenance, StatusEvent, Ticket, Unmonitored
from qbr.quarters import parse_quarter
from qbr.uptime import monitor_uptime


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def config(tmp: Path, sources: dict[str, Any] | None = None) -> Config:
    return parse_config({
        "msp": {"name": "MSP", "timezone": "UTC"},
        "calendars": {"always": {"type": "24x7"}},
        "tiers": {"std": {"calendar": "always", "response_minutes": {"P1": 60},
                          "resolution_minutes": {"P1": 240}, "objective_pct": 90,
                          "uptime_guarantee_pct": 99.0}},
        "clients": {"acme": {"name": "Acme", "tier": "std", "timezone": "UTC", "fee": 100,
                             "currency": "EUR",
                             "monitors": [{"monitor": "web", "critical": True}]}},
        "sources": sources or {},
    }, tmp)


def source_table(kind: str, **extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"path": "log.csv", "kind": kind,
                            "date_format": "%Y-%m-%d %H:%M"}
    if kind == "events":
        base["columns"] = {"ticket_id": "id", "at": "at", "status": "state",
                           "client": "client", "priority": "prio"}
        base["values"] = {"status": {"New": "running", "Work": "running",
                                     "Wait": "waiting_customer", "Resolved": "resolved",
                                     "Closed": "closed"}}
    else:
        base["columns"] = {"monitor": "monitor", "at": "at", "state": "state"}
    return base | extra


def frame(rows: list[tuple[str, ...]], names: tuple[str, ...]) -> pd.DataFrame:
    data: dict[str, list[Any]] = {"row": list(range(2, len(rows) + 2))}
    for i, name in enumerate(names):
        data[name] = [r[i] for r in rows]
    return pd.DataFrame(data)


# -------------------------------------------------------------------------- events

EVENT_FIELDS = ("ticket_id", "at", "status", "client", "priority")


def fold(tmp: Path, rows: list[tuple[str, ...]], **extra: Any) -> list[object]:
    cfg = config(tmp, {"log": source_table("events", **extra)})
    out = fold_events(cfg, cfg.sources[0], frame(rows, EVENT_FIELDS), "log.csv",
                      {n: n for n in EVENT_FIELDS})
    # Tickets and status history come as frames (qbr.frames schema): as records here.
    tickets = [] if out.tickets is None else ticket_list(out.tickets)
    history = [] if out.events is None else [
        StatusEvent(e.system, e.ticket_id, e.at.to_pydatetime(), e.status,
                    Provenance(e.source_file, int(e.source_row)), e.priority)
        for e in out.events.itertuples()]
    return out.records + tickets + history + out.rejections


def test_reopen_clears_resolved_and_the_last_resolution_counts(tmp_path: Path) -> None:
    records = fold(tmp_path, [
        ("T1", "2026-07-01 09:00", "New", "Acme", "P1"),
        ("T1", "2026-07-01 09:30", "Work", "Acme", "P1"),
        ("T1", "2026-07-01 10:00", "Resolved", "Acme", "P1"),
        ("T1", "2026-07-01 11:00", "Work", "Acme", "P1"),      # reopened
        ("T1", "2026-07-01 12:00", "Resolved", "Acme", "P1"),
        ("T1", "2026-07-01 12:30", "Resolved", "Acme", "P1"),  # no new transition
    ], fold={"response_state_not": ["New"]})
    (ticket,) = [r for r in records if isinstance(r, Ticket)]
    # created = first event 09:00; response = first state other than New (09:30);
    # resolved = the last transition into Resolved (12:00), not 10:00 nor 12:30.
    assert (ticket.created_at, ticket.first_response_at, ticket.resolved_at,
            ticket.closed_at, ticket.status) == (
        utc("2026-07-01T09:00"), utc("2026-07-01T09:30"), utc("2026-07-01T12:00"), None,
        "resolved")
    events = [(e.at.hour, e.status) for e in records if isinstance(e, StatusEvent)]
    assert events == [(9, "running"), (10, "resolved"), (11, "running"), (12, "resolved")]


def test_ticket_fields_come_from_the_latest_row_in_time_order(tmp_path: Path) -> None:
    records = fold(tmp_path, [
        ("T2", "2026-07-02 10:00", "Closed", "Acme", "P1"),  # file order ≠ time order
        ("T2", "2026-07-02 08:00", "New", "Other", "P9"),
    ])
    (ticket,) = [r for r in records if isinstance(r, Ticket)]
    assert (ticket.client, ticket.priority, ticket.created_at, ticket.closed_at) == (
        "acme", "P1", utc("2026-07-02T08:00"), utc("2026-07-02T10:00"))


def test_priority_change_is_carried_and_unmapped_is_unclassified(tmp_path: Path) -> None:
    records = fold(tmp_path, [
        ("T4", "2026-07-04 08:00", "New", "Acme", "4 - Low"),
        ("T4", "2026-07-04 09:00", "New", "Acme", "1 - Critical"),
    ], values={"status": {"New": "running"}, "priority": {"1 - Critical": "P1"}})
    events = [(e.at.hour, e.priority) for e in records if isinstance(e, StatusEvent)]
    assert events == [(8, None), (9, "P1")]  # "4 - Low" is not in the map


def test_bad_rows_are_rejected_with_row_and_column(tmp_path: Path) -> None:
    records = fold(tmp_path, [
        ("T3", "2026-07-03 08:00", "New", "Acme", "P1"),
        ("T3", "03/07/2026 09:00", "Work", "Acme", "P1"),
        ("T3", "2026-07-03 10:00", "Bogus", "Acme", "P1"),
        ("", "2026-07-03 10:00", "Work", "Acme", "P1"),
    ])
    rejected = sorted((r.row, r.reason, r.column) for r in records
                      if not isinstance(r, Ticket | StatusEvent))
    assert rejected == [(3, "bad-date", "at"), (4, "bad-value", "status"),
                        (5, "missing-cell", "ticket_id")]


def test_event_log_accounting_and_metrics(tmp_path: Path) -> None:
    (tmp_path / "log.csv").write_text(
        "id,at,state,client,prio\n"
        "T1,2026-07-01 09:00,New,Acme,P1\n"
        "T1,2026-07-01 09:20,Work,Acme,P1\n"
        "T1,2026-07-01 10:00,Wait,Acme,P1\n"
        "T1,2026-07-01 12:00,Work,Acme,P1\n"
        "T1,2026-07-01 14:00,Resolved,Acme,P1\n"
        "T2,2026-07-01 09:00,New,Nobody,P1\n"
        "T3,not a date,New,Acme,P1\n", encoding="utf-8")
    cfg = config(tmp_path, {"log": source_table(
        "events", fold={"response_state_not": ["New"]})})
    data = load_dataset(cfg)
    (report,) = data.files
    assert (report.read, report.accepted, report.unassigned, report.rejected.total()) == \
        (7, 5, 1, 1)
    entry = Engine(cfg, data).client_quarter(
        "acme", parse_quarter("2026Q3"), utc("2026-07-02T00:00")).entry
    # 24x7: response 09:00 → 09:20 = 20 min ≤ 60 met; resolution 09:00 → 14:00 = 300 min
    # minus the waiting_customer pause 10:00 → 12:00 (120) = 180 ≤ 240 met.
    assert entry["response"]["P1"]["median_minutes"] == 20
    assert entry["resolution"]["P1"]["median_minutes"] == 180
    assert entry["resolution"]["P1"]["met"] == 1


def test_events_need_a_state_or_activity_column(tmp_path: Path) -> None:
    table = source_table("events")
    table["columns"] = {k: v for k, v in table["columns"].items() if k != "status"}
    (tmp_path / "log.csv").write_text("id,at,client,prio\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="status or activity"):
        read_source(config(tmp_path, {"log": table}), config(tmp_path, {"log": table}
                                                              ).sources[0])


# -------------------------------------------------------------------------- uptime

UPTIME_FIELDS = ("monitor", "at", "state")


def uptime(tmp: Path, kind: str, rows: list[tuple[str, ...]], **extra: Any) -> list[object]:
    cfg = config(tmp, {"log": source_table(kind, **extra)})
    monitors = {"web": ("web", "acme")}
    out = fold_uptime(cfg, cfg.sources[0], frame(rows, UPTIME_FIELDS), "log.csv",
                      {n: n for n in UPTIME_FIELDS}, monitors,
                      {"web": Monitor("web", "acme", True)})
    return out.records + out.rejections


def test_state_log_stale_and_paused(tmp_path: Path) -> None:
    records = uptime(tmp_path, "uptime_states", [
        ("web", "2026-07-01 00:00", "up"),
        ("web", "2026-07-01 06:00", "down"),
        ("web", "2026-07-01 06:30", "paused"),
        ("web", "2026-07-01 07:00", "up"),
        ("web", "2026-07-05 07:00", "up"),   # 4 days of silence, stale after 1 day
    ], stale_after="1d")
    outages = [(o.start, o.end) for o in records if isinstance(o, Outage)]
    holes = [(u.start, u.end) for u in records if isinstance(u, Unmonitored)]
    (mon,) = [m for m in records if isinstance(m, Monitor)]
    assert outages == [(utc("2026-07-01T06:00"), utc("2026-07-01T06:30"))]
    # paused 06:30 → 07:00; silent from 07:00 + 1 d (07-02 07:00) to the next row
    assert holes == [(utc("2026-07-01T06:30"), utc("2026-07-01T07:00")),
                     (utc("2026-07-02T07:00"), utc("2026-07-05T07:00"))]
    assert (mon.observed_from, mon.observed_until) == (utc("2026-07-01T00:00"),
                                                       utc("2026-07-06T07:00"))
    q = parse_quarter("2026Q3").bounds("UTC")
    up = monitor_uptime(mon, q, utc("2026-07-10T00:00"),
                        [o for o in records if isinstance(o, Outage)], [], 99.0,
                        [u for u in records if isinstance(u, Unmonitored)])
    # span 07-01 00:00 → 07-06 07:00 = 5 d 7 h = 7,620 min; unmonitored 30 + 4,320 =
    # 4,350 min; window 3,270 min; down 30 min → 100 × (1 − 30/3,270) = 99.0826 %.
    assert up.window_seconds / 60 == 3270
    assert up.unmonitored_seconds / 60 == 4350
    assert up.uptime_pct == pytest.approx(100 * (1 - 30 / 3270))


def test_check_log_gap_is_unmonitored_and_last_down_stays_open(tmp_path: Path) -> None:
    records = uptime(tmp_path, "checks", [
        ("web", "2026-07-01 00:00", "up"),
        ("web", "2026-07-01 00:05", "down"),
        ("web", "2026-07-01 00:10", "down"),
        ("web", "2026-07-01 00:15", "up"),
        ("web", "2026-07-01 01:00", "up"),   # 45 min gap > 3 × 5 min
        ("web", "2026-07-01 01:05", "down"),
    ], interval="5m")
    assert [(o.start, o.end) for o in records if isinstance(o, Outage)] == [
        (utc("2026-07-01T00:05"), utc("2026-07-01T00:15")), (utc("2026-07-01T01:05"), None)]
    # the gap is unmonitored from 00:15 + one interval to the next probe
    assert [(u.start, u.end) for u in records if isinstance(u, Unmonitored)] == [
        (utc("2026-07-01T00:20"), utc("2026-07-01T01:00"))]
    (mon,) = [m for m in records if isinstance(m, Monitor)]
    assert mon.observed_until == utc("2026-07-01T01:10")


def test_check_log_needs_an_interval(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="interval"):
        config(tmp_path, {"log": source_table("checks")})


def test_unknown_monitor_rows_are_unassigned_and_cutoff_is_last_row(tmp_path: Path) -> None:
    (tmp_path / "log.csv").write_text(
        "monitor,at,state\nweb,2026-07-01 00:00,up\nweb,2026-07-01 06:00,down\n"
        "db,2026-07-01 08:00,up\nweb,2026-07-01 07:00,sideways\n", encoding="utf-8")
    cfg = config(tmp_path, {"log": source_table("uptime_states")})
    data = load_dataset(cfg)
    (report,) = data.files
    assert (report.read, report.accepted, report.unassigned, dict(report.rejected)) == \
        (4, 2, 1, {"bad-value": 1})
    assert default_as_of(data) == utc("2026-07-01T08:00")  # the log's last row
    entry = Engine(cfg, data).client_quarter("acme", parse_quarter("2026Q3"),
                                             default_as_of(data)).entry
    (mon,) = entry["uptime"]["monitors"]
    # observed 00:00 → as_of 08:00 = 480 min, down from 06:00 (open) = 120 min
    assert (mon["window_minutes"], mon["downtime_minutes"], mon["unmonitored_minutes"]) \
        == (480, 120, 0)


# -------------------------------------------------------------- outage-list warnings


def test_state_log_declared_as_outages_warns(tmp_path: Path) -> None:
    (tmp_path / "log.csv").write_text(
        "monitor,start,event\nweb,2026-07-01 00:00,Up\nweb,2026-07-01 06:00,Down\n"
        "web,2026-07-01 06:30,Up\n", encoding="utf-8")
    cfg = config(tmp_path, {"log": {"path": "log.csv", "kind": "outages",
                                    "date_format": "%Y-%m-%d %H:%M",
                                    "columns": {"monitor": "monitor", "start": "start"}}})
    messages = [w.message for w in read_source(cfg, cfg.sources[0]).warnings]
    assert any("2 of 3 rows look like up-events" in m for m in messages)
    assert any("have no end although later rows" in m for m in messages)


def test_json_feed_as_csv_says_json(tmp_path: Path) -> None:
    (tmp_path / "log.csv").write_text('[{"begin": "2026-07-01T00:00:00Z"}]',
                                      encoding="utf-8")
    cfg = config(tmp_path, {"log": {"path": "log.csv", "kind": "outages",
                                    "columns": {"monitor": "monitor", "start": "begin"}}})
    with pytest.raises(InputError, match="JSON"):
        read_source(cfg, cfg.sources[0])


def test_configured_monitor_missing_from_the_log_warns(tmp_path: Path) -> None:
    (tmp_path / "log.csv").write_text("monitor,at,state\nweb,2026-07-01 00:00,up\n",
                                      encoding="utf-8")
    raw = {"msp": {"name": "MSP", "timezone": "UTC"},
           "calendars": {"always": {"type": "24x7"}},
           "tiers": {"std": {"calendar": "always", "response_minutes": {"P1": 60},
                             "resolution_minutes": {"P1": 240}, "objective_pct": 90,
                             "uptime_guarantee_pct": 99.0}},
           "clients": {"acme": {"name": "Acme", "tier": "std", "timezone": "UTC", "fee": 1,
                                "currency": "EUR", "monitors": [{"monitor": "web"},
                                                                {"monitor": "db"}]}},
           "sources": {"log": source_table("uptime_states")}}
    warnings = load_dataset(parse_config(raw, tmp_path)).warnings
    assert [w.message for w in warnings] == [
        "monitor 'db' of client 'acme' has no row in this log: unless another source "
        "covers it, it counts as up all quarter"]
