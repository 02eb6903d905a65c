"""The render-budget child leaves the cyclic garbage to its exit (issue 7 §5): the
collector is off in the child for its whole life and untouched in the parent."""

from __future__ import annotations

import gc
import os

import pytest

from qbr.report.budget import run_with_budget


@pytest.mark.skipif(os.name != "posix", reason="the budget forks on POSIX only")
def test_the_collector_is_off_in_the_child_and_on_in_the_parent() -> None:
    assert gc.isenabled()
    assert run_with_budget(gc.isenabled, "acme", 30.0) is False
    assert gc.isenabled()


def test_without_a_budget_the_render_keeps_the_collector() -> None:
    assert run_with_budget(gc.isenabled, "acme", None) is True
