"""Links from data (ADVERSARIAL 4): only ``https://`` URLs on an allowed host become links.

The allowed hosts are ``msp.psa_url_host`` (the MSP's PSA, e.g. ``psa.example.de``).
Everything else — ``javascript:``, ``file:``, UNC paths (``\\\\host\\share``), ``http:``,
other hosts, user-info tricks (``https://psa.example.de@evil.example/``) — is refused: the
value is shown as plain text and a warning names where it came from.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from urllib.parse import urlsplit

LOG = logging.getLogger("qbr.report")


def safe_link(url: str | None, hosts: Sequence[str], where: str) -> str | None:
    """``url`` if it may become a clickable link, else None (with a warning naming
    ``where``, e.g. ``psa_tickets.csv row 12 column URL``)."""
    if not url:
        return None
    text = url.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        parts, port = None, None
    ok = (parts is not None and parts.scheme == "https" and not parts.username
          and not parts.password and "\\" not in text
          and not any(ch.isspace() or ord(ch) < 32 for ch in text)
          and _host(parts.hostname, port) in {h.lower() for h in hosts})
    if ok:
        return text
    LOG.warning("%s: link %r is not https on an allowed host (msp.psa_url_host); shown as "
                "text", where, text[:200])
    return None


def _host(hostname: str | None, port: int | None) -> str:
    host = (hostname or "").lower()
    return f"{host}:{port}" if port is not None else host
