"""Integration: the Italian helpdesk event log (397 customers, ../shared/datasets) as one
batch (issue 8 §5), read as an event log (``kind = "events"``, README "Event logs":
activities mapped through ``values.activity``, the first response by
``fold.response_activity``). Rendering is the fast stand-in: this
test is about the batch over hundreds of clients, not about PDF layout."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from batch_project import fake_render
from datasets import dataset_file
from mini_project import CONFIG

from qbr import api, batch
from qbr.batch import run_batch
from qbr.quarters import parse_as_of

HEAD = CONFIG.split("[clients.acme]")[0]
SOURCE = """
[sources.helpdesk]
path = "{path}"
kind = "events"
system = "helpdesk"
date_format = "%Y/%m/%d %H:%M:%S.%f"
timezone = "Europe/Rome"
columns = {{ ticket_id = "Case ID", activity = "Activity", at = "Complete Timestamp", client = "customer", priority = "seriousness_2" }}
values.priority = {{ "Value 1" = "P4", "Value 2" = "P3", "Value 3" = "P2", "Value 4" = "P1" }}
fold = {{ response_activity = ["Take in charge ticket"] }}

[sources.helpdesk.values.activity]
"Insert ticket" = "running"
"Take in charge ticket" = "running"
"Wait" = "waiting_customer"
"Resolve ticket" = "resolved"
"Closed" = "closed"
"""

@pytest.mark.datasets
@pytest.mark.slow
def test_helpdesk_log_as_a_batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = dataset_file("helpdesk-italian-software-co/finale.csv")
    with log.open(encoding="utf-8", newline="") as handle:
        customers = sorted({row[8] for row in list(csv.reader(handle))[1:]})
    assert len(customers) == 397
    clients = "".join(
        f'\n[clients.c{c.split()[-1]}]\nname = "{c}"\ntier = "gold"\n'
        f'timezone = "Europe/Rome"\nlocale = "en"\nfee = 100\ncurrency = "EUR"\n'
        for c in customers)
    config = tmp_path / "qbr.toml"
    config.write_text(HEAD + clients + SOURCE.format(path=log.as_posix()), encoding="utf-8")
    cfg = api.load(config)
    monkeypatch.setattr(batch, "render_documents", fake_render)
    out = tmp_path / "out"
    # 2012Q2: 487 tickets by first event; as_of fixed after the log's last event.
    run = run_batch(cfg, "2012Q2", out, as_of=parse_as_of("2014-01-04T00:00:00Z"), jobs=2)
    assert run.exit_code == 0, [o for o in run.outcomes if o["status"] == "failed"][:3]
    assert len(run.outcomes) == 397
    assert {o["status"] for o in run.outcomes} == {"written"}
    report = json.loads((out / "batch-report.json").read_text())
    assert report["counts"]["written"] == 397
    again = run_batch(cfg, "2012Q2", out, as_of=parse_as_of("2014-01-04T00:00:00Z"), jobs=2)
    assert {o["status"] for o in again.outcomes} == {"unchanged"}
