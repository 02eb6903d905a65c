"""Uptime Kuma's SQLite database (``kuma.db``) as a state-change log (README "Uptime logs").

Uptime Kuma has no CSV export; its ``heartbeat`` table holds every check (``monitor_id``,
``status`` 0 down / 1 up / 2 pending / 3 maintenance, ``time`` UTC text) and the
``monitor`` table its names. The database is opened **read-only** (``mode=ro`` URI), so
qbr never changes or locks a live monitor's data for writing. The result is the same text
frame the CSV readers produce, with the header names ``name``, ``time``, ``status``,
``msg`` (what the ``uptime-kuma`` preset maps), and ``row`` = the heartbeat ``id``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from qbr.errors import InputError

SQLITE_SUFFIXES = (".db", ".sqlite", ".sqlite3")
_QUERY = ("SELECT h.id AS row, m.name AS name, h.time AS time, CAST(h.status AS TEXT) AS "
          "status, COALESCE(h.msg, '') AS msg FROM heartbeat h JOIN monitor m "
          "ON m.id = h.monitor_id ORDER BY h.time, h.id")


def is_sqlite(path: Path) -> bool:
    """A SQLite file by suffix (the header bytes are checked on open)."""
    return path.suffix.lower() in SQLITE_SUFFIXES


def read_kuma(path: Path, file: str, columns: Mapping[str, str]) -> pd.DataFrame:
    """The heartbeats as a text frame: one column per canonical field of ``columns``
    (canonical field → one of ``name``, ``time``, ``status``, ``msg``) plus ``row``."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    try:
        with sqlite3.connect(uri, uri=True) as db:
            raw = pd.read_sql_query(_QUERY, db)
    except sqlite3.DatabaseError as exc:
        raise InputError(file, f"not an Uptime Kuma database ({exc}); expected the "
                               "'heartbeat' and 'monitor' tables of kuma.db") from None
    frame = pd.DataFrame({"row": raw["row"].astype(int)})
    for canonical, column in columns.items():
        if column not in raw:
            raise InputError(file, f"unknown column {column!r} (the Kuma reader gives "
                                   "name, time, status, msg)", column=column)
        frame[canonical] = raw[column].fillna("").astype(str).str.strip()
    return frame
