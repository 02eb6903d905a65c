"""The one URL fetcher every WeasyPrint ``HTML``/``CSS`` object gets (SPEC §8).

Allowed: ``data:`` URIs, and ``file:`` URLs whose resolved real path (symlinks followed)
lies inside one of the template layer folders (``--template-dir``, the MSP's brand
folder, the packaged ``report_templates/default``). Everything else — other files,
symlinks leading out, ``http(s):``, ``ftp:`` — is refused with a logged
"blocked resource" warning naming the URL. WeasyPrint then renders without it.

WeasyPrint 70 expects a :class:`weasyprint.urls.URLFetcher` (it reads private attributes
of the fetcher on errors), so this subclasses it and overrides :meth:`fetch`.
"""

from __future__ import annotations

import logging
import mimetypes
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from weasyprint.urls import URLFetcher, URLFetcherResponse

LOG = logging.getLogger("qbr.report.fetcher")

# Resources a template may legitimately use; anything else is not served even from a layer.
_MIME_TYPES = {
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
}
_MAX_BYTES = 20 * 1024 * 1024


class BlockedResource(ValueError):
    """A URL the fetcher refused; WeasyPrint logs it and renders without the resource."""


class SafeFetcher(URLFetcher):  # type: ignore[misc]  # weasyprint is untyped
    """Serves ``data:`` URIs and files inside ``roots`` only; refuses and logs the rest."""

    def __init__(self, roots: Iterable[Path], **kwargs: Any) -> None:
        super().__init__(allowed_protocols=("data",), allow_redirects=False, **kwargs)
        self.roots = tuple(Path(root).resolve() for root in roots)
        self.blocked: list[str] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        """Return the resource at ``url`` or raise :class:`BlockedResource`."""
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = self.allowed_path(url)
            if path is not None:
                return self._read(url, path)
        raise self._block(url)

    def allowed_path(self, url: str) -> Path | None:
        """The real path of a ``file:`` URL when it is a servable file inside a root."""
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            return None  # file://host/share is a UNC path, never local
        try:
            path = Path(url2pathname(unquote(parts.path))).resolve(strict=True)
        except (OSError, RuntimeError, ValueError):
            return None
        inside = any(path.is_relative_to(root) for root in self.roots)
        servable = path.suffix.lower() in _MIME_TYPES and path.is_file()
        return path if inside and servable else None

    def _read(self, url: str, path: Path) -> URLFetcherResponse:
        if path.stat().st_size > _MAX_BYTES:
            raise self._block(url)
        mime = _MIME_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0]
        headers = {"Content-Type": mime or "application/octet-stream"}
        return URLFetcherResponse(url, path.read_bytes(), headers)

    def _block(self, url: str) -> BlockedResource:
        shown = url if len(url) <= 200 else url[:200] + "…"
        LOG.warning("blocked resource: %s", shown)
        self.blocked.append(url)
        return BlockedResource(f"blocked resource: {shown}")
