"""Ingest benchmark: a million tickets and five million status rows, read and accounted.

Generates (with numpy, in a few seconds) a ticket export and a status history in the
sample's PSA format (ISO 8601 with ``Z``, ``,``-separated, quoted titles), then measures,
each in a fresh child process so that peak memory is the phase's own:

- ``floor``: a bare ``pyarrow.csv.read_csv`` of both files with every date column parsed
  to UTC timestamps (no accounting): the baseline the targets are stated against;
- ``tickets``: ``qbr.ingest.load_dataset`` of the ticket export alone (read, classify,
  dates to UTC, de-duplicate, account every row), parse cache bypassed;
- ``all``: the same for tickets plus status history (status rows linked to tickets);
- ``cached``: ``all`` again through the parse cache, after one run has filled it;
- ``uci``: the UCI incident event log (141,712 rows) as a tickets source, when
  ``/work/shared/datasets/uci-incident-event-log`` (or ``--uci``) is present;
- ``uci-events``: the same log as what it is, an event log folded into tickets and status
  history (``examples/uci-servicenow-events.toml``: ``preset = "servicenow-events"``),
  printed with its ratio to ``uci`` (the fold's cost over the bare read);
- ``uci-warm``: ``uci-events`` again through the parse cache after one run has filled it
  (the log's folded result read back, :mod:`qbr.logs.cache`), with its ratio to the cold
  ``uci-events``.

``CPU s`` is the child's CPU time over all its threads (``time.process_time``): on a
machine shared with other work it varies less than the wall-clock seconds, which count
the time the process waited for a core.

Peak memory is the child's peak resident set size (``VmHWM`` of /proc/self/status, which
exec resets; ``resource.getrusage`` ``ru_maxrss`` elsewhere, which a child inherits from
its parent), including the interpreter and imported libraries (~150 MB).

Usage: ``python benchmarks/bench_ingest.py [--rows 1000000] [--status-rows 5000000]``
(``--rows 100000`` for a quick run).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

HERE = Path(__file__).resolve()
UCI = Path("/work/shared/datasets/uci-incident-event-log")
TICKET_DATES = ["Date Opened", "First Response", "Date Resolved", "Date Closed",
                "Last Updated"]
STATUSES = ["Open", "In Progress", "Waiting on Customer", "Waiting on Vendor", "Resolved",
            "Closed"]
CLIENTS = ["Alpenblick Hotels GmbH", "Brauhaus Müller GmbH & Co. KG",
           "Thames & Wren Architects Ltd", "Unknown Corp"]
PRIORITIES = ["1 - Critical", "2 - High", "3 - Medium", "4 - Low", "5 - Planning"]


def _iso(seconds: np.ndarray) -> pa.Array:
    text = pa.array(np.datetime_as_string(seconds.astype("datetime64[s]"), unit="s"))
    return pc.binary_join_element_wise(text, pa.scalar("Z"), "")


def generate(folder: Path, rows: int, status_rows: int) -> tuple[Path, Path]:
    """Write tickets.csv and status.csv in the sample's PSA format."""
    rng = np.random.default_rng(7)
    start = np.datetime64("2025-07-01T00:00:00").astype(np.int64)
    opened = start + rng.integers(0, 90 * 86400, rows)
    first = opened + rng.integers(60, 4 * 3600, rows)
    resolved = first + rng.integers(600, 5 * 86400, rows)
    closed = resolved + 3 * 86400
    ids = pc.binary_join_element_wise(
        pa.scalar("T-"), pc.cast(pa.array(np.arange(1_000_000, 1_000_000 + rows)),
                                 pa.string()), "")
    pick = rng.integers(0, 1000, rows)
    titles = np.array([f"Drucker {i} im Büro, Etage {i % 7} „dringend“" for i in range(1000)])
    tickets = pa.table({
        "Ticket ID": ids,
        "Client": pa.array(np.array(CLIENTS)[rng.integers(0, len(CLIENTS), rows)]),
        "Summary": pa.array(titles[pick]),
        "Priority": pa.array(np.array(PRIORITIES)[rng.integers(0, 5, rows)]),
        "Status": pa.array(np.array(["Resolved", "Closed"])[rng.integers(0, 2, rows)]),
        "Category": pa.array(np.array(["Hardware", "Network & VPN"])[pick % 2]),
        "Team": pa.array(np.array(["Service Desk", "2nd Line"])[pick % 2]),
        "Date Opened": _iso(opened), "First Response": _iso(first),
        "Date Resolved": _iso(resolved), "Date Closed": _iso(closed),
        "Last Updated": _iso(closed),
    })
    t_path = folder / "tickets.csv"
    pacsv.write_csv(tickets, t_path)
    owner = rng.integers(0, rows, status_rows)
    at = opened[owner] + rng.integers(0, 86400, status_rows)
    status = pa.table({
        "Ticket ID": ids.take(pa.array(owner)),
        "Changed At": _iso(at),
        "New Status": pa.array(np.array(STATUSES)[rng.integers(0, len(STATUSES), status_rows)]),
    })
    s_path = folder / "status.csv"
    pacsv.write_csv(status, s_path)
    return t_path, s_path


def _config(folder: Path, kinds: str) -> Any:
    sys.path.insert(0, str(HERE.parents[1]))
    import tomllib

    from qbr.config import parse_config

    if kinds == "uci-events":
        example = HERE.parents[1] / "examples" / "uci-servicenow-events.toml"
        events = tomllib.loads(example.read_text(encoding="utf-8"))
        events["sources"]["uci"]["path"] = str(folder / "incident_event_log.csv")
        return parse_config(events, folder)

    sample = HERE.parents[1] / "sample_data" / "qbr.toml"
    data = tomllib.loads(sample.read_text(encoding="utf-8"))
    status_map = dict(data["sources"]["psa_status"]["values"]["status"])
    tickets = dict(data["sources"]["psa_tickets"])
    tickets["path"] = str(folder / "tickets.csv")
    sources: dict[str, Any] = {"psa_tickets": tickets}
    if kinds == "all":
        status = dict(data["sources"]["psa_status"])
        status["path"] = str(folder / "status.csv")
        status["values"] = {"status": status_map}
        sources["psa_status"] = status
    if kinds == "uci":
        sources = {"uci": {
            "path": str(folder / "incident_event_log.csv"), "kind": "tickets",
            "system": "uci", "date_format": "%d/%m/%Y %H:%M", "timezone": "UTC",
            "columns": {"ticket_id": "number", "client": "assignment_group",
                        "priority": "priority", "created_at": "opened_at",
                        "updated_at": "sys_updated_at"}}}
    data["sources"] = sources
    data["msp"].pop("brand", None)
    data["msp"].pop("logo", None)
    return parse_config(data, folder)


def child(phase: str, folder: Path) -> dict[str, Any]:
    """One measured phase, in this (fresh) process."""
    os.environ["QBR_CACHE_DIR"] = str(folder / "cache")
    from qbr import ingest  # imports are not timed

    config = None if phase == "floor" else _config(
        folder, "uci-events" if phase == "uci-warm" else
        phase if phase in ("uci", "uci-events") else
        "tickets" if phase == "tickets" else "all")
    started, cpu = time.perf_counter(), time.process_time()
    rows = 0
    if phase == "floor":
        for name, dates in (("tickets.csv", TICKET_DATES), ("status.csv", ["Changed At"])):
            table = pacsv.read_csv(folder / name, convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(dates, pa.timestamp("ns", tz="UTC"))))
            rows += table.num_rows
    else:
        use_cache = phase in ("cached", "uci-warm")
        data = ingest.load_dataset(config, use_cache=use_cache)
        rows = sum(f.read for f in data.files)
        assert all(f.accepted + f.unassigned + sum(f.rejected.values()) == f.read
                   for f in data.files)
    seconds = time.perf_counter() - started
    return {"phase": phase, "seconds": seconds, "cpu": time.process_time() - cpu,
            "rows": rows, "peak_mb": _peak_mb()}


def _peak_mb() -> float:
    """This process's peak resident set size in MB: ``VmHWM`` from /proc (reset by exec,
    unlike ``ru_maxrss``, which a child inherits from its parent's high-water mark)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(phase: str, folder: Path) -> dict[str, Any]:
    out = subprocess.run([sys.executable, str(HERE), "--child", phase, "--dir", str(folder)],
                         check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--status-rows", type=int, default=None)
    parser.add_argument("--uci", type=Path, default=UCI)
    parser.add_argument("--child", default=None)
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.dir)))
        return
    status_rows = args.status_rows if args.status_rows is not None else 5 * args.rows
    with tempfile.TemporaryDirectory(prefix="qbr-bench-") as tmp:
        folder = Path(tmp)
        began = time.perf_counter()
        t_path, s_path = generate(folder, args.rows, status_rows)
        print(f"generated {args.rows:,} tickets ({t_path.stat().st_size / 1e6:.0f} MB) and "
              f"{status_rows:,} status rows ({s_path.stat().st_size / 1e6:.0f} MB) in "
              f"{time.perf_counter() - began:.1f} s")
        results = {p: run(p, folder) for p in ("floor", "tickets", "all")}
        run("cached", folder)  # fills the cache
        results["cached"] = run("cached", folder)
        uci_zip = args.uci / "incident_event_log.zip"
        if uci_zip.is_file():
            with zipfile.ZipFile(uci_zip) as archive:
                archive.extract("incident_event_log.csv", folder)
            results["uci"] = run("uci", folder)
            results["uci-events"] = run("uci-events", folder)
            run("uci-warm", folder)  # fills the cache
            results["uci-warm"] = run("uci-warm", folder)
        floor = results["floor"]["seconds"]
        targets = {"tickets": 3.0, "all": 8.0, "cached": 0.5, "uci": 1.5}
        print(f"{'phase':<10} {'rows':>10} {'seconds':>8} {'CPU s':>7} {'peak MB':>8}  target")
        for phase, r in results.items():
            target = f"<= {targets[phase]} s" if phase in targets else \
                "<= 2.5 s" if phase == "uci-events" else \
                "(no target)" if phase == "uci-warm" else "(baseline)"
            print(f"{phase:<10} {r['rows']:>10,} {r['seconds']:>8.2f} {r['cpu']:>7.2f} "
                  f"{r['peak_mb']:>8.0f}  {target}")
        if "uci-events" in results:
            print(f"uci-events / uci = "
                  f"{results['uci-events']['seconds'] / results['uci']['seconds']:.2f}x "
                  f"(the event-log fold over the bare read of the same file)")
        if "uci-warm" in results:
            print(f"uci-warm / uci-events = "
                  f"{results['uci-warm']['seconds'] / results['uci-events']['seconds']:.2f}x "
                  f"(the event log from the parse cache over folding it afresh)")
        print(f"all / floor = {results['all']['seconds'] / floor:.2f}x (target <= 4x); "
              f"peak memory target <= 2048 MB")


if __name__ == "__main__":
    main()
