"""Config errors name the file and the dotted key, in one line (SPEC, issue 2 §4)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from mini_project import CONFIG

from qbr.config import load_config, normalise_name, parse_config
from qbr.errors import ConfigError


def base() -> dict[str, Any]:
    return tomllib.loads(CONFIG)


def error_for(tmp_path: Path, mutate: Any) -> str:
    data = base()
    mutate(data)
    with pytest.raises(ConfigError) as exc:
        parse_config(data, tmp_path, "qbr.toml")
    message = str(exc.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize(("mutate", "expected"), [
    (lambda d: d["tiers"]["gold"]["response_minutes"].update(P1=-5),
     "qbr.toml: tiers.gold.response_minutes.P1: expected a positive number, got -5"),
    (lambda d: d["clients"]["acme"].update(tier="platinum"),
     "qbr.toml: clients.acme.tier: unknown tier 'platinum' (have gold)"),
    (lambda d: d["clients"]["acme"].update(timezone="Mars/Olympus"),
     "qbr.toml: clients.acme.timezone: unknown time zone 'Mars/Olympus' (use an IANA name "
     "such as 'Europe/Berlin')"),
    (lambda d: d["calendars"]["office"]["hours"].update(mon=["17:00-08:00"]),
     "qbr.toml: calendars.office.hours.mon[0]: range ends before it starts or crosses "
     "midnight: '17:00-08:00' (split it at 24:00)"),
    (lambda d: d["msp"].update(primary_color="red; background:url(http://x)"),
     "qbr.toml: msp.primary_color: must match #RRGGBB"),
    (lambda d: d["sources"]["tickets"]["values"]["status"].update(Foo="paused"),
     "qbr.toml: sources.tickets.values.status.'Foo': expected one of closed, excluded, pause, "
     "resolved, running, waiting_customer, waiting_vendor"),
    (lambda d: (d["msp"].pop("timezone"), d["sources"]["tickets"].pop("timezone", None)),
     "qbr.toml: sources.tickets.timezone: naive timestamps need a time zone: set it on the "
     "source or msp.timezone"),
    (lambda d: d["clients"]["acme"].update(currency="euro"),
     "qbr.toml: clients.acme.currency: expected an ISO 4217 code such as 'EUR', got 'euro'"),
    (lambda d: d["clients"]["acme"].update(aliases=[1]),
     "qbr.toml: clients.acme.aliases[0]: expected a string, got 1"),
    (lambda d: d["tiers"]["gold"].update(objective_pct=950),
     "qbr.toml: tiers.gold.objective_pct: expected a percentage from 0 to 100, got 950.0"),
    (lambda d: d["clients"]["acme"].update(fee=-1),
     "qbr.toml: clients.acme.fee: expected a fee of 0 or more, got -1.0"),
    (lambda d: d["sources"]["tickets"]["values"]["priority"].update(P4="P9"),
     "qbr.toml: sources.tickets.values.priority.'P4': 'P9' is no tier's priority (tiers "
     "have P1, P2, P3, P4)"),
    (lambda d: d.update(figures={"min_clients": 0}),
     "qbr.toml: figures.min_clients: expected 1 or more, got 0"),
    (lambda d: d["tiers"]["gold"].update(bogus=1),
     "qbr.toml: tiers.gold.bogus: unknown key"),
    (lambda d: d["clients"].update(globex={**d["clients"]["acme"], "aliases": ["ACME\u00a0gmbh"],
                                           "monitors": []}),
     "qbr.toml: clients.globex: name 'ACME GmbH' collides with client 'acme' after "
     "normalisation"),
])
def test_config_errors_name_file_and_key(tmp_path: Path, mutate: Any, expected: str) -> None:
    assert error_for(tmp_path, mutate).startswith(expected)


def test_brand_logo_must_stay_inside_brand_folder(tmp_path: Path) -> None:
    (tmp_path / "brand").mkdir()
    (tmp_path / "secret.png").write_bytes(b"x")

    def mutate(d: dict[str, Any]) -> None:
        d["msp"].update(brand="brand", logo="../secret.png")

    assert error_for(tmp_path, mutate) == \
        "qbr.toml: msp.logo: must be a file inside the brand folder"


def test_invalid_toml_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "qbr.toml"
    path.write_text("[msp\nname = 1", encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_config(path)
    assert str(exc.value).startswith(f"{path}: not valid TOML:")


def test_name_normalisation_is_exactly_the_spec() -> None:
    assert normalise_name("  Brauhaus\u00a0 MÜLLER  GmbH ") == "brauhaus müller gmbh"
    assert normalise_name("Mu\u0308ller") == normalise_name("Müller")  # NFD → NFC
    assert normalise_name("Mueller") != normalise_name("Müller")  # no transliteration


def _monitor(name: str, *aliases: str) -> dict[str, Any]:
    return {"monitor": name, "aliases": list(aliases), "critical": True,
            "monitored_from": "2026-01-01T00:00:00+01:00"}


@pytest.mark.parametrize("monitors", [
    [_monitor("fw-01"), _monitor("FW-01 ")],           # two monitors of one client
    [_monitor("fw-01"), _monitor("vpn", "fw-01")],     # an alias of another monitor
])
def test_a_monitor_name_belongs_to_one_monitor(tmp_path: Path,
                                               monitors: list[dict[str, Any]]) -> None:
    message = error_for(tmp_path, lambda d: d["clients"]["acme"].update(monitors=monitors))
    assert message.startswith("qbr.toml: clients.acme.monitors: monitor ")
    assert message.endswith("is configured twice")


def test_a_monitor_name_of_another_client_is_refused(tmp_path: Path) -> None:
    def mutate(d: dict[str, Any]) -> None:
        d["clients"]["globex"] = {**d["clients"]["acme"], "name": "Globex", "aliases": [],
                                  "monitors": [_monitor("fw-01")]}
    assert error_for(tmp_path, mutate).startswith(
        "qbr.toml: clients.globex.monitors: monitor 'fw-01' is configured twice")


def test_a_monitor_may_list_its_own_name_as_an_alias(tmp_path: Path) -> None:
    data = base()
    data["clients"]["acme"]["monitors"] = [_monitor("fw-01", "FW-01"), _monitor("vpn")]
    config = parse_config(data, tmp_path, "qbr.toml")
    assert [m.monitor for m in config.clients["acme"].monitors] == ["fw-01", "vpn"]
