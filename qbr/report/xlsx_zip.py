"""The workbook's zip at a fast deflate level (issue 7 §5).

XlsxWriter packs the sheets with :mod:`zipfile` at zlib's default level (6). At 6,000
tickets the Tickets sheet is about 5.4 MB of XML: level 6 deflates it in about 0.09 CPU
seconds, level 1 in about 0.02 s, for a file about a third larger (0.58 MB → 0.78 MB). The
workbook's render budget (≤ 2 s with the PDF) is worth more than those bytes; the content
is identical. XlsxWriter has no option for the level, so :class:`FastWorkbook` hands it a
``ZipFile`` with ``compresslevel`` set while it packs (under a lock, since the name is
swapped in XlsxWriter's module for that moment).
"""

from __future__ import annotations

import threading
import zipfile
from typing import Any

import xlsxwriter
import xlsxwriter.workbook as _xlsxwriter_workbook

ZIP_LEVEL = 1  # zlib's fastest level; 6 is zlib's default
_LOCK = threading.Lock()


class _FastZipFile(zipfile.ZipFile):
    """A ``ZipFile`` that deflates at :data:`ZIP_LEVEL` unless told otherwise."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("compresslevel", ZIP_LEVEL)
        super().__init__(*args, **kwargs)


class FastWorkbook(xlsxwriter.Workbook):  # type: ignore[misc]
    """XlsxWriter's workbook, packed at :data:`ZIP_LEVEL`."""

    def _store_workbook(self) -> None:
        with _LOCK:
            saved = _xlsxwriter_workbook.ZipFile
            _xlsxwriter_workbook.ZipFile = _FastZipFile
            try:
                super()._store_workbook()
            finally:
                _xlsxwriter_workbook.ZipFile = saved
