"""A batch killed with SIGKILL midway, then run again: every pack valid, no temporary
files, the finished clients not rendered twice (issue 8 §5, ADVERSARIAL 42, 45); and
the Dask path writing the same files as the local one (issue 8 §2)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from batch_project import AS_OF, fake_render, write_portfolio

from qbr import api, batch
from qbr.batch import run_batch
from qbr.batchio import sha256_file
from qbr.quarters import parse_as_of


def _done(out: Path) -> int:
    state = out / ".qbr"
    if not state.is_dir():
        return 0
    count = 0
    for path in state.glob("*.json"):
        with contextlib.suppress(OSError, ValueError):
            count += json.loads(path.read_text()).get("state") == "done"
    return count


@pytest.mark.slow
def test_sigkill_midway_then_rerun_leaves_valid_packs_and_no_temp_files(
        tmp_path: Path) -> None:
    from openpyxl import load_workbook
    from pypdf import PdfReader

    config = write_portfolio(tmp_path, 4)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "qbr", "batch", "--config", str(config), "--quarter",
           "2026Q3", "--as-of", AS_OF, "--out", str(out), "--jobs", "1"]
    proc = subprocess.Popen(cmd, start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while _done(out) < 1 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # the parent and its worker, mid-run
    proc.wait()
    finished = _done(out)
    assert 1 <= finished < 4, "the kill should land midway"

    rerun = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    report = json.loads((out / "batch-report.json").read_text())
    statuses = [c["status"] for c in report["clients"]]
    assert statuses.count("unchanged") >= finished  # resumed, not redone
    assert set(statuses) <= {"unchanged", "written"}
    names = sorted(p.name for p in out.iterdir())
    assert [n for n in names if "tmp" in n] == []
    assert [n for n in os.listdir(out / ".qbr") if "tmp" in n] == []
    for key in ("c1", "c2", "c3", "c4"):
        assert len(PdfReader(str(out / f"{key}_2026Q3.pdf")).pages) > 0
        assert load_workbook(out / f"{key}_2026Q3.xlsx").sheetnames


def test_exception_mid_save_keeps_the_previous_pair(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    # ADVERSARIAL 42: the workbook writer raises after the PDF was made; both documents
    # are built in memory before anything is written, so the old pair stays.
    monkeypatch.setattr(batch, "render_documents", fake_render)
    config = write_portfolio(tmp_path, 1)
    out = tmp_path / "out"
    go = {"as_of": parse_as_of(AS_OF), "jobs": 1}
    run_batch(api.load(config), "2026Q3", out, **go)
    before = [sha256_file(out / f"c1_2026Q3{s}") for s in (".pdf", ".xlsx")]

    def half(pack: Any, dirs: Any = (), options: Any = None) -> dict[str, bytes]:
        fake_render(pack, dirs)
        raise OSError(28, "No space left on device (openpyxl save)")

    monkeypatch.setattr(batch, "render_documents", half)
    run = run_batch(api.load(config), "2026Q3", out, force=True, **go)
    assert run.outcomes[0]["status"] == "failed"
    assert [sha256_file(out / f"c1_2026Q3{s}") for s in (".pdf", ".xlsx")] == before
    assert [p.name for p in out.iterdir() if "tmp" in p.name] == []


def test_dask_local_cluster_writes_the_same_files_as_the_local_pool(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    distributed = pytest.importorskip("distributed", reason="Dask distributed is not "
                                      "installed (pip install 'qbr[dask]')")
    monkeypatch.setattr(batch, "render_documents", fake_render)
    config = write_portfolio(tmp_path, 3)
    local = run_batch(api.load(config), "2026Q3", tmp_path / "local",
                      as_of=parse_as_of(AS_OF), jobs=1)
    batch._LOADED.clear()  # the Dask worker must load the inputs on its own
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        remote = run_batch(api.load(config), "2026Q3", tmp_path / "dask",
                           as_of=parse_as_of(AS_OF), executor=client.get_executor())

    def files(run: batch.BatchRun) -> list[tuple[str, str, str, str]]:
        return [(o["client"], o["status"], Path(f["path"]).name, f["sha256"])
                for o in run.outcomes for f in o["files"]]

    assert files(remote) == files(local) and len(files(local)) == 6
    assert [o["inputs_sha256"] for o in remote.outcomes] == \
        [o["inputs_sha256"] for o in local.outcomes]
    assert remote.document["executor"] != "local" and remote.exit_code == 0
