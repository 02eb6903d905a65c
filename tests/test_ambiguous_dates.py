"""A value two declared date formats read differently (README "Ambiguous dates",
issue 5 §5): rejected as ``ambiguous-date`` naming file, row, column and both readings,
so a mixed file still reconciles; never a silent first pick."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
from helpers_config import make_config, source, write

from qbr.ingest import load_dataset
from qbr.io.ambiguous import ambiguous

BOTH = ["%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M"]


def test_ticket_rows_that_both_formats_read_differently_are_rejected(tmp_path: Path) -> None:
    write(tmp_path, "t.csv", "Ticket,Company,Priority,Created\n"
          "1,ACME GmbH,P1,03/12/2026 10:00\n"   # 3 Dec or 12 Mar: ambiguous
          "2,ACME GmbH,P1,13/12/2026 10:00\n"   # only day-first reads it: 13 Dec
          "3,ACME GmbH,P1,12/13/2026 10:00\n"   # only month-first reads it: 13 Dec
          "4,ACME GmbH,P1,05/05/2026 10:00\n")  # both read 5 May: not ambiguous
    data = load_dataset(make_config(tmp_path, {"t": source("t.csv", date_format=BOTH)}))
    report = data.files[0]
    assert (report.read, report.accepted, report.rejected) == (4, 3, {"ambiguous-date": 1})
    (rej,) = data.rejections
    assert (rej.file, rej.row, rej.column, rej.reason) == ("t.csv", 2, "Created",
                                                           "ambiguous-date")
    assert rej.detail == ("'03/12/2026 10:00' reads as 2026-12-03 10:00 under "
                          "'%d/%m/%Y %H:%M' and as 2026-03-12 10:00 under '%m/%d/%Y %H:%M': "
                          "keep only the format the export uses in date_format")
    # Europe/Berlin in December and May: UTC+1 and UTC+2.
    created = {t.ticket_id: t.created_at.isoformat() for t in data.tickets}
    assert created == {"2": "2026-12-13T09:00:00+00:00", "3": "2026-12-13T09:00:00+00:00",
                       "4": "2026-05-05T08:00:00+00:00"}


def test_one_format_never_asks(tmp_path: Path) -> None:
    assert ambiguous(pa.array(["03/12/2026 10:00"]), ["%d/%m/%Y %H:%M"]) == {}


def test_formats_that_cannot_both_match_cost_nothing() -> None:
    values = pa.array(["2026-03-12 10:00", "2026-03-12", ""])
    assert ambiguous(values, ["%Y-%m-%d %H:%M", "%Y-%m-%d"]) == {}


def test_outage_rows_read_row_by_row_are_rejected_too(tmp_path: Path) -> None:
    write(tmp_path, "o.csv", "Monitor,Start,End\n"
          "fw-01,03/07/2026 10:00,03/07/2026 10:30\n"
          "fw-01,20/07/2026 10:00,20/07/2026 10:30\n")
    data = load_dataset(make_config(tmp_path, {"o": source(
        "o.csv", kind="outages", date_format=BOTH,
        columns={"monitor": "Monitor", "start": "Start", "end": "End"})}))
    assert data.files[0].rejected == {"ambiguous-date": 1}
    assert data.rejections[0].row == 2
    assert "2026-07-03 10:00 under '%d/%m/%Y %H:%M'" in data.rejections[0].detail
    assert len(data.outages) == 1


def test_event_log_rows_are_rejected_too(tmp_path: Path) -> None:
    write(tmp_path, "log.csv", "id,at,state,client\n"
          "T1,03/07/2026 09:00,New,ACME GmbH\n"
          "T2,20/07/2026 09:00,New,ACME GmbH\n")
    data = load_dataset(make_config(tmp_path, {"log": source(
        "log.csv", kind="events", date_format=BOTH,
        columns={"ticket_id": "id", "at": "at", "status": "state", "client": "client"},
        values={"status": {"New": "running"}})}))
    assert data.files[0].rejected == {"ambiguous-date": 1}
    assert [t.ticket_id for t in data.tickets] == ["T2"]
