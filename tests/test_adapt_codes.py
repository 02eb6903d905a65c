"""Few-valued columns decided once per distinct value (qbr.adapt_codes)."""

from __future__ import annotations

import pyarrow as pa

from qbr.adapt_codes import coded, decoded


def test_coded_numbers_distinct_answers_and_marks_none() -> None:
    names = pa.array(["Acme", "ACME GmbH", "Other", None, "Acme", ""], pa.string())
    seen: list[str] = []

    def resolve(name: str) -> str | None:
        seen.append(name)
        return {"Acme": "acme", "ACME GmbH": "acme"}.get(name)

    index, keys = coded(names, resolve)
    # Two names map to one key "acme" (index 0); "Other", "" and the null have none.
    assert keys == ["acme"]
    assert index.tolist() == [0, 0, -1, -1, 0, -1]
    assert sorted(seen) == ["", "ACME GmbH", "Acme", "Other"]  # once per distinct value
    assert decoded(index, keys).to_pylist() == ["acme", "acme", None, None, "acme", None]
