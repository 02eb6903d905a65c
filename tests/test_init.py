"""``qbr init``: detection, date-format proposals (never a silent day/month guess), and a
written config that validate accepts and metrics runs on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from qbr import api
from qbr.cli import main
from qbr.errors import UsageError
from qbr.init import Asker, defaults_asker, run_init
from qbr.initdetect import ambiguous, date_options, profile
from tests.datasets import dataset_file

TICKETS = (
    "sep=;\n"
    "Ticket No;Company;Priority;Status;Created;Closed\n"
    "1;Acme GmbH;High;Closed;13/07/2026 09:00;13/07/2026 10:30\n"
    "2;Acme GmbH;Low;Waiting on customer;14/07/2026 09:00;\n"
    "3;Beta AG;High;Open;02/07/2026 08:00;\n"
)


def test_day_first_only_when_a_day_is_over_12() -> None:
    assert date_options(["29/2/2016 01:16", "5/3/2016 12:00"]) == [("%d/%m/%Y %H:%M",)]


def test_both_orders_fit_is_ambiguous() -> None:
    options = date_options(["01/02/2026 10:00", "03/04/2026 11:00"])
    assert ("%d/%m/%Y %H:%M",) in options and ("%m/%d/%Y %H:%M",) in options
    assert ambiguous(options)


def test_excel_half_converted_column_needs_two_formats_and_a_question() -> None:
    options = date_options(["03/12/2025 15:21", "02-28-2025 14:06:19"])
    assert set(options) == {("%d/%m/%Y %H:%M", "%m-%d-%Y %H:%M:%S"),
                            ("%m/%d/%Y %H:%M", "%m-%d-%Y %H:%M:%S")}
    assert ambiguous(options)


def test_profile_detects_sep_line_delimiter_and_columns(tmp_path: Path) -> None:
    export = tmp_path / "psa.csv"
    export.write_text(TICKETS, encoding="cp1252")
    prof = profile(export)
    assert (prof.delimiter, prof.header_row, prof.kind) == (";", 2, "tickets")
    assert prof.columns["client"] == "Company" and prof.columns["created_at"] == "Created"
    assert prof.counts("priority") == {"High": 2, "Low": 1}


def test_written_config_validates_and_runs(tmp_path: Path) -> None:
    export = tmp_path / "psa.csv"
    export.write_text(TICKETS.replace("sep=;\n", ""), encoding="utf-8")
    out = tmp_path / "qbr.toml"
    lines: list[str] = []
    out.write_text(run_init([export], out, defaults_asker(), lines.append), encoding="utf-8")
    assert any("'High' 2, 'Low' 1" in line for line in lines)
    config = api.load(out)
    (check,) = api.validate(config)
    assert check.report is not None
    # 3 rows, 2 companies → 2 clients: all accepted
    assert (check.report.read, check.report.accepted) == (3, 3)
    # "Waiting on customer" was guessed as waiting_customer, "Open" as running
    assert config.sources[0].values["status"] == {"Closed": "closed",
                                                  "Waiting on customer": "waiting_customer",
                                                  "Open": "running"}
    run = api.metrics(config, "2026Q3")
    assert [c["client"] for c in run.document["clients"]] == ["acme-gmbh", "beta-ag"]


def test_yes_stops_on_day_month_ambiguity_naming_both(tmp_path: Path) -> None:
    export = tmp_path / "psa.csv"
    export.write_text("Ticket ID,Company,Priority,Created\n1,Acme,High,01/02/2026 10:00\n",
                      encoding="utf-8")
    with pytest.raises(UsageError, match=r"'%d/%m/%Y %H:%M' or '%m/%d/%Y %H:%M'"):
        run_init([export], tmp_path / "qbr.toml", defaults_asker(), lambda _: None)


def test_interactive_choice_is_used(tmp_path: Path) -> None:
    export = tmp_path / "psa.csv"
    export.write_text("Ticket ID,Company,Priority,Created\n1,Acme,High,01/02/2026 10:00\n",
                      encoding="utf-8")
    asked: list[str] = []

    def choose(question: str, options: object) -> int:
        asked.append(question)
        return 1  # the second option: month first

    ask = Asker(choose=choose, text=lambda q, d: "Europe/Berlin")
    text = run_init([export], tmp_path / "qbr.toml", ask, lambda _: None)
    assert 'date_format = ["%m/%d/%Y %H:%M"]' in text and 'timezone = "Europe/Berlin"' in text
    assert asked and "01/02/2026 10:00" in asked[0]


def test_cli_init_then_validate(tmp_path: Path) -> None:
    export = tmp_path / "robot.csv"
    export.write_text('Event,Monitor,Date-Time,Reason,Duration,"Duration (in mins.)"\n'
                      'Up,"web","2026-07-01 12:00:00",OK,"1 hrs, 0 mins",60\n'
                      'Down,"web","2026-07-01 11:00:00",Timeout,"1 hrs, 0 mins",60\n',
                      encoding="utf-8")
    out = tmp_path / "qbr.toml"
    runner = CliRunner()
    result = runner.invoke(main, ["init", "--from", str(export), "--out", str(out), "--yes"])
    assert result.exit_code == 0, result.output
    assert 'preset = "uptimerobot"' in out.read_text(encoding="utf-8")
    checked = runner.invoke(main, ["validate", "--config", str(out), "--strict"])
    assert checked.exit_code == 0, checked.output
    again = runner.invoke(main, ["init", "--from", str(export), "--out", str(out), "--yes"])
    assert again.exit_code == 2 and "exists" in again.output
    metrics = runner.invoke(main, ["metrics", "--config", str(out), "--quarter", "2026Q3",
                                   "--format", "json"])
    (mon,) = json.loads(metrics.stdout)["clients"][0]["uptime"]["monitors"]
    assert mon["downtime_minutes"] == 60  # down 11:00 → up 12:00


@pytest.mark.datasets
def test_whirlpool_excel_copy_stops_with_the_question(tmp_path: Path) -> None:
    copy = dataset_file(
        "servicenow-whirlpool-lar-2025/snapshot_2025-03-12_excel_resaved_copia.csv")
    with pytest.raises(UsageError, match="day-first or month-first") as caught:
        run_init([copy], tmp_path / "qbr.toml", defaults_asker(), lambda _: None)
    assert "%d/%m/%Y %H:%M + %m-%d-%Y %H:%M:%S" in str(caught.value)
    assert "%m/%d/%Y %H:%M + %m-%d-%Y %H:%M:%S" in str(caught.value)


@pytest.mark.datasets
@pytest.mark.parametrize("relative", [
    "uci-incident-event-log/incident_event_log_sample_1in20.csv",
    "helpdesk-italian-software-co/finale.csv",
    "servicenow-duke-2012/incident_pseudonymized.csv",
    "servicenow-pdi-demo/incident.csv",
    "servicenow-whirlpool-lar-2025/snapshot_2025-03-13_updates_incident.csv",
    "upptime-status-history/cliffe-group/events.csv",
    "uptimerobot-export-2017/uptimerobot-all_monitors-logs.csv",
])
def test_init_on_each_dataset_gives_a_config_that_reconciles(tmp_path: Path,
                                                              relative: str) -> None:
    export = dataset_file(relative)
    out = tmp_path / "qbr.toml"
    out.write_text(run_init([export], out, defaults_asker(), lambda _: None),
                   encoding="utf-8")
    (check,) = api.validate(api.load(out))
    assert check.error is None and check.report is not None
    r = check.report
    assert r.read == r.accepted + r.unassigned + r.rejected.total() and r.accepted > 0


def test_two_exports_make_two_sources_and_validate(tmp_path: Path) -> None:
    tickets = tmp_path / "psa.csv"
    tickets.write_text(TICKETS.replace("sep=;\n", ""), encoding="utf-8")
    robot = tmp_path / "robot.csv"
    robot.write_text('Event,Monitor,Date-Time,Reason,Duration,"Duration (in mins.)"\n'
                     'Up,"web","2026-07-13 12:00:00",OK,"1 hrs, 0 mins",60\n',
                     encoding="utf-8")
    out = tmp_path / "qbr.toml"
    out.write_text(run_init([tickets, robot], out, defaults_asker(), lambda _: None),
                   encoding="utf-8")
    checks = api.validate(api.load(out))
    assert [(c.error, c.report.accepted if c.report else None) for c in checks] == [
        (None, 3), (None, 1)]


def test_init_on_an_uptime_kuma_database(tmp_path: Path) -> None:
    kuma = Path(__file__).parent / "fixtures" / "presets" / "uptime-kuma.db"
    out = tmp_path / "qbr.toml"
    out.write_text(run_init([kuma], out, defaults_asker(), lambda _: None), encoding="utf-8")
    (check,) = api.validate(api.load(out))
    assert check.report is not None
    # 4 heartbeats of monitor "web": 3 read, 1 with status 7 rejected (see test_presets)
    assert (check.report.accepted, check.report.rejected.total()) == (3, 1)
