"""``read_source`` on its own (what ``qbr validate`` calls per file): the report already
reconciles, with in-file de-duplication and monitor checks; status rows count as
accepted until ``load_dataset`` links them to their tickets."""

from __future__ import annotations

from pathlib import Path

from helpers_config import make_config, source, write

from qbr.ingest import load_dataset, read_source


def test_standalone_report_reconciles_with_in_file_dedup(tmp_path: Path) -> None:
    write(tmp_path, "exports/t.csv", "Ticket,Company,Priority,Created\n"
          "1,ACME GmbH,P1,2025-07-01 10:00\n1,ACME GmbH,P1,2025-07-01 10:00\n"
          "2,ACME GmbH,P1,2025-07-01 10:00\n2,ACME GmbH,P2,2025-07-01 10:00\n"
          "3,Initech,Prio A,2025-07-01 10:00\n4,ACME GmbH,Prio A,2025-07-01 10:00\n")
    cfg = make_config(tmp_path, {"t": source("exports/t.csv")})
    report = read_source(cfg, cfg.sources[0]).report
    assert (report.source, report.file, report.kind) == ("t", "exports/t.csv", "tickets")
    assert (report.read, report.accepted, report.unassigned) == (6, 3, 1)
    assert report.rejected == {"duplicate-row": 1, "superseded": 1}
    assert report.unmapped_priorities == {"Prio A": 1}
    assert report == load_dataset(cfg).files[0]


def test_status_rows_are_pending_until_linked(tmp_path: Path) -> None:
    write(tmp_path, "t.csv", "Ticket,Company,Priority,Created\n1,ACME GmbH,P1,2025-07-01 10:00\n")
    write(tmp_path, "s.csv", "Ticket,At,Status\n1,2025-07-01 10:05,Open\n"
          "7,2025-07-01 10:05,Open\n")
    status = source("s.csv", kind="status", system="t", values={"status": {"Open": "running"}},
                    columns={"ticket_id": "Ticket", "at": "At", "status": "Status"})
    cfg = make_config(tmp_path, {"t": source("t.csv"), "s": status})
    alone = read_source(cfg, cfg.sources[1]).report
    assert (alone.read, alone.accepted, alone.unassigned) == (2, 2, 0)
    linked = load_dataset(cfg).files[1]
    assert (linked.read, linked.accepted, linked.rejected) == (2, 1, {"unknown-ticket": 1})
