"""Ticket sources through the column and value maps (qbr.ingest, qbr.adapter).

ADVERSARIAL 25 (reconciliation read = accepted + unassigned + rejected), 27 (NA-like
strings are data), 28 (ids are strings), 38 (priority map: unclassified, counted), 39
(events before created_at are rejected), a German cp1252 export, and unassigned
companies counted by name after SPEC §7 normalisation."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from helpers_config import TICKET_COLUMNS, make_config, source, write

from qbr.errors import ConfigError
from qbr.ingest import Dataset, load_dataset

HEADER = "Ticket,Company,Priority,Created,Title\n"


def _load(tmp_path: Path, body: str, header: str = HEADER, **src: Any) -> Dataset:
    write(tmp_path, "exports/tickets.csv", header + body, src.pop("file_encoding", "utf-8"))
    columns = src.pop("columns", {**TICKET_COLUMNS, "title": "Title"})
    cfg = make_config(tmp_path, {"t": source("exports/tickets.csv", columns=columns, **src)})
    return load_dataset(cfg)


def _reasons(data: Dataset) -> list[tuple[int, str, str | None]]:
    return [(r.row, r.reason, r.column) for r in data.rejections]


def test_adversarial_25_reconciliation(tmp_path: Path) -> None:
    body = ("1,ACME GmbH,P1,2025-07-01 10:00,a\n2,ACME GmbH,P2,2025-07-01 11:00,b\n" + HEADER
            + "3,Initech,P1,2025-07-01 12:00,c\n,,,,\nTotal,,,,135\n")
    data = _load(tmp_path, body)
    report = data.files[0]
    assert (report.read, report.accepted, report.unassigned) == (6, 2, 1)
    assert report.rejected == {"header-repeat": 1, "blank-row": 1, "summary-row": 1}
    assert report.file == "exports/tickets.csv"
    assert _reasons(data) == [(4, "header-repeat", None), (6, "blank-row", None),
                              (7, "summary-row", None)]


def test_adversarial_27_na_like_strings_are_data(tmp_path: Path) -> None:
    body = "".join(f"{i},NA Systems,P3,2025-07-01 10:00,{title}\n"
                   for i, title in enumerate(["NA", "None", "n/a", "NULL Ltd", "nan", ""], 1))
    clients = {"na": {"name": "NA Systems", "tier": "gold", "timezone": "Europe/Berlin",
                      "fee": 1, "currency": "EUR"}}
    write(tmp_path, "t.csv", HEADER + body + "7,NA Systems,,2025-07-01 10:00,x\n")
    cfg = make_config(tmp_path, {"t": source("t.csv", columns={**TICKET_COLUMNS,
                                                               "title": "Title"})}, clients)
    data = load_dataset(cfg)
    assert [t.title for t in data.tickets] == ["NA", "None", "n/a", "NULL Ltd", "nan", ""]
    assert {t.client for t in data.tickets} == {"na"}
    assert [(r.row, r.reason, r.column, r.client) for r in data.rejections] == [
        (8, "missing-cell", "Priority", "na")]


def test_adversarial_28_ids_are_exact_strings(tmp_path: Path) -> None:
    body = ("00123,ACME GmbH,P1,2025-07-01 10:00,a\n123,ACME GmbH,P1,2025-07-01 10:00,a\n"
            "12345678901234567890,ACME GmbH,P1,2025-07-01 10:00,a\n"
            "T-4711,ACME GmbH,P1,2025-07-01 10:00,a\n")
    data = _load(tmp_path, body)
    assert [t.ticket_id for t in data.tickets] == ["00123", "123", "12345678901234567890",
                                                   "T-4711"]
    assert data.rejections == ()


def test_adversarial_38_unmapped_priority_is_unclassified_and_counted(tmp_path: Path) -> None:
    body = "".join(f"{i},ACME GmbH,{p},2025-07-01 10:00,x\n" for i, p in enumerate(
        ["P1 - Kritisch", "Critical", "1", "Prio A", "Prio A", "Low"], 1))
    values = {"priority": {"P1 - Kritisch": "P1", "Critical": "P1", "1": "P1"}}
    data = _load(tmp_path, body, values=values)
    assert [t.priority for t in data.tickets] == ["P1", "P1", "P1", None, None, None]
    assert data.files[0].accepted == 6
    # "Low" is not in the map either. (A map *target* no tier has, e.g. "P7", is a config
    # error: tests/test_config.py.)
    assert data.files[0].unmapped_priorities == {"Prio A": 2, "Low": 1}
    assert data.tickets[3].priority_raw == "Prio A"


def test_without_a_priority_map_the_raw_value_is_kept(tmp_path: Path) -> None:
    data = _load(tmp_path, "1,ACME GmbH,P2,2025-07-01 10:00,x\n2,ACME GmbH,p2,2025-07-01 10:00,x\n")
    assert [t.priority for t in data.tickets] == ["P2", None]
    assert data.files[0].unmapped_priorities == {"p2": 1}


def test_adversarial_39_events_before_created_are_rejected(tmp_path: Path) -> None:
    header = "Ticket,Company,Priority,Created,Response,Resolved\n"
    body = ("1,ACME GmbH,P1,2025-07-01 10:00,2025-07-01 10:05,2025-07-01 12:00\n"
            "2,ACME GmbH,P1,2025-07-01 10:00,,2025-07-01 09:00\n"
            "3,ACME GmbH,P1,2025-07-01 10:00,2025-07-01 09:59,\n")
    columns = {**TICKET_COLUMNS, "first_response_at": "Response", "resolved_at": "Resolved"}
    data = _load(tmp_path, body, header, columns=columns)
    assert [t.ticket_id for t in data.tickets] == ["1"]
    assert [(r.row, r.reason, r.column, r.client) for r in data.rejections] == [
        (3, "event-before-created", "Resolved", "acme"),
        (4, "event-before-created", "Response", "acme")]
    assert data.tickets[0].resolved_at == datetime(2025, 7, 1, 10, 0, tzinfo=UTC)


def test_german_cp1252_source(tmp_path: Path) -> None:
    header = "Ticketnr.;Firma;Priorität;Erstellt am;Gelöst am;Betreff;Pause (min)\n"
    body = ("00042;Müller GmbH;Hoch;31.12.2025 14:05;02.01.2026 09:30;Drucker „Nord“ €;1.234,5\n"
            "00043;Müller GmbH;Niedrig;01.02.2025 08:00;;VPN, Client;0,5\n"
            "Summe;;;;;;1.235\n")
    columns = {"ticket_id": "Ticketnr.", "client": "Firma", "priority": "Priorität",
               "created_at": "Erstellt am", "resolved_at": "Gelöst am", "title": "Betreff",
               "reported_pause": "Pause (min)"}
    clients = {"mueller": {"name": "Müller GmbH", "tier": "gold", "timezone": "Europe/Berlin",
                           "fee": 1, "currency": "EUR"}}
    write(tmp_path, "de.csv", header + body, "cp1252")
    src = source("de.csv", columns=columns, encoding="cp1252", delimiter=";", decimal=",",
                 date_format="%d.%m.%Y %H:%M", values={"priority": {"Hoch": "P1",
                                                                     "Niedrig": "P4"}})
    data = load_dataset(make_config(tmp_path, {"de": src}, clients))
    first, second = data.tickets
    assert (first.ticket_id, first.client, first.priority) == ("00042", "mueller", "P1")
    assert first.created_at == datetime(2025, 12, 31, 13, 5, tzinfo=UTC)
    assert first.title == "Drucker „Nord“ €"
    assert (first.reported_pause_minutes, second.reported_pause_minutes) == (1234.5, 0.5)
    assert second.created_at == datetime(2025, 2, 1, 7, 0, tzinfo=UTC)  # 1 Feb, not 2 Jan
    assert second.title == "VPN, Client"
    assert data.files[0].rejected == {"summary-row": 1}


def test_unassigned_companies_are_counted_by_name(tmp_path: Path) -> None:
    body = ("1,  acme\u00a0 germany ,P1,2025-07-01 10:00,x\n2,ACME GMBH,P1,2025-07-01 10:00,x\n"
            "3,Initech,P1,2025-07-01 10:00,x\n4,Initech,P1,2025-07-01 10:00,x\n"
            "5,ACME Inc,P1,2025-07-01 10:00,x\n6,Acme Gmbh.,P1,2025-07-01 10:00,x\n")
    data = _load(tmp_path, body)
    assert [t.client for t in data.tickets] == ["acme", "acme"]
    report = data.files[0]
    assert (report.read, report.accepted, report.unassigned) == (6, 2, 4)
    assert report.unassigned_names == {"Initech": 2, "ACME Inc": 1, "Acme Gmbh.": 1}


def test_bad_date_names_column_and_formats(tmp_path: Path) -> None:
    data = _load(tmp_path, "1,Globex Corp,P1,01.07.2025 10:00,x\n")
    (rejection,) = data.rejections
    assert (rejection.file, rejection.row, rejection.reason, rejection.column,
            rejection.client) == ("exports/tickets.csv", 2, "bad-date", "Created", "globex")
    assert rejection.detail == ("'01.07.2025 10:00' matches none of the accepted formats "
                                "'%Y-%m-%d %H:%M'")


def test_ragged_rows_are_counted_with_client(tmp_path: Path) -> None:
    data = _load(tmp_path, "1,ACME GmbH,P1,2025-07-01 10:00,x,extra\n2,ACME GmbH\n")
    assert [(r.reason, r.column, r.client) for r in data.rejections] == [
        ("extra-cell", None, "acme"), ("missing-cell", "Priority", "acme")]
    assert data.files[0].read == 2


@pytest.mark.parametrize(("columns", "message"), [
    ({"ticket_id": "T", "client": "C", "created_at": "D"}, "missing required field\\(s\\): "
                                                           "priority"),
    ({**TICKET_COLUMNS, "titel": "Title"}, "unknown field\\(s\\) titel"),
])
def test_column_map_must_name_required_and_known_fields(tmp_path: Path, columns: dict[str, str],
                                                        message: str) -> None:
    write(tmp_path, "t.csv", HEADER)
    cfg = make_config(tmp_path, {"t": source("t.csv", columns=columns)})
    with pytest.raises(ConfigError, match=message):
        load_dataset(cfg)
