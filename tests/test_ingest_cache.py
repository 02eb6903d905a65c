"""The parse cache (qbr.cache): a cached run equals an uncached one, rejections and
warnings included; a changed file (even with size and mtime restored) or a changed source
entry misses; ``use_cache=False`` neither reads nor writes it."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
from helpers_config import make_config, source, write

from qbr import cache
from qbr.ingest import Dataset, load_dataset

TICKETS = ("Ticket,Company,Priority,Created,Resolved\n"
           "1,ACME GmbH,P1,2025-10-26 02:30,2025-10-26 05:00\n"   # DST warning (ambiguous)
           "2,Initech,P2,2025-07-01 10:00,\n"                     # unassigned
           "3,ACME GmbH,Prio A,2025-07-01 10:00,\n"               # unclassified
           "4,ACME GmbH,P1,2025-07-01 10:00,2025-06-01 10:00\n"   # event-before-created
           "5,ACME GmbH,P1,01.07.2025,\n"                         # bad-date
           "6,ACME GmbH,P1,2025-07-01 10:00,\n6,ACME GmbH,P1,2025-07-01 10:00,\n"  # duplicate
           ",,,,\nTotal,,,,\n")
STATUS = "Ticket,At,Status\n1,2025-10-26 02:40,Open\n9,2025-07-01 10:05,Open\n"


def _config(tmp_path: Path, fmt: str = "%Y-%m-%d %H:%M"):
    write(tmp_path, "t.csv", TICKETS)
    write(tmp_path, "s.csv", STATUS)
    columns = {"ticket_id": "Ticket", "client": "Company", "priority": "Priority",
               "created_at": "Created", "resolved_at": "Resolved"}
    status = source("s.csv", kind="status", system="t", values={"status": {"Open": "running"}},
                    columns={"ticket_id": "Ticket", "at": "At", "status": "Status"})
    return make_config(tmp_path, {"t": source("t.csv", columns=columns, date_format=fmt),
                                  "s": status})


def _summary(data: Dataset) -> tuple[object, ...]:
    return (data.files, data.rejections, data.warnings, data.tickets, data.status_events)


def _same(a: Dataset, b: Dataset) -> None:
    assert _summary(a) == _summary(b)
    pd.testing.assert_frame_equal(a.frames.tickets, b.frames.tickets)
    pd.testing.assert_frame_equal(a.frames.status_events, b.frames.status_events)


def _entries() -> int:
    folder = cache.cache_dir() / "sources"
    return len(list(folder.iterdir())) if folder.is_dir() else 0


def test_cached_run_equals_uncached_run(tmp_path: Path) -> None:
    cfg = _config(tmp_path)
    fresh = load_dataset(cfg)
    assert _entries() == 0  # the library default neither reads nor writes the cache
    first = load_dataset(cfg, use_cache=True)
    assert _entries() == 2
    again = load_dataset(cfg, use_cache=True)
    _same(fresh, first)
    _same(fresh, again)
    reasons = {r.reason for r in again.rejections}
    assert reasons == {"event-before-created", "bad-date", "duplicate-row", "blank-row",
                       "summary-row", "unknown-ticket"}
    assert [(w.file, w.row, w.column) for w in again.warnings] == [("t.csv", 2, "Created"),
                                                                   ("s.csv", 2, "At")]
    assert again.files[0].unassigned_names == {"Initech": 1}


def test_a_hit_does_not_read_the_file(tmp_path: Path, monkeypatch) -> None:
    cfg = _config(tmp_path)
    load_dataset(cfg, use_cache=True)
    import qbr.ingest as ingest

    def boom(*_args: object) -> None:
        raise AssertionError("read despite a cache hit")

    monkeypatch.setattr(ingest, "read_table", boom)
    assert load_dataset(cfg, use_cache=True).files[0].read == 9


def test_changed_content_with_same_size_and_mtime_misses(tmp_path: Path) -> None:
    cfg = _config(tmp_path)
    load_dataset(cfg, use_cache=True)
    path = tmp_path / "t.csv"
    before = path.stat()
    text = path.read_text(encoding="utf-8").replace("Initech", "ACME Gm")  # same length
    assert len(text.encode()) == before.st_size
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # mtime set back
    data = load_dataset(cfg, use_cache=True)
    assert data.files[0].unassigned_names == {"ACME Gm": 1}
    _same(data, load_dataset(cfg))


def test_touch_without_change_still_hits_and_config_change_misses(tmp_path: Path) -> None:
    cfg = _config(tmp_path)
    load_dataset(cfg, use_cache=True)
    os.utime(tmp_path / "t.csv")
    load_dataset(cfg, use_cache=True)
    assert _entries() == 2  # same content, same key
    other = _config(tmp_path, fmt="%d.%m.%Y")
    data = load_dataset(other, use_cache=True)
    assert _entries() == 3
    _same(data, load_dataset(other))


def test_sample_portfolio_cached_equals_uncached() -> None:
    # Ticket and status sources from the cache, outages and maintenance read afresh.
    from qbr.config import load_config

    cfg = load_config(Path(__file__).resolve().parents[1] / "sample_data" / "qbr.toml")
    fresh = load_dataset(cfg)
    load_dataset(cfg, use_cache=True)
    again = load_dataset(cfg, use_cache=True)
    _same(fresh, again)
    assert again.outages == fresh.outages and again.maintenance == fresh.maintenance
    assert again.monitors == fresh.monitors
