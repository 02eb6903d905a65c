"""SPEC §3a contract rules outside the ticket clocks: tier labels, optional tier and
client fields, fiscal quarters, recurring maintenance, credits on attainment with caps,
and config hardening. Expected numbers are worked out in the comments."""

from __future__ import annotations

import json
import math
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from engine_helpers import utc
from mini_project import AS_OF, CONFIG, write_mini_project

from qbr import api
from qbr.cli import main
from qbr.config import CreditRow, Tier, parse_config
from qbr.config_rules import Recurrence
from qbr.errors import ConfigError, UsageError
from qbr.maintenance import occurs, windows
from qbr.quarters import Quarter, parse_quarter, parse_quarters
from qbr.uptime import credit_working


def base() -> dict[str, Any]:
    return tomllib.loads(CONFIG)


def error_for(tmp_path: Path, mutate: Any) -> str:
    data = base()
    mutate(data)
    with pytest.raises(ConfigError) as exc:
        parse_config(data, tmp_path, "qbr.toml")
    return str(exc.value)


# --------------------------------------------------------------------- hardening


@pytest.mark.parametrize(("mutate", "expected"), [
    (lambda d: d["tiers"]["gold"].update(objective_pct=math.nan),
     "qbr.toml: tiers.gold.objective_pct: expected a finite number, got nan"),
    (lambda d: d["tiers"]["gold"]["resolution_minutes"].update(P1=math.inf),
     "qbr.toml: tiers.gold.resolution_minutes.P1: expected a finite number, got inf"),
    (lambda d: d["clients"]["acme"].update(fee=-math.inf),
     "qbr.toml: clients.acme.fee: expected a finite number, got -inf"),
    (lambda d: d["clients"]["acme"]["monitors"][0].update(
        monitored_until="2025-12-31T00:00:00+01:00"),
     "qbr.toml: clients.acme.monitors[0].monitored_until: 2025-12-31T00:00:00+01:00 is not "
     "after monitored_from"),
    (lambda d: d["sources"]["tickets"].update(date_format="%Y-%m-%Q"),
     "qbr.toml: sources.tickets.date_format: not a valid strptime pattern '%Y-%m-%Q'"),
    (lambda d: d["sources"]["tickets"].update(date_format="dd.mm.yyyy"),
     "qbr.toml: sources.tickets.date_format: 'dd.mm.yyyy' has no % directives"),
    (lambda d: d["tiers"]["gold"].update(credit_combine="avg"),
     "qbr.toml: tiers.gold.credit_combine: expected 'max' or 'sum', got 'avg'"),
    (lambda d: d["tiers"]["gold"]["credits"].append({"metric": "latency", "below": 9,
                                                      "pct": 1}),
     "qbr.toml: tiers.gold.credits[2].metric: expected one of uptime, response, resolution"),
    (lambda d: d["clients"]["acme"].update(maintenance_schedule=[{"monthly": "9th tue",
                                                                  "from": "22:00",
                                                                  "to": "23:00"}]),
     "qbr.toml: clients.acme.maintenance_schedule[0].monthly: expected e.g. '2nd tue'"),
    (lambda d: d["clients"]["acme"].update(maintenance_schedule=[{"weekly": "sun",
                                                                  "from": "04:00",
                                                                  "to": "02:00"}]),
     "qbr.toml: clients.acme.maintenance_schedule[0].to: must be after from"),
    (lambda d: d["msp"].update(fiscal_year_start=13),
     "qbr.toml: msp.fiscal_year_start: expected a month 1–12, got 13"),
    (lambda d: d["clients"]["acme"].pop("currency"),
     "qbr.toml: clients.acme.currency: missing (a fee needs its ISO 4217 currency)"),
    (lambda d: d["tiers"]["gold"].pop("uptime_guarantee_pct"),
     "qbr.toml: tiers.gold.uptime_guarantee_pct: missing: monitor 'fw-01' of client 'acme'"),
])
def test_contract_config_errors_name_file_and_key(tmp_path: Path, mutate: Any,
                                                  expected: str) -> None:
    assert error_for(tmp_path, mutate).startswith(expected)


def test_nan_in_the_toml_file_exits_78_naming_the_key(tmp_path: Path) -> None:
    config = write_mini_project(tmp_path, CONFIG.replace("objective_pct = 95",
                                                         "objective_pct = nan"))
    result = CliRunner().invoke(main, ["validate", "--config", str(config)])
    assert result.exit_code == 78
    assert "tiers.gold.objective_pct: expected a finite number, got nan" in result.stderr


# ------------------------------------------------------------ optional and label


def test_tickets_only_msp_needs_no_fee_guarantee_or_objective(tmp_path: Path) -> None:
    data = base()
    for key in ("objective_pct", "uptime_guarantee_pct", "credits"):
        data["tiers"]["gold"].pop(key)
    acme = data["clients"]["acme"]
    for key in ("fee", "currency", "monitors"):
        acme.pop(key)
    config = parse_config(data, tmp_path)
    assert config.clients["acme"].fee is None and config.tiers["gold"].objective_pct is None
    write_mini_project(tmp_path)
    doc = api.metrics(config, "2026Q3", as_of=AS_OF).document
    c = doc["clients"][0]
    # No monitor and no credit row on attainment: nothing the credit looks at was measured.
    assert c["credits"] == {"pct": None, "amount": None, "currency": None,
                            "provisional": False, "applied": []}
    assert c["sla_met"] is None  # no objective to judge attainment, no monitor
    assert c["response"]["all"]["attainment_pct"] == 50.0  # still measured and shown


def test_tier_label_is_shown_in_packs_and_the_key_stays_in_json(tmp_path: Path) -> None:
    from qbr.metrics import Engine
    from qbr.packbuilder import build_pack

    config = write_mini_project(tmp_path, CONFIG.replace("[tiers.gold]\n",
                                                         '[tiers.gold]\nlabel = "Gold Plus"\n'))
    cfg = api.load(config)
    run = api.load_inputs(cfg, AS_OF)
    pack = build_pack(cfg, run.dataset, Engine(cfg, run.dataset), "acme",
                      parse_quarter("2026Q3"), run.as_of)
    assert pack.tier_label == "Gold Plus" and pack.metrics["tier"] == "gold"
    assert pack.tier == "gold"  # the key, for the MSP-only appendix


# -------------------------------------------------------------------- quarters


def test_fiscal_quarters_parse_label_and_bound() -> None:
    # Start month 4: FY2027 = Apr 2026 – Mar 2027; Q1 = Apr–Jun 2026, Q4 = Jan–Mar 2027.
    q = parse_quarter("FY2027Q1", 4)
    assert (q.first_day, q.end_day, str(q)) == (date(2026, 4, 1), date(2026, 7, 1),
                                                "FY2027Q1")
    assert q.previous().first_day == date(2026, 1, 1) and str(q.previous()) == "FY2026Q4"
    # 31 Mar 2026 23:30 Berlin is FY2026Q4; 1 Apr 2026 00:30 Berlin (= 31 Mar 22:30Z) Q1.
    assert str(Quarter.of(utc(2026, 3, 31, 21, 30), "Europe/Berlin", 4)) == "FY2026Q4"
    assert str(Quarter.of(utc(2026, 3, 31, 22, 30), "Europe/Berlin", 4)) == "FY2027Q1"
    # A start month that is not a calendar quarter's: Feb → FY2026Q4 = Nov 2025 – Jan 2026.
    q2 = parse_quarter("FY2026Q4", 2)
    assert (q2.first_day, q2.end_day) == (date(2025, 11, 1), date(2026, 2, 1))
    assert parse_quarter("2026Q3", 4) == Quarter(2026, 3)  # calendar labels stay valid
    assert [str(x) for x in parse_quarters("FY2027Q3..FY2028Q1", 4)] == [
        "FY2027Q3", "FY2027Q4", "FY2028Q1"]
    with pytest.raises(UsageError, match=r"no msp\.fiscal_year_start"):
        parse_quarter("FY2027Q1")
    with pytest.raises(UsageError, match="mixes calendar and fiscal"):
        parse_quarters("2026Q3..FY2028Q1", 4)


def test_metrics_for_a_fiscal_label_carry_it_and_count_the_same_tickets(tmp_path: Path
                                                                         ) -> None:
    # FY2027Q2 with start month 4 is Jul–Sep 2026 = 2026Q3: the same five tickets.
    config = write_mini_project(tmp_path, CONFIG.replace('name = "Test MSP"',
                                                         'name = "Test MSP"\n'
                                                         'fiscal_year_start = 4'))
    cfg = api.load(config)
    fiscal = api.metrics(cfg, "FY2027Q2", as_of=AS_OF).document
    calendar = api.metrics(cfg, "2026Q3", as_of=AS_OF).document
    assert fiscal["quarter"] == "FY2027Q2" and calendar["quarter"] == "2026Q3"
    assert fiscal["clients"] == calendar["clients"]


# ------------------------------------------------------------------ maintenance


SUN = Recurrence(6, None, *(__import__("datetime").time(h) for h in (2, 4)))


def test_weekly_window_on_dst_nights_follows_the_wall_clock() -> None:
    # Sun 2025-10-26, Berlin: 02:00 is first taken as CEST (00:00Z), 04:00 is CET (03:00Z):
    # 180 real minutes. Sun 2026-03-29: 02:00 does not exist → 03:00 CEST (01:00Z) to
    # 04:00 CEST (02:00Z): 60 minutes.
    (oct_w,) = windows(SUN, "Europe/Berlin", utc(2025, 10, 25), utc(2025, 10, 27))
    assert oct_w == (utc(2025, 10, 26, 0), utc(2025, 10, 26, 3))
    (mar_w,) = windows(SUN, "Europe/Berlin", utc(2026, 3, 28), utc(2026, 3, 30))
    assert mar_w == (utc(2026, 3, 29, 1), utc(2026, 3, 29, 2))


def test_monthly_occurrences() -> None:
    t = __import__("datetime").time
    # Tuesdays of Aug 2026: 4, 11, 18, 25 → "2nd tue" = 11 Aug.
    second_tue = Recurrence(1, 2, t(22), t(23, 59))
    assert [d for d in range(1, 32) if occurs(second_tue, date(2026, 8, d))] == [11]
    # Fridays of Jul 2026: 3, 10, 17, 24, 31 → "last fri" = 31 Jul.
    last_fri = Recurrence(4, -1, t(22), t(23))
    assert [d for d in range(1, 32) if occurs(last_fri, date(2026, 7, d))] == [31]
    # 22:00–23:59 CEST on 11 Aug 2026 = 20:00Z–21:59Z.
    assert list(windows(second_tue, "Europe/Berlin", utc(2026, 8, 1), utc(2026, 9, 1))) == [
        (utc(2026, 8, 11, 20), utc(2026, 8, 11, 21, 59))]


def test_recurring_window_joins_the_uptime_union(tmp_path: Path) -> None:
    # Mini project + weekly Mon 12:00–13:00 Berlin on the client. 2026Q3 has 13 Mondays →
    # 13 × 60 = 780 min; one-off window 120 → window 132,480 − 120 − 780 = 131,580 min.
    # The outage Mon 3 Aug 10:00–12:00Z (12:00–14:00 CEST) loses 10:00–11:00Z to the
    # window: downtime 120 − 60 = 60 min.
    text = CONFIG.replace('currency = "EUR"\n', 'currency = "EUR"\nmaintenance_schedule = '
                          '[{weekly = "mon", from = "12:00", to = "13:00"}]\n', 1)
    cfg = api.load(write_mini_project(tmp_path, text))
    mon = api.metrics(cfg, "2026Q3", as_of=AS_OF).document["clients"][0]["uptime"][
        "monitors"][0]
    assert mon["window_minutes"] == 131_580.0 and mon["downtime_minutes"] == 60.0
    assert mon["uptime_pct"] == pytest.approx(100 * (1 - 60 / 131_580))


# ---------------------------------------------------------------------- credits


def tier(credits: list[CreditRow], combine: str = "max", cap: float | None = None) -> Tier:
    return Tier("gold", {"P1": 15}, {"P1": 240}, "24x7", {}, frozenset(), 95.0, 99.9,
                tuple(credits), credit_combine=combine, credit_cap_pct=cap)


ROWS = [CreditRow(99.9, 5, "uptime"), CreditRow(99.5, 10, "uptime"),
        CreditRow(90, 5, "response"), CreditRow(95, 3, "response"),
        CreditRow(90, 7, "resolution")]


def test_credit_per_metric_largest_row_then_max_or_sum_then_cap() -> None:
    values = {"uptime": 99.4, "response": 88.0, "resolution": None}
    # uptime 99.4 < 99.9 (5) and < 99.5 (10) → 10; response 88 < 90 (5) and < 95 (3) → 5;
    # resolution not measured → no row. max → 10; sum → 15; sum capped at 12 → 12.
    best = credit_working(values, tier(ROWS))
    assert best.pct == 10
    assert [(a["metric"], a["below"], a["pct"]) for a in best.applied] == [
        ("uptime", 99.9, 5), ("uptime", 99.5, 10), ("response", 90, 5), ("response", 95, 3)]
    assert best.applied[0]["value"] == 99.4
    assert credit_working(values, tier(ROWS, "sum")).pct == 15
    assert credit_working(values, tier(ROWS, "sum", cap=12)).pct == 12


def test_credit_is_strictly_below_and_unrounded() -> None:
    # Exactly 99.5 is not below 99.5: only the 99.9 row → 5. 99.49999 is below → 10.
    assert credit_working({"uptime": 99.5}, tier(ROWS)).pct == 5
    assert credit_working({"uptime": 99.49999}, tier(ROWS)).pct == 10


def test_credit_with_nothing_measured_is_null_and_sum_never_exceeds_the_fee() -> None:
    assert credit_working({"uptime": None, "response": None}, tier(ROWS)).pct is None
    # Tickets measured, no critical monitor: response 97 applies no row → 0, not null.
    zero = credit_working({"uptime": None, "response": 97.0}, tier(ROWS))
    assert (zero.pct, zero.applied) == (0.0, ())
    # 60 + 70 summed would be 130 % of the fee: capped at 100.
    big = [CreditRow(99, 60, "uptime"), CreditRow(90, 70, "resolution")]
    assert credit_working({"uptime": 50.0, "resolution": 10.0}, tier(big, "sum")).pct == 100


def test_credit_working_in_the_metrics_json(tmp_path: Path) -> None:
    # Mini project: response all = 50 % (2 met, 2 breached), critical uptime 99.909 %.
    # Rows: response below 60 → 4 %, uptime below 99.95 → 2 %; sum → 6 % of 10,000 = 600.
    text = CONFIG.replace("credits = [{ below = 99.9, pct = 5 }, { below = 99.5, pct = 10 }]",
                          'credits = [{ metric = "response", below = 60, pct = 4 }, '
                          '{ below = 99.95, pct = 2 }]\ncredit_combine = "sum"')
    cfg = api.load(write_mini_project(tmp_path, text))
    result = CliRunner().invoke(main, ["metrics", "--config", str(tmp_path / "qbr.toml"),
                                       "--quarter", "2026Q3", "--as-of", AS_OF, "--format",
                                       "json"])
    credits = json.loads(result.stdout)["clients"][0]["credits"]
    assert credits["pct"] == 6.0 and credits["amount"] == 600.0
    assert [(a["metric"], a["value"]) for a in credits["applied"]] == [
        ("response", 50.0), ("uptime", pytest.approx(100 * (1 - 120 / 132_360)))]
    assert cfg.tiers["gold"].credit_combine == "sum"


def test_metrics_json_never_prints_nan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                       ) -> None:
    # A NaN that slipped into the document must fail loudly (exit 70), never print "NaN".
    config = write_mini_project(tmp_path)
    real = api.metrics

    def poisoned(*args: Any, **kwargs: Any) -> Any:
        run = real(*args, **kwargs)
        run.document["clients"][0]["uptime"]["critical_uptime_pct"] = math.nan
        return run

    monkeypatch.setattr(api, "metrics", poisoned)
    result = CliRunner().invoke(main, ["metrics", "--config", str(config), "--quarter",
                                       "2026Q3", "--as-of", AS_OF, "--format", "json"])
    assert result.exit_code == 70 and "NaN" not in result.stdout


def test_explain_accepts_a_fiscal_quarter_label(tmp_path: Path) -> None:
    config = write_mini_project(tmp_path, CONFIG.replace('name = "Test MSP"',
                                                         'name = "Test MSP"\n'
                                                         'fiscal_year_start = 4'))
    cfg = api.load(config)
    x = api.explain(cfg, "acme", "T-3", "FY2027Q2", as_of=AS_OF)
    # T-3 (mini_project): gross 300 − paused 180 = 120 business min, met.
    assert x.quarter == "FY2027Q2" and x.resolution.measure.elapsed_minutes == 120.0
    with pytest.raises(UsageError, match="belongs to FY2027Q2, not FY2027Q1"):
        api.explain(cfg, "acme", "T-3", "FY2027Q1", as_of=AS_OF)
