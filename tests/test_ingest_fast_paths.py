"""The shortcuts of the ingest fast path give exactly what the plain computation gives."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from qbr.io.mojibake import could_match
from qbr.linking import sorted_by as _sorted_by


@pytest.mark.parametrize("seed", range(6))
def test_sorted_by_is_lexsort(seed: int) -> None:
    # Few distinct ranks and instants: many ties, which must keep file order (SPEC §2).
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 400))
    rank = rng.integers(0, 7, n)
    at = rng.integers(0, 5, n) * 60_000_000_000
    assert np.array_equal(_sorted_by(rank, at), np.lexsort((at, rank)))


def test_sorted_by_keeps_an_ordered_file_as_is() -> None:
    rank = np.array([0, 0, 1, 1, 1, 3])
    at = np.array([5, 5, 1, 2, 2, 0])
    assert _sorted_by(rank, at).tolist() == [0, 1, 2, 3, 4, 5]
    # One step back in time within a ticket: sorted, equal instants in file order.
    at = np.array([5, 4, 1, 2, 2, 0])
    assert _sorted_by(rank, at).tolist() == [1, 0, 2, 3, 4, 5]


@pytest.mark.parametrize(("values", "expected"), [
    (["MÃ¼ller GmbH"], True),          # Ã = C3 83
    (["Â\u00a0Preis"], True),           # Â = C3 82
    (["â€œquoted"], True),              # â = C3 A2
    (["Müller", "„dringend“", "Ärger"], False),  # real umlauts and quotes: C3 BC, E2 80 9E
    ([], False),
    ([""], False),
])
def test_could_match(values: list[str], expected: bool) -> None:
    assert could_match(pa.array(values, pa.string())) is expected


def test_could_match_never_misses_a_sliced_or_chunked_value() -> None:
    col = pa.array(["plain", "MÃ¼ller", "plain"], pa.string())
    assert could_match(col.slice(1, 1))
    assert could_match(pa.chunked_array([col.slice(0, 1), col.slice(1, 2)]))
