"""Date columns parsed side by side (SPEC §7): a ticket export has five, each parsed
column-wise with Arrow kernels that release the GIL, so two threads parse them in about
half the time. The verdicts (which row is rejected for which column, in the adapter's
order) are still given one column after another by :mod:`qbr.adapt_columns`; only the
parsing, which depends on nothing but the column, is done ahead, while the adapter's own
thread maps the other columns (clients, priorities, statuses).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from zoneinfo import ZoneInfo

import pyarrow as pa

from qbr.io.dates import Instants
from qbr.io.serial import parse_dates
from qbr.io.table import Cell, RawTable

__all__ = ["PARALLEL_ROWS", "Ahead", "Parsed", "parse_ahead"]

#: Rows from which the date columns are parsed on two threads (below: not worth a pool).
PARALLEL_ROWS = 50_000

#: :func:`qbr.io.serial.parse_dates`'s answer: instants, and rejected serials' messages.
Parsed = tuple[Instants, dict[int, str]]


class Ahead:
    """Date columns being parsed on two threads: ``pop(name)`` waits for one column's
    answer (raising its error, if any), so the caller keeps working while they parse and
    takes the verdicts one column after another. ``close()`` ends the pool (a column not
    asked for is cancelled or waited for); it is also a context manager."""

    def __init__(self, pool: ThreadPoolExecutor | None = None,
                 futures: Mapping[str, Future[Parsed]] | None = None) -> None:
        self._pool, self._futures = pool, dict(futures or {})

    def __contains__(self, name: object) -> bool:
        return name in self._futures

    def __len__(self) -> int:
        return len(self._futures)

    def pop(self, name: str) -> Parsed:
        return self._futures.pop(name).result()

    def close(self) -> None:
        for future in self._futures.values():
            future.cancel()
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None

    def __enter__(self) -> Ahead:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def parse_ahead(table: RawTable, texts: Mapping[str, pa.Array], names: Sequence[str],
                formats: Sequence[str], zone: ZoneInfo, system: str | None) -> Ahead:
    """Each of ``names`` (fields present in ``texts``) parsed as
    :func:`qbr.io.serial.parse_dates` parses it, two columns at a time, started at once
    and returned as they finish (:class:`Ahead`); empty when fewer than two columns or
    rows below :data:`PARALLEL_ROWS` (then each column is parsed where it is used).
    Asked for in ``names`` order, the first column that fails raises its error, as
    parsing them one after another would."""
    present = [n for n in names if n in texts]
    if len(present) < 2 or len(table) < PARALLEL_ROWS:
        return Ahead()

    def parse(name: str) -> Parsed:
        typed: Mapping[int, Cell] | None = table.typed.get(table.index.get(name, -1))
        return parse_dates(texts[name], formats, zone, typed, system)

    pool = ThreadPoolExecutor(2)
    return Ahead(pool, {name: pool.submit(parse, name) for name in present})
