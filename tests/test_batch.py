"""qbr batch: pair writes, lock, idempotent re-runs, failure isolation, destination
problems (issue 8 §1, §5; ADVERSARIAL 42–45, 47). Rendering is replaced by
``fake_render`` where the PDF's content does not matter; forked workers inherit the
patch."""

from __future__ import annotations

import errno
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from batch_project import AS_OF, go, use_fake_render, write_portfolio, write_tickets

from qbr import api, batch, batchio
from qbr.batch import quarter_for, run_batch
from qbr.batchio import recover, sha256_file
from qbr.quarters import Quarter, parse_as_of


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> None:
    use_fake_render(monkeypatch)


def status(run: batch.BatchRun) -> dict[str, str]:
    return {o["client"]: o["status"] for o in run.outcomes}


def leftovers(out: Path) -> list[str]:
    names = [p.name for p in out.iterdir()] + [p.name for p in (out / ".qbr").iterdir()]
    return [n for n in names if n.endswith((".tmp", ".qbr-tmp"))]


def test_unchanged_rerun_renders_nothing_and_force_renders_all(tmp_path: Path,
                                                              fake: None) -> None:
    config = write_portfolio(tmp_path)
    out = tmp_path / "out"
    first = go(config, out)
    assert status(first) == {"c1": "written", "c2": "written", "c3": "written"}
    assert first.exit_code == 0
    report = json.loads((out / "batch-report.json").read_text())
    assert report["schema"] == "qbr.batch-report/1" and report["counts"]["written"] == 3
    c1 = report["clients"][0]
    assert [Path(f["path"]).name for f in c1["files"]] == ["c1_2026Q3.pdf", "c1_2026Q3.xlsx"]
    assert c1["files"][0]["sha256"] == sha256_file(out / "c1_2026Q3.pdf")
    assert c1["files"][0]["size"] == (out / "c1_2026Q3.pdf").stat().st_size
    assert len(c1["inputs_sha256"]) == 64 and len(c1["config_sha256"]) == 64

    again = go(config, out)
    assert set(status(again).values()) == {"unchanged"}
    forced = go(config, out, force=True)
    assert set(status(forced).values()) == {"written"}
    assert all(o["reason"] == "forced" for o in forced.outcomes)
    assert leftovers(out) == []


def test_changed_input_rerenders_only_that_client(tmp_path: Path, fake: None) -> None:
    config = write_portfolio(tmp_path)
    out = tmp_path / "out"
    go(config, out)
    write_tickets(tmp_path, "c2", title="Server on fire")  # same counts, new content
    run = go(config, out)
    assert status(run) == {"c1": "unchanged", "c2": "written", "c3": "unchanged"}
    assert run.outcomes[1]["reason"] == "inputs, config or templates changed"


def test_a_changed_template_rerenders_everyone(tmp_path: Path, fake: None) -> None:
    config = write_portfolio(tmp_path, 2)
    out, layer = tmp_path / "out", tmp_path / "layer"
    layer.mkdir()
    go(config, out, template_dirs=[layer])
    (layer / "extra.css").write_text("p { color: red }")
    assert set(status(go(config, out, template_dirs=[layer])).values()) == {"written"}


def test_a_deleted_output_is_rendered_again(tmp_path: Path, fake: None) -> None:
    config = write_portfolio(tmp_path, 2)
    out = tmp_path / "out"
    go(config, out)
    (out / "c1_2026Q3.xlsx").unlink()
    run = go(config, out)
    assert status(run) == {"c1": "written", "c2": "unchanged"}
    assert run.outcomes[0]["reason"] == "previous files missing"


def test_corrupt_input_fails_alone_with_its_reason(tmp_path: Path, fake: None) -> None:
    config = write_portfolio(tmp_path)
    out = tmp_path / "out"
    _park(tmp_path, "c2")
    run = go(config, out)
    assert status(run) == {"c1": "written", "c2": "failed", "c3": "written"}
    c2 = run.outcomes[1]
    assert c2["failure"] == "data"
    assert c2["reason"].startswith("input tickets_c2.csv")
    assert "'Parked'" in c2["reason"]
    assert run.exit_code == 1
    assert json.loads((out / "batch-report.json").read_text())["exit_code"] == 1


def _park(root: Path, key: str) -> None:
    """The client's export uses a status value its source does not map: the file is
    refused as a whole, but its client column still says whose rows it held."""
    (root / f"tickets_{key}.csv").write_text(
        "Ticket,Company,Priority,Created,Responded,Resolved,Status,Title\n"
        f"{key}-1,Client {key},P2,2026-07-06T08:00:00Z,,,Parked,x\n", encoding="utf-8")


def test_an_unreadable_file_blocks_every_client_it_may_feed(tmp_path: Path,
                                                            fake: None) -> None:
    # Without a readable client column nothing says whose rows the file held: every
    # client fails with the file's error rather than render a pack with rows missing.
    config = write_portfolio(tmp_path, 2)
    (tmp_path / "tickets_c2.csv").write_bytes(b"Ticket,Company\n\xff\xfe\x00bad\n")
    run = go(config, tmp_path / "out")
    assert status(run) == {"c1": "failed", "c2": "failed"}
    assert all(o["reason"].startswith("input tickets_c2.csv") for o in run.outcomes)


def test_an_unreadable_file_fails_the_clients_it_fed_last_time(tmp_path: Path,
                                                               fake: None) -> None:
    # ADVERSARIAL 43 (B's file turned into garbage): the manifest of the last run says
    # which clients drew on tickets_c2.csv, so only c2 fails. c1 and c3 are rendered
    # again: their data note lists the files read, and tickets_c2.csv no longer is.
    config = write_portfolio(tmp_path, 3)
    out = tmp_path / "out"
    go(config, out)
    (tmp_path / "tickets_c2.csv").write_bytes(b"Ticket,Company\n\xff\xfe\x00bad\n")
    run = go(config, out)
    assert status(run) == {"c1": "written", "c2": "failed", "c3": "written"}
    assert run.outcomes[1]["reason"].startswith("input tickets_c2.csv")


def test_a_bug_on_one_client_is_exit_70_and_the_others_are_written(
        tmp_path: Path, fake: None, monkeypatch: pytest.MonkeyPatch) -> None:
    # ADVERSARIAL 43: a RuntimeError in qbr is an internal failure, distinct from data.
    real = batch.render_documents

    def buggy(pack: Any, dirs: Any = (), options: Any = None) -> dict[str, bytes]:
        if pack.client_key == "c2":
            raise RuntimeError("boom")
        return real(pack, dirs, options)

    monkeypatch.setattr(batch, "render_documents", buggy)
    run = go(write_portfolio(tmp_path), tmp_path / "out")
    assert status(run) == {"c1": "written", "c2": "failed", "c3": "written"}
    assert run.outcomes[1]["failure"] == "internal"
    assert run.outcomes[1]["reason"] == "internal error: RuntimeError: boom"
    assert run.exit_code == 70


def test_fail_fast_stops_after_the_first_failure(tmp_path: Path, fake: None) -> None:
    config = write_portfolio(tmp_path, 4)
    _park(tmp_path, "c1")
    run = go(config, tmp_path / "out", fail_fast=True)
    assert status(run)["c1"] == "failed"
    assert "not_run" in status(run).values()  # one worker: c3, c4 were still queued
    assert run.exit_code == 1


def test_target_path_that_is_a_folder_fails_that_client(tmp_path: Path, fake: None) -> None:
    out = tmp_path / "out"
    (out / "c1_2026Q3.pdf").mkdir(parents=True)
    run = go(write_portfolio(tmp_path, 2), out)
    assert status(run) == {"c1": "failed", "c2": "written"}
    assert run.outcomes[0]["failure"] == "destination"
    assert run.outcomes[0]["reason"] == f"cannot replace {out.resolve()}/c1_2026Q3.pdf: " \
                                        "it is a folder"
    assert not (out / "c1_2026Q3.xlsx").exists()  # never half a pair
    assert run.exit_code == 1 and leftovers(out) == []


def _pair(out: Path, key: str) -> tuple[str, str]:
    return sha256_file(out / f"{key}_2026Q3.pdf"), sha256_file(out / f"{key}_2026Q3.xlsx")


def test_file_in_use_retries_then_fails_and_keeps_the_old_pair(
        tmp_path: Path, fake: None, monkeypatch: pytest.MonkeyPatch) -> None:
    # ADVERSARIAL 47: os.replace raising PermissionError (a viewer holds the file).
    config = write_portfolio(tmp_path, 1)
    out = tmp_path / "out"
    go(config, out)
    old = _pair(out, "c1")
    real = os.replace

    def locked(src: Any, dst: Any) -> None:
        if str(dst).endswith("c1_2026Q3.xlsx"):
            raise PermissionError(13, "in use")
        real(src, dst)

    monkeypatch.setattr(batchio.os, "replace", locked)
    run = go(config, out, force=True)
    assert run.outcomes[0]["reason"] == \
        f"cannot replace {out.resolve()}/c1_2026Q3.xlsx: file in use (retried 2 times)"
    monkeypatch.setattr(batchio.os, "replace", real)
    assert _pair(out, "c1") == old  # the PDF had been replaced already: rolled back
    assert leftovers(out) == []
    assert json.loads((out / "batch-report.json").read_text())["counts"]["failed"] == 1


@pytest.mark.parametrize(("code", "words"), [(errno.ENOSPC, "no space left on the device"),
                                             (errno.EROFS, "read-only file system")])
def test_disk_full_or_read_only_fails_the_client_cleanly(
        tmp_path: Path, fake: None, monkeypatch: pytest.MonkeyPatch, code: int,
        words: str) -> None:
    config = write_portfolio(tmp_path, 1)
    out = tmp_path / "out"
    go(config, out)
    old = _pair(out, "c1")
    real = os.fsync

    def full(fd: int) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(batchio.os, "fsync", full)
    run = go(config, out, force=True)
    monkeypatch.setattr(batchio.os, "fsync", real)
    assert run.outcomes[0]["reason"] == f"cannot write {out.resolve()}/c1_2026Q3.pdf: {words}"
    assert _pair(out, "c1") == old and leftovers(out) == []
    # The report could not be written either (same fsync): it is returned for stderr.
    assert run.report_path is None and run.report_error is not None


def test_interrupted_pair_is_rolled_back_by_the_next_run(
        tmp_path: Path, fake: None, monkeypatch: pytest.MonkeyPatch) -> None:
    # A kill between the two renames: simulated by an exception that nothing catches.
    config = write_portfolio(tmp_path, 1)
    out = tmp_path / "out"
    go(config, out)
    old = _pair(out, "c1")
    real = os.replace

    def killed(src: Any, dst: Any) -> None:
        if str(dst).endswith(".xlsx"):
            raise KeyboardInterrupt
        real(src, dst)

    monkeypatch.setattr(batchio.os, "replace", killed)
    with pytest.raises(KeyboardInterrupt):
        batchio.write_pair(out.resolve(), "c1_2026Q3", {".pdf": b"new", ".xlsx": b"new"}, {})
    monkeypatch.setattr(batchio.os, "replace", real)
    assert _pair(out, "c1") != old and leftovers(out)  # one new, one old, temp files
    assert recover(out)[0] == "restored the previous pack of c1_2026Q3 (a run was " \
                              "interrupted while replacing it)"
    assert _pair(out, "c1") == old and leftovers(out) == []
    assert set(status(go(config, out)).values()) == {"unchanged"}


def test_previous_is_the_last_completed_quarter_in_the_clients_zone() -> None:
    # 2026-09-30 12:00Z is already 1 Oct 01:00 in Auckland (UTC+13): Q3 is over there,
    # while Berlin (14:00 CEST) is still in Q3, so its last completed quarter is Q2.
    now = datetime(2026, 9, 30, 12, 0, tzinfo=UTC)
    assert quarter_for("previous", "Pacific/Auckland", now) == Quarter(2026, 3)
    assert quarter_for("previous", "Europe/Berlin", now) == Quarter(2026, 2)
    assert quarter_for("2025Q4", "Europe/Berlin", now) == Quarter(2025, 4)


def test_summary_table_and_log_lines(tmp_path: Path, fake: None,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    from qbr.batchout import batch_progress, batch_summary

    run = run_batch(api.load(write_portfolio(tmp_path, 2)), "previous", tmp_path / "out",
                    as_of=parse_as_of(AS_OF), jobs=1, progress=batch_progress(False),
                    now=datetime(2026, 10, 2, 6, 0, tzinfo=UTC))
    log = capsys.readouterr().err.splitlines()
    assert [line.split(" in ")[0] for line in log] == ["[1/2] c1 2026Q3 written",
                                                       "[2/2] c2 2026Q3 written"]
    lines = list(batch_summary(run.document))
    assert lines[0].split() == ["client", "quarter", "status", "seconds", "reason"]
    assert lines[2].startswith("c1                           2026Q3  written ")
    assert lines[2].endswith("first run")
    assert lines[3].strip().startswith(f"{(tmp_path / 'out').resolve()}/c1_2026Q3.pdf  ")
    assert lines[-1].startswith("2 written, 0 unchanged, 0 failed, 0 not run of 2 for "
                                "previous (2026Q3) in ")
