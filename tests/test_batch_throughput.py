"""qbr batch around the render (issue 8 §5): the portfolio's quarters are computed once in
the parent and inherited by forked workers; a render-budget breach is its own failure
kind; the report carries per-phase timings. Forked workers inherit monkeypatches."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import pytest
from batch_project import fake_render, go, use_fake_render, write_portfolio

from qbr import api, batchrender
from qbr.batchprep import history_quarters
from qbr.engine import run as engine_run
from qbr.quarters import Quarter


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> None:
    use_fake_render(monkeypatch)


def test_history_quarters_are_each_quarter_and_the_four_before() -> None:
    got = history_quarters([Quarter(2026, 3), Quarter(2026, 2)])
    # 2026Q3 → 2026Q3, Q2, Q1, 2025Q4, Q3; 2026Q2 adds 2025Q2: six distinct quarters.
    assert [str(q) for q in got] == ["2025Q2", "2025Q3", "2025Q4", "2026Q1", "2026Q2",
                                     "2026Q3"]


def test_workers_inherit_the_quarters_computed_once_in_the_parent(
        tmp_path: Path, fake: None, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = tmp_path / "calls.txt"
    real = engine_run.evaluate_quarter

    def counted(*args: Any, **kw: Any) -> Any:
        with calls.open("a", encoding="utf-8") as f:
            f.write(f"{os.getpid()} {args[3]}\n")
        return real(*args, **kw)

    monkeypatch.setattr(engine_run, "evaluate_quarter", counted)
    run = go(write_portfolio(tmp_path, 4), tmp_path / "out", jobs=2)
    assert run.exit_code == 0, run.outcomes
    lines = calls.read_text(encoding="utf-8").split()
    pids, quarters = set(lines[0::2]), lines[1::2]
    # Only the parent evaluates, once per quarter the packs read: 2026Q3 and four before.
    assert pids == {str(os.getpid())}
    assert sorted(quarters) == ["2025Q3", "2025Q4", "2026Q1", "2026Q2", "2026Q3"]
    assert {o["worker_pid"] for o in run.outcomes} - {os.getpid()}  # rendered in workers


def test_report_has_serial_phases_and_per_client_cpu(tmp_path: Path, fake: None) -> None:
    out = tmp_path / "out"
    run = go(write_portfolio(tmp_path), out, jobs=2)
    doc = json.loads((out / "batch-report.json").read_text())
    assert set(doc["phases_s"]) == {"recover", "load", "warm", "quarter", "jobs"}
    assert all(v >= 0 for v in doc["phases_s"].values())
    assert doc["phases_s"]["jobs"] <= doc["duration_s"]
    for o in run.outcomes:
        assert set(o["phases_s"]) == {"load", "build", "render", "write"}
        assert o["cpu_s"] >= 0
        assert sum(o["phases_s"].values()) <= o["duration_s"] + 0.01
    again = go(write_portfolio(tmp_path), out, jobs=2)  # skipped: nothing rendered or written
    assert {o["status"] for o in again.outcomes} == {"unchanged"}
    assert all(set(o["phases_s"]) == {"load", "build"} for o in again.outcomes)


def _slow_for_c2(pack: Any, template_dirs: Any, opts: Any) -> dict[str, bytes]:
    if pack.client_key == "c2":
        time.sleep(60)
    return fake_render(pack)


def test_a_render_budget_breach_is_its_own_failure_kind_exit_1(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The real render_documents with its budget child; only the drawing is replaced.
    monkeypatch.setattr(batchrender, "_render", _slow_for_c2)
    started = time.monotonic()
    run = go(write_portfolio(tmp_path), tmp_path / "out", jobs=1,
             options=api.RenderOptions(budget_seconds=1.0, budget_memory_mb=2048))
    assert time.monotonic() - started < 50  # the 60 s sleep was cut at the budget
    by = {o["client"]: o for o in run.outcomes}
    assert {k: o["status"] for k, o in by.items()} == {
        "c1": "written", "c2": "failed", "c3": "written"}
    assert by["c2"]["failure"] == "budget"
    assert by["c2"]["reason"] == ("c2: rendering took longer than 1 s (render budget); "
                                  "this client was skipped (budget: --render-timeout 1 s, "
                                  "2048 MB)")
    assert run.exit_code == 1
    assert not list((tmp_path / "out").glob("c2_*"))
