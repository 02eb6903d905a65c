"""The column-wise engine gives the same results whatever the frames' string dtype:
plain ``object`` columns (records converted), Arrow-backed strings (what pandas 3 infers)
or categoricals (what a faster ingest may hand over). Every sample client's metrics JSON
entry and workbook rows must be equal across the three."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from qbr import api
from qbr.engine.run import VectorEngine, dataset_frames
from qbr.frames import Frames
from qbr.quarters import parse_quarter

REPO = Path(__file__).resolve().parents[1]
TEXT = ("system", "ticket_id", "client", "priority", "priority_raw", "status", "title",
        "category", "queue", "excluded_reason", "source_file", "monitor", "reason")


@dataclass(frozen=True)
class FramesOnly:
    frames: Frames
    rejections: tuple[Any, ...] = ()


def _as(frames: Frames, dtype: str) -> Frames:
    def convert(frame: pd.DataFrame) -> pd.DataFrame:
        out = frame.copy()
        for name in TEXT:
            if name in out.columns:
                col = out[name].astype(object)
                out[name] = col.astype(dtype) if dtype != "object" else \
                    pd.Series(col.to_numpy(dtype=object), dtype=object, index=out.index)
        return out

    return replace(frames, **{f: convert(getattr(frames, f)) for f in
                              ("tickets", "status_events", "outages", "maintenance",
                               "monitors", "unmonitored")})


@pytest.mark.parametrize("dtype", ["category", "string[pyarrow]", "object"])
def test_same_results_for_every_string_dtype(dtype: str) -> None:
    inputs = api.load_inputs(api.load(REPO / "sample_data" / "qbr.toml"),
                             "2026-10-05T06:00:00Z")
    config = inputs.config
    quarter = parse_quarter("2026Q3", config.fiscal_year_start)
    base = dataset_frames(inputs.dataset)
    converted = _as(base, dtype)
    assert converted.tickets["client"].dtype != base.tickets["client"].dtype or \
        dtype == "object"
    want = VectorEngine(config, FramesOnly(base))
    got = VectorEngine(config, FramesOnly(converted))
    for key in config.clients:
        a = got.client_quarter(key, quarter, inputs.as_of)
        b = want.client_quarter(key, quarter, inputs.as_of)
        assert a.entry == b.entry, key
        assert tuple(a.tickets) == tuple(b.tickets), key
        assert tuple(a.outages) == tuple(b.outages), key
