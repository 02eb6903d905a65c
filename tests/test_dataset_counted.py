"""FileReport's unassigned names counted column-wise (qbr.dataset._counted): the same
counts, in the same order of first appearance, as ``Counter(values.tolist())``, which
the "top unassigned names" listing breaks ties by."""

from __future__ import annotations

from collections import Counter

import pandas as pd
import pytest

from qbr.dataset import _counted


@pytest.mark.parametrize("values", [
    pd.Series(["Beta", "Acme", "Beta", ""]),
    pd.Series(pd.Categorical(["x", "", "x"], categories=["", "x", "unused"])),
    pd.Series(["b", None, "b"]),
    pd.Series([], dtype="str"),
])
def test_counted_is_counter_of_the_list(values: pd.Series) -> None:
    got, expected = _counted(values), Counter(values.tolist())
    assert got == expected
    assert list(got) == list(expected)  # first appearance: Beta before Acme


def test_counted_by_hand() -> None:
    got = _counted(pd.Series(["Zeta", "Acme", "Zeta", "Zeta"]))
    assert list(got.items()) == [("Zeta", 3), ("Acme", 1)]
