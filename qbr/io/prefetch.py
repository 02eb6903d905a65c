"""Date columns parsed side by side (SPEC §7): a ticket export has five, each parsed
column-wise with Arrow kernels that release the GIL, so two threads parse them in about
half the time. The verdicts (which row is rejected for which column, in the adapter's
order) are still given one column after another by :mod:`qbr.adapt_columns`; only the
parsing, which depends on nothing but the column, is done ahead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from zoneinfo import ZoneInfo

import pyarrow as pa

from qbr.io.dates import Instants
from qbr.io.serial import parse_dates
from qbr.io.table import Cell, RawTable

__all__ = ["PARALLEL_ROWS", "Parsed", "parse_ahead"]

#: Rows from which the date columns are parsed on two threads (below: not worth a pool).
PARALLEL_ROWS = 50_000

#: :func:`qbr.io.serial.parse_dates`'s answer: instants, and rejected serials' messages.
Parsed = tuple[Instants, dict[int, str]]


def parse_ahead(table: RawTable, texts: Mapping[str, pa.Array], names: Sequence[str],
                formats: Sequence[str], zone: ZoneInfo, system: str | None
                ) -> dict[str, Parsed]:
    """Each of ``names`` (fields present in ``texts``) parsed as
    :func:`qbr.io.serial.parse_dates` parses it, two columns at a time; ``{}`` when
    fewer than two columns or rows below :data:`PARALLEL_ROWS` (then each column is
    parsed where it is used). An error is raised for the first column in ``names``
    order that fails, as parsing them one after another would."""
    present = [n for n in names if n in texts]
    if len(present) < 2 or len(table) < PARALLEL_ROWS:
        return {}

    def parse(name: str) -> Parsed:
        typed: Mapping[int, Cell] | None = table.typed.get(table.index.get(name, -1))
        return parse_dates(texts[name], formats, zone, typed, system)

    with ThreadPoolExecutor(2) as pool:
        futures = [pool.submit(parse, name) for name in present]
    return {name: future.result() for name, future in zip(present, futures, strict=True)}
