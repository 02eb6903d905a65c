"""qbr batch throughput: clients per minute with 1 and 2 worker processes, the speed-up,
peak memory per worker, and the extrapolation to 500 clients (issue 8 §5). Prints
figures; asserts nothing.

    .venv/bin/python benchmarks/bench_batch.py [--clients 300] [--tickets 30]

A portfolio of ``--clients`` gold clients is generated in a temp folder: one ticket
export with ``--tickets`` tickets per client over 2026Q3 (P1–P4, responses and
resolutions spread over the office calendar) and one critical monitor per client with a
few outages. Each job count renders every pack into a fresh output folder (a first
run: nothing is skipped). Extrapolation: the measured load time (reading the inputs
once, in the parent) plus 500 / (clients per second) — rendering is per client and
independent, so the time grows linearly with the client count.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from mini_project import CONFIG

from qbr import api
from qbr.batch import run_batch
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


def measure(config: Path, out: Path, jobs: int) -> tuple[float, float, float, int]:
    """(load seconds, render seconds, peak worker RSS MB, failures) of one fresh run."""
    cfg = api.load(config)
    t0 = time.perf_counter()
    inputs = api.load_inputs(cfg, AS_OF)  # what the batch does once, in the parent
    load = time.perf_counter() - t0
    del inputs
    t1 = time.perf_counter()
    run = run_batch(cfg, "2026Q3", out, as_of=parse_as_of(AS_OF), jobs=jobs)
    total = time.perf_counter() - t1
    peak = max(o.get("worker_peak_rss_mb", 0.0) for o in run.outcomes)
    failed = sum(o["status"] != "written" for o in run.outcomes)
    return load, total, peak, failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=300)
    parser.add_argument("--tickets", type=int, default=30, help="tickets per client")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        config = generate(root, args.clients, args.tickets)
        print(f"portfolio: {args.clients} clients x {args.tickets} tickets (2026Q3)")
        rates = {}
        for jobs in (1, 2):
            load, total, peak, failed = measure(config, root / f"out{jobs}", jobs)
            rate = args.clients / total * 60
            rates[jobs] = rate
            eta = load + 500 / (rate / 60)
            print(f"--jobs {jobs}: {total:7.1f} s for {args.clients} clients = "
                  f"{rate:6.1f} clients/min (load {load:.1f} s), peak memory per worker "
                  f"{peak:.0f} MB, failed {failed}; 500 clients ~ {eta / 60:.1f} min")
        print(f"speed-up 1 -> 2 jobs: {rates[2] / rates[1]:.2f}x")


if __name__ == "__main__":
    main()
