"""Issue 7 §5: the workbook is written in a forked child while the PDF is laid out
(``RenderOptions.split_workbook``). The bytes, the errors, the warnings and the render
budget are what they are in-process; a batch whose workers fill the CPUs does not split."""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers_pack import make_pack

from qbr import batch, batchrender, forked
from qbr.batchrender import BudgetExceeded, RenderOptions, render_documents
from qbr.errors import ConfigError, InputError, QbrError
from qbr.forked import Forked
from qbr.pack import Pack
from qbr.report import xlsx

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="the workbook is split off on Linux only")

SPLIT = RenderOptions(internal=True)
SAME = RenderOptions(internal=True, split_workbook=False)
BUDGET = RenderOptions(budget_seconds=60.0, budget_memory_mb=2048)


@pytest.fixture(autouse=True)
def two_cpus(monkeypatch: pytest.MonkeyPatch) -> None:
    """The split needs a second usable CPU; CI machines with one still test it."""
    monkeypatch.setattr(batchrender, "usable_cpus", lambda: 2)


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times the render forked a workbook child."""
    started: list[int] = []

    class Counting(Forked):
        def __init__(self, steps: Any) -> None:
            started.append(len(steps))
            super().__init__(steps)

    monkeypatch.setattr(batchrender, "Forked", Counting)
    return started


@pytest.fixture(scope="module")
def pack() -> Pack:
    return make_pack()


def _failing_workbook(monkeypatch: pytest.MonkeyPatch, error: BaseException) -> None:
    def fail(_pack: Pack, _fmt: Any) -> bytes:
        raise error

    monkeypatch.setattr(xlsx, "workbook_bytes", fail)


def test_the_workbooks_are_the_same_bytes_either_way(pack: Pack, forks: list[int]) -> None:
    split = render_documents(pack, (), SPLIT)
    assert forks == [2]  # both workbooks, client and internal, in one child
    same = render_documents(pack, (), SAME)
    assert forks == [2]
    assert list(split) == list(same) == [".pdf", ".xlsx", "_internal.pdf", "_internal.xlsx"]
    assert split[".xlsx"] == same[".xlsx"]
    assert split["_internal.xlsx"] == same["_internal.xlsx"]
    assert split[".xlsx"].startswith(b"PK") and len(split[".xlsx"]) > 5000


def test_the_budget_child_splits_and_returns_the_same_bytes(pack: Pack) -> None:
    plain = render_documents(pack, (), RenderOptions(split_workbook=False))
    budgeted = render_documents(pack, (), BUDGET)
    assert budgeted[".xlsx"] == plain[".xlsx"]


@pytest.mark.parametrize("cpus, option, expected", [(1, True, []), (2, False, []),
                                                    (2, True, [1])])
def test_split_only_with_a_second_cpu_and_the_option(
        pack: Pack, forks: list[int], monkeypatch: pytest.MonkeyPatch, cpus: int,
        option: bool, expected: list[int]) -> None:
    monkeypatch.setattr(batchrender, "usable_cpus", lambda: cpus)
    docs = render_documents(pack, (), RenderOptions(split_workbook=option))
    assert forks == expected
    assert list(docs) == [".pdf", ".xlsx"]


@pytest.mark.parametrize("error", [
    ConfigError("qbr.toml", "clients.acme", "bad currency"),  # __init__ of 3 arguments
    InputError("tickets.csv", "not a date", row=7, column="Created"),
    QbrError("plain"),
])
def test_a_qbr_error_in_the_child_is_the_same_error(
        pack: Pack, monkeypatch: pytest.MonkeyPatch, forks: list[int],
        error: QbrError) -> None:
    _failing_workbook(monkeypatch, error)
    with pytest.raises(type(error)) as raised:
        render_documents(pack, (), RenderOptions())
    assert forks == [1]
    assert type(raised.value) is type(error)
    assert str(raised.value) == str(error)
    assert raised.value.exit_code == error.exit_code
    if isinstance(error, InputError):
        assert (raised.value.row, raised.value.column) == (7, "Created")  # type: ignore[attr-defined]


def test_a_qbr_error_crosses_the_budget_child_too(
        pack: Pack, monkeypatch: pytest.MonkeyPatch) -> None:
    _failing_workbook(monkeypatch, ConfigError("qbr.toml", "brand", "no such font"))
    with pytest.raises(QbrError, match=r"^qbr.toml: brand: no such font$") as raised:
        render_documents(pack, (), BUDGET)
    assert raised.value.exit_code == 78


def test_a_bug_in_the_child_reads_as_it_would_in_process(
        pack: Pack, monkeypatch: pytest.MonkeyPatch) -> None:
    _failing_workbook(monkeypatch, ZeroDivisionError("division by zero"))
    with pytest.raises(ZeroDivisionError, match="division by zero") as raised:
        render_documents(pack, (), RenderOptions())
    assert "in the forked child" in str(raised.value.__cause__)
    assert "raise error" in str(raised.value.__cause__)  # the child's own traceback
    # Under the budget, as every other bug in a render: an internal error, type and text.
    with pytest.raises(RuntimeError, match="ZeroDivisionError: division by zero"):
        render_documents(pack, (), BUDGET)


def test_out_of_memory_in_the_child_is_the_budgets_memory_breach(
        pack: Pack, monkeypatch: pytest.MonkeyPatch) -> None:
    def greedy(_pack: Pack, _fmt: Any) -> bytes:
        return bytes(bytearray(900 * 1024 * 1024))

    monkeypatch.setattr(xlsx, "workbook_bytes", greedy)
    with pytest.raises(BudgetExceeded, match="more than 300 MB"):
        render_documents(pack, (), RenderOptions(budget_seconds=60.0, budget_memory_mb=300))


def test_the_childs_warnings_reach_this_process(
        pack: Pack, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
        forks: list[int]) -> None:
    real = xlsx.workbook_bytes

    def warning(pack: Pack, fmt: Any) -> bytes:
        logging.getLogger("qbr.report").warning("cell %s cut in pid %d", "B7", os.getpid())
        return real(pack, fmt)

    monkeypatch.setattr(xlsx, "workbook_bytes", warning)
    with caplog.at_level(logging.WARNING, logger="qbr.report"):
        render_documents(pack, (), RenderOptions())
    assert forks == [1]
    lines = [r.getMessage() for r in caplog.records if "cut in pid" in r.getMessage()]
    assert len(lines) == 1 and lines[0].startswith("cell B7 cut in pid ")
    assert lines[0] != f"cell B7 cut in pid {os.getpid()}"  # written by the child


def _alive(pid: int) -> bool:
    """Whether ``pid`` still runs (a zombie waiting for a reaper does not)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def _slow_workbook(pid_file: Path) -> Callable[[Pack, Any], bytes]:
    """A workbook writer that records its process id in ``pid_file`` and then hangs."""

    def slow_workbook(_pack: Pack, _fmt: Any) -> bytes:
        pid_file.write_text(str(os.getpid()))
        time.sleep(60)
        return b""

    return slow_workbook


def test_a_budget_breach_leaves_no_workbook_child_behind(
        pack: Pack, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The PDF and the workbook both outlast the budget: the budget child is killed, and
    its workbook child dies with it (``PR_SET_PDEATHSIG``)."""
    pid_file = tmp_path / "workbook.pid"

    def slow_pdf(*_args: Any) -> bytes:
        time.sleep(60)
        return b""

    import qbr.report

    monkeypatch.setattr(xlsx, "workbook_bytes", _slow_workbook(pid_file))
    monkeypatch.setattr(qbr.report, "html_to_pdf", slow_pdf)
    started = time.monotonic()
    with pytest.raises(BudgetExceeded, match="longer than 2 s"):
        render_documents(pack, (), RenderOptions(budget_seconds=2.0))
    assert time.monotonic() - started < 10
    pid = int(pid_file.read_text())
    deadline = time.monotonic() + 5
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(pid)


def test_an_error_in_the_pdf_kills_the_workbook_child(
        pack: Pack, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    pid_file = tmp_path / "workbook.pid"

    def broken_pdf(*_args: Any) -> bytes:
        while not pid_file.exists():
            time.sleep(0.01)
        raise InputError("logo.svg", "not an image")

    import qbr.report

    monkeypatch.setattr(xlsx, "workbook_bytes", _slow_workbook(pid_file))
    monkeypatch.setattr(qbr.report, "html_to_pdf", broken_pdf)
    with pytest.raises(InputError, match=r"logo\.svg: not an image"):
        render_documents(pack, (), RenderOptions())
    assert not _alive(int(pid_file.read_text()))  # killed and reaped before the raise


# ------------------------------------------------------------------ qbr.forked itself


def _steps(*values: Callable[[], Any]) -> list[Callable[[], Any]]:
    return list(values)


def test_forked_steps_come_back_in_order_and_stop_at_the_first_failure() -> None:
    ran = []

    def boom() -> int:
        raise KeyError("k")

    def never() -> int:  # would run only if the child went on after a failure
        ran.append(1)
        return 3

    work = Forked(_steps(lambda: 1, boom, never))
    try:
        assert work.take() == 1
        with pytest.raises(KeyError):
            work.take()
        with pytest.raises(RuntimeError, match="without a result"):
            work.take()
    finally:
        work.close()
    assert ran == []


def test_a_child_killed_by_a_signal_counts_as_out_of_memory() -> None:
    work = Forked(_steps(lambda: os.kill(os.getpid(), 9)))
    try:
        with pytest.raises(MemoryError):
            work.take()
    finally:
        work.close()


def test_usable_cpus_follows_the_affinity_mask() -> None:
    assert forked.usable_cpus() == len(os.sched_getaffinity(0))


# --------------------------------------------------------------------------- batch


@pytest.mark.parametrize("jobs, cpus, split", [(2, 2, False), (3, 2, False), (1, 2, True),
                                               (1, 1, False)])
def test_a_batch_splits_only_when_its_workers_leave_a_cpu_free(
        monkeypatch: pytest.MonkeyPatch, jobs: int, cpus: int, split: bool) -> None:
    monkeypatch.setattr(batch, "usable_cpus", lambda: cpus)
    opts = batch.worker_options(RenderOptions(), jobs, clients=10, executor=None)
    assert opts.split_workbook is split


def test_a_refused_fork_writes_the_workbook_in_process(
        pack: Pack, monkeypatch: pytest.MonkeyPatch) -> None:
    def refused() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    expected = render_documents(pack, (), RenderOptions(split_workbook=False))[".xlsx"]
    monkeypatch.setattr(forked.os, "fork", refused)
    assert render_documents(pack, (), RenderOptions())[".xlsx"] == expected
