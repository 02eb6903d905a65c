"""ADVERSARIAL 34: ambiguous and nonexistent local timestamps in a Europe/Berlin source.

SPEC §2: a naive value in the repeated autumn hour is the first occurrence (fold=0); one
in the skipped spring hour moves forward to the first valid minute; each such value is
one warning naming file, row and column. With an offset in the export, it is used."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from helpers_config import make_config, source, write

from qbr.ingest import load_dataset

HEADER = "Ticket,Company,Priority,Created\n"
ROWS = ["2025-10-26 01:50", "2025-10-26 02:30", "2025-10-26 02:10", "2025-10-26 03:05",
        "2025-03-30 02:30"]


def test_naive_berlin_times_follow_the_policy_with_one_warning_each(tmp_path: Path) -> None:
    body = "".join(f"{i},ACME GmbH,P1,{at}\n" for i, at in enumerate(ROWS, 1))
    write(tmp_path, "exports/t.csv", HEADER + body)
    data = load_dataset(make_config(tmp_path, {"t": source("exports/t.csv")}))
    assert [t.created_at for t in data.tickets] == [
        datetime(2025, 10, 25, 23, 50, tzinfo=UTC),  # 01:50 CEST, unambiguous
        datetime(2025, 10, 26, 0, 30, tzinfo=UTC),   # 02:30 CEST, first occurrence
        datetime(2025, 10, 26, 0, 10, tzinfo=UTC),   # 02:10 CEST, first occurrence
        datetime(2025, 10, 26, 2, 5, tzinfo=UTC),    # 03:05 CET
        datetime(2025, 3, 30, 1, 0, tzinfo=UTC),     # 02:30 → 03:00 CEST
    ]
    assert [(w.file, w.row, w.column) for w in data.warnings] == [
        ("exports/t.csv", 3, "Created"), ("exports/t.csv", 4, "Created"),
        ("exports/t.csv", 6, "Created")]
    assert "ambiguous local time 2025-10-26 02:30" in data.warnings[0].message
    assert "assumed the first occurrence (CEST, +02:00)" in data.warnings[0].message
    assert "moved forward to 03:00 CEST" in data.warnings[2].message
    assert data.files[0].warnings == list(data.warnings)
    assert data.files[0].accepted == 5


def test_an_offset_in_the_export_is_used_without_warning(tmp_path: Path) -> None:
    body = ("1,ACME GmbH,P1,2025-10-26 02:30+01:00\n2,ACME GmbH,P1,2025-10-26 02:30+02:00\n"
            "3,ACME GmbH,P1,2025-10-26 02:30Z\n")
    write(tmp_path, "t.csv", HEADER + body)
    src = source("t.csv", date_format=["%Y-%m-%d %H:%M%z", "%Y-%m-%d %H:%M"])
    data = load_dataset(make_config(tmp_path, {"t": src}))
    assert [t.created_at for t in data.tickets] == [
        datetime(2025, 10, 26, 1, 30, tzinfo=UTC), datetime(2025, 10, 26, 0, 30, tzinfo=UTC),
        datetime(2025, 10, 26, 2, 30, tzinfo=UTC)]
    assert data.warnings == ()


def test_naive_times_are_read_in_the_source_zone_not_the_clients(tmp_path: Path) -> None:
    write(tmp_path, "t.csv", HEADER + "1,ACME GmbH,P1,2025-07-01 12:00\n")
    data = load_dataset(make_config(tmp_path, {"t": source("t.csv", timezone="UTC")}))
    assert data.tickets[0].created_at == datetime(2025, 7, 1, 12, 0, tzinfo=UTC)
