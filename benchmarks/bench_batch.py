"""qbr batch throughput: clients per minute with 1 and 2 worker processes, the speed-up,
peak memory per worker, the serial phases, and the extrapolation to 500 clients (issue 8
§5). Prints figures; asserts nothing.

    .venv/bin/python benchmarks/bench_batch.py [--clients 300] [--tickets 30]
        [--jobs 1 2] [--no-budget]

A portfolio of ``--clients`` gold clients is generated in a temp folder: one ticket
export with ``--tickets`` tickets per client over 2026Q3 (P1–P4, responses and
resolutions spread over the office calendar) and one critical monitor per client with a
few outages. Each job count renders every pack into a fresh output folder (a first
run: nothing is skipped), with the CLI's default render budget (each client in a forked
child, 300 s, 2,048 MB) unless ``--no-budget``; then the last job count runs again on
its folder (every client ``unchanged``: the cost of the skip check).

Two sets of figures, because the machine is shared:
- measured: wall-clock, as this run saw it (the load average is printed);
- CPU-based: what the same work takes with a core per worker, from the CPU seconds
  each worker and its render children used (``cpu_s`` in batch-report.json). On a busy
  machine a worker waits for a core, so wall-clock understates both the rate and the
  speed-up; CPU seconds do not depend on the wait.
Extrapolation to 500 clients: T(500) = serial + 500 × (parallel part / clients), where
serial = renderer import + recover + load + warm-up + quarter (done once, in the parent, before any
client renders) and the parallel part is the pool's wall time (CPU-based: the busiest
worker's CPU seconds). Rendering is per client and independent, so it grows linearly
with the client count; the serial part does not grow with it at this size.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from mini_project import CONFIG

from qbr import api
from qbr.batch import run_batch
from qbr.batchprep import warm_renderer
from qbr.quarters import parse_as_of

AS_OF = "2026-10-05T06:00:00Z"
HEAD = CONFIG.split("[clients.acme]")[0]
CLIENT = """
[clients.k{i:04d}]
name = "Client {i:04d}"
tier = "gold"
timezone = "Europe/Berlin"
locale = "{locale}"
fee = 1000
currency = "EUR"
[[clients.k{i:04d}.monitors]]
monitor = "fw-{i:04d}"
critical = true
monitored_from = "2026-01-01T00:00:00+01:00"
"""
SOURCES = """
[sources.tickets]
path = "tickets.csv"
kind = "tickets"
system = "psa"
date_format = "%Y-%m-%dT%H:%M:%S%z"
columns = { ticket_id = "Ticket", client = "Company", priority = "Priority", created_at = "Created", first_response_at = "Responded", resolved_at = "Resolved", status = "Status", title = "Title" }
values.priority = { "P1" = "P1", "P2" = "P2", "P3" = "P3", "P4" = "P4" }
values.status = { "Open" = "running", "Resolved" = "resolved" }

[sources.outages]
path = "outages.csv"
kind = "outages"
date_format = "%Y-%m-%dT%H:%M:%S%z"
columns = { monitor = "Monitor", start = "Start", end = "End", reason = "Reason" }
"""


def generate(root: Path, clients: int, tickets: int) -> Path:
    rng = random.Random(8)
    start = datetime(2026, 7, 1, 6, 0, tzinfo=UTC)
    rows = ["Ticket,Company,Priority,Created,Responded,Resolved,Status,Title"]
    outages = ["Monitor,Start,End,Reason"]
    fmt = "%Y-%m-%dT%H:%M:%SZ"
    for i in range(clients):
        for t in range(tickets):
            created = start + timedelta(minutes=rng.randrange(0, 90 * 24 * 60))
            responded = created + timedelta(minutes=rng.randrange(1, 300))
            resolved = responded + timedelta(minutes=rng.randrange(10, 4000))
            rows.append(f"T{i}-{t},Client {i:04d},P{rng.randrange(1, 5)},"
                        f"{created:{fmt}},{responded:{fmt}},{resolved:{fmt}},Resolved,"
                        f"Ticket {t} of client {i}")
        for _ in range(rng.randrange(0, 4)):
            down = start + timedelta(minutes=rng.randrange(0, 90 * 24 * 60))
            outages.append(f"fw-{i:04d},{down:{fmt}},"
                           f"{down + timedelta(minutes=rng.randrange(5, 240)):{fmt}},ISP")
    (root / "tickets.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (root / "outages.csv").write_text("\n".join(outages) + "\n", encoding="utf-8")
    text = HEAD + "".join(CLIENT.format(i=i, locale="de_DE" if i % 3 == 0 else "en")
                          for i in range(clients)) + SOURCES
    (root / "qbr.toml").write_text(text, encoding="utf-8")
    return root / "qbr.toml"


def measure(config: Path, out: Path, jobs: int, budget: bool) -> dict[str, Any]:
    """One run of the batch: its report with the wall time of the call added."""
    options = api.RenderOptions(budget_seconds=api.RENDER_SECONDS,
                                budget_memory_mb=api.RENDER_MEMORY_MB) if budget else None
    t0 = time.perf_counter()
    run = run_batch(api.load(config), "2026Q3", out, as_of=parse_as_of(AS_OF), jobs=jobs,
                    options=options)
    doc = dict(run.document)
    doc["wall_s"] = time.perf_counter() - t0
    return doc


def figures(doc: dict[str, Any], n: int, imported: float) -> dict[str, float]:
    """Rates, the serial part and the 500-client extrapolations of one run; ``imported``:
    the renderer's import, paid once per process (so by every ``qbr batch``), measured
    before the runs so that the first run does not carry it alone."""
    ph = doc["phases_s"]
    serial = imported + ph["recover"] + ph["load"] + ph["warm"] + ph["quarter"]
    per_worker: dict[int, float] = defaultdict(float)
    for o in doc["clients"]:
        per_worker[o["worker_pid"]] += o.get("cpu_s", 0.0)
    busiest = max(per_worker.values())
    return {"serial": serial, "pool": ph["jobs"], "busiest": busiest,
            "report": doc["wall_s"] - doc["duration_s"],
            "rate": n / doc["wall_s"] * 60, "rate_cpu": n / (serial + busiest) * 60,
            "t500": serial + 500 * ph["jobs"] / n, "t500_cpu": serial + 500 * busiest / n,
            "workers": len(per_worker)}


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def report(doc: dict[str, Any], n: int, jobs: int, imported: float) -> dict[str, float]:
    f = figures(doc, n, imported)
    ph, clients = doc["phases_s"], doc["clients"]
    failed = sum(o["status"] != "written" for o in clients)
    peak = max(max(o.get("worker_peak_rss_mb", 0.0), o.get("render_peak_rss_mb", 0.0))
               for o in clients)
    step = {k: _median([o.get("phases_s", {}).get(k, 0.0) for o in clients])
            for k in ("build", "render", "write")}
    cpu = _median([o.get("cpu_s", 0.0) for o in clients])
    print(f"--jobs {jobs}: {doc['wall_s']:7.1f} s for {n} clients = {f['rate']:6.1f} "
          f"clients/min measured, {f['rate_cpu']:6.1f} CPU-based; failed {failed}; "
          f"load avg {os.getloadavg()[0]:.1f}")
    print(f"    serial: renderer import {imported:.2f} s, recover {ph['recover']:.2f} s, load {ph['load']:.2f} s, warm-up "
          f"{ph['warm']:.2f} s, quarter {ph['quarter']:.2f} s; report + lock "
          f"{f['report']:.2f} s; pool {f['pool']:.1f} s on {f['workers']} workers "
          f"(busiest worker {f['busiest']:.1f} CPU s)")
    print(f"    per client (median): build {step['build']:.2f} s, render "
          f"{step['render']:.2f} s, write {step['write']:.3f} s wall; {cpu:.2f} CPU s; "
          f"peak memory per worker {peak:.0f} MB (with its render child)")
    print(f"    500 clients = {f['serial']:.1f} + 500 x {f['pool']:.1f} / {n} = "
          f"{f['t500'] / 60:.1f} min measured; {f['serial']:.1f} + 500 x "
          f"{f['busiest']:.1f} / {n} = {f['t500_cpu'] / 60:.1f} min CPU-based "
          f"(target <= 8 min)")
    return f


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=300)
    parser.add_argument("--tickets", type=int, default=30, help="tickets per client")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--no-budget", action="store_true",
                        help="render in the worker (no per-client child process)")
    args = parser.parse_args()
    n = args.clients
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        config = generate(root, n, args.tickets)
        print(f"portfolio: {n} clients x {args.tickets} tickets (2026Q3); render budget "
              f"{'off' if args.no_budget else 'on'}; {os.cpu_count()} CPUs; load avg "
              f"{os.getloadavg()[0]:.1f}")
        t0 = time.perf_counter()
        warm_renderer()
        imported = time.perf_counter() - t0
        runs = {}
        for jobs in args.jobs:
            runs[jobs] = report(measure(config, root / f"out{jobs}", jobs,
                                        not args.no_budget), n, jobs, imported)
        if 1 in runs and 2 in runs:
            print(f"speed-up 1 -> 2 jobs: {runs[2]['rate'] / runs[1]['rate']:.2f}x measured, "
                  f"{runs[2]['rate_cpu'] / runs[1]['rate_cpu']:.2f}x CPU-based "
                  f"(target >= 1.7x)")
        last = args.jobs[-1]
        again = measure(config, root / f"out{last}", last, not args.no_budget)
        unchanged = sum(o["status"] == "unchanged" for o in again["clients"])
        print(f"re-run, nothing changed (--jobs {last}): {again['wall_s']:.1f} s, "
              f"{unchanged}/{n} unchanged")


if __name__ == "__main__":
    main()
