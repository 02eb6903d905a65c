"""Event and uptime logs through the column-wise ingest: the same reader as ticket
exports (preamble, null_values, defaults, client_pattern), folded records in
``Dataset.frames``, per-file accounting, and the parse cache (the ticket part and each
log have their own entries, and a cached run equals a fresh one; tests/test_logs_cache.py
has the log cache's own tests)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from helpers_config import write

from qbr import cache
from qbr.config import Config, parse_config
from qbr.ingest import Dataset, load_dataset


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def config(tmp: Path, sources: dict[str, Any]) -> Config:
    return parse_config({
        "msp": {"name": "MSP", "timezone": "UTC"},
        "calendars": {"always": {"type": "24x7"}},
        "tiers": {"std": {"calendar": "always", "response_minutes": {"P1": 60, "P3": 480},
                          "resolution_minutes": {"P1": 240, "P3": 960},
                          "objective_pct": 90, "uptime_guarantee_pct": 99.0}},
        "clients": {"acme": {"name": "Acme", "tier": "std", "timezone": "UTC", "fee": 100,
                             "currency": "EUR", "monitors": [{"monitor": "web"}]}},
        "sources": sources,
    }, tmp)


# A report title and a blank line above the header (ADVERSARIAL 26); "?" is a null
# token; the client cell carries a site suffix that client_pattern cuts off; the
# priority column is blank on row 6 and absent from the export for nothing else.
EVENTS = ("Incident report Q3\n"
          "\n"
          "id,at,state,client,owner,prio\n"
          "1,2026-07-01 09:00,New,Acme - HQ,?,\n"          # row 4: prio blank → default P3
          "1,2026-07-01 09:30,Work,Acme - HQ,Ann,\n"       # row 5: first non-null owner
          "1,2026-07-01 11:00,Resolved,Acme - HQ,Ann,\n"   # row 6
          "2,2026-07-02 10:00,New,Other - Lab,?,P1\n"      # row 7: unassigned client
          "3,2026-07-02 10:00,New,?,?,P1\n"                # row 8: client null → no client
          ",,,,,\n")                                       # row 9: blank-row


def events_source() -> dict[str, Any]:
    return {"path": "ev.csv", "kind": "events", "date_format": "%Y-%m-%d %H:%M",
            "null_values": ["?"], "defaults": {"priority": "P3"},
            "client_pattern": r"^(?P<client>[^-]+) -",
            "columns": {"ticket_id": "id", "at": "at", "status": "state",
                        "client": "client", "assigned_to": "owner", "priority": "prio"},
            "values": {"status": {"New": "running", "Work": "running",
                                  "Resolved": "resolved"}},
            "fold": {"response_assigned": True}}


def test_event_log_goes_through_the_columnar_reader(tmp_path: Path) -> None:
    write(tmp_path, "ev.csv", EVENTS)
    data = load_dataset(config(tmp_path, {"ev": events_source()}))
    (report,) = data.files
    # 6 data rows: 3 folded into ticket 1 (Acme), 1 unassigned (Other), 1 whose ticket
    # names no client once "?" is null (missing-cell), 1 blank row.
    assert (report.read, report.accepted, report.unassigned) == (6, 3, 1)
    assert dict(report.rejected) == {"missing-cell": 1, "blank-row": 1}
    assert report.unassigned_names == {"Other": 1}
    assert [w.row for w in report.warnings][:1] == [1]  # the preamble warning
    (t,) = data.tickets
    # created = first event 09:00; response = first non-null owner 09:30 (the "?" of
    # row 4 is null); resolved 11:00; priority P3 from the default; provenance = row 6
    assert (t.client, t.priority, t.created_at, t.first_response_at, t.resolved_at,
            t.source.row) == ("acme", "P3", utc("2026-07-01T09:00"),
                              utc("2026-07-01T09:30"), utc("2026-07-01T11:00"), 6)
    frame = data.frames.status_events
    assert list(frame["status"]) == ["running", "resolved"]  # one event per change
    assert list(frame["source_row"]) == [4, 6]
    assert len(data.frames.tickets) == 1


STATES = ("monitor,at,state\n"
          "web,2026-07-01 00:00,up\n"
          "web,2026-07-01 10:00,paused\n"
          "web,2026-07-01 12:00,up\n"
          "db,2026-07-01 00:00,up\n")   # not a configured monitor: unassigned


def test_unmonitored_spans_reach_the_frames(tmp_path: Path) -> None:
    write(tmp_path, "up.csv", STATES)
    data = load_dataset(config(tmp_path, {"up": {
        "path": "up.csv", "kind": "uptime_states", "date_format": "%Y-%m-%d %H:%M",
        "columns": {"monitor": "monitor", "at": "at", "state": "state"}}}))
    (report,) = data.files
    assert (report.read, report.accepted, report.unassigned) == (4, 3, 1)
    # paused 10:00 → up 12:00 is unmonitored
    assert [(u.start, u.end) for u in data.unmonitored] == [
        (utc("2026-07-01T10:00"), utc("2026-07-01T12:00"))]
    unmonitored = data.frames.unmonitored
    assert list(unmonitored["monitor"]) == ["web"]
    assert unmonitored["start"].iloc[0] == pd.Timestamp("2026-07-01T10:00", tz="UTC")
    assert str(unmonitored["start"].dtype) == "datetime64[ns, UTC]"
    assert data.last_seen == utc("2026-07-01T12:00")
    (web,) = data.monitors
    assert web.observed_from == utc("2026-07-01T00:00")


TICKETS = "Ticket,Company,Priority,Created\n10,Acme - HQ,P1,2026-07-01 08:00\n"


def _summary(data: Dataset) -> tuple[object, ...]:
    return (data.files, data.rejections, data.warnings, data.tickets, data.status_events,
            data.unmonitored, data.last_seen)


def test_cache_covers_tickets_and_logs_are_folded_on_top(tmp_path: Path) -> None:
    write(tmp_path, "ev.csv", EVENTS)
    write(tmp_path, "t.csv", TICKETS)
    write(tmp_path, "up.csv", STATES)
    cfg = config(tmp_path, {
        "t": {"path": "t.csv", "kind": "tickets", "date_format": "%Y-%m-%d %H:%M",
              "client_pattern": r"^(?P<client>[^-]+) -",
              "columns": {"ticket_id": "Ticket", "client": "Company", "priority": "Priority",
                          "created_at": "Created"}},
        "ev": events_source(),
        "up": {"path": "up.csv", "kind": "uptime_states", "date_format": "%Y-%m-%d %H:%M",
               "columns": {"monitor": "monitor", "at": "at", "state": "state"}}})
    fresh = load_dataset(cfg)
    first = load_dataset(cfg, use_cache=True)
    again = load_dataset(cfg, use_cache=True)  # ticket part from the cache
    entries = list((cache.cache_dir() / "sources").iterdir())
    assert len(entries) == 1  # the tickets source
    logs = [p for p in (cache.cache_dir() / "logs").iterdir() if not p.name.startswith(".")]
    assert len(logs) == 2  # the two logs, each with its fold (qbr.logs.cache)
    for data in (first, again):
        assert _summary(data) == _summary(fresh)
        pd.testing.assert_frame_equal(data.frames.tickets, fresh.frames.tickets)
        pd.testing.assert_frame_equal(data.frames.status_events, fresh.frames.status_events)
    # ticket 10 from the tickets source, ticket 1 folded from the log: once each
    assert sorted(t.ticket_id for t in again.tickets) == ["1", "10"]


def test_a_log_in_another_date_format_proposes_one(tmp_path: Path) -> None:
    write(tmp_path, "up.csv", STATES)
    data = load_dataset(config(tmp_path, {"up": {
        "path": "up.csv", "kind": "uptime_states", "date_format": "%d.%m.%Y %H:%M",
        "columns": {"monitor": "monitor", "at": "at", "state": "state"}}}))
    (report,) = data.files
    assert dict(report.rejected) == {"bad-date": 4}
    (hint,) = [w for w in report.warnings if "match none" in w.message]
    assert (hint.row, hint.column) == (2, "at")
    assert hint.message == ("4 of 4 values match none of the declared formats "
                            "'%d.%m.%Y %H:%M'; '%Y-%m-%d %H:%M' reads them: declare it in "
                            "date_format if that is the export's format")
