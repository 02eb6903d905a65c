"""A real export through a column map: Duke's ServiceNow incident list (2012).

cp1252, every field quoted, descriptions with embedded CRLF and lone CR. The export has
no priority column, so ``incident_state`` stands in and stays unmapped: every ticket is
accepted as unclassified and counted per raw value (ADVERSARIAL 38). Two assignment
groups are clients; every other group is unassigned and counted by name (SPEC §7).
The file lies outside the config's folder, so its name in messages starts with ``..``."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from datasets import dataset_file
from helpers_config import client, make_config

from qbr.ingest import load_dataset

pytestmark = pytest.mark.datasets

INCIDENTS = "servicenow-duke-2012/incident_pseudonymized.csv"


def test_duke_incidents_reconcile_and_keep_values(tmp_path: Path) -> None:
    path = dataset_file(INCIDENTS)
    src = {
        "path": os.path.relpath(path, tmp_path), "kind": "tickets", "system": "duke",
        "encoding": "cp1252", "timezone": "America/New_York",
        "date_format": "%Y-%m-%d %H:%M:%S",
        "columns": {"ticket_id": "number", "client": "assignment_group",
                    "priority": "incident_state", "created_at": "opened_at",
                    "updated_at": "sys_updated_on", "status": "incident_state",
                    "title": "short_description"},
        "values": {"status": {"Closed": "closed", "Active": "running"}},
    }
    clients = {"oit": client("Service Desk-OIT", timezone="America/New_York"),
               "drh": client("Service Desk-Level 1-DRH", timezone="America/New_York")}
    data = load_dataset(make_config(tmp_path, {"duke": src}, clients))
    (report,) = data.files
    assert report.read == 10_000
    assert report.read == report.accepted + report.unassigned + report.rejected.total()
    # 7 incidents have no assignment group (a required column): missing-cell, with the
    # row an editor shows (sed -n 2313p prints the INC0003233 line).
    assert report.rejected == {"missing-cell": 7}
    first = data.rejections[0]
    assert (first.row, first.column, first.client) == (2313, "assignment_group", None)
    assert report.accepted == 1130 + 323
    assert report.unassigned_names["Service Desk-Level 1-DHTS"] == 1950
    assert report.unmapped_priorities == {"Closed": 1453}
    by_id = {t.ticket_id: t for t in data.tickets}
    ticket = by_id["INC0000013"]  # hand-checked in SOURCE.md: 10:06:27 → 10:46:32, 2405 s
    assert (ticket.client, ticket.title, ticket.source.row) == ("drh", "Test ticket", 6)
    assert ticket.created_at == datetime(2012, 5, 6, 14, 6, 27, tzinfo=UTC)  # EDT = UTC-4
    assert ticket.updated_at is not None
    assert (ticket.updated_at - ticket.created_at).total_seconds() == 2405
    assert (by_id["INC0000009"].client, by_id["INC0000009"].status) == ("oit", "closed")
    assert report.file.endswith("servicenow-duke-2012/incident_pseudonymized.csv")
