"""The shortcuts of the ingest fast path give exactly what the plain computation gives."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
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


@pytest.mark.parametrize("unit", [1, 1_000, 1_000_000_000, 60_000_000_000])
@pytest.mark.parametrize("seed", range(3))
def test_sorted_by_packed_key_is_lexsort(unit: int, seed: int) -> None:
    # The packed key counts instants in their coarsest exact unit: ns, µs, s or minutes,
    # with an offset (a negative instant: before 1970) and ties kept in file order.
    rng = np.random.default_rng(seed)
    n = 500
    rank = rng.integers(0, 50, n)
    at = (rng.integers(-20, 20, n) * unit + 7 * unit).astype(np.int64)
    assert np.array_equal(_sorted_by(rank, at), np.lexsort((at, rank)))


def test_sorted_by_falls_back_when_the_key_overflows() -> None:
    # 2**40 ranks times a span of 2**30 ns does not fit one int64: the two-pass sort.
    rank = np.array([2**40, 0, 2**40, 0], dtype=np.int64)
    at = np.array([2**30 + 1, 5, 0, 2**30 + 1], dtype=np.int64)
    assert _sorted_by(rank, at).tolist() == [1, 3, 2, 0]


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
    (["T-1000123", "2025-07-01T10:00:00Z"], False),  # ASCII only: no byte reaches C3
    (["\u00bfqu\u00e9?"], False),         # ¿ (C2 BF), é (C3 A9): a C3 lead, no match
    ([], False),
    ([""], False),
])
def test_could_match(values: list[str], expected: bool) -> None:
    assert could_match(pa.array(values, pa.string())) is expected


def test_could_match_never_misses_a_sliced_or_chunked_value() -> None:
    col = pa.array(["plain", "MÃ¼ller", "plain"], pa.string())
    assert could_match(col.slice(1, 1))
    assert could_match(pa.chunked_array([col.slice(0, 1), col.slice(1, 2)]))


@pytest.mark.parametrize("ids", [
    ["T-10", "T-9", "T-100", "T-1", "T-99"],                 # variable widths, prefixes
    ["INC0012345", "INC0012344", "INC0000001"],              # 10 bytes: two words
    ["Ä-1", "A-1", "Z-1", "a-1", "é"],                       # non-ASCII bytes sort high
    ["x" * 17, "x" * 16, "y"],                               # over 16 bytes: Arrow
    ["a\x00b", "a", "a\x00"],                                # NUL: Arrow
])
def test_key_order_is_arrow_sort(ids: list[str]) -> None:
    from qbr.linking import _key_order

    systems = ["psa", "b", "psa", "b", "psa"][: len(ids)]
    keys = pa.table({"system": pa.array(systems, pa.string()),
                     "ticket_id": pa.array(ids, pa.string())})
    expected = pc.sort_indices(keys, sort_keys=[("system", "ascending"),
                                                ("ticket_id", "ascending")])
    assert _key_order(keys).tolist() == expected.to_pylist()


@pytest.mark.parametrize(("values", "known"), [
    (["T-2", "T-10", "X", "T-1", "T-10"], ["T-1", "T-10", "T-2"]),     # misses: null
    (["INC0012345", "INC0012344", ""], ["INC0012344", "INC0012345"]),  # two words, blank
    (["a" * 20, "b"], ["b", "a" * 20]),                                # long: Arrow
    (["Ä-1", "A-1"], ["A-1", "Ä-1"]),                                  # non-ASCII bytes
])
def test_index_in_is_arrow_index_in(values: list[str], known: list[str]) -> None:
    from qbr.linking import _index_in

    got = _index_in(pa.array(values, pa.string()), pa.array(known, pa.string()))
    expected = pc.index_in(pa.array(values, pa.string()), value_set=pa.array(known))
    assert got.to_pylist() == expected.to_pylist()


def test_index_in_survives_a_hash_collision(monkeypatch: pytest.MonkeyPatch) -> None:
    # Every value mixed to the same integer: the word check catches it and Arrow decides.
    import qbr.linking as linking

    monkeypatch.setattr(linking, "_mixed", lambda words: np.zeros(len(words[0]), np.uint64))
    values, known = pa.array(["b", "c"]), pa.array(["a", "b"])
    assert linking._index_in(values, known).to_pylist() == [1, None]
    monkeypatch.setattr(linking, "_mixed",
                        lambda words: np.arange(len(words[0]), dtype=np.uint64))
    # Distinct but wrong integers: "c" (position 1) would pair with "b" unless checked.
    assert linking._index_in(values, known).to_pylist() == [1, None]
