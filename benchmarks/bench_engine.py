"""Engine at the size of a large MSP. Prints figures; asserts nothing.

    .venv/bin/python benchmarks/bench_engine.py [--tickets 1000000] [--skip-sample]

Generates, directly as frames (numpy, no files): N tickets (default 1,000,000) with 5
status events each across 500 clients (6 time zones, 20 holiday sets, office and 24x7
calendars, half days, some priority changes and reopens), and 10,000 monitors with a
quarter's outages. Prints:

- business-time pairs per second of the dense table (one look-up pair per ticket, all
  clocks mixed), and the ratio to a per-row ``businesstimedelta`` loop measured on a
  sample in the same run (targets: ≥ 10M pairs/s, ≥ 4,000× the loop);
- the whole quarter's metrics for every client after ingest: engine set-up, the
  column-wise pass and the 500 SPEC §6 entries (target ≤ 5 s);
- the process's peak memory (target ≤ 2 GB), generation included;
- on the sample portfolio: the scalar engine vs the column-wise one (same JSON).
"""

from __future__ import annotations

import argparse
import random
import resource
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import businesstimedelta as btd
import holidays
import numpy as np
import pandas as pd
import pytz

from qbr import api
from qbr.config import Config, parse_config
from qbr.engine.clock import ClockTable
from qbr.engine.columns import ns_of
from qbr.engine.tickets import clock_tables
from qbr.frames import UNMONITORED_COLUMNS, Frames, empty_frame, typed_frame
from qbr.metrics import Engine, ScalarEngine, metrics_document
from qbr.quarters import Quarter

ROOT = Path(__file__).resolve().parents[1]
QUARTER = Quarter(2026, 3)
AS_OF = datetime(2026, 10, 5, 6, tzinfo=UTC)
ZONES = ["Europe/Berlin", "Europe/London", "America/New_York", "America/Chicago",
         "Asia/Tokyo", "Australia/Sydney"]
HOLIDAY_SETS = [("DE", "BY"), ("DE", "BE"), ("DE", "HE"), ("DE", "NW"), ("DE", "HH"),
                ("AT", None), ("CH", "ZH"), ("GB", "ENG"), ("GB", "SCT"), ("FR", None),
                ("US", "NY"), ("US", "CA"), ("US", "IL"), ("US", "TX"), ("CA", "ON"),
                ("JP", None), ("AU", "NSW"), ("AU", "VIC"), ("NL", None), ("IT", None)]
PRIORITIES = np.array(["P1", "P2", "P3", "P4"], dtype=object)


def portfolio_config(clients: int) -> Config:
    doc: dict[str, Any] = {
        "msp": {"name": "Bench MSP"},
        "calendars": {"office": {"hours": {"mon-fri": ["08:00-12:00", "13:00-17:00"]},
                                 "exceptions": {"2026-12-24": ["08:00-12:00"]}}},
        "tiers": {name: {
            "response_minutes": {"P1": 30, "P2": 120, "P3": 480, "P4": 960},
            "resolution_minutes": {"P1": 240, "P2": 960, "P3": 2400, "P4": 4800},
            "calendar": "office", "calendar_by_priority": by_prio,
            "pause_statuses": ["waiting_customer", "waiting_vendor"],
            "objective_pct": 90, "uptime_guarantee_pct": 99.9,
            "credits": [{"below": 99.9, "pct": 5}]}
            for name, by_prio in (("gold", {"P1": "24x7"}), ("silver", {}))},
        "clients": {},
        "sources": {"psa": {"path": "t.csv", "kind": "tickets", "timezone": "UTC",
                            "columns": {"ticket_id": "T", "client": "C", "priority": "P",
                                        "created_at": "D"}},
                    "psa_status": {"path": "s.csv", "kind": "status", "system": "psa",
                                   "timezone": "UTC",
                                   "columns": {"ticket_id": "T", "at": "A", "status": "S"}}},
    }
    for i in range(clients):
        country, subdiv = HOLIDAY_SETS[i % len(HOLIDAY_SETS)]
        rule = {"country": country, **({"subdiv": subdiv} if subdiv else {})}
        doc["clients"][f"c{i:03d}"] = {
            "name": f"Client {i}", "tier": "gold" if i % 2 else "silver",
            "timezone": ZONES[i % len(ZONES)], "fee": 1000, "currency": "EUR",
            "holidays": rule}
    return parse_config(doc, ROOT)


def utc_ns(seconds: np.ndarray) -> pd.Series:
    return pd.Series(pd.to_datetime(seconds.astype("int64") * 1_000_000_000, utc=True))


def portfolio_frames(n: int, clients: int, monitors: int, seed: int = 7) -> Frames:
    """Tickets of 2026Q3 (with five events each) and monitors with outages."""
    rng = np.random.default_rng(seed)
    q_lo = datetime(2026, 7, 2, tzinfo=UTC).timestamp()
    span = 88 * 86_400
    created = q_lo + rng.integers(0, span, n) // 60 * 60
    steps = rng.integers(5 * 60, 3 * 86_400, (n, 4)).cumsum(axis=1) // 60 * 60
    client = np.array([f"c{i:03d}" for i in range(clients)], dtype=object)[
        rng.integers(0, clients, n)]
    ids = np.char.add("T", np.arange(n).astype(str)).astype(object)
    resolved = created + steps[:, 3]
    open_ = rng.random(n) < 0.03
    nat = np.full(n, np.nan)
    t = {
        "system": np.full(n, "psa", dtype=object), "ticket_id": ids, "client": client,
        "priority": PRIORITIES[rng.integers(0, 4, n)], "priority_raw": np.full(n, "x",
                                                                                dtype=object),
        "created_at": utc_ns(created), "first_response_at": utc_ns(created + steps[:, 0]),
        "resolved_at": pd.Series(pd.to_datetime(np.where(open_, np.nan, resolved) * 1e9,
                                                utc=True)),
        "closed_at": pd.Series(pd.to_datetime(nat, utc=True)),
        "updated_at": pd.Series(pd.to_datetime(nat, utc=True)),
        "status": np.full(n, None, dtype=object), "title": np.full(n, "t", dtype=object),
        "category": np.where(rng.random(n) < 0.01, "Project", "Incident").astype(object),
        "queue": np.full(n, None, dtype=object), "reported_pause_minutes": nat,
        "excluded_reason": np.full(n, None, dtype=object),
        "source_file": np.full(n, "t.csv", dtype=object), "source_row": np.arange(n) + 2,
    }
    tickets = pd.DataFrame(t)
    # Five events per ticket: open, waiting, running, resolved (or reopened), final.
    at = np.concatenate([created[:, None], created[:, None] + steps], axis=1)
    status = np.array(["running", "waiting_customer", "running", "resolved", "closed"],
                      dtype=object)
    st_all = np.tile(status, (n, 1))
    reopen = rng.random(n) < 0.02
    st_all[reopen, 3] = "resolved"
    st_all[reopen, 4] = "running"
    st_all[open_, 3:] = "running"
    prio = np.full((n, 5), None, dtype=object)
    raised = rng.random(n) < 0.05
    prio[raised, 2] = "P1"
    events = pd.DataFrame({
        "system": np.full(5 * n, "psa", dtype=object), "ticket_id": np.repeat(ids, 5),
        "at": utc_ns(at.ravel()), "status": st_all.ravel(), "priority": prio.ravel(),
        "source_file": np.full(5 * n, "s.csv", dtype=object),
        "source_row": np.arange(5 * n) + 2})
    m_client = client[:0].tolist() or [f"c{i:03d}" for i in range(clients)]
    mons = pd.DataFrame({
        "monitor": [f"m{i:05d}" for i in range(monitors)],
        "client": [m_client[i % clients] for i in range(monitors)],
        "critical": np.arange(monitors) % 3 != 0, "guarantee_pct": np.full(monitors, np.nan),
        "observed_from": pd.Series(pd.to_datetime(np.full(monitors, np.nan), utc=True)),
        "observed_until": pd.Series(pd.to_datetime(np.full(monitors, np.nan), utc=True))})
    k = monitors * 3
    o_mon = rng.integers(0, monitors, k)
    o_start = q_lo + rng.integers(0, span, k)
    outages = pd.DataFrame({
        "monitor": mons["monitor"].to_numpy()[o_mon], "client": mons["client"].to_numpy()[o_mon],
        "start": utc_ns(o_start), "end": utc_ns(o_start + rng.integers(60, 4 * 3600, k)),
        "reason": np.full(k, None, dtype=object), "source_file": np.full(k, "o.csv", dtype=object),
        "source_row": np.arange(k) + 2})
    w = clients * 4
    maint_start = q_lo + rng.integers(0, span, w)
    maintenance = typed_frame({
        "client": [m_client[i % clients] for i in range(w)], "monitor": [None] * w,
        "start": utc_ns(maint_start), "end": utc_ns(maint_start + 7200),
        "source_file": ["m.csv"] * w, "source_row": list(range(2, w + 2))},
        ("client", "monitor", "start", "end", "source_file", "source_row"))
    return Frames(tickets, events, outages, maintenance, mons,
                  empty_frame(UNMONITORED_COLUMNS))


@dataclass(frozen=True)
class BenchDataset:
    """What ingest hands the engine: frames (records are not built at this size)."""

    frames: Frames
    rejections: tuple[Any, ...] = ()


def loop_pairs_per_second(pairs: int) -> float:
    """A per-row businesstimedelta loop (office hours, lunch, Bavarian holidays)."""
    tz = pytz.timezone("Europe/Berlin")
    week = [0, 1, 2, 3, 4]
    rules = btd.Rules([
        btd.WorkDayRule(start_time=datetime.min.time().replace(hour=8),
                        end_time=datetime.min.time().replace(hour=17), working_days=week,
                        tz=tz),
        btd.LunchTimeRule(start_time=datetime.min.time().replace(hour=12),
                          end_time=datetime.min.time().replace(hour=13), working_days=week,
                          tz=tz),
        btd.HolidayRule(holidays.country_holidays("DE", subdiv="BY", years=[2026]), tz=tz)])
    rng = random.Random(3)
    base = datetime(2026, 7, 1, tzinfo=UTC).timestamp()
    spans = []
    for _ in range(pairs):
        a = base + rng.randrange(0, 80 * 86_400)
        spans.append((datetime.fromtimestamp(a, UTC),
                      datetime.fromtimestamp(a + rng.randrange(0, 3 * 86_400), UTC)))
    start = time.perf_counter()
    for a, b in spans:
        rules.difference(a, b)
    return pairs / (time.perf_counter() - start)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--monitors", type=int, default=10_000)
    parser.add_argument("--loop-sample", type=int, default=1_000)
    parser.add_argument("--skip-sample", action="store_true")
    args = parser.parse_args()

    start = time.perf_counter()
    config = portfolio_config(args.clients)
    frames = portfolio_frames(args.tickets, args.clients, args.monitors)
    print(f"generated {len(frames.tickets):,} tickets, {len(frames.status_events):,} "
          f"status events, {len(frames.monitors):,} monitors, {len(frames.outages):,} "
          f"outages in {time.perf_counter() - start:.1f} s (not timed below); peak memory "
          f"so far {peak_mb():,.0f} MB", flush=True)

    # 1. business time: one pair per ticket, every client's clock mixed in one array
    engine = Engine(config, BenchDataset(frames))
    cols = engine.cols
    specs, spec_tab, _, _ = clock_tables(config, cols)
    created = ns_of(frames.tickets["created_at"]) / 1e9
    end = created + np.random.default_rng(1).integers(0, 5 * 86_400, len(created))
    clock = spec_tab[cols.t_client, cols.t_prio + 1]
    t0 = time.perf_counter()
    table = ClockTable(specs, float(created.min()), float(end.max()))
    build = time.perf_counter() - t0
    t0, c0 = time.perf_counter(), time.process_time()
    table.seconds(clock, created, end)
    lookup, lookup_cpu = time.perf_counter() - t0, time.process_time() - c0
    vector_rate = len(created) / lookup
    loop_rate = loop_pairs_per_second(args.loop_sample)
    print(f"business time: {len(specs)} clocks, table built in {build:.2f} s; "
          f"{vector_rate / 1e6:.1f}M pairs/s; businesstimedelta loop {loop_rate:,.0f} "
          f"pairs/s; ratio {vector_rate / loop_rate:,.0f}x (targets 10M pairs/s, 4,000x); "
          f"by CPU time {len(created) / lookup_cpu / 1e6:.1f}M pairs/s", flush=True)

    # 2. the whole quarter for every client, after ingest (frames in memory)
    t0, c0 = time.perf_counter(), time.process_time()
    engine = Engine(config, BenchDataset(frames))
    setup, setup_cpu = time.perf_counter() - t0, time.process_time() - c0
    t1, c1 = time.perf_counter(), time.process_time()
    results = [engine.client_quarter(k, QUARTER, AS_OF) for k in config.clients]
    doc = metrics_document(results, QUARTER, AS_OF)
    compute, compute_cpu = time.perf_counter() - t1, time.process_time() - c1
    total = sum(c["tickets"]["total"] for c in doc["clients"])
    print(f"quarter metrics, {len(doc['clients'])} clients, {total:,} tickets: "
          f"{setup + compute:.2f} s (set-up {setup:.2f} s, pass + entries {compute:.2f} s; "
          f"target 5 s); {total / (setup + compute):,.0f} tickets/s; CPU time "
          f"{setup_cpu + compute_cpu:.2f} s", flush=True)
    print(f"peak memory {peak_mb():,.0f} MB (target 2,048 MB)")

    if not args.skip_sample:
        sample = api.load(ROOT / "sample_data" / "qbr.toml")
        inputs = api.load_inputs(sample, "2026-10-05T06:00:00Z")
        timings = {}
        for name, cls in (("scalar", ScalarEngine), ("column-wise", Engine)):
            t0 = time.perf_counter()
            eng = cls(sample, inputs.dataset)
            docs = [eng.client_quarter(k, QUARTER, inputs.as_of).entry for k in sample.clients]
            timings[name] = (time.perf_counter() - t0, docs)
        print(f"sample 2026Q3: scalar {timings['scalar'][0]:.2f} s, column-wise "
              f"{timings['column-wise'][0]:.2f} s")


if __name__ == "__main__":
    main()
