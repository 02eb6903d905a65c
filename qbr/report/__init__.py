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
from qbr.report.xlsx import internal_workbook_bytes, workbook_bytes

__all__ = [
    "RenderedHtml",
    "SafeFetcher",
    "html_to_pdf",
    "internal_workbook_bytes",
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


def render_pack(pack: Pack, out_dir: Path, template_dirs: Iterable[Path] = (), *,
                internal: bool = False, pdf_variant: str | None = None) -> tuple[Path, ...]:
    """Render ``pack`` to ``out_dir/<client_key>_<quarter>.pdf`` and ``.xlsx``.

    Both documents are built in memory first, so a failure in either leaves the previous
    files untouched. ``template_dirs`` are ``--template-dir`` layers, highest priority
    first. With ``internal``, the MSP-only appendix is written as separate files
    ``<stem>_internal.pdf`` / ``.xlsx`` (issue 7 §2), never into the client's files.
    Without ``internal``, such files left by an earlier run are removed. Returns the
    paths written, the client's PDF and XLSX first."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = output_stem(pack.client_key, pack.quarter)
    fmt = formatters_for(pack)
    pdf = html_to_pdf(render_html(pack, template_dirs), pdf_variant)
    xlsx = workbook_bytes(pack, fmt)
    outputs = [(out_dir / f"{stem}.pdf", pdf), (out_dir / f"{stem}.xlsx", xlsx)]
    if internal:
        outputs.append((out_dir / f"{stem}_internal.pdf",
                        html_to_pdf(render_html(pack, template_dirs, internal=True))))
        outputs.append((out_dir / f"{stem}_internal.xlsx", internal_workbook_bytes(pack, fmt)))
    for path, data in outputs:
        write_atomic(path, data)
    if not internal:  # never leave an earlier run's MSP-only files next to this pack
        from qbr.batchio import remove_stale_internal

        remove_stale_internal(out_dir, stem, {})
    return tuple(path for path, _data in outputs)
