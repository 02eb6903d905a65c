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
- the quarter phase's own peak memory (target ≤ 2 GB): the child's peak RSS is reset
  (Linux ``clear_refs``) once the frames exist, so the frames count, the generator's
  temporaries do not;
- ``qbr metrics`` end to end on the same portfolio written as the sample's PSA CSV files
  with a generated qbr.toml: one run fills the parse cache, the second is timed as a whole
  process (wall and CPU seconds, the child's peak RSS; target ≤ 15 s);
- on the sample portfolio: the scalar engine vs the column-wise one (same JSON).

``--skip-e2e`` leaves out the CSV part, ``--profile`` prints a cProfile of the quarter.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import os
import pstats
import random
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import businesstimedelta as btd
import holidays
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pytz

from qbr import api
from qbr.config import Config, parse_config
from qbr.engine.clock import ClockTable
from qbr.engine.columns import build_columns, ns_of
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
    return parse_config(portfolio_doc(clients), ROOT)


def portfolio_doc(clients: int) -> dict[str, Any]:
    """The bench config as a TOML-shaped dict (without sources' paths for the CSVs)."""
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
    return doc


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
    """This process's peak resident set size in MB (``VmHWM``, which :func:`reset_peak`
    resets; ``ru_maxrss`` where /proc is missing)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def reset_peak() -> bool:
    """Reset this process's peak RSS to its current RSS (Linux ``clear_refs`` 5), so that
    a phase's peak is its own: frames in memory included, the generator's transient
    intermediates not. False where unsupported (then peaks include generation)."""
    gc.collect()
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def engine_phases(args: argparse.Namespace) -> None:
    """Business-time pairs and the whole quarter, on frames generated in this process."""
    start = time.perf_counter()
    config = portfolio_config(args.clients)
    frames = portfolio_frames(args.tickets, args.clients, args.monitors)
    gen_peak = peak_mb()
    reset = reset_peak()
    print(f"generated {len(frames.tickets):,} tickets, {len(frames.status_events):,} "
          f"status events, {len(frames.monitors):,} monitors, {len(frames.outages):,} "
          f"outages in {time.perf_counter() - start:.1f} s (not timed below); generation "
          f"peak {gen_peak:,.0f} MB, frames resident {rss_mb():,.0f} MB", flush=True)

    # 1. business time: one pair per ticket, every client's clock mixed in one array
    cols = build_columns(config, frames)
    specs, spec_tab, _, _ = clock_tables(config, cols)
    created = ns_of(frames.tickets["created_at"]) / 1e9
    end = created + np.random.default_rng(1).integers(0, 5 * 86_400, len(created))
    clock = spec_tab[cols.t_client, cols.t_prio + 1]
    del cols
    t0 = time.perf_counter()
    table = ClockTable(specs, float(created.min()), float(end.max()))
    build = time.perf_counter() - t0
    best, best_cpu = np.inf, np.inf
    for _ in range(3):  # best of three: the machine is shared
        t0, c0 = time.perf_counter(), time.process_time()
        table.seconds(clock, created, end)
        best = min(best, time.perf_counter() - t0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    vector_rate = len(created) / best
    loop_rate = loop_pairs_per_second(args.loop_sample)
    print(f"business time: {len(specs)} clocks, table built in {build:.2f} s; "
          f"{vector_rate / 1e6:.1f}M pairs/s (best of 3); businesstimedelta loop "
          f"{loop_rate:,.0f} pairs/s; ratio {vector_rate / loop_rate:,.0f}x (targets 10M "
          f"pairs/s, 4,000x); by CPU time {len(created) / best_cpu / 1e6:.1f}M pairs/s",
          flush=True)
    del table, created, end, clock

    # 2. the whole quarter for every client, after ingest (frames in memory)
    reset_peak()
    before = rss_mb()
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
    how = "peak RSS since the frames were generated (VmHWM reset after generation)" \
        if reset else "process peak RSS, generation included"
    print(f"quarter phase peak memory {peak_mb():,.0f} MB, of which frames "
          f"{before:,.0f} MB ({how}; target 2,048 MB)", flush=True)
    if args.profile:
        engine = Engine(config, BenchDataset(frames))
        prof = cProfile.Profile()
        prof.enable()
        [engine.client_quarter(k, QUARTER, AS_OF) for k in config.clients]
        prof.disable()
        pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
    if args.dir:
        del engine, results, doc
        t0 = time.perf_counter()
        write_portfolio(Path(args.dir), frames, args.clients)
        print(f"wrote the portfolio as CSV files and qbr.toml in "
              f"{time.perf_counter() - t0:.1f} s", flush=True)


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# ----------------------------------------------------------------- qbr metrics end to end

PSA_PRIORITY = {"P1": "1 - Critical", "P2": "2 - High", "P3": "3 - Medium", "P4": "4 - Low"}
PSA_STATUS = {"running": "In Progress", "waiting_customer": "Waiting on Customer",
              "resolved": "Resolved", "closed": "Closed"}


def _iso(values: pd.Series) -> pa.Array:
    """UTC instants as ISO 8601 text with ``Z`` (empty for NaT), the sample's format."""
    text = pd.Series(values).dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    return pa.array(text, type=pa.string(), from_pandas=True)  # NaT → empty cell


def _mapped(values: pd.Series, mapping: dict[str, str]) -> pa.Array:
    return pa.array(pd.Series(values, dtype=object).map(mapping).to_numpy(dtype=object),
                    type=pa.string())


def _toml(value: Any) -> str:
    """A TOML value (inline): strings, numbers, booleans, lists and tables."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return "{ " + ", ".join(f"{json.dumps(k)} = {_toml(v)}" for k, v in value.items()) + " }"


def portfolio_toml(folder: Path, frames: Frames, clients: int) -> str:
    """qbr.toml for the CSV portfolio: the same tiers, calendars and clients as
    :func:`portfolio_config`, the monitors under their clients, PSA-format sources."""
    doc = portfolio_doc(clients)
    lines = ['[msp]', 'name = "Bench MSP"', ""]
    for section in ("calendars", "tiers"):
        for name, table in doc[section].items():
            lines.append(f"[{section}.{name}]")
            lines += [f"{k} = {_toml(v)}" for k, v in table.items()]
            lines.append("")
    monitors = frames.monitors.groupby("client", sort=False)
    by_client = {str(k): g for k, g in monitors}
    for key, table in doc["clients"].items():
        lines.append(f"[clients.{key}]")
        lines += [f"{k} = {_toml(v)}" for k, v in table.items()]
        for m in by_client.get(key, frames.monitors.iloc[:0]).itertuples():
            lines += [f"[[clients.{key}.monitors]]", f"monitor = {_toml(m.monitor)}",
                      f"critical = {_toml(bool(m.critical))}"]
        lines.append("")
    dates = ['date_format = "%Y-%m-%dT%H:%M:%S%z"', 'timezone = "UTC"']
    status_map = {v: k for k, v in PSA_STATUS.items()}
    lines += [
        "[sources.psa_tickets]", f'path = "{folder / "tickets.csv"}"', 'kind = "tickets"',
        'system = "psa"', *dates,
        "columns = " + _toml({"ticket_id": "Ticket ID", "client": "Client",
                              "priority": "Priority", "title": "Summary",
                              "created_at": "Date Opened", "first_response_at":
                              "First Response", "resolved_at": "Date Resolved",
                              "category": "Category"}),
        "values = " + _toml({"priority": {v: k for k, v in PSA_PRIORITY.items()}}), "",
        "[sources.psa_status]", f'path = "{folder / "status.csv"}"', 'kind = "status"',
        'system = "psa"', *dates,
        "columns = " + _toml({"ticket_id": "Ticket ID", "at": "Changed At",
                              "status": "New Status"}),
        "values = " + _toml({"status": status_map}), "",
        "[sources.outages]", f'path = "{folder / "outages.csv"}"', 'kind = "outages"',
        *dates,
        "columns = " + _toml({"monitor": "Monitor", "start": "Outage Start",
                              "end": "Outage End"}), "",
        "[sources.maintenance]", f'path = "{folder / "maintenance.csv"}"',
        'kind = "maintenance"', *dates,
        "columns = " + _toml({"client": "Client", "start": "Start", "end": "End"}), ""]
    return "\n".join(lines)


def write_portfolio(folder: Path, frames: Frames, clients: int) -> None:
    """The generated portfolio as the sample's PSA CSV exports plus a qbr.toml."""
    names = {f"c{i:03d}": f"Client {i}" for i in range(clients)}
    t = frames.tickets
    pacsv.write_csv(pa.table({
        "Ticket ID": pa.array(t["ticket_id"].to_numpy(dtype=object), type=pa.string()),
        "Client": _mapped(t["client"], names), "Summary": pa.array(t["title"].astype(str)),
        "Priority": _mapped(t["priority"], PSA_PRIORITY),
        "Category": pa.array(t["category"].astype(str)),
        "Date Opened": _iso(t["created_at"]), "First Response": _iso(t["first_response_at"]),
        "Date Resolved": _iso(t["resolved_at"])}), folder / "tickets.csv")
    ev = frames.status_events
    pacsv.write_csv(pa.table({
        "Ticket ID": pa.array(ev["ticket_id"].to_numpy(dtype=object), type=pa.string()),
        "Changed At": _iso(ev["at"]), "New Status": _mapped(ev["status"], PSA_STATUS)}),
        folder / "status.csv")
    o = frames.outages
    pacsv.write_csv(pa.table({
        "Monitor": pa.array(o["monitor"].astype(str)), "Outage Start": _iso(o["start"]),
        "Outage End": _iso(o["end"])}), folder / "outages.csv")
    m = frames.maintenance
    pacsv.write_csv(pa.table({
        "Client": _mapped(m["client"], names), "Start": _iso(m["start"]),
        "End": _iso(m["end"])}), folder / "maintenance.csv")
    (folder / "qbr.toml").write_text(portfolio_toml(folder, frames, clients),
                                     encoding="utf-8")


def timed_child(command: list[str], env: dict[str, str]
                ) -> tuple[float, float, int, bytes, float]:
    """Wall seconds, peak RSS in MB (the child's own ``ru_maxrss``, from ``wait4``), exit
    status, stdout and CPU seconds (user + system) of one child process."""
    t0 = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=err)
        out = proc.stdout.read() if proc.stdout else b""
        _, status, usage = os.wait4(proc.pid, 0)
        if status:  # show why the child failed (its last lines)
            err.seek(0)
            sys.stderr.write(err.read().decode(errors="replace")[-2000:])
    proc.returncode = os.waitstatus_to_exitcode(status)
    return (time.perf_counter() - t0, usage.ru_maxrss / 1024.0, proc.returncode, out,
            usage.ru_utime + usage.ru_stime)


def end_to_end(folder: Path) -> None:
    """``qbr metrics`` twice on the CSV portfolio: the first run fills the parse cache,
    the second (timed as a whole process) reads through it."""
    env = {**os.environ, "QBR_CACHE_DIR": str(folder / "cache")}
    command = [sys.executable, "-m", "qbr", "metrics", "--config", str(folder / "qbr.toml"),
               "--quarter", "2026Q3", "--as-of", AS_OF.strftime("%Y-%m-%dT%H:%M:%SZ"),
               "--format", "json"]
    cold, cold_peak, code, _, _ = timed_child(command, env)
    if code:
        print(f"qbr metrics failed (exit {code}): {' '.join(command)}")
        return
    warm, warm_peak, code, out, warm_cpu = timed_child(command, env)
    doc = json.loads(out)
    total = sum(c["tickets"]["total"] for c in doc["clients"])
    print(f"qbr metrics end to end ({len(doc['clients'])} clients, {total:,} tickets in "
          f"2026Q3): cold cache {cold:.1f} s (peak {cold_peak:,.0f} MB); warm cache "
          f"{warm:.2f} s (CPU {warm_cpu:.2f} s), peak {warm_peak:,.0f} MB (targets 15 s, "
          f"2,048 MB)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--monitors", type=int, default=10_000)
    parser.add_argument("--loop-sample", type=int, default=1_000)
    parser.add_argument("--skip-sample", action="store_true")
    parser.add_argument("--skip-e2e", action="store_true", help="no qbr metrics run")
    parser.add_argument("--profile", action="store_true",
                        help="cProfile the quarter pass (top 25 by cumulative time)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--dir", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        engine_phases(args)
        return

    with tempfile.TemporaryDirectory(prefix="qbr-bench-engine-") as tmp:
        # The engine phases run in a child so that its peak memory is its own.
        child = [sys.executable, str(Path(__file__).resolve()), "--child",
                 "--tickets", str(args.tickets), "--clients", str(args.clients),
                 "--monitors", str(args.monitors), "--loop-sample", str(args.loop_sample),
                 *(["--profile"] if args.profile else []),
                 *([] if args.skip_e2e else ["--dir", tmp])]
        subprocess.run(child, check=True)
        if not args.skip_e2e:
            end_to_end(Path(tmp))

    if not args.skip_sample:
        sample = api.load(ROOT / "sample_data" / "qbr.toml")
        inputs = api.load_inputs(sample, "2026-10-05T06:00:00Z")
        timings = {}
        for name, cls in (("scalar", ScalarEngine), ("column-wise", Engine)):
            t0 = time.perf_counter()
            eng = cls(sample, inputs.dataset)
            docs = [eng.client_quarter(k, QUARTER, inputs.as_of).entry for k in sample.clients]
            timings[name] = (time.perf_counter() - t0, docs)
        same = timings["scalar"][1] == timings["column-wise"][1]
        print(f"sample 2026Q3: scalar {timings['scalar'][0]:.2f} s, column-wise "
              f"{timings['column-wise'][0]:.2f} s, same entries: {same}")


if __name__ == "__main__":
    main()
