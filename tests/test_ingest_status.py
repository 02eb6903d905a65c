"""Status events (SPEC §2–3, ADVERSARIAL 38): the status map names every value, events
follow their ticket's bucket, and equal instants keep file order."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers_config import make_config, source, write

from qbr.errors import InputError
from qbr.ingest import load_dataset

TICKETS = ("Ticket,Company,Priority,Created\n1,ACME GmbH,P1,2025-07-01 10:00\n"
           "2,Initech,P1,2025-07-01 10:00\n")
STATUS_MAP = {"Warten auf Kunde": "waiting_customer", "On Hold": "pause",
              "Waiting Customer": "waiting_customer", "Pending": "pause", "Open": "running",
              "Closed": "closed"}


def _config(tmp_path: Path, events: str, status_map: dict[str, str] | None = None):
    write(tmp_path, "tickets.csv", TICKETS)
    write(tmp_path, "status.csv", "Ticket,At,Status\n" + events)
    status = source("status.csv", kind="status", system="tickets",
                    columns={"ticket_id": "Ticket", "at": "At", "status": "Status"},
                    values={"status": status_map or STATUS_MAP})
    # The status source is listed first: linking happens after every file is read.
    return make_config(tmp_path, {"status": status, "tickets": source("tickets.csv")})


def test_unknown_statuses_are_one_error_listing_values_and_counts(tmp_path: Path) -> None:
    events = ("1,2025-07-01 10:05,Open\n1,2025-07-01 10:06,Eskaliert-Extern\n"
              "1,2025-07-01 10:07,Eskaliert-Extern\n1,2025-07-01 10:08,open\n")
    with pytest.raises(InputError) as err:
        load_dataset(_config(tmp_path, events))
    assert str(err.value).startswith(
        "status.csv, column 'Status': status value(s) missing from values.status: "
        "'Eskaliert-Extern' (2 rows), 'open' (1 row); map each to one of")


def test_map_keys_and_values_compare_after_strip(tmp_path: Path) -> None:
    events = "1,2025-07-01 10:05, On Hold \n"
    data = load_dataset(_config(tmp_path, events, {"On Hold ": "pause"}))
    assert [e.status for e in data.status_events[("tickets", "1")]] == ["pause"]


def test_events_follow_their_ticket_and_keep_order(tmp_path: Path) -> None:
    events = ("1,2025-07-01 11:00,Closed\n1,2025-07-01 10:30,Warten auf Kunde\n"
              "1,2025-07-01 10:30,Open\n2,2025-07-01 10:30,Pending\n"
              "9,2025-07-01 10:30,Pending\n")
    data = load_dataset(_config(tmp_path, events))
    timeline = data.status_events[("tickets", "1")]
    # Equal instants keep file order: row 3 then row 4, so row 4 ("Open") wins.
    assert [(e.source.row, e.status) for e in timeline] == [
        (3, "waiting_customer"), (4, "running"), (2, "closed")]
    assert ("tickets", "2") not in data.status_events
    status = data.files[0]
    assert (status.read, status.accepted, status.unassigned) == (5, 3, 1)
    assert status.unassigned_names == {"Initech": 1}
    assert [(r.row, r.reason, r.column) for r in data.rejections] == [
        (6, "unknown-ticket", "Ticket")]
