"""The demo data in sample_data/: reproducible from generate.py, consistent, and holding
every hard case that sample_data/README.md lists (by ticket id)."""

from __future__ import annotations

import csv
import importlib.util
import sys
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from qbr.config import load_config

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"
EXPORTS = SAMPLE / "exports"
AS_OF = datetime(2026, 10, 5, 6, tzinfo=UTC)

# The hard cases as sample_data/README.md documents them.
HARD_CASES = {
    "bad-quarter": ["T-103792", "T-103826", "T-103875", "T-103890", "T-103970", "T-104049"],
    "close-only": ["2026-000604", "T-103877"],
    "dst-eu": ["2025-004524", "2025-004525"],
    "dst-us": ["T-101434", "T-101439"],
    "duplicate-row": ["T-102446"],
    "excluded-category": ["2026-000991"],
    "excluded-status": ["T-104991"],
    "ex-client": ["T-100498", "T-100558", "T-100718", "T-100963"],
    "holiday": ["2025-004262", "2025-004461", "2025-004717", "2026-000010", "2026-000301",
                "2026-000409", "2026-000457", "T-100467", "T-100910", "T-101651", "T-101780",
                "T-101976", "T-102434", "T-102759"],
    "hostile-title": ["T-103756", "T-103958", "T-104119", "T-104197"],
    "night": ["2026-000576", "T-103815"],
    "open-at-quarter-end": ["2026-000855", "2026-000866", "T-104374", "T-104388", "T-104410",
                            "T-104412"],
    "p1-breach": ["2026-000693", "T-101080", "T-102590"],
    "p1-night-24x7": ["T-103725"],
    "paused-twice": ["2026-000636", "T-103576"],
    "quarter-by-zone": ["2026-000522", "T-104414"],
    "reopened": ["2026-000990", "T-104990"],
    "superseded": ["2026-000181", "T-102297", "T-102302", "T-102677"],
    "unmapped-priority": ["T-103670"],
    "weekend": ["2026-000793", "T-104009"],
}


def _load_generator():
    spec = importlib.util.spec_from_file_location("sample_generate", SAMPLE / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


gen = _load_generator()
CONFIG = load_config(SAMPLE / "qbr.toml")


def _read(name: str) -> list[dict[str, str]]:
    german = name.endswith("_de.csv")
    with (EXPORTS / name).open(encoding="cp1252" if german else "utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter=";" if german else ","))


def _instant(text: str) -> datetime | None:
    if not text:
        return None
    if "T" in text:
        return datetime.fromisoformat(text).astimezone(UTC)
    naive = datetime.strptime(text, "%d.%m.%Y %H:%M")  # fold=0: the first occurrence
    return naive.replace(tzinfo=ZoneInfo("Europe/Berlin")).astimezone(UTC)


# Canonical view of both ticket systems: id -> list of rows (overlapping exports repeat).
_PSA = {"id": "Ticket ID", "client": "Client", "prio": "Priority", "title": "Summary",
        "created": "Date Opened", "fr": "First Response", "resolved": "Date Resolved",
        "closed": "Date Closed", "updated": "Last Updated", "status": "Status"}
_DE = {"id": "Ticketnummer", "client": "Kunde", "prio": "Priorität", "title": "Betreff",
       "created": "Erstellt am", "fr": "Erste Reaktion", "resolved": "Gelöst am",
       "closed": "Geschlossen am", "updated": "Letzte Änderung", "status": "Status"}


def _tickets() -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = defaultdict(list)
    for name, cols, source in (("psa_tickets.csv", _PSA, "psa_tickets"),
                               ("tickets_de.csv", _DE, "tickets_de")):
        for row in _read(name):
            t = {k: row[v] for k, v in cols.items()}
            for k in ("created", "fr", "resolved", "closed", "updated"):
                t[k] = _instant(t[k])
            t["source"] = source
            out[t["id"]].append(t)
    return out


def _history() -> dict[str, list[tuple[datetime, str]]]:
    out: dict[str, list[tuple[datetime, str]]] = defaultdict(list)
    for row in _read("psa_status_history.csv"):
        out[row["Ticket ID"]].append((_instant(row["Changed At"]), row["New Status"]))
    for row in _read("statusverlauf_de.csv"):
        out[row["Ticketnummer"]].append((_instant(row["Zeitpunkt"]), row["Status"]))
    return out


TICKETS = _tickets()
HISTORY = _history()
SOURCES = {s.name: s for s in CONFIG.sources}


def _latest(ticket_id: str) -> dict:
    return max(TICKETS[ticket_id], key=lambda t: t["updated"])


def _canonical_status(t: dict, raw: str) -> str:
    return SOURCES[t["source"]].values["status"][raw]


def _client(t: dict):
    return CONFIG.clients[CONFIG.client_for_name(t["client"])]


def _local(t: dict, key: str = "created") -> datetime:
    return t[key].astimezone(ZoneInfo(_client(t).timezone))


# ------------------------------------------------------------------------ reproducible


def test_committed_exports_equal_a_fresh_generation(tmp_path: Path) -> None:
    cases = gen.generate(tmp_path)
    fresh = sorted(p.name for p in tmp_path.iterdir())
    assert fresh == sorted(p.name for p in EXPORTS.iterdir())
    for name in fresh:
        # Compare bytes, ignoring CRLF that a Windows checkout may add.
        new = (tmp_path / name).read_bytes().replace(b"\r\n", b"\n")
        old = (EXPORTS / name).read_bytes().replace(b"\r\n", b"\n")
        assert new == old, f"{name} differs: run python sample_data/generate.py"
    assert cases == HARD_CASES, "update sample_data/README.md and HARD_CASES"


def test_generator_uses_the_stdlib_only() -> None:
    text = (SAMPLE / "generate.py").read_text(encoding="utf-8")
    assert "pandas" not in text and "import holidays" not in text and "numpy" not in text


def test_hardcoded_holidays_match_the_holidays_package() -> None:
    holidays = pytest.importorskip("holidays")
    for (country, subdiv), days in gen.HOLIDAYS.items():
        lib = holidays.country_holidays(country, subdiv=subdiv, years=[2025, 2026])
        expected = {d for d in lib if date(2025, 7, 1) <= d <= date(2026, 10, 10)}
        assert {date.fromisoformat(d) for d in days} == expected, (country, subdiv)


def test_generator_targets_match_the_config() -> None:
    for name, tier in CONFIG.tiers.items():
        for prio, (calendar, resp, res) in gen.TIERS[name].items():
            assert (tier.calendar_for(prio), tier.response_minutes[prio],
                    tier.resolution_minutes[prio]) == (calendar, resp, res)
    for spec in gen.CLIENTS:
        client = CONFIG.clients[spec.key]
        assert (client.name, client.tier, client.timezone) == (spec.name, spec.tier, spec.tz)
        assert (client.holidays.country, client.holidays.subdiv) == spec.holidays
    assert CONFIG.calendars["office"].closed == gen.CLOSED_DAYS


# ------------------------------------------------------------------------------ shape


def test_portfolio_size_and_mix() -> None:
    assert len(CONFIG.clients) >= 8
    assert {c.tier for c in CONFIG.clients.values()} == {"gold", "silver", "bronze"}
    assert 3000 <= len(TICKETS) <= 4500
    per_client = Counter(CONFIG.client_for_name(_latest(i)["client"]) for i in TICKETS)
    assert set(per_client) - {None} == set(CONFIG.clients)
    prios = Counter(_latest(i)["prio"][0] for i in TICKETS)
    share = {p: prios[p] / len(TICKETS) for p in "1234"}
    assert 0.02 < share["1"] < 0.05 and 0.09 < share["2"] < 0.16
    assert 0.48 < share["3"] < 0.62 and 0.24 < share["4"] < 0.36
    quarters = Counter(f"{_local(_latest(i)).year}Q{(_local(_latest(i)).month - 1) // 3 + 1}"
                       for i in TICKETS if CONFIG.client_for_name(_latest(i)["client"]))
    for q in ("2025Q3", "2025Q4", "2026Q1", "2026Q2", "2026Q3"):
        assert quarters[q] > 550, q


def test_pauses_about_a_fifth_some_twice() -> None:
    pauses = Counter()
    for ticket_id, events in HISTORY.items():
        t = _latest(ticket_id)
        pauses[ticket_id] = sum(_canonical_status(t, s).startswith("waiting")
                                for _, s in events)
    paused = sum(n >= 1 for n in pauses.values()) / len(TICKETS)
    twice = sum(n >= 2 for n in pauses.values()) / len(TICKETS)
    assert 0.17 <= paused <= 0.25 and 0.02 <= twice <= 0.08


def test_every_export_value_is_mapped_or_a_documented_hard_case() -> None:
    for ticket_id, rows in TICKETS.items():
        for t in rows:
            values = SOURCES[t["source"]].values
            assert t["status"] in values["status"]
            if ticket_id not in HARD_CASES["unmapped-priority"]:
                assert t["prio"] in values["priority"], ticket_id
            if ticket_id not in HARD_CASES["ex-client"]:
                assert CONFIG.client_for_name(t["client"]), t["client"]
    for events in HISTORY.values():
        for _, status in events:
            assert any(status in SOURCES[s].values["status"] for s in ("psa_status",
                                                                        "statusverlauf_de"))
    monitors = {name for c in CONFIG.clients.values() for m in c.monitors
                for name in (m.monitor, *m.aliases)}
    unknown = {r["Monitor"] for r in _read("outages.csv")} - monitors
    assert unknown == {"bayside-fw"}  # the ex-client's firewall: unassigned
    for row in _read("maintenance.csv"):
        assert bool(row["Client"]) != bool(row["Monitor"])
        assert CONFIG.client_for_name(row["Client"]) if row["Client"] else row["Monitor"] in \
            monitors


def test_german_export_is_cp1252_with_german_text() -> None:
    raw = (EXPORTS / "tickets_de.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("cp1252")
    assert text.startswith("Ticketnummer;Kunde;Priorität;Betreff;Erstellt am;Erste Reaktion;"
                           "Gelöst am;Geschlossen am;Letzte Änderung;Status;Kategorie;Gruppe")
    for char in "üßö€„“–":
        assert char in text
    ids = [r["Ticketnummer"] for r in _read("tickets_de.csv")]
    assert all(len(i) == 11 and i[4] == "-" for i in ids) and any(i[5] == "0" for i in ids)


# --------------------------------------------------------------------- consistency


def test_ticket_timestamps_are_ordered_and_before_the_export() -> None:
    for rows in TICKETS.values():
        for t in rows:
            chain = [x for x in (t["created"], t["fr"], t["resolved"], t["closed"]) if x]
            assert chain == sorted(chain), t["id"]
            assert t["updated"] >= chain[-1] and t["updated"] <= AS_OF, t["id"]


def test_status_history_agrees_with_the_ticket() -> None:
    assert set(HISTORY) == set(TICKETS)
    for ticket_id, events in HISTORY.items():
        t = _latest(ticket_id)
        times = [when for when, _ in events]
        assert times == sorted(times) and times[0] == t["created"], ticket_id
        assert events[-1][1] == t["status"] and times[-1] == t["updated"], ticket_id
        canon = [_canonical_status(t, s) for _, s in events]
        if t["closed"]:
            assert canon[-1] == "closed" and times[-1] == t["closed"], ticket_id
            if t["resolved"]:
                assert canon[-2] == "resolved" and times[-2] == t["resolved"], ticket_id
        elif t["resolved"]:
            assert canon[-1] == "resolved" and times[-1] == t["resolved"], ticket_id
        elif ticket_id in HARD_CASES["reopened"]:  # done once, reopened, open now
            assert "resolved" in canon and canon[-1] not in ("resolved", "closed"), ticket_id
        else:
            assert "resolved" not in canon and "closed" not in canon, ticket_id


def test_closed_typically_one_to_five_days_after_resolution() -> None:
    gaps = [(t["closed"] - t["resolved"]) for i in TICKETS for t in [_latest(i)]
            if t["closed"] and t["resolved"]]
    typical = sum(timedelta(days=1) <= g <= timedelta(days=6) for g in gaps) / len(gaps)
    assert typical > 0.95


def test_german_naive_times_never_fall_in_the_second_repeated_hour() -> None:
    # 26.10.2025 02:xx is read as CEST (SPEC §2); the generator only writes such instants.
    second = (datetime(2025, 10, 26, 1, tzinfo=UTC), datetime(2025, 10, 26, 2, tzinfo=UTC))
    for ticket_id in HARD_CASES["dst-eu"]:
        for when, _ in HISTORY[ticket_id]:
            assert not second[0] <= when < second[1]


# ----------------------------------------------------------------------- hard cases


def _holidays(client) -> set[date]:
    return {date.fromisoformat(d) for d in gen.HOLIDAYS[(client.holidays.country,
                                                          client.holidays.subdiv)]}


def test_night_weekend_and_holiday_tickets() -> None:
    for i in HARD_CASES["night"]:
        assert not 7 <= _local(_latest(i)).hour < 17
    for i in HARD_CASES["weekend"]:
        assert _local(_latest(i)).weekday() >= 5
    on_holiday = [_local(_latest(i)).date() in _holidays(_client(_latest(i)))
                  for i in HARD_CASES["holiday"]]
    # 2025-08-15 (Assumption) is not a DE/BY public holiday in the holidays package.
    assert on_holiday.count(False) == 2  # that one, and Berlin's ordinary 6 January
    days = {str(_local(_latest(i)).date()) for i in HARD_CASES["holiday"]}
    assert {"2025-08-15", "2025-10-03", "2025-12-26", "2026-01-06", "2026-04-03", "2026-04-06",
            "2026-05-14", "2026-06-04", "2025-07-04", "2025-11-27"} <= days


def test_dst_tickets_span_the_change() -> None:
    for ids, change in ((HARD_CASES["dst-eu"], datetime(2025, 10, 26, 1, tzinfo=UTC)),
                        (HARD_CASES["dst-us"], datetime(2025, 11, 2, 6, tzinfo=UTC))):
        for i in ids:
            t = _latest(i)
            assert t["created"] < change < t["resolved"], i
    p1 = _latest(HARD_CASES["dst-us"][1])
    assert p1["prio"].startswith("1") and (p1["resolved"] - p1["created"]) == timedelta(
        minutes=250)


def test_open_at_quarter_end() -> None:
    for i in HARD_CASES["open-at-quarter-end"]:
        t = _latest(i)
        assert _local(t).date() >= date(2026, 9, 27) and _local(t).month == 9
        assert not t["resolved"] and not t["closed"]
        assert _canonical_status(t, t["status"]) in ("running", "waiting_customer",
                                                     "waiting_vendor")


def test_breached_p1_and_paused_twice() -> None:
    for i in HARD_CASES["p1-breach"]:
        assert _latest(i)["prio"].startswith("1")
    gold = _latest(HARD_CASES["p1-breach"][0])  # 24x7: wall time is business time
    assert gold["resolved"] - gold["created"] > timedelta(minutes=240)
    assert gold["fr"] - gold["created"] > timedelta(minutes=15)
    for i in HARD_CASES["paused-twice"]:
        t = _latest(i)
        waits = [s for _, s in HISTORY[i] if _canonical_status(t, s).startswith("waiting")]
        assert len(waits) == 2


def test_close_only_unmapped_priority_and_ex_client() -> None:
    for i in HARD_CASES["close-only"]:
        t = _latest(i)
        assert t["closed"] and not t["fr"] and not t["resolved"]
    (i,) = HARD_CASES["unmapped-priority"]
    assert _latest(i)["prio"] == "5 - Planning"
    for i in HARD_CASES["ex-client"]:
        assert _latest(i)["client"] == "Bayside Property Management"
        assert CONFIG.client_for_name("Bayside Property Management") is None


def test_hostile_titles_are_in_the_export_verbatim() -> None:
    titles = {_latest(i)["title"] for i in HARD_CASES["hostile-title"]}
    assert '<img src="file:///etc/passwd">' in titles
    assert '=HYPERLINK("http://evil.example","click")' in titles
    assert {t[0] for t in titles} == {"<", "=", "+", "@"}


def test_overlapping_export_rows() -> None:
    for i in HARD_CASES["superseded"]:
        rows = TICKETS[i]
        assert len(rows) == 2 and rows[0]["updated"] != rows[1]["updated"]
    psa_rows = [tuple(r.values()) for r in _read("psa_tickets.csv")]
    repeated = [r for r, n in Counter(psa_rows).items() if n > 1]
    assert [r[0] for r in repeated] == HARD_CASES["duplicate-row"]
    # One stale copy sits *after* the newer row: only "Last Updated" tells the winner.
    assert any(TICKETS[i][0]["updated"] > TICKETS[i][1]["updated"]
               for i in HARD_CASES["superseded"])


def test_quarter_by_client_zone() -> None:
    for i in HARD_CASES["quarter-by-zone"]:
        t = _latest(i)
        utc_q = (t["created"].year, (t["created"].month - 1) // 3)
        local_q = (_local(t).year, (_local(t).month - 1) // 3)
        assert utc_q != local_q and local_q == (2026, 2)


def test_outage_hard_cases() -> None:
    rows = _read("outages.csv")
    by_monitor = defaultdict(list)
    for r in rows:
        by_monitor[r["Monitor"]].append((_instant(r["Outage Start"]), _instant(r["Outage End"])))
    assert all(e is None or s < e <= AS_OF for v in by_monitor.values() for s, e in v)
    # Crosses 1 July in Berlin (23:30 -> 03:30 local).
    assert (_instant("2026-06-30T21:30:00Z"), _instant("2026-07-01T01:30:00Z")) in \
        by_monitor["kh-fw"]
    # Overlapping rows on one monitor.
    gl = sorted(by_monitor["gl-mail"])
    assert any(a[1] > b[0] for a, b in pairwise(gl))
    # Open outage (no end).
    assert [s for s, e in by_monitor["sa-gitlab"] if e is None]
    # A monitor added mid-period has no outage before it was monitored.
    since = CONFIG.clients["hudson-freight"].monitors[2].monitored_from
    assert since and all(s >= since for s, _ in by_monitor["hvf-vpn-gw"])
    # Outage inside Brauhaus' patch window of 19 July 2026.
    windows = [(_instant(r["Start"]), _instant(r["End"])) for r in _read("maintenance.csv")
               if r["Client"] == "Brauhaus Müller GmbH & Co. KG"]
    inside = [(s, e) for s, e in by_monitor["bm-erp"]
              if any(ws <= s and e <= we for ws, we in windows)]
    assert inside
