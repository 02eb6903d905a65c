"""The one report pyarrow's CSV reader makes through ``sys.unraisablehook`` that the
column-wise reader (:mod:`qbr.io.fastcsv`) silences, installed once while any reader
needs it (two sources may be read on two threads, :func:`qbr.ingest.load_dataset`).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["quiet_undecodable_rows"]

_HOOK_LOCK = threading.Lock()
_HOOK_USERS = [0]  # readers inside quiet_undecodable_rows (two sources read at once)
_HOOK_PREVIOUS: list[Any] = [None]
_HANDLER: list[object] = [None]


def _quiet_hook(unraisable: Any) -> None:
    if unraisable.object is _HANDLER[0] and isinstance(unraisable.exc_value, UnicodeDecodeError):
        return
    _HOOK_PREVIOUS[0](unraisable)


@contextmanager
def quiet_undecodable_rows(handler: Callable[[object], str]) -> Iterator[None]:
    """pyarrow decodes a ragged record as UTF-8 before it calls ``handler`` (the reader's
    invalid-row handler, one function for every reader); invalid bytes make that decode
    fail, pyarrow reports it through ``sys.unraisablehook`` (an
    "Exception ignored" traceback on stderr) and then fails the read, which sends the file
    to the strict decoder that names row and byte. Only that one report is silenced.
    Installed once while any reader needs it (:func:`qbr.ingest.load_dataset` reads two
    sources on two threads): the first reader in installs, the last one out restores."""
    with _HOOK_LOCK:
        if _HOOK_USERS[0] == 0:
            _HOOK_PREVIOUS[0] = sys.unraisablehook
            _HANDLER[0] = handler
            sys.unraisablehook = _quiet_hook
        _HOOK_USERS[0] += 1
    try:
        yield
    finally:
        with _HOOK_LOCK:
            _HOOK_USERS[0] -= 1
            if _HOOK_USERS[0] == 0:
                sys.unraisablehook = _HOOK_PREVIOUS[0]
                _HOOK_PREVIOUS[0] = None
