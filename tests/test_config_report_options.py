"""Config keys of the client's deck (issue 7): msp.notes, msp.paper, msp.psa_url_host,
tiers.X.label, clients.X.account_manager, clients.X.next_review, monitors' label."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from helpers_config import client, config_dict, tier

from qbr.config import parse_config
from qbr.errors import ConfigError
from qbr.packbuilder import paper_for, read_notes


def _parse(tmp_path: Path, msp: dict[str, Any] | None = None, **client_keys: Any) -> Any:
    doc = config_dict({}, clients={"acme": client("ACME GmbH", **client_keys)},
                      tiers={"gold": tier(label="Gold Plus")})
    doc["msp"].update(msp or {})
    return parse_config(doc, tmp_path)


def test_report_options_are_read(tmp_path: Path) -> None:
    cfg = _parse(tmp_path, {"notes": "notes", "paper": "Letter",
                            "psa_url_host": "PSA.example.de"},
                 account_manager={"name": "K. Brandl", "email": "k@example.de"},
                 next_review=date(2027, 1, 21),
                 monitors=[{"monitor": "fw", "critical": True, "label": "Firewall"}])
    assert cfg.notes == (tmp_path / "notes").resolve()
    assert cfg.paper == "Letter" and cfg.psa_url_host == "psa.example.de"
    assert cfg.tiers["gold"].label == "Gold Plus"
    acme = cfg.clients["acme"]
    assert acme.account_manager.name == "K. Brandl" and acme.account_manager.phone is None
    assert acme.next_review == date(2027, 1, 21)
    assert acme.monitors[0].label == "Firewall"


@pytest.mark.parametrize(("msp", "keys", "message"), [
    ({"paper": "A3"}, {}, "msp.paper: expected 'A4' or 'Letter'"),
    ({"psa_url_host": "https://psa.example.de/"}, {}, "msp.psa_url_host: expected a host"),
    ({}, {"account_manager": {"name": "X", "email": "not-an-address"}},
     "clients.acme.account_manager.email: expected an e-mail address"),
    ({}, {"account_manager": {"email": "x@example.de"}}, "clients.acme.account_manager.name"),
    ({}, {"next_review": "21.01.2027"}, "clients.acme.next_review: expected a date"),
])
def test_bad_report_options_name_the_key(tmp_path: Path, msp: dict[str, Any],
                                         keys: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace(".", r"\.").replace("(", r"\(")):
        _parse(tmp_path, msp, **keys)


def test_paper_follows_the_locale_unless_configured() -> None:
    assert paper_for(None, "en_US") == "Letter" and paper_for(None, "en_CA") == "Letter"
    assert paper_for(None, "en_GB") == "A4" and paper_for(None, "de_DE") == "A4"
    assert paper_for("A4", "en_US") == "A4"


def test_notes_are_read_only_from_the_client_folder(tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    (folder / "acme").mkdir(parents=True)
    (folder / "acme" / "2026Q3.md").write_text("## Highlights\n- ok\n", encoding="utf-8")
    assert read_notes(folder, "acme", "2026Q3") == "## Highlights\n- ok\n"
    assert read_notes(folder, "acme", "2026Q2") is None
    assert read_notes(None, "acme", "2026Q3") is None
    (tmp_path / "secret.md").write_text("secret", encoding="utf-8")
    (folder / "acme" / "2026Q4.md").symlink_to(tmp_path / "secret.md")
    assert read_notes(folder, "acme", "2026Q4") is None  # a link leading outside
