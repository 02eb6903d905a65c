"""Tickets folded from an event log against the same ids in a tickets source of the same
system (issue 5 §5, SPEC §7): one version per ticket, by the rule between two ticket
sources, the loser's rows counted as ``superseded``."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from helpers_config import make_config, source, write

from qbr.ingest import load_dataset
from qbr.metrics import Engine
from qbr.quarters import parse_quarter

TICKETS = {"ticket_id": "Ticket", "client": "Company", "priority": "Priority",
           "created_at": "Created", "updated_at": "Updated"}
LOG = {"ticket_id": "id", "at": "at", "status": "state", "client": "client",
       "priority": "prio"}
STATES = {"status": {"New": "running", "Resolved": "resolved"}}


def project(tmp_path: Path, log_first: bool, updated: str = "") -> dict[str, object]:
    write(tmp_path, "t.csv", "Ticket,Company,Priority,Created,Updated\n"
          f"T1,ACME GmbH,P1,2026-07-01 09:00,{updated}\n"
          f"T9,ACME GmbH,P1,2026-07-01 09:00,{updated}\n")
    write(tmp_path, "log.csv", "id,at,state,client,prio\n"
          "T1,2026-07-01 09:00,New,ACME GmbH,P1\n"
          "T1,2026-07-01 10:00,Resolved,ACME GmbH,P1\n"
          "T2,2026-07-01 09:00,New,ACME GmbH,P1\n")
    tickets = source("t.csv", columns=TICKETS, system="psa")
    log = source("log.csv", kind="events", columns=LOG, values=STATES, system="psa")
    return {"log": log, "t": tickets} if log_first else {"t": tickets, "log": log}


def test_the_later_source_wins_when_not_both_are_stamped(tmp_path: Path) -> None:
    data = load_dataset(make_config(tmp_path, project(tmp_path, log_first=False)))
    # The log comes later in the config: its T1 wins; the export's T1 (row 2) is
    # superseded. T9 (export only) and T2 (log only) stay: 3 tickets.
    assert sorted((t.ticket_id, t.source.file) for t in data.tickets) == [
        ("T1", "log.csv"), ("T2", "log.csv"), ("T9", "t.csv")]
    export, log = data.files[0], data.files[1]
    assert (export.read, export.accepted, export.rejected) == (2, 1, {"superseded": 1})
    assert (log.read, log.accepted, log.rejected.total()) == (3, 3, 0)
    (rej,) = data.rejections
    assert (rej.file, rej.row, rej.reason) == ("t.csv", 2, "superseded")
    # A folded ticket's provenance is its latest log row (row 3, "Resolved").
    assert "log.csv row 3" in rej.detail


def test_an_earlier_log_loses_with_all_its_rows(tmp_path: Path) -> None:
    data = load_dataset(make_config(tmp_path, project(tmp_path, log_first=True)))
    assert sorted((t.ticket_id, t.source.file) for t in data.tickets) == [
        ("T1", "t.csv"), ("T2", "log.csv"), ("T9", "t.csv")]
    log, export = data.files[0], data.files[1]
    # Both T1 rows of the log (rows 2 and 3) go; T2's row stays: 3 = 1 + 2.
    assert (log.read, log.accepted, log.rejected) == (3, 1, {"superseded": 2})
    assert (export.read, export.accepted) == (2, 2)
    assert not [e for e in data.frames.status_events["ticket_id"] if e == "T1"]


def test_a_later_updated_at_wins_over_config_order(tmp_path: Path) -> None:
    # The export is stamped 2026-07-02, after the log's last T1 row (2026-07-01 10:00,
    # the folded ticket's updated_at): the export's version wins although earlier in
    # the config.
    data = load_dataset(make_config(tmp_path, project(tmp_path, log_first=False,
                                                      updated="2026-07-02 09:00")))
    assert sorted((t.ticket_id, t.source.file) for t in data.tickets) == [
        ("T1", "t.csv"), ("T2", "log.csv"), ("T9", "t.csv")]
    assert data.files[1].rejected == {"superseded": 2}


def test_different_systems_never_meet(tmp_path: Path) -> None:
    sources = project(tmp_path, log_first=False)
    sources["log"]["system"] = "other"  # type: ignore[index]
    data = load_dataset(make_config(tmp_path, sources))
    assert len(data.tickets) == 4 and not data.rejections


def test_the_losing_export_takes_its_status_history_with_it(tmp_path: Path) -> None:
    """One ticket in two sources, pauses in both: only the winner's history counts.

    The tickets export (with its status file) and the event log both hold T1; the log
    comes later in the config and no version carries ``updated_at``, so the log's T1
    wins. Times are Europe/Berlin on the tier's 24x7 calendar (business minute = minute).

    Export's history (loses): 09:00 Open, 09:30 Waiting, 10:30 Open → pause 60 min.
    Log's history (wins):     09:00 New, 11:00 Wait, 11:45 Work, 13:00 Resolved
                              → pause 11:00–11:45 = 45 min.
    Resolution = created 09:00 → resolved 13:00 = 240 min − 45 min paused = 195 business
    minutes. Had the export's history stayed linked, its 60-minute pause would be
    subtracted too: 240 − 45 − 60 = 135.
    """
    write(tmp_path, "t.csv", "Ticket,Company,Priority,Created,Updated\n"
          "T1,ACME GmbH,P1,2026-07-01 09:00,\n")
    write(tmp_path, "s.csv", "Ticket,At,Status\n"
          "T1,2026-07-01 09:00,Open\n"
          "T1,2026-07-01 09:30,Waiting\n"
          "T1,2026-07-01 10:30,Open\n")
    write(tmp_path, "log.csv", "id,at,state,client,prio\n"
          "T1,2026-07-01 09:00,New,ACME GmbH,P1\n"
          "T1,2026-07-01 11:00,Wait,ACME GmbH,P1\n"
          "T1,2026-07-01 11:45,Work,ACME GmbH,P1\n"
          "T1,2026-07-01 13:00,Resolved,ACME GmbH,P1\n")
    cfg = make_config(tmp_path, {
        "t": source("t.csv", columns=TICKETS, system="psa"),
        "s": source("s.csv", kind="status", system="psa",
                    columns={"ticket_id": "Ticket", "at": "At", "status": "Status"},
                    values={"status": {"Open": "running", "Waiting": "waiting_customer"}}),
        "log": source("log.csv", kind="events", columns=LOG, system="psa",
                      values={"status": {"New": "running", "Work": "running",
                                         "Wait": "waiting_customer",
                                         "Resolved": "resolved"}})})
    data = load_dataset(cfg)
    history = data.status_events[("psa", "T1")]
    assert {e.source.file for e in history} == {"log.csv"}
    assert [e.status for e in history] == ["running", "waiting_customer", "running",
                                           "resolved"]
    export, status, log = data.files
    assert (export.read, export.accepted, export.rejected) == (1, 0, {"superseded": 1})
    # The export's three status rows are counted, not dropped: 3 = 0 + 0 + 3.
    assert (status.read, status.accepted, status.unassigned, status.rejected) == \
        (3, 0, 0, {"superseded": 3})
    assert all("log.csv row 5" in r.detail for r in data.rejections if r.file == "s.csv")
    assert (log.read, log.accepted) == (4, 4)
    entry = Engine(cfg, data).client_quarter(
        "acme", parse_quarter("2026Q3"), datetime(2026, 7, 2, tzinfo=UTC)).entry
    assert entry["resolution"]["P1"]["median_minutes"] == 195


def test_between_two_logs_the_later_update_wins_with_its_history(tmp_path: Path) -> None:
    # a.csv's T1 was last updated 12:00, b.csv's at 10:00: a.csv wins although it comes
    # first in the config; b.csv's two T1 rows are superseded naming a.csv row 3 (T1's
    # latest row there), and T1's history is a.csv's alone. T2 (b.csv only) stays.
    write(tmp_path, "a.csv", "id,at,state,client,prio\n"
          "T1,2026-07-01 09:00,New,ACME GmbH,P1\n"
          "T1,2026-07-01 12:00,Resolved,ACME GmbH,P1\n")
    write(tmp_path, "b.csv", "id,at,state,client,prio\n"
          "T1,2026-07-01 09:00,New,ACME GmbH,P1\n"
          "T1,2026-07-01 10:00,Resolved,ACME GmbH,P1\n"
          "T2,2026-07-01 09:00,New,ACME GmbH,P1\n")
    data = load_dataset(make_config(tmp_path, {
        "a": source("a.csv", kind="events", columns=LOG, values=STATES, system="psa"),
        "b": source("b.csv", kind="events", columns=LOG, values=STATES, system="psa")}))
    assert sorted((t.ticket_id, t.source.file) for t in data.tickets) == [
        ("T1", "a.csv"), ("T2", "b.csv")]
    a, b = data.files
    assert (a.read, a.accepted, a.rejected.total()) == (2, 2, 0)
    assert (b.read, b.accepted, b.rejected) == (3, 1, {"superseded": 2})
    assert [(r.row, r.detail) for r in data.rejections] == [
        (2, "superseded by a.csv row 3"), (3, "superseded by a.csv row 3")]
    assert {e.source.file for e in data.status_events[("psa", "T1")]} == {"a.csv"}
