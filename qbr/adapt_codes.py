"""Few-valued ticket columns decided once per distinct value (SPEC §3, §7): the client
an exported company name belongs to, and the tier priority of a (priority, client) pair.
Each column is dictionary-encoded once; the answers are numbered and every row holds an
index (numpy), so the pair of two columns is one integer per row, not a second hash.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyarrow as pa

from qbr.config import Config, Source

__all__ = ["coded", "decoded", "priorities"]


def coded(col: pa.Array, resolve: Callable[[str], str | None]
          ) -> tuple[np.ndarray, list[str]]:
    """``resolve`` applied once per distinct value of ``col``: per row, the index of its
    answer among the distinct answers (-1 where None or the cell is null), and those."""
    codes = col if pa.types.is_dictionary(col.type) else col.dictionary_encode()
    answers = [resolve(v) for v in codes.dictionary.to_pylist()]
    distinct = list(dict.fromkeys(a for a in answers if a is not None))
    number = {a: i for i, a in enumerate(distinct)}
    table = np.array([-1 if a is None else number[a] for a in answers] + [-1], dtype=np.int64)
    index: np.ndarray = table[codes.indices.fill_null(len(answers))
                              .to_numpy(zero_copy_only=False)]
    return index, distinct


def decoded(index: np.ndarray, values: list[str]) -> pa.Array:
    """The strings ``values[index]`` per row, null where ``index`` is -1."""
    return pa.array(values, pa.string()).take(pa.array(index, mask=index < 0))


def priorities(config: Config, source: Source, raw: pa.Array, c_idx: np.ndarray,
               c_vals: list[str]) -> pa.Array:
    """Tier priority key per row of the exported priorities ``raw``, or null
    (unclassified) when ``values.priority`` or the client's tier lacks it (SPEC §3,
    ADVERSARIAL 38: never a default target). Decided once per distinct (priority,
    client) pair; ``c_idx``/``c_vals``: each row's client as :func:`coded` gives it."""
    mapping = source.values.get("priority")
    known = None if mapping is None else {k.strip(): v for k, v in mapping.items()}
    k_idx, k_vals = coded(raw, (lambda v: v) if known is None else known.get)
    tiers = {c: config.tiers[config.clients[c].tier].response_minutes
             for c in config.clients}
    width = len(c_vals) + 1
    code = (k_idx + 1) * width + c_idx + 1
    # Pair codes are small (priorities x clients): numbered through a table, not a sort.
    seen = np.zeros((len(k_vals) + 1) * width, dtype=bool)
    seen[code] = True
    pairs = np.flatnonzero(seen)
    number = np.zeros(seen.size, dtype=np.int64)
    number[pairs] = np.arange(pairs.size)
    inverse = number[code]
    out = []
    for pair in pairs.tolist():
        ki, ci = pair // width - 1, pair % width - 1
        key = None if ki < 0 else k_vals[ki]
        client = None if ci < 0 else c_vals[ci]
        out.append(key if key is None or client is None or key in tiers[client] else None)
    return pa.array(out, pa.string()).take(pa.array(inverse.reshape(-1)))
