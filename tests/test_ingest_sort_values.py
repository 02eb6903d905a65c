"""The event order by value sorts (qbr.valuesort.by_sorted_values): exactly the stable
``np.lexsort((at, rank))``, on each of its paths."""

from __future__ import annotations

import numpy as np
import pytest

from qbr import event_text, linking, valuesort


@pytest.mark.parametrize("seed", range(4))
def test_one_sort_when_key_and_position_fit(seed: int) -> None:
    # 50 ranks x a span of 40 seconds x 9 bits of position: one sort, many ties.
    rng = np.random.default_rng(seed)
    rank = rng.integers(0, 50, 500)
    at = rng.integers(-20, 20, 500) * 10**9
    got = valuesort.by_sorted_values(rank, at)
    assert got is not None and np.array_equal(got, np.lexsort((at, rank)))


@pytest.mark.parametrize("seed", range(4))
def test_two_sorts_when_rank_times_span_does_not_fit(seed: int) -> None:
    # 2**30 ranks x a span of 2**30 ns needs 60 bits, plus 9 of position: two sorts
    # (at to a dense rank, then rank with it), ties still in file order.
    rng = np.random.default_rng(seed)
    rank = rng.choice(np.array([0, 7, 2**30 - 1]), 300)
    at = rng.choice(np.array([0, 1, 2**30 - 1]), 300)
    got = valuesort.by_sorted_values(rank, at)
    assert got is not None and np.array_equal(got, np.lexsort((at, rank)))


def test_none_when_nothing_fits_or_nat() -> None:
    rank = np.array([2**60, 0, 1], dtype=np.int64)
    at = np.array([2**61 + 1, 5, 0], dtype=np.int64)  # odd: counted in ns, 62 bits
    assert valuesort.by_sorted_values(rank, at) is None
    nat = np.array([np.iinfo(np.int64).min, 5, 0], dtype=np.int64)
    assert valuesort.by_sorted_values(np.array([0, 1, 2]), nat) is None
    # sorted_by still answers (the two-pass argsort)
    assert linking.sorted_by(rank, at).tolist() == np.lexsort((at, rank)).tolist()


@pytest.mark.parametrize("values", [["psa"] * 3, ["psa", "b", "psa"], ["Zürich"] * 2, [""] * 2])
def test_repeated_text_is_a_take(values: list[str]) -> None:
    import pyarrow as pa

    where = pa.array([2, 0, 1, 1, 0][: 2 * len(values) - 1] if len(values) == 3 else [1, 0, 1])
    got = event_text.repeated_text(pa.array(values, pa.string()), where)
    assert got.type == pa.large_string()
    assert got.to_pylist() == [values[i] for i in where.to_pylist()]
