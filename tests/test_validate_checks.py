"""Checks across sources in ``qbr validate`` and ``qbr metrics`` (issue 5 §5): a file
declared twice, a client whose rows were all rejected, contradictions per client,
bounded listings, ``--rejects FILE`` and paths in messages as written."""

from __future__ import annotations

import csv
from pathlib import Path

from click.testing import CliRunner
from helpers_config import source, toml_client, toml_head, write

from qbr import api
from qbr.cli import main
from qbr.config import parse_config

CONFIG = toml_head() + toml_client("acme", "ACME GmbH") + toml_client("globex", "Globex Corp")
TICKETS = """
[sources.{name}]
path = "{path}"
kind = "tickets"
date_format = "%Y-%m-%d %H:%M"
[sources.{name}.columns]
ticket_id = "Ticket"
client = "Company"
priority = "Priority"
created_at = "Created"
status = "State"
resolved_at = "Resolved"
[sources.{name}.values.status]
Open = "running"
Resolved = "resolved"
"""
HEAD = "Ticket,Company,Priority,Created,State,Resolved\n"


def project(tmp_path: Path, rows: str, *sources: tuple[str, str]) -> Path:
    text = CONFIG + "".join(TICKETS.format(name=n, path=p) for n, p in sources)
    (tmp_path / "qbr.toml").write_text(text, encoding="utf-8")
    write(tmp_path, "t.csv", HEAD + rows)
    return tmp_path / "qbr.toml"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


OK_ROWS = ("1,ACME GmbH,P1,2026-07-01 10:00,Open,\n"
           "2,Globex Corp,P1,2026-07-01 10:00,Open,\n")


def test_the_same_file_as_two_ticket_sources_is_a_warning(tmp_path: Path) -> None:
    config = project(tmp_path, OK_ROWS, ("a", "t.csv"), ("b", "t.csv"))
    code, _, err = run("validate", "--config", str(config))
    assert "warning: t.csv: the same file is declared as sources a (tickets) and " \
           "b (tickets)" in err
    code, _, err = run("metrics", "--config", str(config), "--quarter", "2026Q3")
    assert code == 0 and "the same file is declared as sources a (tickets)" in err


def test_tickets_and_status_of_one_export_are_not_a_warning(tmp_path: Path) -> None:
    write(tmp_path, "t.csv", HEAD)
    cfg = parse_config({"msp": {"name": "M", "timezone": "UTC"},
                        "calendars": {}, "tiers": {"g": {
                            "response_minutes": {"P1": 1}, "resolution_minutes": {"P1": 1},
                            "calendar": "24x7"}},
                        "clients": {"acme": {"name": "ACME GmbH", "tier": "g",
                                             "timezone": "UTC"}},
                        "sources": {
                            "t": source("t.csv"),
                            "s": source("t.csv", kind="status", columns={
                                "ticket_id": "Ticket", "at": "Created", "status": "State"})}},
                       tmp_path)
    from qbr.inputcheck import shared_files
    assert shared_files(cfg) == []


def test_a_client_whose_rows_are_all_rejected_fails_validate(tmp_path: Path) -> None:
    # Globex's only row has an unreadable date; ACME's row is fine, so the source as a
    # whole is not empty: only the client check catches Globex's empty quarter.
    config = project(tmp_path, "1,ACME GmbH,P1,2026-07-01 10:00,Open,\n"
                               "2,Globex Corp,P1,01.07.2026,Open,\n", ("t", "t.csv"))
    code, _, err = run("validate", "--config", str(config))
    assert code == 65
    assert "error: t.csv: client globex: all 1 of its rows were rejected, none accepted " \
           "(source t)" in err
    code, _, err = run("metrics", "--config", str(config), "--quarter", "2026Q3",
                       "--as-of", "2026-10-01T00:00:00Z")
    assert code == 0
    assert "warning: client globex has no tickets in 2026Q3 while 1 of its rows in t.csv " \
           "(source t) were rejected" in err
    assert "client acme" not in err


def test_contradictions_are_counted_per_client(tmp_path: Path) -> None:
    config = project(tmp_path,
                     "1,ACME GmbH,P1,2026-07-01 10:00,Resolved,\n"           # no time
                     "2,ACME GmbH,P1,2026-07-01 10:00,Resolved,\n"           # no time
                     "3,ACME GmbH,P1,2026-07-01 10:00,Open,2026-07-01 12:00\n"  # open+time
                     "4,Globex Corp,P1,2026-07-01 10:00,Open,2026-07-01 12:00\n"
                     "5,Globex Corp,P1,2026-07-01 10:00,Resolved,2026-07-01 11:00\n",
                     ("t", "t.csv"))
    found = api.validate_run(api.load(config)).contradictions
    assert found == {"acme": {"done_without_time": 2, "time_while_open": 1},
                     "globex": {"time_while_open": 1}}
    _, out, _ = run("validate", "--config", str(config))
    assert ("client acme: contradictions: 2 tickets Resolved/Closed without a resolved or "
            "closed time; 1 tickets with a resolved or closed time but an open status") in out


def test_unassigned_names_are_bounded_to_the_top_20(tmp_path: Path) -> None:
    # 25 unknown companies: "Other 00" has 3 rows, "Other 01" 2 rows, the rest 1 each.
    rows = OK_ROWS
    n = 10
    for i in range(25):
        for _ in range(3 if i == 0 else 2 if i == 1 else 1):
            n += 1
            rows += f"{n},Other {i:02d},P1,2026-07-01 10:00,Open,\n"
    config = project(tmp_path, rows, ("t", "t.csv"))
    _, out, _ = run("validate", "--config", str(config))
    listed = [line for line in out.splitlines() if "unassigned company" in line]
    assert len(listed) == 20
    assert "'Other 00' in 3 rows" in listed[0] and "'Other 01' in 2 rows" in listed[1]
    # 25 names - 20 shown = 5 more, one row each.
    assert "  … and 5 more unassigned names in 5 rows" in out


def test_rejects_file_lists_every_rejected_row_inert_with_bom(tmp_path: Path) -> None:
    config = project(tmp_path, OK_ROWS + "3,ACME GmbH,P1,=HYPERLINK(\"x\"),Open,\n"
                     "4,ACME GmbH,,2026-07-01 10:00,Open,\n", ("t", "t.csv"))
    target = tmp_path / "rejected.csv"
    code, _, err = run("validate", "--config", str(config), "--rejects", str(target))
    assert code == 0 and "rejected rows: 2 written to" in err
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel picks the encoding
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0] == ["source", "file", "row", "column", "reason", "message"]
    assert [r[:5] for r in rows[1:]] == [["t", "t.csv", "4", "Created", "bad-date"],
                                         ["t", "t.csv", "5", "Priority", "missing-cell"]]
    assert rows[1][5].startswith("'=HYPERLINK")  # a formula-like message is made text


def test_paths_in_messages_are_as_written_never_climbing(tmp_path: Path) -> None:
    deep = tmp_path / "a" / "b" / "c"
    deep.mkdir(parents=True)
    write(tmp_path, "data/t.csv", HEAD + "1,ACME GmbH,P1,bad,Open,\n")
    (deep / "qbr.toml").write_text(CONFIG + TICKETS.format(name="t", path="../../../data/t.csv")
                                   .replace("../../../data/t.csv", str(tmp_path / "data" /
                                                                       "t.csv")),
                                   encoding="utf-8")
    checks = api.validate(api.load(deep / "qbr.toml"))
    assert checks[0].file == (tmp_path / "data" / "t.csv").as_posix()  # absolute as written
    (deep / "qbr.toml").write_text(CONFIG + TICKETS.format(name="t", path="../../../data/t.csv"),
                                   encoding="utf-8")
    checks = api.validate(api.load(deep / "qbr.toml"))
    assert checks[0].file == "../../../data/t.csv"  # exactly as the config has it
    assert checks[0].rejections[0].file == "../../../data/t.csv"
