"""The column-wise winner rules of ticket de-duplication (qbr.supersede, SPEC §7) on
files where every rule meets another: copies of losers, a version without
``updated_at``, a tie on ``updated_at``, identical rows across files; plus the
rejection tuples through the parse cache and ``--rejects``."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers_config import TICKET_COLUMNS, make_config, source, write

from qbr.adapter import Rejection
from qbr.cache import read_rejections, write_rejections
from qbr.ingest import Dataset, load_dataset
from qbr.inputcheck import write_rejects
from qbr.supersede import content_hash

HEADER = "Ticket,Company,Priority,Created,Updated,Title\n"
COLUMNS = {**TICKET_COLUMNS, "updated_at": "Updated", "title": "Title"}


def _row(ticket: str, title: str, updated: str = "") -> str:
    return f"{ticket},ACME GmbH,P2,2025-07-01 10:00,{updated},{title}\n"


def _load(tmp_path: Path, files: dict[str, str], use_cache: bool = False) -> Dataset:
    sources = {}
    for name, body in files.items():
        write(tmp_path, f"{name}.csv", HEADER + body)
        sources[name] = source(f"{name}.csv", columns=COLUMNS, system="psa")
    return load_dataset(make_config(tmp_path, sources), use_cache=use_cache)


# a.csv is listed first, b.csv second. Rows are numbered as a spreadsheet does (header 1).
A = (_row("T1", "v1", "2025-07-02 10:00")    # 2  T1 older version
     + _row("T1", "v2", "2025-07-03 10:00")  # 3  T1 newest of all: wins
     + _row("T1", "v1", "2025-07-02 10:00")  # 4  copy of row 2 (a loser)
     + _row("T2", "x", "2025-07-04 10:00")   # 5  T2 with updated_at
     + _row("T3", "only", "2025-07-01 12:00")  # 6  alone
     + _row("T4", "p", "2025-07-05 10:00"))  # 7  T4, same instant as b row 4
B = (_row("T1", "v0", "2025-07-01 10:00")    # 2  T1 oldest
     + _row("T2", "y")                       # 3  T2 without updated_at
     + _row("T4", "q", "2025-07-05 10:00")   # 4  T4 tie: the later source wins
     + _row("T4", "q", "2025-07-05 10:00"))  # 5  copy of row 4
# Hand-worked outcome:
# - T1: a row 4 repeats a row 2 exactly -> duplicate-row naming row 2 (not the winner);
#   a rows 2, 3 and b row 2 are distinct and all stamped -> the latest (07-03) wins:
#   a row 3; a row 2 and b row 2 are superseded by it.
# - T2: b row 3 has no updated_at, so not every version is stamped -> config order:
#   b (listed later) wins over a row 5's later-looking stamp; a row 5 superseded.
# - T4: 07-05 10:00 on both -> tie -> later source: b row 4 wins; a row 7 superseded;
#   b row 5 is a copy of b row 4 -> duplicate-row.
# Accepted: a rows 3, 6; b rows 3, 4. a: 6 read = 2 + 4 rejected; b: 4 = 2 + 2.
EXPECTED = [
    ("a.csv", 2, "superseded", "superseded by a.csv row 3"),
    ("a.csv", 4, "duplicate-row", "identical to a.csv row 2"),
    ("a.csv", 5, "superseded", "superseded by b.csv row 3"),
    ("a.csv", 7, "superseded", "superseded by b.csv row 4"),
    ("b.csv", 2, "superseded", "superseded by a.csv row 3"),
    ("b.csv", 5, "duplicate-row", "identical to b.csv row 4"),
]


@pytest.mark.parametrize("use_cache", [False, True])
def test_every_rule_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                            use_cache: bool) -> None:
    monkeypatch.setenv("QBR_CACHE_DIR", str(tmp_path / "cache"))
    for _ in range(2 if use_cache else 1):  # the second run reads the cache
        data = _load(tmp_path, {"a": A, "b": B}, use_cache)
        assert sorted((t.ticket_id, t.title, t.source.file, t.source.row)
                      for t in data.tickets) == [
            ("T1", "v2", "a.csv", 3), ("T2", "y", "b.csv", 3),
            ("T3", "only", "a.csv", 6), ("T4", "q", "b.csv", 4)]
        assert [(r.file, r.row, r.reason, r.detail) for r in data.rejections] == EXPECTED
        assert {r.column for r in data.rejections} == {None}
        assert {r.client for r in data.rejections} == {"acme"}
        assert [(f.read, f.accepted, dict(f.rejected)) for f in data.files] == [
            (6, 2, {"superseded": 3, "duplicate-row": 1}),
            (4, 2, {"superseded": 1, "duplicate-row": 1})]


def test_identical_rows_in_two_files_name_the_first_copy(tmp_path: Path) -> None:
    # Provenance (file, row) is not content: c row 3 and d row 2 are the same version,
    # so d's (the later copy) is a duplicate-row of c row 3, which wins.
    data = _load(tmp_path, {"c": _row("T9", "other") + _row("T1", "same", "2025-07-02 10:00"),
                            "d": _row("T1", "same", "2025-07-02 10:00")})
    assert [(r.file, r.row, r.reason, r.detail) for r in data.rejections] == [
        ("d.csv", 2, "duplicate-row", "identical to c.csv row 3")]
    assert sorted(t.ticket_id for t in data.tickets) == ["T1", "T9"]


def test_rejections_are_immutable_tuples_with_named_fields() -> None:
    r = Rejection("a.csv", 7, "superseded", None, "superseded by b.csv row 4", "acme")
    assert (r.file, r.row, r.reason, r.column, r.detail, r.client) == tuple(r)
    assert r._asdict()["detail"] == "superseded by b.csv row 4"
    with pytest.raises(AttributeError):
        r.row = 8  # type: ignore[misc]


def test_rejections_round_trip_through_parquet(tmp_path: Path) -> None:
    rows = [Rejection("a.csv", 2, "bad-date", "Created", "'x' is not a date", None),
            Rejection("a.csv", 5, "superseded", None, "superseded by b.csv row 3", "acme")]
    write_rejections(rows, tmp_path / "r.parquet")
    assert read_rejections(tmp_path / "r.parquet") == rows
    write_rejections([], tmp_path / "none.parquet")
    assert read_rejections(tmp_path / "none.parquet") == []


def test_rejects_file_lists_the_superseded_rows(tmp_path: Path) -> None:
    data = _load(tmp_path, {"a": A, "b": B})
    n = write_rejects(tmp_path / "rejects.csv", (("src", r) for r in data.rejections))
    with (tmp_path / "rejects.csv").open(encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.reader(handle))
    assert n == 6 and len(lines) == 7
    assert lines[1][1:3] == ["a.csv", "2"] and lines[1][-1] == "superseded by a.csv row 3"


def test_content_hash_agrees_across_column_types() -> None:
    # Equal text held as pandas' str dtype in one source and as object in another must
    # hash equal (the rows are identical), as it did when the rows were concatenated.
    text = pd.DataFrame({"title": pd.array(["a", "b", None], dtype="str"),
                         "n": [1.0, 2.0, np.nan]})
    objects = pd.DataFrame({"title": np.array(["b", "a"], dtype=object), "n": [2.0, 1.0]})
    picks = [np.array([0, 1, 2]), np.array([0, 1])]
    h = content_hash([text, objects], picks, ("title", "n"))
    assert h[0] == h[4] and h[1] == h[3]  # ("a", 1.0) and ("b", 2.0) in both
    assert len(set(h[:3].tolist())) == 3
    # The same frames with the same dtypes: hashed per frame, rows picked afterwards.
    same = content_hash([text, text], [np.array([2, 0]), np.array([0])], ("title", "n"))
    assert same[1] == same[2] != same[0]


def test_gc_paused_restores_the_collector_state() -> None:
    import gc

    from qbr.gcpause import gc_paused

    assert gc.isenabled()
    with pytest.raises(KeyError), gc_paused():
        assert not gc.isenabled()
        raise KeyError("x")
    assert gc.isenabled()  # restored although the block raised
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()  # a collector that was off stays off
    finally:
        gc.enable()
