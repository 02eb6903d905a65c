"""Vendor presets: registry, fixtures and README table in sync, and each fixture read
through its preset with the expected accounting and one hand-checked figure."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from qbr.config import parse_config
from qbr.errors import ConfigError
from qbr.ingest import Dataset, load_dataset
from qbr.model import Outage, Ticket, Unmonitored
from qbr.presets import PRESETS

FIXTURES = Path(__file__).parent / "fixtures" / "presets"
README = Path(__file__).resolve().parents[1] / "README.md"
DOC_MARK = "built from documentation, not yet confirmed by a real export"


def config_for(preset: str, **source: Any) -> dict[str, Any]:
    """A minimal config: one client "Acme" (monitors web) on P1..P4, one source."""
    return {
        "msp": {"name": "MSP", "timezone": "UTC"},
        "calendars": {"always": {"type": "24x7"}},
        "tiers": {"std": {"calendar": "always",
                          "response_minutes": {"P1": 15, "P2": 60, "P3": 240, "P4": 480},
                          "resolution_minutes": {"P1": 240, "P2": 480, "P3": 960,
                                                 "P4": 1920},
                          "objective_pct": 90, "uptime_guarantee_pct": 99.0}},
        "clients": {"acme": {"name": "Acme", "tier": "std", "timezone": "UTC", "fee": 100,
                             "currency": "EUR", "monitors": [{"monitor": "web"}]}},
        "sources": {"s": {"preset": preset, "path": PRESETS[preset].fixture, **source}},
    }


def load(preset: str, **source: Any) -> Dataset:
    return load_dataset(parse_config(config_for(preset, **source), FIXTURES))


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# ----------------------------------------------------------------------------- in sync


def test_every_preset_has_a_fixture_and_every_fixture_a_preset() -> None:
    fixtures = {p.name for p in FIXTURES.iterdir()}
    assert fixtures == {p.fixture for p in PRESETS.values()}


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_preset_has_one_readme_row(name: str) -> None:
    rows = [line for line in README.read_text(encoding="utf-8").splitlines()
            if line.startswith("|") and f'`preset = "{name}"`' in line]
    assert len(rows) == 1, f"README needs one 'Supported exports' row for {name}"
    assert (DOC_MARK in rows[0]) == (PRESETS[name].evidence == "documentation")


# (read, accepted, unassigned, rejected) per fixture, counted by hand from the files:
# every fixture's last row is bad (a date in another format, a blank required cell or
# a state outside the map); servicenow.csv's "Other Co" row is unassigned.
COUNTS = {
    "servicenow": (4, 2, 1, 1), "servicenow-events": (6, 5, 0, 1),
    "connectwise": (3, 2, 0, 1), "autotask": (3, 2, 0, 1), "halopsa": (4, 3, 0, 1),
    "zendesk": (3, 2, 0, 1), "freshdesk": (3, 2, 0, 1), "jira-sm": (3, 2, 0, 1),
    "zammad": (3, 2, 0, 1), "upptime": (4, 3, 0, 1), "uptimerobot": (6, 5, 0, 1),
    "uptime-kuma": (4, 3, 0, 1),
}


def test_counts_cover_every_preset() -> None:
    assert set(COUNTS) == set(PRESETS)


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_fixture_reconciles_through_its_preset(name: str) -> None:
    (report,) = load(name).files
    assert (report.read, report.accepted, report.unassigned,
            report.rejected.total()) == COUNTS[name]


def ticket(data: Dataset, ticket_id: str) -> Ticket:
    return next(t for t in data.tickets if t.ticket_id == ticket_id)


def test_servicenow_list_row_is_resolved_at_its_last_update() -> None:
    t = ticket(load("servicenow"), "INC0010001")
    # state Resolved at sys_updated_on 11:00; the move off New (to Resolved) answers too
    assert (t.priority, t.resolved_at, t.first_response_at) == \
        ("P1", utc("2026-07-01T11:00"), utc("2026-07-01T11:00"))


def test_servicenow_event_log_folds_one_ticket() -> None:
    data = load("servicenow-events")
    t = ticket(data, "INC0000045")
    # created = opened_at 1/7 09:00; first response = Active (and first assigned_to,
    # the earlier row's "?" is null) at 09:20; resolved 11:00; closed 6/7 11:00.
    assert (t.created_at, t.first_response_at, t.resolved_at, t.closed_at, t.priority) == (
        utc("2026-07-01T09:00"), utc("2026-07-01T09:20"), utc("2026-07-01T11:00"),
        utc("2026-07-06T11:00"), "P2")
    states = [e.status for e in data.status_events[("s", "INC0000045")]]
    assert states == ["running", "resolved", "closed"]  # New and Active are both running


@pytest.mark.parametrize(("name", "ticket_id", "field", "expected"), [
    ("connectwise", "1001", "closed_at", "2026-07-01T12:00"),
    ("autotask", "T20260701.0001", "first_response_at", "2026-07-01T09:10"),
    ("halopsa", "101", "closed_at", "2026-07-01T12:00"),
    ("zendesk", "501", "resolved_at", "2026-07-01T10:00"),
    ("freshdesk", "7001", "first_response_at", "2026-07-01T09:15"),
    ("jira-sm", "SD-1", "resolved_at", "2026-07-01T15:00"),
    ("zammad", "31001", "first_response_at", "2026-07-01T09:20"),
])
def test_ticket_preset_reads_a_timestamp(name: str, ticket_id: str, field: str,
                                         expected: str) -> None:
    assert getattr(ticket(load(name), ticket_id), field) == utc(expected)


def test_halopsa_unknown_priority_is_unclassified_not_rejected() -> None:
    assert ticket(load("halopsa"), "103").priority is None


@pytest.mark.parametrize("name", ["upptime", "uptime-kuma"])
def test_state_log_outage(name: str) -> None:
    (outage,) = load(name).outages
    # down at 08:00, up at 08:30 (Upptime's row times are UTC with Z; Kuma's are UTC)
    assert (outage.start, outage.end) == (utc("2026-07-01T08:00"), utc("2026-07-01T08:30"))


def test_uptimerobot_newest_first_with_a_pause() -> None:
    data = load("uptimerobot")
    # Down 10:00 → Paused 11:00 is down; Paused 11:00 → Started 11:30 is unmonitored.
    assert [(o.start, o.end) for o in data.outages if isinstance(o, Outage)] == [
        (utc("2026-07-01T10:00"), utc("2026-07-01T11:00"))]
    assert [(u.start, u.end) for u in data.unmonitored if isinstance(u, Unmonitored)] == [
        (utc("2026-07-01T11:00"), utc("2026-07-01T11:30"))]


def test_source_keys_override_the_preset() -> None:
    data = load("uptimerobot", values={"state": {"Started": "paused"}})
    # Started now also counts as unmonitored: 11:00 (Paused) → 12:00 (Up).
    assert [(u.start, u.end) for u in data.unmonitored] == [
        (utc("2026-07-01T11:00"), utc("2026-07-01T12:00"))]


def test_unknown_preset_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="unknown preset 'servicenw'"):
        parse_config(config_for("servicenow") | {"sources": {"s": {
            "preset": "servicenw", "path": "x.csv"}}}, FIXTURES)
