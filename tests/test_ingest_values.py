"""Values that never turn into wrong numbers (issue §5): per-source ``null_values``,
``defaults``, ``client_pattern``, and unknown keys under ``values`` as config errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers_config import TICKET_COLUMNS, make_config, source, write

from qbr.errors import ConfigError
from qbr.ingest import load_dataset

HEADER = "Ticket,Company,Priority,Created,Resolved\n"
COLUMNS = {**TICKET_COLUMNS, "resolved_at": "Resolved"}


def test_null_values_are_blank_and_only_as_declared(tmp_path: Path) -> None:
    write(tmp_path, "t.csv", HEADER + "1,ACME GmbH,P1,2025-07-01 10:00,?\n"
          "2,ACME GmbH,P1,2025-07-01 10:00, NULL \n3,ACME GmbH,P1,2025-07-01 10:00,n/a\n"
          "4,?,P1,2025-07-01 10:00,\n")
    cfg = make_config(tmp_path, {"t": source("t.csv", columns=COLUMNS,
                                             null_values=["?", "NULL"])})
    data = load_dataset(cfg)
    assert [t.resolved_at for t in data.tickets] == [None, None]
    # "n/a" was not declared: it is data, and not a date.
    assert [(r.row, r.reason, r.column) for r in data.rejections] == [
        (4, "bad-date", "Resolved"), (5, "missing-cell", "Company")]


def test_defaults_fill_blank_and_unmapped_fields(tmp_path: Path) -> None:
    write(tmp_path, "t.csv", "Ticket,Company,Created\n1,ACME GmbH,2025-07-01 10:00\n"
          "2,,2025-07-01 10:00\n")
    columns = {"ticket_id": "Ticket", "client": "Company", "created_at": "Created"}
    cfg = make_config(tmp_path, {"t": source("t.csv", columns=columns,
                                             defaults={"priority": "P3",
                                                       "client": "Globex Corp"})})
    data = load_dataset(cfg)
    assert [(t.ticket_id, t.client, t.priority) for t in data.tickets] == [
        ("1", "acme", "P3"), ("2", "globex", "P3")]


def test_client_pattern_takes_the_named_group(tmp_path: Path) -> None:
    write(tmp_path, "t.csv", "Ticket,Group,Priority,Created\n"
          "1,Service Desk - ACME GmbH,P1,2025-07-01 10:00\n"
          "2,Service Desk - Initech,P1,2025-07-01 10:00\n3,Globex Corp,P1,2025-07-01 10:00\n")
    columns = {**TICKET_COLUMNS, "client": "Group"}
    cfg = make_config(tmp_path, {"t": source("t.csv", columns=columns,
                                             client_pattern=r" - (?P<client>.+)$")})
    data = load_dataset(cfg)
    assert [t.client for t in data.tickets] == ["acme", "globex"]  # no match: cell as is
    assert data.files[0].unassigned_names == {"Initech": 1}


@pytest.mark.parametrize(("entry", "message"), [
    ({"values": {"priorty": {"1": "P1"}}}, r"sources\.t\.values\.priorty: unknown key"),
    ({"client_pattern": "(.+)"}, r"needs a named group"),
    ({"null_values": ["", "?"]}, r"the empty string is always blank"),
    ({"defaults": {"colour": "red"}}, r"unknown field\(s\) colour"),
])
def test_config_mistakes_are_errors(tmp_path: Path, entry: dict[str, object],
                                    message: str) -> None:
    write(tmp_path, "t.csv", "Ticket,Company,Priority,Created\n")
    with pytest.raises(ConfigError, match=message):
        cfg = make_config(tmp_path, {"t": source("t.csv", **entry)})
        load_dataset(cfg)
