"""On the sample portfolio the column-wise engine gives the scalar engine's metrics JSON
cell for cell (the sample has no reopen, priority change or exclusion, so SPEC §3 and
§3a agree there), leaving aside the additive keys only the column-wise engine writes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from qbr import api
from qbr.metrics import Engine, ScalarEngine
from qbr.quarters import Quarter

CONFIG = Path(__file__).resolve().parents[1] / "sample_data" / "qbr.toml"


def without_additive(entry: dict[str, Any]) -> dict[str, Any]:
    out = {**entry, "tickets": {k: v for k, v in entry["tickets"].items()
                                if k not in ("excluded", "reopened")}}
    out["uptime"] = {**entry["uptime"], "monitors": [
        {k: v for k, v in m.items() if k != "unmonitored_minutes"}
        for m in entry["uptime"]["monitors"]]}
    return out


@pytest.mark.parametrize("quarter", [Quarter(2025, 4), Quarter(2026, 3)])
def test_column_wise_equals_scalar_on_the_sample(quarter: Quarter) -> None:
    config = api.load(CONFIG)
    inputs = api.load_inputs(config, "2026-10-05T06:00:00Z")
    vector, scalar = Engine(config, inputs.dataset), ScalarEngine(config, inputs.dataset)
    for key in config.clients:
        v = vector.client_quarter(key, quarter, inputs.as_of)
        s = scalar.client_quarter(key, quarter, inputs.as_of)
        assert without_additive(v.entry) == without_additive(s.entry), key
        assert tuple(v.tickets) == tuple(s.tickets), key
        assert tuple(v.outages) == tuple(s.outages), key
