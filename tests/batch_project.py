"""A small portfolio for batch tests: the mini project's calendars and tier, and clients
``c1`` … ``cN``, each with its own ticket export ``tickets_<key>.csv`` (so one client's
file can be broken without touching the others) and one P2 ticket: created Mon
2026-07-06 08:00Z (10:00 CEST), answered 08:30Z → 30 business minutes ≤ 60, met."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from mini_project import CONFIG

from qbr import api, batch, batchio
from qbr.quarters import parse_as_of

AS_OF = "2026-10-05T06:00:00Z"
_HEAD = CONFIG.split("[clients.acme]")[0]

_CLIENT = """
[clients.{key}]
name = "Client {key}"
tier = "gold"
timezone = "Europe/Berlin"
locale = "en"
fee = 1000
currency = "EUR"

[sources.tickets_{key}]
path = "tickets_{key}.csv"
kind = "tickets"
system = "psa_{key}"
date_format = "%Y-%m-%dT%H:%M:%S%z"
columns = {{ ticket_id = "Ticket", client = "Company", priority = "Priority", created_at = "Created", first_response_at = "Responded", resolved_at = "Resolved", status = "Status", title = "Title" }}
values.priority = {{ "P1" = "P1", "P2" = "P2", "P3" = "P3", "P4" = "P4" }}
values.status = {{ "Open" = "running", "Resolved" = "resolved" }}
"""

TICKETS = """Ticket,Company,Priority,Created,Responded,Resolved,Status,Title
{key}-1,Client {key},P2,2026-07-06T08:00:00Z,2026-07-06T08:30:00Z,2026-07-06T09:00:00Z,Resolved,{title}
"""


def write_portfolio(root: Path, n: int = 3) -> Path:
    """Write ``n`` clients into ``root``; returns the config path."""
    keys = [f"c{i}" for i in range(1, n + 1)]
    text = _HEAD + "".join(_CLIENT.format(key=k) for k in keys)
    for k in keys:
        write_tickets(root, k)
    path = root / "qbr.toml"
    path.write_text(text, encoding="utf-8")
    return path


def write_tickets(root: Path, key: str, title: str = "Printer jam") -> None:
    (root / f"tickets_{key}.csv").write_text(TICKETS.format(key=key, title=title),
                                             encoding="utf-8")


def fake_render(pack: Any, template_dirs: Any = (), options: Any = None) -> dict[str, bytes]:
    """A fast, deterministic stand-in for WeasyPrint and openpyxl: the bytes depend only
    on the pack's content, so equal packs give equal files."""
    digest = hashlib.sha256(repr(pack).encode()).hexdigest().encode()
    return {".pdf": b"%PDF-1.7 fake " + digest, ".xlsx": b"PK fake " + digest}


def use_fake_render(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches in tests render with :func:`fake_render` and retry a busy file at once."""
    monkeypatch.setattr(batch, "render_documents", fake_render)
    monkeypatch.setattr(batchio, "REPLACE_DELAYS", (0.0, 0.0))


def go(config: Path, out: Path, jobs: int = 1, **kw: Any) -> batch.BatchRun:
    """``qbr batch`` for 2026Q3 at :data:`AS_OF` on ``config`` into ``out``."""
    return batch.run_batch(api.load(config), "2026Q3", out, as_of=parse_as_of(AS_OF),
                           jobs=jobs, **kw)
