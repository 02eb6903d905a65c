"""Mojibake detection (ADVERSARIAL 19): UTF-8 text that was decoded as cp1252/latin-1
somewhere upstream (``MÃ¼ller`` for ``Müller``). The value is kept as read (it may be a
real name), and each affected cell is reported with file, row, column and the likely
original, with a hint to check the export's encoding.
"""

from __future__ import annotations

import numpy as np
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


def find(table: RawTable) -> list[tuple[int, str, str]]:
    """(row, column label, message) for mojibake in the mapped columns of ``table``."""
    out: list[tuple[int, str, str]] = []
    for name in sorted(table.index, key=lambda n: table.index[n]):
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
