"""Optional fields new to the columnar adapter: a tickets source's ``excluded`` column
(SPEC §3a exclusions), a status source's ``priority`` column through ``values.priority``
(SPEC §3a priority changes), and ``reported_pause`` kept within the ticket's life."""

from __future__ import annotations

from pathlib import Path

from helpers_config import TICKET_COLUMNS, make_config, source, write

from qbr.ingest import load_dataset


def test_excluded_column_gives_the_reason_or_none(tmp_path: Path) -> None:
    write(tmp_path, "t.csv", "Ticket,Company,Priority,Created,Excluded\n"
          "1,ACME GmbH,P1,2025-07-01 10:00,Customer asked to pause\n"
          "2,ACME GmbH,P1,2025-07-01 10:00,\n3,ACME GmbH,P1,2025-07-01 10:00,   \n")
    cfg = make_config(tmp_path, {"t": source("t.csv", columns={**TICKET_COLUMNS,
                                                               "excluded": "Excluded"})})
    data = load_dataset(cfg)
    assert [t.excluded_reason for t in data.tickets] == ["Customer asked to pause", None, None]
    assert data.frames.tickets["excluded_reason"].isna().tolist() == [False, True, True]


def test_status_priority_is_mapped_and_blank_or_unmapped_is_none(tmp_path: Path) -> None:
    write(tmp_path, "t.csv", "Ticket,Company,Priority,Created\n1,ACME GmbH,P2,2025-07-01 10:00\n")
    write(tmp_path, "s.csv", "Ticket,At,Status,Prio\n1,2025-07-01 10:05,Open,2 - High\n"
          "1,2025-07-01 11:00,Open,1 - Critical\n1,2025-07-01 12:00,Open,\n"
          "1,2025-07-01 13:00,Open,9 - Unknown\n")
    status = source("s.csv", kind="status", system="t",
                    columns={"ticket_id": "Ticket", "at": "At", "status": "Status",
                             "priority": "Prio"},
                    values={"status": {"Open": "running"},
                            "priority": {"1 - Critical": "P1", "2 - High": "P2"}})
    data = load_dataset(make_config(tmp_path, {"t": source("t.csv"), "s": status}))
    events = data.status_events[("t", "1")]
    assert [e.priority for e in events] == ["P2", "P1", None, None]
    assert data.files[1].accepted == 4


def test_reported_pause_outside_the_tickets_life_is_rejected(tmp_path: Path) -> None:
    # Ticket 1 lives 120 minutes (10:00 → 12:00 resolved): a pause of 120 fits, 121 does not.
    write(tmp_path, "t.csv", "Ticket,Company,Priority,Created,Resolved,Pause\n"
          "1,ACME GmbH,P1,2025-07-01 10:00,2025-07-01 12:00,120\n"
          "2,ACME GmbH,P1,2025-07-01 10:00,2025-07-01 12:00,121\n"
          "3,ACME GmbH,P1,2025-07-01 10:00,2025-07-01 12:00,-5\n"
          "4,ACME GmbH,P1,2025-07-01 10:00,,100000\n"        # open: no upper bound yet
          "5,ACME GmbH,P1,2025-07-01 10:00,,abc\n")
    columns = {**TICKET_COLUMNS, "resolved_at": "Resolved", "reported_pause": "Pause"}
    data = load_dataset(make_config(tmp_path, {"t": source("t.csv", columns=columns)}))
    assert [(t.ticket_id, t.reported_pause_minutes) for t in data.tickets] == [
        ("1", 120.0), ("4", 100000.0)]
    assert [(r.row, r.reason, r.column) for r in data.rejections] == [
        (3, "bad-value", "Pause"), (4, "bad-value", "Pause"), (6, "bad-number", "Pause")]
    assert "longer than the ticket's life (120 minutes" in data.rejections[0].detail
    assert "negative" in data.rejections[1].detail
