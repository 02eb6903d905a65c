"""The event frame's codes and the prepared ticket keys (qbr.event_text, qbr.linking,
qbr.numbered_ids): few-valued event columns stay categoricals holding only the values
used, numbered ids are looked up block by block and from large strings, and keys built
on the tickets' reading thread link exactly as keys built after the read."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from helpers_config import make_config, source, write

from qbr import ingest, numbered_ids
from qbr.adapter import monitor_index
from qbr.config import Config
from qbr.event_text import categorical, coded
from qbr.ingest import assemble, load_dataset, read_source


def test_categorical_keeps_only_the_values_used_in_the_new_order() -> None:
    # Values a b c d; codes (row 0..4) = a, c, missing, a, c; "b" and "d" are unused.
    # Order 4 2 0 → c, missing, a: categories [a, c] (value order), codes [1, -1, 0].
    codes = np.array([0, 2, -1, 0, 2], dtype=np.int8)
    got = categorical(codes, ["a", "b", "c", "d"], np.array([4, 2, 0]))
    assert got.dictionary.to_pylist() == ["a", "c"]
    assert got.indices.to_pylist() == [1, None, 0]
    assert got.indices.type == pa.int8()


def test_categorical_without_missing_values_and_with_wide_codes() -> None:
    values = [f"v{i}" for i in range(300)]  # past int8: the codes widen
    codes = np.array([299, 0, 150], dtype=np.int16)
    got = categorical(codes, values, np.array([2, 0, 1]))
    assert got.null_count == 0
    assert got.to_pylist() == ["v150", "v299", "v0"]
    assert got.dictionary.to_pylist() == ["v0", "v150", "v299"]


def test_coded_numbers_every_frames_values_into_one_list() -> None:
    # Frame 1: categories [open, done], rows open, done, open (row 2 not kept).
    # Frame 2: categories [done, new], rows new, done → renumbered done=1, new=2.
    first = pd.DataFrame({"status": pd.Categorical(["open", "done", "open"])})
    second = pd.DataFrame({"status": pd.Categorical(["new", "done"],
                                                    categories=["done", "new"])})
    first["status"] = first["status"].cat.reorder_categories(["open", "done"])
    codes, values = coded([first, second], [np.array([True, True, False]),
                                            np.array([True, True])], "status")
    assert values == ["open", "done", "new"]
    assert codes.tolist() == [0, 1, 2, 1]


@pytest.mark.parametrize("block", [2, 3, 1 << 15])
def test_places_read_large_strings_block_by_block(monkeypatch: pytest.MonkeyPatch,
                                                  block: int) -> None:
    monkeypatch.setattr(numbered_ids, "_BLOCK", block)
    known = pa.array(["T-105", "T-101", "T-103", "T-102"], pa.string())
    # Out of the known range (T-100, T-199), another prefix, another width, null, blank.
    values = pa.array(["T-103", "T-100", "T-199", "X-101", "T-1010", None, "", "T-102"],
                      pa.large_string())
    table = numbered_ids.number_table(known)
    assert table is not None
    got = numbered_ids.places(values, table)
    expected = pc.index_in(values.cast(pa.string()), value_set=known)
    assert got.tolist() == expected.fill_null(-1).to_pylist() == [2, -1, -1, -1, -1, -1,
                                                                    -1, 3]


TICKETS = ("Ticket,Company,Priority,Created\n"
           "1,ACME GmbH,P1,2025-07-01 10:00\n"
           "2,Nobody Ltd,P1,2025-07-01 10:00\n"
           "3,Globex Corp,P1,2025-07-01 11:00\n")
# Ticket 2 is unassigned (Nobody Ltd), so its "Parked" event is too: "parked" is then no
# category of the event frame. Ticket 9 does not exist.
STATUS = ("Ticket,At,Status\n"
          "3,2025-07-01 11:05,Open\n"
          "1,2025-07-01 10:07,Closed\n"
          "2,2025-07-01 10:06,Parked\n"
          "1,2025-07-01 10:05,Open\n"
          "9,2025-07-01 10:06,Open\n")


def _config(tmp_path: Path) -> Config:
    write(tmp_path, "tickets.csv", TICKETS)
    write(tmp_path, "status.csv", STATUS)
    status = source("status.csv", kind="status", system="tickets",
                    columns={"ticket_id": "Ticket", "at": "At", "status": "Status"},
                    values={"status": {"Open": "running", "Closed": "closed",
                                       "Parked": "waiting_customer"}})
    return make_config(tmp_path, {"tickets": source("tickets.csv"), "status": status})


def test_event_frame_is_categorical_and_keys_built_while_reading_link_alike(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = _config(tmp_path)
    built: list[int] = []
    keys = ingest.ticket_keys
    monkeypatch.setattr(ingest, "ticket_keys", lambda *a: built.append(1) or keys(*a))
    threaded = load_dataset(config)  # two files: keys built on the tickets' thread
    assert built == [1]
    index = monitor_index(config)
    serial = assemble([read_source(config, s, index) for s in config.sources],
                      threaded.monitors)  # keys built after the read
    for data in (threaded, serial):
        events = data.frames.status_events
        # Sorted by (system, ticket_id, at): ticket 1 at 10:05 (row 5) and 10:07 (row
        # 3), then ticket 3 (row 2); ticket 2's event is unassigned, ticket 9's rejected.
        assert events["ticket_id"].tolist() == ["1", "1", "3"]
        assert events["source_row"].tolist() == [5, 3, 2]
        assert events["status"].tolist() == ["running", "closed", "running"]
        for name in ("system", "status", "priority", "source_file"):
            assert isinstance(events[name].dtype, pd.CategoricalDtype), name
        assert list(events["status"].cat.categories) == ["running", "closed"]
        assert events["system"].tolist() == ["tickets"] * 3
        assert events["priority"].isna().all()
        report = next(f for f in data.files if f.kind == "status")
        # 5 rows read = 3 accepted + 1 unassigned (Nobody Ltd) + 1 unknown-ticket.
        assert (report.read, report.accepted, report.unassigned) == (5, 3, 1)
        assert dict(report.rejected) == {"unknown-ticket": 1}
        assert dict(report.unassigned_names) == {"Nobody Ltd": 1}
    pd.testing.assert_frame_equal(threaded.frames.status_events,
                                  serial.frames.status_events)
