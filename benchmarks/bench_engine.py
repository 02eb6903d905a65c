"""Engine throughput on the sample portfolio. Prints figures; asserts nothing.

    .venv/bin/python benchmarks/bench_engine.py [--repeat 5]

Figures (medians over --repeat runs, wall seconds):
- ingest: every sample source read and reconciled (the baseline);
- metrics: all nine clients' 2026Q3 metrics from the loaded dataset;
- business time, scalar vs bulk: 100,000 business-time look-ups on one calendar, one by one
  (``BusinessClock.seconds``) and vectorised (``cumulative_many``), with their ratio — the
  path the ROADMAP's million-ticket engine will take.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from qbr import api
from qbr.calendar import BusinessClock, clock_spec
from qbr.ingest import load_dataset

CONFIG = Path(__file__).resolve().parents[1] / "sample_data" / "qbr.toml"


def median_seconds(fn: Callable[[], object], repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args().repeat
    config = api.load(CONFIG)
    inputs = api.load_inputs(config, "2026-10-05T06:00:00Z")
    ingest = median_seconds(lambda: load_dataset(config), repeat)
    metrics = median_seconds(lambda: api.metrics(config, "2026Q3", inputs=inputs), repeat)
    print(f"tickets {len(inputs.dataset.tickets)}")
    print(f"ingest (baseline)   {ingest:.3f} s")
    print(f"metrics 2026Q3      {metrics:.3f} s  ({metrics / ingest:.2f}x ingest)")

    clock = BusinessClock(clock_spec(config.calendars["office"], "Europe/Berlin", None))
    rng = random.Random(7)
    base = datetime(2025, 7, 1, tzinfo=UTC)
    starts = [base + timedelta(minutes=rng.randrange(0, 500_000)) for _ in range(100_000)]
    ends = [s + timedelta(minutes=rng.randrange(1, 20_000)) for s in starts]
    clock.seconds(starts[0], ends[0])  # build the year table outside the timing
    scalar = median_seconds(lambda: [clock.seconds(a, b) for a, b in zip(starts, ends,
                                                                          strict=True)], repeat)
    a = np.array([s.timestamp() for s in starts])
    b = np.array([e.timestamp() for e in ends])
    bulk = median_seconds(lambda: clock.cumulative_many(b) - clock.cumulative_many(a), repeat)
    print(f"business time x100k scalar {scalar:.3f} s, bulk {bulk:.4f} s, "
          f"ratio scalar/bulk {scalar / bulk:.1f}x")


if __name__ == "__main__":
    main()
