"""The batch parent parses the deck's stylesheet before its workers fork (issue 7 §5),
so a client rendered in a fresh fork (the render budget) finds it parsed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from batch_project import AS_OF, go, use_fake_render, write_portfolio

from qbr import api
from qbr.batchprep import warm_stylesheets
from qbr.metrics import Engine
from qbr.packbuilder import build_pack
from qbr.quarters import parse_quarter
from qbr.report import html_to_pdf, pdfcache, render_html

weasyprint = pytest.importorskip("weasyprint")


@pytest.fixture()
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts WeasyPrint's ``CSS`` is asked to parse from now on."""
    seen: list[str] = []
    real = weasyprint.CSS

    def counted(*args: Any, **kw: Any) -> Any:
        seen.append(kw.get("string", ""))
        return real(*args, **kw)

    monkeypatch.setattr(weasyprint, "CSS", counted)
    pdfcache.clear()
    return seen


def test_after_the_warm_up_a_client_parses_only_its_footer(
        tmp_path: Path, parses: list[str]) -> None:
    cfg = api.load(write_portfolio(tmp_path, 3))
    run = api.load_inputs(cfg, AS_OF)
    engine = Engine(cfg, run.dataset)
    jobs = [("c1", "2026Q3"), ("c2", "2026Q3"), ("c3", "2026Q3")]
    # one paper size (all clients "en": A4), so one client's deck: its two <style>
    # blocks, the large shared one and its own footer
    assert warm_stylesheets(cfg, run.dataset, engine, jobs, (), run.as_of) == 2
    assert len(parses) == 2
    big = max(parses, key=len)
    pack = build_pack(cfg, run.dataset, engine, "c3", parse_quarter("2026Q3"), run.as_of)
    assert html_to_pdf(render_html(pack)).startswith(b"%PDF")
    # c3 parsed only its footer block ("Client c3 · …", CSS-escaped), not the large one
    assert len(parses) == 3 and parses[2] != big and r"Client\000020c3" in parses[2]


def test_a_client_that_cannot_be_built_is_left_to_its_worker(
        tmp_path: Path, parses: list[str]) -> None:
    cfg = api.load(write_portfolio(tmp_path, 2))
    run = api.load_inputs(cfg, AS_OF)
    engine = Engine(cfg, run.dataset)
    # an unknown client and a quarter that does not parse: skipped, the next one warms
    jobs = [("nobody", "2026Q3"), ("c1", "2026Q9"), ("c2", "2026Q3")]
    assert warm_stylesheets(cfg, run.dataset, engine, jobs, (), run.as_of) == 2


def test_the_batch_parent_warms_the_stylesheet_cache(
        tmp_path: Path, parses: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    use_fake_render(monkeypatch)
    run = go(write_portfolio(tmp_path, 3), tmp_path / "out", jobs=1)
    assert run.exit_code == 0, run.outcomes
    assert len(parses) == 2  # in this process, the parent, before the worker forked
