"""Ticket de-duplication across rows and files (SPEC §7, ADVERSARIAL 28).

Identity is (system, ticket_id) compared as exact strings. An identical repeat is a
``duplicate-row``; otherwise the latest ``updated_at`` wins when every version has one,
else the source listed later in the config, then the later row. Losers are
``superseded`` and name the winner's file and row."""

from __future__ import annotations

from pathlib import Path

from helpers_config import TICKET_COLUMNS, make_config, source, write

from qbr.ingest import Dataset, load_dataset

HEADER = "Ticket,Company,Priority,Created,Updated,Title\n"
COLUMNS = {**TICKET_COLUMNS, "updated_at": "Updated", "title": "Title"}


def _row(ticket: str, title: str, updated: str = "") -> str:
    return f"{ticket},ACME GmbH,P2,2025-07-01 10:00,{updated},{title}\n"


def _load(tmp_path: Path, files: dict[str, str], system: str | None = None) -> Dataset:
    sources = {}
    for name, body in files.items():
        write(tmp_path, f"{name}.csv", HEADER + body)
        extra = {"system": system} if system else {}
        sources[name] = source(f"{name}.csv", columns=COLUMNS, **extra)
    return load_dataset(make_config(tmp_path, sources))


def test_identical_repeat_is_a_duplicate_row(tmp_path: Path) -> None:
    data = _load(tmp_path, {"a": _row("1", "x") + _row("00123", "y") + _row("1", "x")
                            + _row("123", "z")})
    assert [t.ticket_id for t in data.tickets] == ["1", "00123", "123"]
    (rejection,) = data.rejections
    assert (rejection.row, rejection.reason, rejection.detail, rejection.client) == (
        4, "duplicate-row", "identical to a.csv row 2", "acme")
    report = data.files[0]
    assert (report.read, report.accepted, report.rejected) == (4, 3, {"duplicate-row": 1})


def test_within_a_file_the_later_row_wins(tmp_path: Path) -> None:
    data = _load(tmp_path, {"a": _row("1", "old") + _row("1", "new")})
    assert [(t.title, t.source.row) for t in data.tickets] == [("new", 3)]
    assert [(r.row, r.reason, r.detail) for r in data.rejections] == [
        (2, "superseded", "superseded by a.csv row 3")]


def test_the_source_listed_later_wins_without_updated_at(tmp_path: Path) -> None:
    data = _load(tmp_path, {"b": _row("1", "from b"), "a": _row("1", "from a")}, system="psa")
    assert [t.title for t in data.tickets] == ["from a"]
    assert [(r.file, r.reason, r.detail) for r in data.rejections] == [
        ("b.csv", "superseded", "superseded by a.csv row 2")]
    assert [f.rejected.total() for f in data.files] == [1, 0]


def test_the_latest_updated_at_wins_over_config_order(tmp_path: Path) -> None:
    data = _load(tmp_path, {"a": _row("1", "newer", "2025-07-03 09:00"),
                            "b": _row("1", "older", "2025-07-02 09:00")}, system="psa")
    assert [t.title for t in data.tickets] == ["newer"]
    assert data.rejections[0].file == "b.csv"
    assert data.rejections[0].detail == "superseded by a.csv row 2"


def test_different_systems_are_different_tickets(tmp_path: Path) -> None:
    data = _load(tmp_path, {"a": _row("1", "x"), "b": _row("1", "x")})
    assert [t.key for t in data.tickets] == [("a", "1"), ("b", "1")]
    assert data.rejections == ()
