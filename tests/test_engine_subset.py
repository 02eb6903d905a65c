"""The single-client path of the column-wise engine (``qbr report``, ``qbr metrics
--client``): evaluating only the requested clients' rows must give exactly what the whole
portfolio's run gives for them, on every sample client and quarter: the metrics JSON
entry, every workbook ticket row, the monitors (windows included) and the outage rows."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from engine_helpers import event, ticket
from vector_helpers import Dataset, group_events, make_config

from qbr import api
from qbr.engine.run import VectorEngine, dataset_frames
from qbr.engine.subset import client_frames, event_mask
from qbr.quarters import Quarter, parse_quarter

REPO = Path(__file__).resolve().parents[1]
AS_OF = "2026-10-05T06:00:00Z"


@pytest.fixture(scope="module")
def inputs() -> api.Inputs:
    return api.load_inputs(api.load(REPO / "sample_data" / "qbr.toml"), AS_OF)


@pytest.mark.parametrize("label", ["2025Q4", "2026Q2", "2026Q3"])
def test_one_client_run_equals_the_portfolio_run(inputs: api.Inputs, label: str) -> None:
    config, dataset, as_of = inputs.config, inputs.dataset, inputs.as_of
    quarter = parse_quarter(label, config.fiscal_year_start)
    whole = VectorEngine(config, dataset)
    tickets = 0
    for key in config.clients:
        alone = VectorEngine(config, dataset, clients=[key])
        got = alone.client_quarter(key, quarter, as_of)
        want = whole.client_quarter(key, quarter, as_of)
        assert got.entry == want.entry, key
        assert tuple(got.tickets) == tuple(want.tickets), key
        assert tuple(got.monitors) == tuple(want.monitors), key
        assert tuple(got.outages) == tuple(want.outages), key
        tickets += len(got.tickets)
        # Only that client's rows were evaluated.
        assert set(alone.frames.tickets["client"]) <= {key}
        assert len(alone.frames.tickets) < len(whole.frames.tickets)
    assert tickets > 100  # the sample has real work in these quarters


def test_api_metrics_for_one_client_equals_its_entry_in_the_whole_document(
        inputs: api.Inputs) -> None:
    whole = api.metrics(inputs.config, "2026Q3", inputs=inputs)
    key = next(iter(inputs.config.clients))
    one = api.metrics(inputs.config, "2026Q3", client=key, inputs=inputs)
    assert one.document["clients"] == [c for c in whole.document["clients"]
                                       if c["client"] == key]


def test_events_follow_their_ticket_by_system_and_id() -> None:
    # The same id "T-1" in two systems, one per client: the filter must use both.
    t0 = datetime(2026, 1, 5, 9, tzinfo=UTC)
    a = ticket(t0)  # system psa, client acme
    b = replace(ticket(t0, client="hudson"), system="mail")
    events = [event(t0, "running"), event(t0, "resolved")]
    mail = [replace(e, system="mail") for e in events]
    frames = dataset_frames(Dataset((a, b), group_events([*events, *mail])))
    sub = client_frames(frames, ["acme"])
    assert list(sub.tickets["system"]) == ["psa"]
    assert list(sub.status_events["system"]) == ["psa", "psa"]
    mask = event_mask(frames.status_events, frames.tickets[frames.tickets["client"] ==
                                                             "hudson"])
    assert list(np.asarray(frames.status_events["system"])[mask]) == ["mail", "mail"]


def test_subset_engine_on_a_client_without_rows_gives_an_empty_quarter() -> None:
    config = make_config()
    t0 = datetime(2026, 1, 5, 9, tzinfo=UTC)
    engine = VectorEngine(config, Dataset((ticket(t0),), {}), clients=["hudson"])
    cq = engine.client_quarter("hudson", Quarter(2026, 1), datetime(2026, 4, 6, tzinfo=UTC))
    assert cq.entry["tickets"]["total"] == 0
    assert tuple(cq.tickets) == ()


def test_an_engine_with_a_cached_run_pickles_and_answers_the_same(
        inputs: api.Inputs) -> None:
    # The batch parent computes the portfolio's quarter once and hands the engine to its
    # workers: the cached run must survive pickling (no closures, no per-ticket objects).
    import pickle

    config, as_of = inputs.config, inputs.as_of
    quarter = parse_quarter("2026Q3", config.fiscal_year_start)
    engine = VectorEngine(config, inputs.dataset)
    engine.run(quarter, as_of)
    copy = pickle.loads(pickle.dumps(engine))
    assert (quarter, as_of) in copy._runs
    for key in config.clients:
        a = copy.client_quarter(key, quarter, as_of)
        b = engine.client_quarter(key, quarter, as_of)
        assert a.entry == b.entry, key
        assert tuple(a.tickets) == tuple(b.tickets), key
        assert tuple(a.monitors) == tuple(b.monitors), key
