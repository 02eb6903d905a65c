"""``qbr calibrate``: targets the desk can keep (issue 8 §4, SPEC §1 "honest, realistic
targets, re-assessed as the MSP grows").

Per tier, priority and measure (response, resolution), over the chosen quarters:

* **attainment** per quarter: met / (met + breached), as in the metrics (SPEC §3);
* **achievable target** per quarter: the nearest-rank percentile, at the objective
  (the tier's ``objective_pct`` unless ``--objective``), of the business minutes of the
  tickets measured in that quarter — the smallest target the desk would have met for
  that share of tickets. A ticket still without its event at ``as_of`` but already past
  its target counts as never met (``+inf``): it would have missed any finite target it
  has already exceeded, and leaving it out would flatter the desk;
* **trend**: the change of that achievable target from one quarter to the next;
* a **recommendation** from the last four quarters pooled (the most recent evidence
  that still spans a year of seasons): the pooled percentile rounded up to a whole
  step (5 minutes up to an hour, 15 up to a day, 60 above), compared with the current
  target. Fewer than ``min_tickets`` pooled tickets (default 20) is "too thin": no
  recommendation, only the count.

Times are business minutes of the priority's calendar; percentages are unrounded in
JSON and truncated toward zero when shown (as everywhere in qbr)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from qbr.display import truncate
from qbr.metrics import ClientQuarter
from qbr.quarters import Quarter
from qbr.sla import nearest_rank

SCHEMA = "qbr.calibrate/1"
MIN_TICKETS = 20
POOLED_QUARTERS = 4
MEASURES = ("response", "resolution")


@dataclass
class _Cell:
    met: int = 0
    breached: int = 0
    minutes: list[float] = field(default_factory=list)  # inf: never met by as_of


def step_up(minutes: float) -> int:
    """Round a target up to a step a contract can state: 5 min up to an hour, 15 up to
    a day (1,440), 60 above."""
    step = 5 if minutes <= 60 else 15 if minutes <= 1440 else 60
    return int(step * math.ceil(minutes / step - 1e-12)) if minutes > 0 else step


def collect(results: Sequence[ClientQuarter]) -> dict[tuple[str, str, str, str], _Cell]:
    """(tier, priority, measure, quarter) → the quarter's met/breached counts and the
    business minutes of every measured ticket. Unclassified and pending tickets that are
    still within their target are left out (nothing is known yet)."""
    cells: dict[tuple[str, str, str, str], _Cell] = {}
    for cq in results:
        for row in cq.tickets:
            if row.priority is None:
                continue
            for measure in MEASURES:
                m = getattr(row, measure)
                if m.state not in ("met", "breached"):
                    continue
                cell = cells.setdefault((cq.client.tier, row.priority, measure,
                                         str(cq.quarter)), _Cell())
                if m.state == "met":
                    cell.met += 1
                else:
                    cell.breached += 1
                cell.minutes.append(m.elapsed_minutes if m.event_at is not None
                                    else math.inf)
    return cells


def calibrate_document(results: Sequence[ClientQuarter], quarters: Sequence[Quarter],
                       targets: dict[str, dict[str, dict[str, float]]],
                       objectives: dict[str, float], as_of: str,
                       min_tickets: int = MIN_TICKETS) -> dict[str, Any]:
    """The ``qbr.calibrate/1`` document. ``targets[tier][measure][priority]`` are the
    current contract targets (business minutes); ``objectives[tier]`` the percentage."""
    cells = collect(results)
    qs = [str(q) for q in quarters]
    rows = []
    for tier, by_measure in targets.items():
        objective = objectives[tier]
        for measure in MEASURES:
            for prio, target in by_measure[measure].items():
                history = [_quarter(cells.get((tier, prio, measure, q), _Cell()), q,
                                    objective) for q in qs]
                _trend(history)
                pooled = [v for q in qs[-POOLED_QUARTERS:]
                          for v in cells.get((tier, prio, measure, q), _Cell()).minutes]
                rows.append({
                    "tier": tier, "priority": prio, "measure": measure,
                    "target_minutes": target, "objective_pct": objective,
                    "history": history,
                    **_recommend(prio, measure, target, objective, history, pooled,
                                 qs[-POOLED_QUARTERS:], min_tickets),
                })
    return {"schema": SCHEMA, "quarters": qs, "as_of": as_of, "min_tickets": min_tickets,
            "pooled_quarters": POOLED_QUARTERS, "rows": rows}


def _finite(value: float | None) -> float | None:
    return None if value is None or math.isinf(value) else value


def _quarter(cell: _Cell, quarter: str, objective: float) -> dict[str, Any]:
    n = cell.met + cell.breached
    at = nearest_rank(cell.minutes, objective)
    return {"quarter": quarter, "tickets": n, "met": cell.met, "breached": cell.breached,
            "attainment_pct": 100.0 * cell.met / n if n else None,
            "achievable_minutes": _finite(at),
            "achievable_reached": at is None or not math.isinf(at)}


def _trend(history: list[dict[str, Any]]) -> None:
    """Each quarter's change of the achievable target against the quarter before
    (minutes; negative = the desk got faster)."""
    previous = None
    for h in history:
        cur = h["achievable_minutes"]
        h["change_minutes"] = None if cur is None or previous is None else cur - previous
        previous = cur if cur is not None else previous


def _recommend(prio: str, measure: str, target: float, objective: float,
               history: list[dict[str, Any]], pooled: list[float], window: list[str],
               min_tickets: int) -> dict[str, Any]:
    last = history[-1]
    obj = _num(objective)
    verb = "answered" if measure == "response" else "resolved"
    shown = truncate(last["attainment_pct"], 1)
    met = f"met {shown:.1f} % in {last['quarter']}" if shown is not None else \
        f"not measured in {last['quarter']}"
    head = f"{prio} {measure}: {_num(target)} min {met}"
    span = f"the last {_WORDS.get(len(window), len(window))} quarters" \
        if len(window) > 1 else window[0]
    if len(pooled) < min_tickets:
        return {"pooled_tickets": len(pooled), "achievable_minutes": None,
                "recommended_minutes": None, "advice": "too thin",
                "evidence": f"{head}; only {len(pooled)} {prio} tickets in {span} "
                            f"(fewer than {min_tickets}): too thin to recommend a target"}
    at = nearest_rank(pooled, objective)
    assert at is not None
    if math.isinf(at):
        return {"pooled_tickets": len(pooled), "achievable_minutes": None,
                "recommended_minutes": None, "advice": "unreachable",
                "evidence": f"{head}; more than {_num(100 - objective)} % of {prio} tickets "
                            f"in {span} were never {verb} by their target's cut-off: no "
                            f"target would have been met at {obj} %"}
    recommended = step_up(at)
    advice = "keep" if recommended == target else "raise" if recommended > target else \
        "could tighten"
    evidence = (f"{head}; {obj} % of {prio} tickets were {verb} within {_up(at)} business "
                f"minutes in {span} ({len(pooled)} tickets): {advice} "
                f"{'at' if advice == 'keep' else 'to'} {recommended} min")
    if last["attainment_pct"] is not None and last["attainment_pct"] < objective and \
            advice != "raise":
        alone = "no finite target" if not last["achievable_reached"] else \
            f"{_up(last['achievable_minutes'])} min"
        evidence += f"; but {last['quarter']} alone needed {alone}: watch the trend"
    return {"pooled_tickets": len(pooled), "achievable_minutes": at,
            "recommended_minutes": recommended, "advice": advice, "evidence": evidence}


_WORDS = {2: "two", 3: "three", 4: "four"}


def _num(value: float) -> str:
    return f"{value:g}"


def _up(minutes: float) -> int:
    """Shown durations round up to whole minutes, against the MSP like the figures."""
    return math.ceil(minutes)


# ----------------------------------------------------------------------------- views


def calibrate_table(doc: dict[str, Any], markdown: bool = False) -> str:
    """One line per tier/priority/measure with the per-quarter achievable target and
    attainment, then the evidence sentence."""
    qs = doc["quarters"]
    head = ["tier", "prio", "measure", "target", *qs, "advice", "recommend"]
    lines = []
    if markdown:
        lines += [f"# SLA calibration {qs[0]}..{qs[-1]}", "",
                  f"Per quarter: the target met for the objective share of tickets "
                  f"(nearest rank, business minutes) / attainment of the current target. "
                  f"Recommendations pool the last {doc['pooled_quarters']} quarters and "
                  f"need {doc['min_tickets']} tickets.", "",
                  "| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    else:
        lines.append("  ".join(f"{h:>13}" if i > 2 else f"{h:<10}"
                               for i, h in enumerate(head)))
    for r in doc["rows"]:
        cells = [r["tier"], r["priority"], r["measure"], f"{_num(r['target_minutes'])} min",
                 *[_cell(h) for h in r["history"]], r["advice"],
                 "—" if r["recommended_minutes"] is None else f"{r['recommended_minutes']} min"]
        if markdown:
            lines.append("| " + " | ".join(cells) + " |")
        else:
            lines.append("  ".join(f"{c:>13}" if i > 2 else f"{c:<10}"
                                   for i, c in enumerate(cells)))
    lines.append("")
    lines += [("- " if markdown else "") + r["evidence"] for r in doc["rows"]]
    return "\n".join(lines)


def _cell(h: dict[str, Any]) -> str:
    if not h["tickets"]:
        return "—"
    at = "never" if not h["achievable_reached"] else f"{_up(h['achievable_minutes'])}m"
    pct = truncate(h["attainment_pct"], 1)
    return f"{at} {pct:.1f}%"


def calibrate_workbook(doc: dict[str, Any], results: Sequence[ClientQuarter]) -> bytes:
    """An XLSX with the table ("Calibration") and every measured ticket's business
    minutes ("Distribution": tier, priority, measure, quarter, minutes, met), to chart
    or re-check the percentiles. No client or ticket text is written."""
    import io

    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    table = wb.create_sheet("Calibration")
    table.append(["tier", "priority", "measure", "target_minutes", "objective_pct",
                  "quarter", "tickets", "met", "breached", "attainment_pct",
                  "achievable_minutes", "change_minutes", "recommended_minutes", "advice",
                  "evidence"])
    for r in doc["rows"]:
        for h in r["history"]:
            table.append([r["tier"], r["priority"], r["measure"], r["target_minutes"],
                          r["objective_pct"], h["quarter"], h["tickets"], h["met"],
                          h["breached"], h["attainment_pct"], h["achievable_minutes"],
                          h["change_minutes"], r["recommended_minutes"], r["advice"],
                          r["evidence"]])
    dist = wb.create_sheet("Distribution")
    dist.append(["tier", "priority", "measure", "quarter", "business_minutes", "met"])
    for (tier, prio, measure, quarter), cell in sorted(collect(results).items()):
        for minutes in sorted(cell.minutes):
            dist.append([tier, prio, measure, quarter,
                         None if math.isinf(minutes) else minutes,
                         "never" if math.isinf(minutes) else ""])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
