"""Ticket and status files read on two threads (qbr.ingest._read_all): the result is the
one a reading in config order gives, errors included."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from helpers_config import make_config, source, write

from qbr.errors import InputError
from qbr.ingest import load_dataset

TICKETS = ("Ticket,Company,Priority,Created\n1,ACME GmbH,P1,2025-07-01 10:00\n"
           "1,ACME GmbH,P1,2025-07-01 10:00\n2,Initech,P1,2025-07-01 10:00\n")
STATUS = "Ticket,At,Status\n1,2025-07-01 10:05,Open\n9,2025-07-01 10:06,Open\n"


def _status(name: str = "status.csv") -> dict[str, object]:
    return source(name, kind="status", system="tickets",
                  columns={"ticket_id": "Ticket", "at": "At", "status": "Status"},
                  values={"status": {"Open": "running"}})


def test_two_threads_keep_config_order_of_files_and_rejections(tmp_path: Path) -> None:
    write(tmp_path, "tickets.csv", TICKETS)
    write(tmp_path, "status.csv", STATUS)
    config = make_config(tmp_path, {"status": _status(), "tickets": source("tickets.csv")})
    hook = sys.unraisablehook
    data = load_dataset(config)
    assert sys.unraisablehook is hook  # the readers' quiet hook is gone again
    assert [f.file for f in data.files] == ["status.csv", "tickets.csv"]
    # status row 3 names ticket 9 (none such); tickets row 3 repeats row 2.
    assert [(r.file, r.row, r.reason) for r in data.rejections] == [
        ("status.csv", 3, "unknown-ticket"), ("tickets.csv", 3, "duplicate-row")]
    assert [(f.read, f.accepted, f.unassigned) for f in data.files] == [(2, 1, 0), (3, 1, 1)]


def test_the_first_failing_source_in_config_order_is_the_error(tmp_path: Path) -> None:
    write(tmp_path, "tickets.csv", TICKETS)
    write(tmp_path, "status.csv", STATUS)
    # Both files are missing a mapped column; the status source is listed first.
    config = make_config(tmp_path, {
        "status": _status() | {"columns": {"ticket_id": "Ticket", "at": "Nope",
                                           "status": "Status"}},
        "tickets": source("tickets.csv", columns={"ticket_id": "Gone", "client": "Company",
                                                  "priority": "Priority",
                                                  "created_at": "Created"})})
    with pytest.raises(InputError, match=r"^status\.csv.*'Nope'"):
        load_dataset(config)
