"""``qbr explain`` (SPEC §3, §3a): the timeline adds up, names holidays, shows pauses and
reopens, and never disagrees with the workbook's ticket rows."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from engine_helpers import OFFICE, clock, event, ticket, utc

from qbr import api
from qbr.cli import main
from qbr.explain import calendar_segments, explain_ticket, explanation_json
from qbr.metrics import Engine
from qbr.quarters import parse_quarter
from qbr.sla import evaluate

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data" / "qbr.toml"
AS_OF = "2026-10-05T06:00:00Z"
PAUSES = frozenset({"waiting_customer", "waiting_vendor"})


def _explain(t, events, as_of, targets=(60.0, 480.0)):  # type: ignore[no-untyped-def]
    c = clock(OFFICE)
    sla = evaluate(t, events, as_of, c, PAUSES, lambda p: targets)
    return explain_ticket("acme", "2026Q2", t, events, sla, as_of, lambda name: c, PAUSES)


def test_across_a_bavarian_holiday_the_timeline_names_it() -> None:
    # Created Wed 2026-06-03 16:00 CEST (14:00Z), resolved Fri 06-05 09:00 CEST (07:00Z).
    # Wed 16–17 open 60 → running 60; Wed 17:00–Thu 00:00 outside hours; Thu 4 June is
    # Corpus Christi (closed in Bavaria); Fri 00–08 outside hours; Fri 08–09 open 60 → 120.
    t = ticket(utc(2026, 6, 3, 14), resolved=utc(2026, 6, 5, 7))
    x = _explain(t, None, utc(2026, 7, 1), targets=(60.0, 120.0))
    segs = [(g.kind, g.label, g.business_minutes, g.running_minutes)
            for g in x.resolution.segments]
    assert segs == [("open", "open", 60.0, 60.0),
                    ("outside_hours", "outside opening hours", 0.0, 60.0),
                    ("holiday", "Corpus Christi", 0.0, 60.0),
                    ("outside_hours", "outside opening hours", 0.0, 60.0),
                    ("open", "open", 60.0, 120.0)]
    assert x.resolution.segments[2].start == utc(2026, 6, 3, 22)  # Thu 00:00 CEST
    assert x.resolution.measure.elapsed_minutes == 120.0
    assert x.resolution.verdict == "met: 120.0 ≤ 120 min"  # exactly at target is met
    assert x.resolution.rule == "resolution = resolved time"


def test_weekend_and_lunch_are_named() -> None:
    # Fri 2026-07-03 11:30 CEST (09:30Z) → Mon 07-06 08:30 CEST (06:30Z):
    # Fri 11:30–12:00 open 30; lunch; 13–17 open 240 (270); outside hours to Sat 00:00;
    # weekend Sat+Sun (one interval); Mon 00–08 outside hours; 08:00–08:30 open 30 → 300.
    t = ticket(utc(2026, 7, 3, 9, 30), first_response=utc(2026, 7, 6, 6, 30))
    x = _explain(t, None, utc(2026, 8, 1))
    kinds = [(g.kind, g.running_minutes) for g in x.response.segments]
    assert kinds == [("open", 30.0), ("lunch", 30.0), ("open", 270.0),
                     ("outside_hours", 270.0), ("weekend", 270.0),
                     ("outside_hours", 270.0), ("open", 300.0)]
    assert x.response.verdict == "breached: 300.0 > 60 min"


def test_pauses_and_reopens_are_shown_and_not_counted() -> None:
    # Mon 2026-07-06 CEST: created 08:00, waiting on customer 09:00–09:30, resolved 10:00,
    # reopened 11:00, closed 11:30. Open 08–09 (60), paused 09:00–09:30, open 09:30–10:00
    # (90), reopened 10:00–11:00, open 11:00–11:30 (120) → 120 = the verdict's elapsed.
    t = ticket(utc(2026, 7, 6, 6))
    events = [event(utc(2026, 7, 6, 6), "running"),
              event(utc(2026, 7, 6, 7), "waiting_customer"),
              event(utc(2026, 7, 6, 7, 30), "running"), event(utc(2026, 7, 6, 8), "resolved"),
              event(utc(2026, 7, 6, 9), "running"), event(utc(2026, 7, 6, 9, 30), "closed")]
    x = _explain(t, events, utc(2026, 8, 1))
    segs = [(g.kind, g.label, g.running_minutes) for g in x.resolution.segments]
    assert segs == [("open", "open", 60.0), ("paused", "waiting_customer", 60.0),
                    ("open", "open", 90.0), ("reopened", "resolved, then reopened", 90.0),
                    ("open", "open", 120.0)]
    assert x.resolution.measure.elapsed_minutes == 120.0
    assert x.resolution.subtracted_minutes == 90.0 and x.resolution.reopened_minutes == 60.0
    doc = explanation_json(x)
    assert doc["reopened"] is True and doc["resolution"]["state"] == "met"


def test_calendar_segments_cover_the_span_exactly() -> None:
    # Any span is cut without gaps or overlaps; the open parts sum to the clock's time.
    c = clock(OFFICE)
    start, end = utc(2025, 10, 23, 15, 17), utc(2025, 11, 4, 9, 3)  # over the DST change
    segs = calendar_segments(c, start, end)
    assert segs[0][0] == start and segs[-1][1] == end
    assert all(a[1] == b[0] for a, b in itertools.pairwise(segs))
    open_s = sum((b - a).total_seconds() for a, b, k, _ in segs if k == "open")
    assert open_s == c.seconds(start, end)


@pytest.fixture(scope="module")
def sample_inputs() -> api.Inputs:
    return api.load_inputs(api.load(SAMPLE), AS_OF)


@pytest.mark.parametrize("client", ["brauhaus-mueller", "hudson-freight"])
def test_explain_never_disagrees_with_the_workbook_rows(sample_inputs: api.Inputs,
                                                        client: str) -> None:
    config = sample_inputs.config
    engine = Engine(config, sample_inputs.dataset)
    cq = engine.client_quarter(client, parse_quarter("2026Q3"), sample_inputs.as_of)
    assert len(cq.tickets) > 100
    for row in cq.tickets:
        x = api.explain(config, client, f"{row.system}:{row.ticket_id}", "2026Q3",
                        inputs=sample_inputs)
        doc = explanation_json(x)
        for name in ("response", "resolution"):
            mine, theirs = doc[name], getattr(row, name)
            assert (mine["elapsed_minutes"], mine["state"], mine["target_minutes"],
                    mine["priority"]) == (theirs.elapsed_minutes, theirs.state,
                                          theirs.target_minutes, theirs.priority), row
            assert mine["event_at"] == (theirs.event_at.isoformat() if theirs.event_at
                                        else None)
        assert doc["excluded_reason"] == row.excluded_reason
        assert doc["reopened"] == row.reopened
        assert doc["resolution"]["subtracted_minutes"] == pytest.approx(row.paused_minutes)
        # The timeline adds up to the verdict (history measured: no vendor pause to add).
        for name in ("response", "resolution"):
            timeline = doc[name]["timeline"]
            last = timeline[-1]["running_minutes"] if timeline else 0.0
            assert last == pytest.approx(doc[name]["elapsed_minutes"], abs=1e-9), row


def test_cli_explain_json_and_errors() -> None:
    runner = CliRunner()
    ok = runner.invoke(main, ["explain", "--config", str(SAMPLE), "--as-of", AS_OF,
                              "--client", "brauhaus-mueller", "--ticket", "2026-000636",
                              "--format", "json"])
    assert ok.exit_code == 0, ok.output
    doc = json.loads(ok.stdout)
    assert doc["schema"] == "qbr.explain/1" and doc["quarter"] == "2026Q3"
    assert doc["resolution"]["state"] in ("met", "breached")
    wrong_q = runner.invoke(main, ["explain", "--config", str(SAMPLE), "--as-of", AS_OF,
                                   "--client", "brauhaus-mueller", "--ticket", "2026-000636",
                                   "--quarter", "2026Q2"])
    assert wrong_q.exit_code == 2 and "belongs to 2026Q3" in wrong_q.stderr
    missing = runner.invoke(main, ["explain", "--config", str(SAMPLE), "--client",
                                   "brauhaus-mueller", "--ticket", "nope"])
    assert missing.exit_code == 2 and "no ticket 'nope'" in missing.stderr


def test_priority_change_puts_each_clock_on_its_priority_calendar() -> None:
    # P3 (office) raised to P1 (24x7) at 09:00 CEST; response 08:20, resolved 11:00.
    # Response on office: 08:00–08:20 = 20 min. Resolution on 24x7 from creation: one
    # open interval 08:00–11:00 = 180 min.
    from test_sla_contract_rules import ALWAYS_CLOCK, OFFICE_CLOCK, SRC, terms

    from qbr.model import StatusEvent
    from qbr.sla import evaluate_ticket

    t = ticket(utc(2026, 7, 6, 6), first_response=utc(2026, 7, 6, 6, 20), priority="P1")
    events = [StatusEvent("psa", "T-1", utc(2026, 7, 6, 6), "running", SRC, "P3"),
              StatusEvent("psa", "T-1", utc(2026, 7, 6, 7), "running", SRC, "P1"),
              StatusEvent("psa", "T-1", utc(2026, 7, 6, 9), "resolved", SRC, "P1")]
    sla = evaluate_ticket(t, events, utc(2026, 8, 1), terms, PAUSES)
    clocks = {"office": OFFICE_CLOCK, "always": ALWAYS_CLOCK}
    x = explain_ticket("acme", "2026Q3", t, events, sla, utc(2026, 8, 1), clocks.__getitem__,
                       PAUSES)
    doc = explanation_json(x)
    assert (doc["response"]["priority"], doc["response"]["calendar"],
            doc["response"]["elapsed_minutes"]) == ("P3", "office", 20.0)
    assert [(g["kind"], g["running_minutes"]) for g in doc["resolution"]["timeline"]] == [
        ("open", 180.0)]
    assert (doc["resolution"]["priority"], doc["resolution"]["state"]) == ("P1", "met")
