"""The column-wise engine against the scalar one on every sample ticket (SPEC §3, §3a).

The scalar :func:`qbr.ticketrules.ticket_sla` is the oracle: for every sample client in
2026Q3 and 2025Q4 (reopens, a priority change, exclusions by status, category and column,
closed-without-time, client and fiscal settings) each ticket's response and resolution
must agree exactly: state, event instant, priority in force, target and elapsed business
seconds (to 1e-6 s), and the workbook row's pause, reopen and exclusion fields. Both
engines make their rows through :func:`qbr.ticketrules.make_row`, so the rows compare
field by field. For every quarter of the sample the metrics JSON entries and the outage
rows are equal too.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from qbr import api
from qbr.metrics import Engine, ScalarEngine
from qbr.pack import Measure, TicketRow
from qbr.quarters import parse_quarter
from qbr.ticketrules import history_of, ticket_sla

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / "sample_data" / "qbr.toml"
AS_OF = "2026-10-05T06:00:00Z"


@pytest.fixture(scope="module")
def inputs() -> api.Inputs:
    return api.load_inputs(api.load(CONFIG), AS_OF)


def _measure_diffs(where: str, got: Measure, want: Measure) -> list[str]:
    out = []
    if abs(got.elapsed_minutes * 60.0 - want.elapsed_minutes * 60.0) > 1e-6:
        out.append(f"{where}: elapsed {got.elapsed_minutes} != {want.elapsed_minutes}")
    for name in ("state", "event_at", "target_minutes", "priority"):
        if getattr(got, name) != getattr(want, name):
            out.append(f"{where}: {name} {getattr(got, name)!r} != {getattr(want, name)!r}")
    return out


def _row_diffs(got: TicketRow, want: TicketRow) -> list[str]:
    where = f"{want.system}:{want.ticket_id}"
    out = _measure_diffs(f"{where} response", got.response, want.response)
    out += _measure_diffs(f"{where} resolution", got.resolution, want.resolution)
    for name in ("paused_minutes", "reopened_minutes"):
        if abs(getattr(got, name) - getattr(want, name)) * 60.0 > 1e-6:
            out.append(f"{where}: {name} {getattr(got, name)} != {getattr(want, name)}")
    for name in ("system", "ticket_id", "title", "priority", "priority_raw", "calendar",
                 "created_at", "pause_measured", "source_file", "source_row",
                 "excluded_reason", "reopened", "closed_without_time"):
        if getattr(got, name) != getattr(want, name):
            out.append(f"{where}: {name} {getattr(got, name)!r} != {getattr(want, name)!r}")
    return out


@pytest.mark.parametrize("label", ["2026Q3", "2025Q4"])
def test_vector_rows_equal_scalar_ticket_sla_on_every_sample_ticket(
        inputs: api.Inputs, label: str) -> None:
    config, dataset, as_of = inputs.config, inputs.dataset, inputs.as_of
    quarter = parse_quarter(label, config.fiscal_year_start)
    vector, scalar = Engine(config, dataset), ScalarEngine(config, dataset)
    diffs: list[str] = []
    seen = 0
    for key, client in config.clients.items():
        tier = config.tiers[client.tier]
        got = {(r.system, r.ticket_id): r
               for r in vector.client_quarter(key, quarter, as_of).tickets}
        want = {(r.system, r.ticket_id): r
                for r in scalar.client_quarter(key, quarter, as_of).tickets}
        assert got.keys() == want.keys(), key
        for t in dataset.tickets:
            if (t.system, t.ticket_id) not in want or t.client != key:
                continue
            # The oracle itself: the function `qbr explain` shows.
            sla = ticket_sla(config, client, tier, t, history_of(config, dataset, t), as_of,
                             scalar.clock)
            row = got[(t.system, t.ticket_id)]
            diffs += _measure_diffs(f"{key} {t.ticket_id} response", row.response,
                                    sla.response)
            diffs += _measure_diffs(f"{key} {t.ticket_id} resolution", row.resolution,
                                    sla.resolution)
            diffs += _row_diffs(row, want[(t.system, t.ticket_id)])
            seen += 1
    assert not diffs, "\n".join(diffs[:40])
    assert seen > 20  # the sample has tickets in both quarters, for several clients


@pytest.mark.parametrize("label", ["2025Q3", "2025Q4", "2026Q1", "2026Q2", "2026Q3"])
def test_vector_json_equals_scalar_json(inputs: api.Inputs, label: str) -> None:
    config = inputs.config
    quarter = parse_quarter(label, config.fiscal_year_start)
    vector, scalar = Engine(config, inputs.dataset), ScalarEngine(config, inputs.dataset)
    for key in config.clients:
        v = vector.client_quarter(key, quarter, inputs.as_of)
        s = scalar.client_quarter(key, quarter, inputs.as_of)
        # Every key, the §3a additive ones and unmonitored_minutes included.
        assert v.entry == s.entry, key
        assert tuple(v.outages) == tuple(s.outages), key
