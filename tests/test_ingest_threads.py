"""Work done on two threads for large files (column copies in qbr.io.fastcsv, date
columns parsed ahead by qbr.io.prefetch) gives exactly the one-thread result: the same
frame, the same rejections with the same reasons, columns and details, the same
warnings. The thresholds are set to 0 here so that small files take the threaded path."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers_config import make_config, source, write

from qbr import adapt_columns
from qbr.dataset import Dataset
from qbr.ingest import load_dataset
from qbr.io import fastcsv, linescan, prefetch

HEADER = "Ticket,Company,Priority,Created,Response,Resolved,Closed,Updated,Title\n"
BODY = (
    "1,ACME GmbH,P1,2025-07-01 10:00,2025-07-01 10:05,2025-07-01 11:00,,2025-07-02 09:00,a\n"
    "2,ACME GmbH,P2,2025-07-01 11:00,yesterday,,,,\"b, quoted\"\n"
    "3,Initech,P1,2025-07-01 12:00,2025-07-01 11:00,,,,c\n"          # response before created
    "4,ACME GmbH,P1,2025-07-01 12:00,,2025-13-01 10:00,,,d\n"         # bad resolved
    "5,ACME GmbH,P1,2025-07-01 12:00,,,,2025-07-03 08:00,e\n"
    "5,ACME GmbH,P1,2025-07-01 12:00,,,,2025-07-04 08:00,e\n"         # later: row 6 loses
    ",,,,,,,,\n")


def _load(tmp_path: Path) -> Dataset:
    write(tmp_path, "t.csv", HEADER + BODY)
    columns = {"ticket_id": "Ticket", "client": "Company", "priority": "Priority",
               "created_at": "Created", "first_response_at": "Response",
               "resolved_at": "Resolved", "closed_at": "Closed", "updated_at": "Updated",
               "title": "Title"}
    return load_dataset(make_config(tmp_path, {"t": source("t.csv", columns=columns)}))


def _seen(data: Dataset) -> tuple[object, ...]:
    frame = data.frames.tickets
    return (frame.astype(str).to_dict("list"), [repr(r) for r in data.rejections],
            [repr(w) for w in data.warnings], data.files[0].rejected)


def test_threaded_paths_give_the_one_thread_result(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    alone = _seen(_load(tmp_path))
    calls: list[int] = []
    ahead = prefetch.parse_ahead

    def counted(*args: object, **kwargs: object) -> dict[str, prefetch.Parsed]:
        out = ahead(*args, **kwargs)  # type: ignore[arg-type]
        calls.append(len(out))
        return out

    monkeypatch.setattr(prefetch, "PARALLEL_ROWS", 0)
    monkeypatch.setattr(fastcsv, "_SPLIT", 0)
    monkeypatch.setattr(linescan, "_SPLIT_BYTES", 0)
    monkeypatch.setattr(adapt_columns, "parse_ahead", counted)
    threaded = _seen(_load(tmp_path))
    assert calls == [5]  # five date columns parsed ahead
    assert threaded == alone
    # Rows 3-5 (tickets 2-4) for their first failing column; row 6 loses to row 7's later
    # updated_at; row 8 is blank.
    reasons = sorted((row, reason) for row, reason in
                     ((r.row, r.reason) for r in _load(tmp_path).rejections))
    assert reasons == [(3, "bad-date"), (4, "event-before-created"), (5, "bad-date"),
                       (6, "superseded"), (8, "blank-row")]


def test_event_columns_gathered_on_two_threads_are_the_same(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from qbr import linking

    write(tmp_path, "t.csv", HEADER + BODY)
    write(tmp_path, "s.csv", "Ticket,At,Status\n5,2025-07-01 13:00,Open\n1,2025-07-01 10:30,"
                             "Open\n5,2025-07-01 12:30,Done\n1,2025-07-01 10:30,Done\n")
    columns = {"ticket_id": "Ticket", "client": "Company", "priority": "Priority",
               "created_at": "Created"}
    status = source("s.csv", kind="status", system="t",
                    columns={"ticket_id": "Ticket", "at": "At", "status": "Status"},
                    values={"status": {"Open": "running", "Done": "closed"}})
    config = make_config(tmp_path, {"t": source("t.csv", columns=columns), "s": status})
    alone = load_dataset(config).frames.status_events
    monkeypatch.setattr(linking, "_PARALLEL_EVENTS", 0)
    threaded = load_dataset(config).frames.status_events
    assert threaded.astype(str).to_dict("list") == alone.astype(str).to_dict("list")
    # Ticket 1's two events at 10:30 keep file order (rows 3, 5); ticket 5's by time.
    assert list(zip(threaded["ticket_id"], threaded["status"], threaded["source_row"],
                    strict=True)) == [("1", "running", 3), ("1", "closed", 5),
                                      ("5", "closed", 4), ("5", "running", 2)]


def test_an_error_while_dates_parse_ahead_is_the_one_thread_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The adapter raises (a status value missing from values.status) while the date
    columns are still parsing on their two threads: the same error as on one thread,
    and the pool is ended (no thread left behind)."""
    import threading

    from qbr.errors import InputError

    write(tmp_path, "t.csv", "Ticket,Company,Priority,Created,Updated,Status\n"
                             "1,ACME GmbH,P1,2025-07-01 10:00,2025-07-02 09:00,Parked\n")
    columns = {"ticket_id": "Ticket", "client": "Company", "priority": "Priority",
               "created_at": "Created", "updated_at": "Updated", "status": "Status"}
    cfg = make_config(tmp_path, {"t": source("t.csv", columns=columns)})

    def message() -> str:
        with pytest.raises(InputError) as caught:
            load_dataset(cfg)
        return str(caught.value)

    alone = message()
    before = threading.active_count()
    monkeypatch.setattr(prefetch, "PARALLEL_ROWS", 0)
    assert message() == alone
    assert "Parked" in alone
    assert threading.active_count() == before
