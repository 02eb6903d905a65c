"""The parse cache for event and uptime logs (qbr.logs.cache; README "Parse cache"): a
hit gives the same Dataset and the same ``validate`` output as a miss; a changed file,
source entry or monitor misses; ``--no-cache`` neither reads nor writes; a damaged entry
is ignored and rewritten."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from helpers_config import write

from qbr import cache
from qbr.cli import main
from qbr.config import Config, load_config
from qbr.ingest import Dataset, load_dataset

EVENTS = ("id,at,state,client,prio\n"
          "1,2026-07-01 09:00,New,Acme,P1\n"
          "1,2026-07-01 09:30,Work,Acme,P1\n"
          "1,2026-07-01 11:00,Resolved,Acme,P1\n"
          "2,2026-07-02 10:00,New,Other,P1\n"          # unassigned
          "3,2026-07-02 10:00,Bogus,Acme,P1\n"         # bad-value
          "4,not a date,New,Acme,P1\n"                 # bad-date
          "5,2026-07-03 10:00,New,Acme,P9\n")          # P9: not a tier priority
STATES = ("monitor,at,state\n"
          "web,2026-07-01 00:00,up\n"
          "web,2026-07-01 08:00,down\n"
          "web,2026-07-01 08:30,up\n"
          "web,2026-07-01 10:00,paused\n"
          "web,2026-07-01 12:00,up\n"
          "db,2026-07-01 00:00,up\n")                  # not configured: unassigned

CONFIG = """
[msp]
name = "MSP"
timezone = "UTC"

[calendars.always]
type = "24x7"

[tiers.std]
calendar = "always"
response_minutes = { P1 = 60 }
resolution_minutes = { P1 = 240 }
objective_pct = 90
uptime_guarantee_pct = 99.0

[clients.acme]
name = "Acme"
tier = "std"
timezone = "UTC"
fee = 100
currency = "EUR"
monitors = [{ monitor = "web" }]

[sources.ev]
path = "ev.csv"
kind = "events"
date_format = "%Y-%m-%d %H:%M"
columns = { ticket_id = "id", at = "at", status = "state", client = "client", priority = "prio" }
values = { status = { New = "running", Work = "running", Resolved = "resolved" } }

[sources.up]
path = "up.csv"
kind = "uptime_states"
date_format = "%Y-%m-%d %H:%M"
columns = { monitor = "monitor", at = "at", state = "state" }
"""


def project(tmp: Path, config: str = CONFIG) -> Path:
    write(tmp, "ev.csv", EVENTS)
    write(tmp, "up.csv", STATES)
    write(tmp, "qbr.toml", config)
    return tmp / "qbr.toml"


def load(path: Path) -> Config:
    return load_config(path)


def entries() -> list[Path]:
    folder = cache.cache_dir() / "logs"
    return sorted(p for p in folder.iterdir() if not p.name.startswith(".")) \
        if folder.is_dir() else []


def same(data: Dataset, fresh: Dataset) -> None:
    assert (data.files, data.rejections, data.warnings, data.last_seen) == \
        (fresh.files, fresh.rejections, fresh.warnings, fresh.last_seen)
    assert (data.tickets, data.status_events, data.outages, data.monitors,
            data.unmonitored) == (fresh.tickets, fresh.status_events, fresh.outages,
                                  fresh.monitors, fresh.unmonitored)
    for name in ("tickets", "status_events", "outages", "monitors", "unmonitored"):
        pd.testing.assert_frame_equal(getattr(data.frames, name),
                                      getattr(fresh.frames, name))


def test_a_hit_is_the_same_dataset_as_a_miss(tmp_path: Path) -> None:
    cfg = load(project(tmp_path))
    fresh = load_dataset(cfg)
    assert entries() == []  # use_cache=False writes nothing
    miss = load_dataset(cfg, use_cache=True)
    assert len(entries()) == 2  # one per log source
    stamps = [(p / "meta.json").stat().st_mtime_ns for p in entries()]
    hit = load_dataset(cfg, use_cache=True)
    assert [(p / "meta.json").stat().st_mtime_ns for p in entries()] == stamps  # read only
    for data in (miss, hit):
        same(data, fresh)
    # The figures the fixture was written for, so "same" is not "same and empty":
    ev, up = hit.files
    assert (ev.read, ev.accepted, ev.unassigned, dict(ev.rejected)) == \
        (7, 4, 1, {"bad-value": 1, "bad-date": 1})
    assert ev.unmapped_priorities == {"P9": 1}  # ticket 5: accepted, unclassified
    assert (up.read, up.accepted, up.unassigned) == (6, 5, 1)
    assert [(o.start.hour, o.end.hour if o.end else None) for o in hit.outages] == [(8, 8)]
    assert [(u.start.hour, u.end.hour) for u in hit.unmonitored] == [(10, 12)]
    assert [(t.ticket_id, t.priority) for t in hit.tickets] == [("1", "P1"), ("5", None)]


def test_validate_prints_the_same_from_the_cache(tmp_path: Path) -> None:
    path = str(project(tmp_path))
    runner = CliRunner()
    fresh = runner.invoke(main, ["validate", "--config", path, "--no-cache"])
    assert entries() == []  # --no-cache writes nothing
    first = runner.invoke(main, ["validate", "--config", path])
    assert len(entries()) == 2
    again = runner.invoke(main, ["validate", "--config", path])
    assert fresh.exit_code == first.exit_code == again.exit_code
    assert fresh.output == first.output == again.output
    assert "bad-value" in again.output


def test_no_cache_does_not_read_an_entry(tmp_path: Path) -> None:
    """A forged entry (right key, wrong content) is read by a cached run, never by
    ``use_cache=False``: proof that the flag bypasses the cache."""
    cfg = load(project(tmp_path))
    fresh = load_dataset(cfg)
    load_dataset(cfg, use_cache=True)
    for entry in entries():
        meta = json.loads((entry / "meta.json").read_text(encoding="utf-8"))
        meta["last_seen"] = "2030-01-01T00:00:00+00:00"
        (entry / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    assert load_dataset(cfg, use_cache=True).last_seen == pd.Timestamp("2030-01-01", tz="UTC")
    same(load_dataset(cfg), fresh)


def test_a_changed_file_misses(tmp_path: Path) -> None:
    path = project(tmp_path)
    load_dataset(load(path), use_cache=True)
    write(tmp_path, "up.csv", STATES.replace("08:30,up", "09:30,up"))  # outage 1 h longer
    data = load_dataset(load(path), use_cache=True)
    assert len(entries()) == 3  # the uptime log missed; the event log hit
    assert [(o.start.hour, o.end.hour if o.end else None) for o in data.outages] == [(8, 9)]
    same(data, load_dataset(load(path)))


def test_a_changed_source_entry_misses(tmp_path: Path) -> None:
    path = project(tmp_path)
    load_dataset(load(path), use_cache=True)
    # "Bogus" becomes a known state: ticket 3 is accepted now
    project(tmp_path, CONFIG.replace('Resolved = "resolved" }', 'Resolved = "resolved", '
                                     'Bogus = "running" }'))
    data = load_dataset(load(path), use_cache=True)
    assert len(entries()) == 3
    assert sorted(t.ticket_id for t in data.tickets) == ["1", "3", "5"]
    same(data, load_dataset(load(path)))


def test_a_changed_monitor_misses(tmp_path: Path) -> None:
    path = project(tmp_path)
    load_dataset(load(path), use_cache=True)
    # "db" becomes a monitor of Acme: its row is accepted, no longer unassigned
    project(tmp_path, CONFIG.replace('monitors = [{ monitor = "web" }]',
                                     'monitors = [{ monitor = "web" }, { monitor = "db" }]'))
    data = load_dataset(load(path), use_cache=True)
    assert len(entries()) == 4  # both logs read the monitors (the event log: clients)
    up = data.files[1]
    assert (up.accepted, up.unassigned) == (6, 0)
    same(data, load_dataset(load(path)))


def test_a_monitor_from_a_monitors_source_misses(tmp_path: Path) -> None:
    path = project(tmp_path, CONFIG + """
[sources.mon]
path = "mon.csv"
kind = "monitors"
columns = { monitor = "Monitor", client = "Client" }
""")
    write(tmp_path, "mon.csv", "Monitor,Client\nmail,Acme\n")
    load_dataset(load(path), use_cache=True)
    write(tmp_path, "mon.csv", "Monitor,Client\nmail,Acme\ndb,Acme\n")
    data = load_dataset(load(path), use_cache=True)
    up = data.files[1]
    assert (up.accepted, up.unassigned) == (6, 0)  # db is Acme's now
    same(data, load_dataset(load(path)))


@pytest.mark.parametrize("damage", ["truncate", "garbage", "count", "missing"])
def test_a_damaged_entry_is_ignored_and_rewritten(tmp_path: Path, damage: str) -> None:
    cfg = load(project(tmp_path))
    fresh = load_dataset(cfg)
    load_dataset(cfg, use_cache=True)
    for entry in entries():
        target = entry / ("meta.json" if damage == "count" else "rows.arrow")
        if damage == "truncate":
            target.write_bytes(target.read_bytes()[:40])
        elif damage == "garbage":
            target.write_bytes(b"\x00not arrow" * 10)
        elif damage == "missing":
            target.unlink()
        else:  # a row count that does not reconcile: never trusted
            meta = json.loads(target.read_text(encoding="utf-8"))
            meta["read"] += 1
            target.write_text(json.dumps(meta), encoding="utf-8")
    same(load_dataset(cfg, use_cache=True), fresh)
    for entry in entries():  # rewritten: whole again
        meta = json.loads((entry / "meta.json").read_text(encoding="utf-8"))
        assert (entry / "rows.arrow").stat().st_size > 40 and meta["read"] in (6, 7)
    same(load_dataset(cfg, use_cache=True), fresh)


def test_the_key_is_the_same_in_every_process(tmp_path: Path) -> None:
    """Sets in the config (and string hashing) must not change the key between runs."""
    path = project(tmp_path)
    code = ("import sys; from qbr.config import load_config; from qbr.adapter import "
            "monitor_index, source_label; from qbr.logs.cache import log_key; "
            "c = load_config(sys.argv[1]); "
            "print([log_key(c, s, source_label(c, s), monitor_index(c)) for s in c.sources])")
    keys = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", code, str(path)], env=env, check=True,
                             capture_output=True, text=True)
        keys.add(out.stdout.strip())
    assert len(keys) == 1
