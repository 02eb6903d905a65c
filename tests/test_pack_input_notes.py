"""The client's pack says how its data was read (issue 5 §5): that client's own
contradiction counts, and what stands in for the response event when the export has no
first-response time."""

from __future__ import annotations

import dataclasses
import html as htmllib
import re
from datetime import UTC, datetime
from pathlib import Path

from helpers_config import make_config, source, write
from helpers_pack import make_pack

from qbr.ingest import load_dataset
from qbr.metrics import Engine
from qbr.packbuilder import build_pack
from qbr.packnotes import response_stand_in
from qbr.quarters import parse_quarter
from qbr.report import render_html

COLUMNS = {"ticket_id": "Ticket", "client": "Company", "priority": "Priority",
           "created_at": "Created", "status": "State", "resolved_at": "Resolved"}
STATES = {"status": {"Open": "running", "Resolved": "resolved"}}


def _text(pack: object) -> str:
    raw = render_html(pack).html  # type: ignore[arg-type]
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", raw)).split())


def test_pack_counts_only_this_clients_contradictions(tmp_path: Path) -> None:
    write(tmp_path, "t.csv", "Ticket,Company,Priority,Created,State,Resolved\n"
          "1,ACME GmbH,P1,2026-07-01 10:00,Resolved,\n"                 # ACME: no time
          "2,ACME GmbH,P1,2026-07-02 10:00,Open,2026-07-02 12:00\n"     # ACME: open + time
          "3,ACME GmbH,P1,2026-07-03 10:00,Open,2026-07-03 12:00\n"     # ACME: open + time
          "4,Globex Corp,P1,2026-07-01 10:00,Resolved,\n"               # Globex's own
          "5,ACME GmbH,P1,2026-04-01 10:00,Resolved,\n")                # ACME, Q2: not here
    config = make_config(tmp_path, {"t": source("t.csv", columns=COLUMNS, values=STATES)})
    data = load_dataset(config)
    as_of = datetime(2026, 10, 5, tzinfo=UTC)
    pack = build_pack(config, data, Engine(config, data), "acme", parse_quarter("2026Q3"),
                      as_of)
    assert pack.data_note.client_contradictions == {"done_without_time": 1,
                                                    "time_while_open": 2}
    assert pack.data_note.response_stand_in == "resolution"  # no first-response column
    text = _text(pack)
    assert "marked resolved or closed without a resolve or close time 1" in text
    assert "with a resolve or close time but still open in the export 2" in text
    assert "Your ticket data has no time of our first reply, so a ticket counts as " \
           "answered when it is resolved." in text


def test_with_a_first_response_column_nothing_stands_in(tmp_path: Path) -> None:
    config = make_config(tmp_path, {"t": source(
        "t.csv", columns={**COLUMNS, "first_response_at": "Reply"})})
    assert response_stand_in(config) == (None, ())


def test_event_log_rules_are_named_in_the_clients_language(tmp_path: Path) -> None:
    config = make_config(tmp_path, {"log": source(
        "log.csv", kind="events",
        columns={"ticket_id": "id", "at": "at", "status": "state", "client": "client"},
        values={"status": {"New": "running"}},
        fold={"response_activity": ["Take in charge ticket"],
              "response_state_not": ["New"]})})
    stand_in, rules = response_stand_in(config)
    assert (stand_in, rules) == ("fold", (("activity", "Take in charge ticket"),
                                          ("state_not", "New")))
    pack = make_pack(locale="de")
    pack = dataclasses.replace(pack, data_note=dataclasses.replace(
        pack.data_note, response_stand_in=stand_in, response_rules=rules))
    text = _text(pack)
    assert "Unsere erste Antwort ist der erste Ticketeintrag, der Folgendes ist: " \
           "“Take in charge ticket”; ein anderer Status als New." in text
