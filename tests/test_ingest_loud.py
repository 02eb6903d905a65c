"""Failures that would otherwise be silent (issue §5): a date format that fails on most
rows proposes one that fits (and says when day-first and month-first both do); a source
whose every row is rejected fails ``qbr validate``."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from helpers_config import make_config, source, toml_client, toml_head, write

from qbr.cli import main
from qbr.ingest import load_dataset

CONFIG = toml_head("uptime_guarantee_pct = 99.9\n") + toml_client(
    "acme", "ACME GmbH", 'fee = 1000\ncurrency = "EUR"\n') + """
[sources.t]
path = "t.csv"
kind = "tickets"
date_format = "%Y-%m-%d %H:%M"
[sources.t.columns]
ticket_id = "Ticket"
client = "Company"
priority = "Priority"
created_at = "Created"
"""


def test_most_rows_failing_proposes_a_format(tmp_path: Path) -> None:
    write(tmp_path, "t.csv", "Ticket,Company,Priority,Created\n"
          "1,ACME GmbH,P1,13/01/2025 10:00\n2,ACME GmbH,P1,2025-01-13 10:00\n"
          "3,ACME GmbH,P1,14/02/2025 11:00\n")
    data = load_dataset(make_config(tmp_path, {"t": source("t.csv")}))
    assert data.files[0].rejected == {"bad-date": 2}
    (note,) = data.warnings
    assert (note.row, note.column) == (2, "Created")
    assert "2 of 3 values match none of the declared formats" in note.message
    assert "'%d/%m/%Y %H:%M' reads them" in note.message


def test_day_first_and_month_first_both_fitting_is_a_question(tmp_path: Path) -> None:
    write(tmp_path, "t.csv", "Ticket,Company,Priority,Created\n"
          "1,ACME GmbH,P1,03/01/2025 10:00\n2,ACME GmbH,P1,04/02/2025 11:00\n")
    data = load_dataset(make_config(tmp_path, {"t": source("t.csv")}))
    assert "both day-first '%d/%m/%Y %H:%M' and month-first '%m/%d/%Y %H:%M' fit" in \
        data.warnings[0].message


def test_validate_fails_when_every_row_of_a_source_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "qbr.toml").write_text(CONFIG, encoding="utf-8")
    write(tmp_path, "t.csv", "Ticket,Company,Priority,Created\n1,ACME GmbH,P1,01.07.2025\n")
    result = CliRunner().invoke(main, ["validate", "--config", str(tmp_path / "qbr.toml")])
    assert result.exit_code == 65
    assert "error: t.csv: every one of its 1 rows was rejected (source t)" in result.stderr
    write(tmp_path, "t.csv", "Ticket,Company,Priority,Created\n1,ACME GmbH,P1,2025-07-01 10:00\n")
    ok = CliRunner().invoke(main, ["validate", "--config", str(tmp_path / "qbr.toml")])
    assert ok.exit_code == 0, ok.output
