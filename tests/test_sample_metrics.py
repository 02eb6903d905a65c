"""The sample portfolio through the engine: every quarter's metrics JSON has exactly the
SPEC §6 shape, every row is accounted for, and the numbers do not depend on the machine's
time zone. Spot values are re-derived from the CSVs by hand-countable rules."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from qbr import api

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / "sample_data" / "qbr.toml"
AS_OF = "2026-10-05T06:00:00Z"
QUARTERS = ("2025Q3", "2025Q4", "2026Q1", "2026Q2", "2026Q3")

MEASURE_KEYS = {"target_minutes", "met", "breached", "pending", "attainment_pct",
                "median_minutes", "p90_minutes"}
ALL_KEYS = {"met", "breached", "pending", "attainment_pct"}
MONITOR_KEYS = {"monitor", "critical", "uptime_pct", "downtime_minutes", "window_minutes",
                "unmonitored_minutes",
                "guarantee_pct", "met"}


@pytest.fixture(scope="module")
def inputs() -> api.Inputs:
    return api.load_inputs(api.load(CONFIG), AS_OF)


def check_client_shape(c: dict[str, Any]) -> None:
    assert set(c) == {"client", "name", "tier", "tickets", "response", "resolution",
                      "uptime", "sla_met", "credits"}
    assert set(c["tickets"]) == {"total", "unclassified", "pending", "rejected"}
    for measure in ("response", "resolution"):
        block = c[measure]
        assert set(block["all"]) == ALL_KEYS
        for prio, values in block.items():
            if prio != "all":
                assert set(values) == MEASURE_KEYS, prio
    assert set(c["uptime"]) == {"monitors", "critical_uptime_pct", "worst_critical_pct"}
    for m in c["uptime"]["monitors"]:
        assert set(m) == MONITOR_KEYS
    assert set(c["credits"]) == {"pct", "amount", "currency", "provisional"}


@pytest.mark.parametrize("quarter", QUARTERS)
def test_every_sample_quarter_matches_spec_shape(inputs: api.Inputs, quarter: str) -> None:
    doc = api.metrics(inputs.config, quarter, inputs=inputs).document
    assert doc["schema"] == "qbr.metrics/1" and doc["quarter"] == quarter
    assert doc["as_of"] == "2026-10-05T06:00:00+00:00"
    assert len(doc["clients"]) == 9
    for c in doc["clients"]:
        check_client_shape(c)
        for measure in ("response", "resolution"):
            block = c[measure]
            # "all" pools the priorities: its counts are the sums.
            for key in ("met", "breached", "pending"):
                assert block["all"][key] == sum(v[key] for p, v in block.items() if p != "all")
        assert c["credits"]["provisional"] is False  # as_of is after every quarter


def test_sample_portfolio_is_big_enough_and_accounted(inputs: api.Inputs) -> None:
    assert len(inputs.dataset.tickets) >= 3000
    for f in inputs.dataset.files:
        assert f.read == f.accepted + f.unassigned + sum(f.rejected.values()), f.file


def test_german_source_has_the_required_quirks() -> None:
    raw = (REPO / "sample_data" / "exports" / "tickets_de.csv").read_bytes()
    header = raw.split(b"\r\n" if b"\r\n" in raw else b"\n")[0].decode("cp1252")
    assert ";" in header and "Priorität" in header
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # really cp1252


def test_sample_metrics_do_not_depend_on_machine_time_zone() -> None:
    outputs = []
    for tz in ("UTC", "Asia/Tokyo"):
        proc = subprocess.run(
            [sys.executable, "-m", "qbr", "metrics", "--config", str(CONFIG), "--quarter",
             "2026Q3", "--as-of", AS_OF, "--format", "json"],
            capture_output=True, text=True, env={**os.environ, "TZ": tz}, check=True)
        outputs.append(proc.stdout)
    assert outputs[0] == outputs[1]
    json.loads(outputs[0])


def test_credit_owed_when_critical_uptime_below_threshold(inputs: api.Inputs) -> None:
    doc = api.metrics(inputs.config, "2026Q3", inputs=inputs, client="alpenblick-hotels")
    c = doc.document["clients"][0]
    crit = c["uptime"]["critical_uptime_pct"]
    # Gold credit table: < 99.9 → 5 %, < 99.5 → 10 %, < 99.0 → 20 %; fee 14,200 EUR.
    assert 99.5 <= crit < 99.9
    assert c["credits"]["pct"] == 5.0
    assert c["credits"]["amount"] == 710.0  # 14,200 × 5 % = 710.00


def test_figures_name_no_client_and_skip_opt_outs(inputs: api.Inputs) -> None:
    from qbr.textout import figures_markdown

    doc = api.figures(inputs.config, "2025Q4..2026Q3", inputs=inputs).document
    text = json.dumps(doc, ensure_ascii=False) + figures_markdown(doc)
    for client in inputs.config.clients.values():
        assert client.key not in text and client.name not in text
    # kanzlei-hofmann opts out: 8 of the 9 clients contribute at most.
    assert doc["clients"] == 8
    assert all(f["clients"] <= 8 for f in doc["figures"])
    uptime = next(f for f in doc["figures"] if f["id"] == "uptime")
    assert uptime["value"] <= uptime["exact"]  # rounded down
