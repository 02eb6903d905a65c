"""Plain builders for small, valid configs (not fixtures, so any test can import them).

``make_config(tmp_path, sources={...})`` gives a parsed :class:`qbr.config.Config` with
two clients (``acme`` = "ACME GmbH", alias "ACME Germany"; ``globex`` = "Globex Corp"),
one tier ``gold`` with priorities P1–P4 on a 24x7 calendar, and the given sources.
Paths in sources are relative to ``tmp_path``; write the files with :func:`write`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qbr.config import Config, parse_config

TICKET_COLUMNS = {
    "ticket_id": "Ticket",
    "client": "Company",
    "priority": "Priority",
    "created_at": "Created",
}


def tier(**overrides: Any) -> dict[str, Any]:
    """Tier ``gold``: P1–P4 targets in business minutes, 24x7, 95 % objective."""
    return {
        "response_minutes": {"P1": 15, "P2": 60, "P3": 240, "P4": 480},
        "resolution_minutes": {"P1": 240, "P2": 480, "P3": 1440, "P4": 2880},
        "calendar": "24x7",
        "objective_pct": 95,
        "uptime_guarantee_pct": 99.9,
        **overrides,
    }


def client(name: str, **overrides: Any) -> dict[str, Any]:
    """A client on tier ``gold`` in Europe/Berlin, 1000 EUR a quarter."""
    return {"name": name, "tier": "gold", "timezone": "Europe/Berlin", "fee": 1000,
            "currency": "EUR", **overrides}


def default_clients() -> dict[str, Any]:
    return {
        "acme": client("ACME GmbH", aliases=["ACME Germany"], monitors=[
            {"monitor": "fw-01", "critical": True, "aliases": ["Firewall 01"]},
            {"monitor": "mail", "critical": False},
        ]),
        "globex": client("Globex Corp"),
    }


def source(path: str, kind: str = "tickets", columns: dict[str, str] | None = None,
           **overrides: Any) -> dict[str, Any]:
    """A source in Europe/Berlin with ``%Y-%m-%d %H:%M`` dates; tickets columns by default."""
    return {"path": path, "kind": kind, "timezone": "Europe/Berlin",
            "date_format": "%Y-%m-%d %H:%M", "columns": columns or dict(TICKET_COLUMNS),
            **overrides}


def config_dict(sources: dict[str, Any], clients: dict[str, Any] | None = None,
                tiers: dict[str, Any] | None = None) -> dict[str, Any]:
    """The TOML document as a dict: MSP, one 24x7 calendar, tiers, clients, sources."""
    return {
        "msp": {"name": "Test MSP"},
        "calendars": {"24x7": {"type": "24x7"}},
        "tiers": tiers or {"gold": tier()},
        "clients": clients or default_clients(),
        "sources": sources,
    }


def make_config(tmp_path: Path, sources: dict[str, Any],
                clients: dict[str, Any] | None = None,
                tiers: dict[str, Any] | None = None) -> Config:
    """Parse a minimal valid config whose relative paths are read against ``tmp_path``."""
    return parse_config(config_dict(sources, clients, tiers), tmp_path)


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``tmp_path/name`` (creating folders) with ``encoding``; no newline
    translation, so ``\\r\\n`` stays as written."""
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


# The head of a config written as TOML text, for tests that go through ``qbr`` commands
# reading a qbr.toml: an MSP, a 24x7 calendar ``always`` and tier ``gold`` (P1 only, in
# business minutes); ``tier_extra`` adds lines to the tier. Clients follow with
# :func:`toml_client`.
TOML_HEAD = """
[msp]
name = "Test MSP"
timezone = "Europe/Berlin"
[calendars.always]
type = "24x7"
[tiers.gold]
response_minutes = {{ P1 = 15 }}
resolution_minutes = {{ P1 = 240 }}
calendar = "always"
objective_pct = 95
{tier_extra}"""


def toml_head(tier_extra: str = "") -> str:
    """:data:`TOML_HEAD` with ``tier_extra`` (TOML lines) added to tier ``gold``."""
    return TOML_HEAD.format(tier_extra=tier_extra)


def toml_client(key: str, name: str, extra: str = "") -> str:
    """A ``[clients.KEY]`` table on tier ``gold`` in Europe/Berlin, plus ``extra`` lines."""
    return (f'[clients.{key}]\nname = "{name}"\ntier = "gold"\n'
            f'timezone = "Europe/Berlin"\n{extra}')

