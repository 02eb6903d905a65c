"""The columnar contract (qbr.frames): records → frames keeps every value and dtype."""

from __future__ import annotations

from pathlib import Path

from qbr.config import load_config
from qbr.frames import UTC_NS, frames_from_records, ticket_records
from qbr.ingest import load_dataset

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data" / "qbr.toml"


def test_sample_dataset_round_trips_through_frames() -> None:
    dataset = load_dataset(load_config(SAMPLE))
    frames = frames_from_records(dataset.tickets, dataset.status_events, dataset.outages,
                                 dataset.maintenance, dataset.monitors)
    assert len(frames.tickets) == len(dataset.tickets)
    assert str(frames.tickets["created_at"].dtype) == UTC_NS
    assert frames.tickets["excluded_reason"].isna().all()
    assert ticket_records(frames.tickets) == list(dataset.tickets)
    n_events = sum(len(v) for v in dataset.status_events.values())
    assert len(frames.status_events) == n_events
    # Stable order: within one ticket the frame keeps the dataset's (stable) event order.
    key = next(iter(dataset.status_events))
    sub = frames.status_events[(frames.status_events["system"] == key[0])
                               & (frames.status_events["ticket_id"] == key[1])]
    assert list(sub["source_row"]) == [e.source.row for e in dataset.status_events[key]]
    assert frames.outages["end"].isna().sum() == sum(o.end is None for o in dataset.outages)
    assert len(frames.monitors) == len(dataset.monitors)
