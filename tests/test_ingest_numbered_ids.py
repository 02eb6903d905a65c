"""Numbered ticket ids (qbr.numbered_ids.index_numbered): a lookup table by number must give
exactly Arrow's ``index_in``, and step aside whenever the ids are not so."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from qbr import linking, numbered_ids


@pytest.mark.parametrize(("values", "known"), [
    # Same width, fixed prefix: the table path answers.
    (["T-1002", "T-1000", "T-1009", "T-1001", "T-1002"], ["T-1001", "T-1002", "T-1000"]),
    # Other widths, other prefixes, letters where digits vary, blanks: never found.
    (["T-100", "T-10000", "X-1001", "T-10a1", "", "t-1001", "T-1001"], ["T-1001", "T-1002"]),
    # A fixed infix between digits (positions vary only where digits are).
    (["1-A-2", "2-A-1", "1-B-2", "2-A-2"], ["1-A-1", "2-A-2", "1-A-2"]),
    # Leading zeros are bytes: "INC0012345" and "INC0012344" differ in one position.
    (["INC0012345", "INC0012344", "INC12345"], ["INC0012344", "INC0012345"]),
])
def test_numbered_ids_are_arrow_index_in(values: list[str], known: list[str]) -> None:
    got = numbered_ids.index_numbered(pa.array(values, pa.string()), pa.array(known, pa.string()))
    assert got is not None  # these ids are numbered: the table path is the one tested
    expected = pc.index_in(pa.array(values, pa.string()), value_set=pa.array(known))
    assert got.to_pylist() == expected.to_pylist()


def test_a_null_value_is_never_found() -> None:
    got = numbered_ids.index_numbered(pa.array(["T-1", None, "T-2"], pa.string()),
                                  pa.array(["T-2", "T-1"], pa.string()))
    assert got is not None and got.to_pylist() == [1, None, 0]


@pytest.mark.parametrize("known", [
    ["T-1", "T-22"],                  # two widths
    ["A-1", "B-1"],                   # a letter varies
    ["T-1", "T-1"],                   # repeated: Arrow's first place decides
    ["T-0000000001", "T-9999999999"],  # sparse: two ids ten billion apart
    ["1" * 19, "2" * 19],             # past 18 digits
    [],
])
def test_ids_that_are_not_numbered_take_the_general_path(known: list[str]) -> None:
    values = pa.array(["T-1", "T-22", "A-1", "1" * 19], pa.string())
    assert numbered_ids.index_numbered(values, pa.array(known, pa.string())) is None
    expected = pc.index_in(values, value_set=pa.array(known, pa.string()))
    assert linking._index_in(values, pa.array(known, pa.string())).to_pylist() == \
        expected.to_pylist()


def test_a_sliced_array_is_read_at_its_offset() -> None:
    values = pa.array(["x", "T-5", "T-7", "T-6"], pa.string()).slice(1)
    known = pa.array(["T-9", "T-6", "T-5", "T-7"], pa.string()).slice(1)
    got = numbered_ids.index_numbered(values, known)
    assert got is not None and got.to_pylist() == [1, 2, 0]


class _Rows:
    """Stands in for :class:`qbr.dataset.SourceRows` (only its valid rows are read)."""

    def __init__(self, frame: object) -> None:
        self.frame = self.valid_frame = frame


@pytest.mark.parametrize("ids", [
    (["T-1", "T-2", "T-1", "T-3"], ["T-3", "T-4"]),  # numbered: codes from numbers
    (["T-1", "T-22", "T-1"], ["T-22", "X"]),          # not numbered: Arrow's hash
])
def test_repeated_keys_count_across_sources_and_systems(
        ids: tuple[list[str], list[str]], monkeypatch: pytest.MonkeyPatch) -> None:
    import pandas as pd

    first, second = ids
    frames = [pd.DataFrame({"ticket_id": first, "system": ["a"] * len(first)}),
              pd.DataFrame({"ticket_id": second, "system": ["a"] * (len(second) - 1) + ["b"]})]
    got = [m.tolist() for m in linking._repeated_keys([_Rows(f) for f in frames])]  # type: ignore[misc]
    monkeypatch.setattr(numbered_ids, "_scheme", lambda _text: None)
    general = [m.tolist() for m in linking._repeated_keys([_Rows(f) for f in frames])]  # type: ignore[misc]
    assert got == general
    if first[1] == "T-2":
        # T-1 twice in source one; T-3 in both (system a); T-4 alone in system b.
        assert got == [[True, False, True, True], [True, False]]
    else:
        # T-22 of system a twice; "X" is system b's only id.
        assert got == [[True, True, True], [True, False]]
