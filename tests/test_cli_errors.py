"""The issue-8 crash list: each input gives one line on stderr and its documented exit
code, never a traceback (README "Exit codes")."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from batch_project import AS_OF, write_portfolio
from click.testing import CliRunner
from mini_project import CONFIG, write_mini_project

from qbr.cli import main
from qbr.io.values import CellError, parse_instant

QBR = [sys.executable, "-m", "qbr"]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output + result.stderr
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_mini_project(tmp_path)


@pytest.mark.parametrize("quarter", ["0000Q1", "9999Q4"])
def test_quarter_out_of_range(project: Path, quarter: str) -> None:
    code, _, err = run("metrics", "--config", str(project), "--quarter", quarter,
                       "--as-of", AS_OF)
    assert (code, err) == (2, f"error: quarter '{quarter}' is out of range "
                              "(years 1900-2999)\n")


def test_batch_quarter_out_of_range(project: Path, tmp_path: Path) -> None:
    code, _, err = run("batch", "--config", str(project), "--quarter", "9999Q4",
                       "--out", str(tmp_path / "out"))
    assert (code, err) == (2, "error: quarter '9999Q4' is out of range (years 1900-2999)\n")


def test_figures_quarters_out_of_range(project: Path) -> None:
    code, _, err = run("figures", "--config", str(project), "--quarters", "0001Q1",
                       "--as-of", AS_OF)
    assert (code, err) == (2, "error: quarter '0001Q1' is out of range (years 1900-2999)\n")


def test_as_of_out_of_range(project: Path) -> None:
    code, _, err = run("metrics", "--config", str(project), "--quarter", "2026Q3",
                       "--as-of", "9999-12-31T23:59:59-14:00")
    assert (code, err) == (2, "error: --as-of: '9999-12-31T23:59:59-14:00' is out of "
                              "range (years 1900-2999)\n")


def test_a_ticket_dated_year_one_is_a_bad_date_row(tmp_path: Path) -> None:
    # 0001-01-01 00:30 at +01:00 is 0000-12-31 23:30 UTC, before datetime.min.
    config = write_mini_project(tmp_path)
    tickets = tmp_path / "tickets.csv"
    tickets.write_text(tickets.read_text().replace("2026-07-07T07:00:00Z",
                                                   "0001-01-01T00:30:00+01:00"))
    code, out, _ = run("validate", "--config", str(config))
    assert code == 0
    assert "rejected: bad-date 1" in out
    assert "row 4, column 'Created': bad-date: 0001-01-01 00:30:00+01:00 is out of the " \
           "supported date range" in out


def test_parse_instant_year_one_in_a_zone_east_of_utc() -> None:
    with pytest.raises(CellError) as err:
        parse_instant("0001-01-01 00:30", ["%Y-%m-%d %H:%M"], ZoneInfo("Europe/Berlin"))
    assert err.value.reason == "bad-date"
    # West of UTC the same wall-clock time exists in UTC and is read as usual.
    assert parse_instant("0001-01-01 00:30", ["%Y-%m-%d %H:%M"],
                         ZoneInfo("America/New_York"))[0].tzinfo == UTC


def test_closed_stdout_is_a_quiet_exit(project: Path) -> None:
    # `qbr validate | head -1`: the reader is gone before qbr writes.
    proc = subprocess.Popen([*QBR, "validate", "--config", str(project)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    err = proc.stderr.read()
    assert proc.wait(timeout=120) == 141
    assert err == b""


def test_out_is_an_existing_file(project: Path, tmp_path: Path) -> None:
    target = tmp_path / "packs"
    target.write_text("not a folder")
    for command in (["batch"], ["report", "--client", "acme"]):
        code, _, err = run(*command, "--config", str(project), "--quarter", "2026Q3",
                           "--as-of", AS_OF, "--out", str(target))
        assert (code, err) == (73, f"error: --out {target}: exists and is not a folder\n")


def test_out_cannot_be_created(project: Path, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    target = tmp_path / "file" / "packs"
    code, _, err = run("batch", "--config", str(project), "--quarter", "2026Q3",
                       "--as-of", AS_OF, "--out", str(target))
    assert (code, err) == (73, f"error: --out {target}: cannot create the folder: "
                               "Not a directory\n")


BROKEN = "{% if %}\n"
HOSTILE = "{{ ''.__class__.__mro__[1].__subclasses__() }}\n"


@pytest.mark.parametrize(("template", "reason"), [
    (BROKEN, "template error in {layer}/pack.html, line 1: Expected an expression, got 'end of "
             "statement block'"),
    (HOSTILE, "template error: SecurityError: access to attribute '__class__' of 'str' "
              "object is unsafe."),
])
def test_broken_or_hostile_template(project: Path, tmp_path: Path, template: str,
                                    reason: str) -> None:
    layer = tmp_path / "layer"
    layer.mkdir()
    (layer / "pack.html").write_text(template)
    reason = reason.format(layer=layer)
    out = tmp_path / "out"
    code, stdout, _ = run("batch", "--config", str(project), "--quarter", "2026Q3",
                          "--as-of", AS_OF, "--out", str(out), "--template-dir", str(layer))
    assert code == 1
    assert re.search(r"^acme +2026Q3 +failed +\d+\.\d  template error", stdout, re.M)
    assert reason in stdout
    code, _, err = run("report", "--config", str(project), "--client", "acme", "--quarter",
                       "2026Q3", "--as-of", AS_OF, "--out", str(out),
                       "--template-dir", str(layer))
    assert (code, err) == (78, f"error: {reason}\n")


def test_pack_target_that_is_a_folder(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "acme_2026Q3.xlsx").mkdir(parents=True)
    code, stdout, _ = run("batch", "--config", str(project), "--quarter", "2026Q3",
                          "--as-of", AS_OF, "--out", str(out))
    assert code == 1
    assert f"cannot replace {out.resolve()}/acme_2026Q3.xlsx: it is a folder" in stdout
    assert not (out / "acme_2026Q3.pdf").exists()  # the pair or nothing
    code, _, err = run("report", "--config", str(project), "--client", "acme",
                       "--quarter", "2026Q3", "--as-of", AS_OF, "--out", str(out))
    assert (code, err) == (73, f"error: cannot replace {out}/acme_2026Q3.xlsx: "
                               "it is a folder\n")


def test_concurrent_run_is_refused_and_a_killed_holder_is_taken_over(
        tmp_path: Path) -> None:
    # ADVERSARIAL 44: run 1 holds the lock; run 2 exits 75 at once naming it; after
    # kill -9 of run 1 the kernel has released the flock and run 3 proceeds.
    config = write_portfolio(tmp_path, 1)
    out = tmp_path / "out"
    out.mkdir()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path; "
         "from qbr.batchio import output_lock\n"
         "with output_lock(Path(sys.argv[1])):\n print('held', flush=True); time.sleep(120)",
         str(out)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        started = datetime.now(UTC)
        code, _, err = run("batch", "--config", str(config), "--quarter", "2026Q3",
                           "--as-of", AS_OF, "--out", str(out))
        assert code == 75
        assert err.startswith(f"error: another run holds {out.resolve()}/.qbr-batch.lock "
                              f"(pid {holder.pid}, started {started:%Y-%m-%dT%H:}")
        assert sorted(p.name for p in out.iterdir()) == [".qbr-batch.lock"]  # untouched
    finally:
        holder.kill()
        holder.wait()
    code, _, err = run("batch", "--config", str(config), "--quarter", "2026Q3",
                       "--as-of", AS_OF, "--out", str(out), "--client", "c1")
    assert code == 0, err
    assert (out / "c1_2026Q3.pdf").read_bytes().startswith(b"%PDF")


def test_no_traceback_without_qbr_debug(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "acme_2026Q3.pdf").mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if k != "QBR_DEBUG"}
    proc = subprocess.run([*QBR, "report", "--config", str(project), "--client", "acme",
                           "--quarter", "2026Q3", "--as-of", AS_OF, "--out", str(out)],
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 73 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines()[-1].startswith("error: cannot replace")


@pytest.mark.parametrize(("extra", "message"), [
    (["--executor", "dask"], "error: --executor dask needs --scheduler tcp://HOST:8786\n"),
    (["--scheduler", "tcp://h:8786"], "error: --scheduler needs --executor dask\n"),
])
def test_executor_options(project: Path, tmp_path: Path, extra: list[str],
                          message: str) -> None:
    code, _, err = run("batch", "--config", str(project), "--quarter", "2026Q3",
                       "--out", str(tmp_path / "out"), *extra)
    assert (code, err) == (2, message)


assert CONFIG  # the mini project's config is the base of both fixtures
