"""Report layer: one :class:`~qbr.pack.Pack` → a PDF deck and an XLSX workbook.

Renderers read only the pack (STYLE: compute → one structure → one renderer per
output), so the PDF and the workbook cannot disagree. Public API:

* :func:`render_pack` — write ``<client_key>_<quarter>.pdf`` and ``.xlsx`` atomically;
* :func:`render_html` / :func:`html_to_pdf` — the two PDF steps, for tests and previews;
* :func:`workbook_bytes` — the workbook alone;
* :class:`SafeFetcher` — the only WeasyPrint URL fetcher (SPEC §8).
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

from qbr.pack import Pack
from qbr.report.fetcher import SafeFetcher
from qbr.report.pdf import RenderedHtml, formatters_for, html_to_pdf, render_html
from qbr.report.xlsx import workbook_bytes

__all__ = [
    "RenderedHtml",
    "SafeFetcher",
    "html_to_pdf",
    "output_stem",
    "render_html",
    "render_pack",
    "workbook_bytes",
    "write_atomic",
]

_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def output_stem(client_key: str, quarter: str) -> str:
    """``acme_2026Q3``: from the config key and the quarter only, never from data
    (SPEC §8). Refuses anything that is not a plain file-name token."""
    for part in (client_key, quarter):
        if not _SAFE_NAME.match(part) or ".." in part:
            raise ValueError(f"not a safe file-name part: {part!r}")
    return f"{client_key}_{quarter}"


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temp file in the same folder, fsync, then
    ``os.replace``: readers see the old file or the new one, never a torn one."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp creates 0600; a pack is an ordinary document, so honour the umask.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def render_pack(pack: Pack, out_dir: Path, template_dirs: Iterable[Path] = ()) -> tuple[Path, Path]:
    """Render ``pack`` to ``out_dir/<client_key>_<quarter>.pdf`` and ``.xlsx``.

    Both documents are built in memory first, so a failure in either leaves the previous
    files untouched. ``template_dirs`` are ``--template-dir`` layers, highest priority
    first. Returns ``(pdf_path, xlsx_path)``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = output_stem(pack.client_key, pack.quarter)
    pdf = html_to_pdf(render_html(pack, template_dirs))
    xlsx = workbook_bytes(pack, formatters_for(pack))
    pdf_path, xlsx_path = out_dir / f"{stem}.pdf", out_dir / f"{stem}.xlsx"
    write_atomic(pdf_path, pdf)
    write_atomic(xlsx_path, xlsx)
    return pdf_path, xlsx_path
