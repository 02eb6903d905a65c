"""CLI behaviour: exit codes, exact messages, no tracebacks, stdout purity for JSON.
Expected numbers are worked by hand in tests/mini_project.py's docstring."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from mini_project import AS_OF, CONFIG, write_mini_project

from qbr.cli import main


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_mini_project(tmp_path)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output + result.stderr
    return result.exit_code, result.stdout, result.stderr


def test_metrics_json_is_the_only_stdout_and_numbers_are_right(project: Path) -> None:
    code, out, err = run("metrics", "--config", str(project), "--quarter", "2026Q3",
                         "--as-of", AS_OF, "--format", "json")
    assert code == 0
    assert err.strip() == "as_of: 2026-10-05T06:00:00+00:00"
    doc = json.loads(out)
    assert doc["schema"] == "qbr.metrics/1" and doc["quarter"] == "2026Q3"
    c = doc["clients"][0]
    assert c["tickets"] == {"total": 5, "unclassified": 1, "pending": 1, "rejected": 0,
                            "excluded": 0, "reopened": 0}
    # Response: T-2, T-3 met; T-1 (75 > 60) and T-5 (1,860 > 480 at as_of) breached → 50 %.
    assert c["response"]["all"] == {"met": 2, "breached": 2, "pending": 0,
                                    "attainment_pct": 50.0}
    assert c["response"]["P2"]["median_minutes"] == 75.0
    # T-5's response has no event: not in the median.
    assert c["response"]["P4"]["median_minutes"] is None
    # Resolution: T-1, T-2, T-3 met; T-5 pending (1,860 ≤ 2,880).
    assert c["resolution"]["all"] == {"met": 3, "breached": 0, "pending": 1,
                                      "attainment_pct": 100.0}
    assert c["resolution"]["P3"]["median_minutes"] == 120.0  # 300 gross − 180 paused
    mon = c["uptime"]["monitors"][0]
    assert mon["window_minutes"] == 132_360.0 and mon["downtime_minutes"] == 120.0
    assert mon["uptime_pct"] == pytest.approx(100 * (1 - 120 / 132_360))
    assert mon["met"] is True
    assert c["sla_met"] is False  # response attainment 50 % < 95 %
    assert c["credits"] == {"pct": 0.0, "amount": 0.0, "currency": "EUR",
                            "provisional": False}


def test_metrics_table_prints(project: Path) -> None:
    code, out, _ = run("metrics", "--config", str(project), "--quarter", "2026Q3",
                       "--as-of", AS_OF)
    assert code == 0
    assert "acme" in out and "50.0" in out and "99.90" in out


def test_validate_accounts_for_every_row(project: Path) -> None:
    code, out, _ = run("validate", "--config", str(project))
    assert code == 0
    assert "tickets.csv [tickets, tickets]: read 6, accepted 5, unassigned 1, rejected 0" \
        in out
    assert "unassigned company 'Globex' in 1 rows (no configured client or monitor)" in out
    assert "unmapped priority 'Prio X' in 1 rows (accepted as unclassified)" in out


def test_validate_status_rows_follow_their_ticket(project: Path) -> None:
    # G-1 belongs to Globex (no client): its status row is unassigned, as in a run.
    code, out, _ = run("validate", "--config", str(project))
    assert code == 0
    assert "status.csv [status, status]: read 5, accepted 4, unassigned 1, rejected 0" in out
    assert "unassigned company 'Globex' in 1 rows" in out.split("status.csv", 1)[1]


def test_validate_lists_rejected_rows_with_row_and_column(project: Path) -> None:
    with (project.parent / "tickets.csv").open("a", encoding="utf-8") as f:
        f.write("T-9,ACME GmbH,P2,31.12.2026 14:05,,,,Open,x\n")
    code, out, _ = run("validate", "--config", str(project))
    assert code == 0
    assert "tickets.csv [tickets, tickets]: read 7, accepted 5, unassigned 1, rejected 1" \
        in out
    assert ("    row 8, column 'Created': bad-date: '31.12.2026 14:05' matches none of the "
            "accepted formats '%Y-%m-%dT%H:%M:%S%z'") in out


def test_validate_reports_other_files_when_one_is_broken(project: Path) -> None:
    (project.parent / "outages.csv").unlink()
    code, out, _ = run("validate", "--config", str(project))
    assert code == 65
    assert "outages.csv [outages]: ERROR outages.csv:" in out
    assert "tickets.csv [tickets, tickets]: read 6, accepted 5, unassigned 1" in out


def test_validate_column_map_error_is_a_config_error(tmp_path: Path) -> None:
    path = write_mini_project(tmp_path, CONFIG.replace('reason = "Reason" }',
                                                       'reason = "Reason", bogus = "X" }', 1))
    code, out, _ = run("validate", "--config", str(path))
    assert code == 78
    assert "outages.csv [outages]: ERROR " in out and "sources.outages.columns: unknown " \
        "field(s) bogus" in out


def test_validate_strict_fails_on_unassigned(project: Path) -> None:
    code, _, err = run("validate", "--config", str(project), "--strict")
    assert code == 1
    assert "strict: some rows were not accepted" in err


def test_bad_config_is_one_line(tmp_path: Path) -> None:
    path = write_mini_project(tmp_path, CONFIG.replace("objective_pct = 95",
                                                       'objective_pct = "high"'))
    code, _out, err = run("metrics", "--config", str(path), "--quarter", "2026Q3")
    assert code == 78
    assert err == (f"error: {path}: tiers.gold.objective_pct: expected a number, "
                   "got 'high'\n")


def test_missing_config(tmp_path: Path) -> None:
    code, _, err = run("validate", "--config", str(tmp_path / "nope.toml"))
    assert code == 78
    assert "config file not found" in err


def test_naive_as_of_is_refused(project: Path) -> None:
    code, _, err = run("metrics", "--config", str(project), "--quarter", "2026Q3",
                       "--as-of", "2026-10-05T06:00:00")
    assert code == 2
    assert "has no offset" in err


@pytest.mark.parametrize(("args", "needle"), [
    (("--quarter", "2026Q5"), "not a quarter: '2026Q5'"),
    (("--quarter", "2026Q3", "--client", "nobody"), "unknown client 'nobody'"),
])
def test_usage_errors(project: Path, args: tuple[str, ...], needle: str) -> None:
    code, _, err = run("metrics", "--config", str(project), *args)
    assert code == 2 and needle in err


def test_missing_input_file_names_it(project: Path) -> None:
    (project.parent / "outages.csv").unlink()
    code, _, err = run("metrics", "--config", str(project), "--quarter", "2026Q3")
    assert code == 65
    assert "outages.csv" in err


@pytest.mark.parametrize("command", ["validate", "metrics", "report", "batch", "figures"])
def test_every_command_has_help_with_example(command: str) -> None:
    code, out, _ = run(command, "--help")
    assert code == 0 and "Example:" in out and "--config" in out


def test_figures_are_suppressed_below_min_clients(project: Path) -> None:
    code, out, _ = run("figures", "--config", str(project), "--quarters", "2026Q3",
                       "--as-of", AS_OF, "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert all(f["suppressed"] and f["value"] is None for f in doc["figures"])


def test_metrics_json_does_not_depend_on_machine_time_zone(project: Path) -> None:
    outputs = []
    for tz in ("UTC", "Asia/Tokyo"):
        env = {**os.environ, "TZ": tz}
        proc = subprocess.run(
            [sys.executable, "-m", "qbr", "metrics", "--config", str(project),
             "--quarter", "2026Q3", "--format", "json"],
            capture_output=True, text=True, env=env, check=True)
        outputs.append(proc.stdout)
    assert outputs[0] == outputs[1]
    assert json.loads(outputs[0])["as_of"] == "2026-09-29T07:00:00+00:00"  # T-5 created
