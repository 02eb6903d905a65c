"""Mojibake detection (ADVERSARIAL 19): UTF-8 text that was decoded as cp1252/latin-1
somewhere upstream (``MÃ¼ller`` for ``Müller``). The value is kept as read (it may be a
real name), and each affected cell is reported with file, row, column and the likely
original, with a hint to check the export's encoding.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from qbr.io.table import RawTable

#: "Ã" or "Â" followed by a Latin-1 continuation character, or "â€" (UTF-8 of “”–€ read as
#: cp1252): sequences that almost never occur in real text.
PATTERN = "Ã[\u0080-\u00bf]|Â[\u00a0-\u00bf]|â€"
#: Cells reported one by one per column; the rest are counted in one line.
SHOWN = 20


def repaired(text: str) -> str | None:
    """The text re-read as UTF-8 from its cp1252 (else latin-1) bytes, if that works."""
    for codec in ("cp1252", "latin-1"):
        try:
            return text.encode(codec).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
    return None


#: The UTF-8 lead pair of every match of PATTERN: "Ã" (C3 83), "Â" (C3 82), "â" (C3 A2).
_LEADS = (0x83, 0x82, 0xA2)


def could_match(col: pa.Array) -> bool:
    """False when no value of ``col`` can match :data:`PATTERN`: its data buffer holds none
    of the UTF-8 sequences for "Ã", "Â" or "â". One byte scan instead of a regex over
    every value (most exports hold none of them); a True only means "run the regex"."""
    if isinstance(col, pa.ChunkedArray):
        return any(could_match(chunk) for chunk in col.chunks)
    if not pa.types.is_string(col.type) and not pa.types.is_large_string(col.type):
        return True
    data = col.buffers()[2]
    if data is None or data.size < 2:
        return False
    raw = np.frombuffer(data, dtype=np.uint8)
    if int(raw.max()) < 0xC3:  # one vectorised pass: ids, dates and codes are ASCII
        return False
    # Scanning the whole buffer (a sliced array's neighbours too) can only add a hit.
    leads = np.flatnonzero(raw[:-1] == 0xC3)
    return bool(np.isin(raw[leads + 1], _LEADS).any())


def find(table: RawTable) -> list[tuple[int, str, str]]:
    """(row, column label, message) for mojibake in the mapped columns of ``table``."""
    out: list[tuple[int, str, str]] = []
    if table.no_mojibake:  # the CSV reader's scan of the whole file found no lead pair
        return out
    for name in sorted(table.index, key=lambda n: table.index[n]):
        if not could_match(table.column(table.index[name])):
            continue
        col = table.text(name)
        hits = np.flatnonzero(pc.match_substring_regex(col, PATTERN)
                              .to_numpy(zero_copy_only=False))
        if hits.size == 0:
            continue
        label = table.label(name)
        for pos in hits[:SHOWN].tolist():
            text = col[pos].as_py()
            fixed = repaired(text)
            guess = f" (probably {fixed!r})" if fixed and fixed != text else ""
            out.append((int(table.numbers[pos]), label,
                        f"{text!r} looks like mojibake{guess}: UTF-8 text read as "
                        f"cp1252/latin-1; check the source's encoding (or the system that "
                        f"produced the export)"))
        if hits.size > SHOWN:
            out.append((int(table.numbers[hits[SHOWN]]), label,
                        f"… and {hits.size - SHOWN} more cells in this column that look "
                        f"like mojibake"))
    return out
