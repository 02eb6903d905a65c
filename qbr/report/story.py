"""The quarter's story in words: the executive summary and the KPI tiles (issue 7 §1).

Everything here is drafted from numbers the pack already holds (no metric is computed),
in the pack's language through the catalog. Shown percentages use the same truncating
formatters as the tables, so a sentence never contradicts a table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from qbr.pack import CreditView, Incident, Pack
from qbr.report.formatters import Formatters, priority_label, target_text

MAX_MISS_SENTENCES = 2
_DOUBLE_STOP = re.compile(r"(?<!\.)\.\.(?!\.)")


def priority_keys(metrics: dict[str, Any]) -> list[str]:
    """Priority keys of the tier in the metrics' order, ``all`` excluded."""
    keys = [k for k in (metrics.get("response") or {}) if k != "all"]
    for k in metrics.get("resolution") or {}:
        if k != "all" and k not in keys:
            keys.append(k)
    return keys


@dataclass(frozen=True)
class Miss:
    """One priority of one measure below the objective: ``breached`` of ``measured``."""

    measure: str  # response | resolution
    priority: str
    breached: int
    measured: int
    target_minutes: float | None


@dataclass(frozen=True)
class Tile:
    """One KPI tile. ``status`` is met, missed or none (nothing to judge)."""

    key: str
    label: str
    value: str
    target: str | None
    change: str | None
    status: str
    reason: str | None


def misses(pack: Pack) -> list[Miss]:
    """Priorities whose attainment is below the objective, worst first."""
    out = []
    for measure in ("response", "resolution"):
        block = pack.metrics.get(measure) or {}
        for prio in priority_keys(pack.metrics):
            e = block.get(prio) or {}
            pct = e.get("attainment_pct")
            if pct is not None and pack.objective_pct is not None \
                    and pct < pack.objective_pct:
                out.append(Miss(measure, prio, int(e.get("breached") or 0),
                                int(e.get("met") or 0) + int(e.get("breached") or 0),
                                e.get("target_minutes")))
    return sorted(out, key=lambda m: (m.breached / max(m.measured, 1) * -1, m.priority))


def _target(pack: Pack, fmt: Formatters, miss: Miss) -> str:
    clock = pack.priority_clocks.get(miss.priority)
    return target_text(miss.target_minutes, clock.always if clock else True,
                       clock.day_minutes if clock else None, fmt.translations, fmt.number)


def miss_sentence(pack: Pack, fmt: Formatters, miss: Miss) -> str:
    """"1 of 7 P1 (critical) tickets missed the response target of 15 min." """
    _ = fmt.translations
    template = (_.ngettext("%(b)s of %(n)s %(prio)s ticket missed the response target of "
                           "%(target)s.", "%(b)s of %(n)s %(prio)s tickets missed the "
                           "response target of %(target)s.", miss.measured)
                if miss.measure == "response" else
                _.ngettext("%(b)s of %(n)s %(prio)s ticket missed the resolution target of "
                           "%(target)s.", "%(b)s of %(n)s %(prio)s tickets missed the "
                           "resolution target of %(target)s.", miss.measured))
    return template % {"b": fmt.number(miss.breached), "n": fmt.number(miss.measured),
                       "prio": priority_label(miss.priority, fmt.translations),
                       "target": _target(pack, fmt, miss)}


def summary(pack: Pack, fmt: Formatters) -> list[str]:
    """Three to six sentences: volume, service levels and why a target was missed,
    availability, change against last quarter, credit."""
    sentences = (_volume(pack, fmt), _service(pack, fmt), *_miss_lines(pack, fmt),
                 _availability(pack, fmt), _change(pack, fmt), _credit(pack, fmt))
    # "16 Min." ends a German sentence with its own full stop: never print "Min.."
    return [_DOUBLE_STOP.sub(".", s) for s in sentences if s]


def _volume(pack: Pack, fmt: Formatters) -> str:
    tr = fmt.translations
    total = int((pack.metrics.get("tickets") or {}).get("total") or 0)
    prev = (pack.previous or {}).get("tickets", {}).get("total") if pack.previous else None
    text = tr.ngettext("%(n)s ticket was opened this quarter",
                       "%(n)s tickets were opened this quarter", total) % {"n": fmt.number(total)}
    if prev is not None:
        text += " " + tr.gettext("(previous quarter: %(n)s)") % {"n": fmt.number(prev)}
    return text + "."


def _service(pack: Pack, fmt: Formatters) -> str | None:
    _ = fmt.translations.gettext
    resp = ((pack.metrics.get("response") or {}).get("all") or {}).get("attainment_pct")
    reso = ((pack.metrics.get("resolution") or {}).get("all") or {}).get("attainment_pct")
    if resp is None and reso is None:
        return None
    args = {"resp": fmt.attainment(resp), "reso": fmt.attainment(reso),
            "obj": fmt.attainment(pack.objective_pct)}
    if pack.objective_pct is None:  # SPEC §3a: a tier may state no objective
        return _("%(resp)s of tickets were answered and %(reso)s resolved within target; "
                 "the agreement sets no attainment objective.") % args
    if not misses(pack):
        return _("Every ticket objective was met: %(resp)s of tickets were answered and "
                 "%(reso)s resolved within target (objective %(obj)s).") % args
    return _("Response targets were met for %(resp)s of tickets and resolution targets for "
             "%(reso)s (objective %(obj)s per priority).") % args


def _miss_lines(pack: Pack, fmt: Formatters) -> list[str]:
    found = misses(pack)
    # the worst misses only; the service level page lists every priority
    return [miss_sentence(pack, fmt, m) for m in found[:MAX_MISS_SENTENCES]]


def longest_incident(pack: Pack) -> Incident | None:
    crit = [i for i in pack.incidents if i.critical]
    return max(crit, key=lambda i: (i.downtime_minutes, -i.start.timestamp()), default=None)


def _availability(pack: Pack, fmt: Formatters) -> str | None:
    _ = fmt.translations.gettext
    crit = (pack.metrics.get("uptime") or {}).get("critical_uptime_pct")
    if crit is None:
        return None
    missed = [s for s in pack.systems if s.critical and s.met is False]
    text = _("Critical systems were available %(pct)s of the time.") % {
        "pct": fmt.uptime(crit)}
    worst = longest_incident(pack)
    if missed:
        names = ", ".join(s.label for s in missed)
        text += " " + _("Below its guarantee: %(systems)s.") % {"systems": names}
    if worst is not None:
        text += " " + _("The longest incident: %(system)s on %(date)s, %(dur)s.") % {
            "system": worst.label, "date": fmt.date(worst.start),
            "dur": fmt.duration(worst.downtime_minutes)}
    return text


def _change(pack: Pack, fmt: Formatters) -> str | None:
    if not pack.previous or len(pack.history) < 2:
        return None
    _ = fmt.translations.gettext
    before = pack.history[-2]
    m = pack.metrics
    now = (((m.get("response") or {}).get("all") or {}).get("attainment_pct"),
           ((m.get("resolution") or {}).get("all") or {}).get("attainment_pct"),
           (m.get("uptime") or {}).get("critical_uptime_pct"))
    parts = []
    for label, a, b, places in (
        (_("response attainment"), before.response_pct, now[0], 1),
        (_("resolution attainment"), before.resolution_pct, now[1], 1),
        (_("critical uptime"), before.critical_uptime_pct, now[2], 2),
    ):
        if a is not None and b is not None:
            parts.append(_("%(what)s %(a)s → %(b)s") % {
                "what": label, "a": fmt.percent(a, places), "b": fmt.percent(b, places)})
    if not parts:
        return None
    return _("Compared with %(quarter)s: %(changes)s.") % {
        "quarter": fmt.quarter(before.quarter), "changes": "; ".join(parts)}


def _credit(pack: Pack, fmt: Formatters) -> str | None:
    _ = fmt.translations.gettext
    cr = pack.credit
    if cr is None or cr.pct is None:
        return None
    if not cr.pct:
        text = _("No service credit is due.")
    elif cr.applied_below is None:  # only rows on attainment applied (SPEC §3a)
        text = _("A service credit of %(amount)s (%(pct)s of the quarterly fee) is due: "
                 "%(working)s.") % {"amount": fmt.money(cr.amount, cr.currency),
                                    "pct": fmt.percent(cr.pct, 0),
                                    "working": "; ".join(applied_lines(cr, fmt))}
    else:
        text = _("A service credit of %(amount)s (%(pct)s of the quarterly fee) is due "
                 "because critical uptime of %(up)s fell below %(below)s.") % {
            "amount": fmt.money(cr.amount, cr.currency), "pct": fmt.percent(cr.pct, 0),
            "up": fmt.uptime(cr.critical_uptime_pct),
            "below": fmt.uptime(cr.applied_below)}
    if cr.provisional:
        text += " " + _("The quarter was not over at the cut-off; this is provisional.")
    return text


def _delta_vs(pack: Pack, fmt: Formatters, now: float | None, attr: str,
              places: int) -> str | None:
    if len(pack.history) < 2 or not pack.previous:
        return None
    change = fmt.points(now, getattr(pack.history[-2], attr), places)
    if change is None:
        return None
    return fmt.translations.gettext("%(change)s vs %(quarter)s") % {
        "change": change, "quarter": fmt.quarter(pack.history[-2].quarter)}


def tiles(pack: Pack, fmt: Formatters) -> list[Tile]:
    """Response, resolution, critical uptime, tickets and credit tiles."""
    _ = fmt.translations.gettext
    m = pack.metrics
    out = []
    found = misses(pack)
    for measure, label, attr in (("response", _("Response within target"), "response_pct"),
                                 ("resolution", _("Resolved within target"),
                                  "resolution_pct")):
        pct = ((m.get(measure) or {}).get("all") or {}).get("attainment_pct")
        own = [x for x in found if x.measure == measure]
        status = "none" if pct is None else ("missed" if own else "met")
        reason = None
        if own:
            worst = own[0]
            reason = _("%(prio)s: %(b)s of %(n)s late") % {
                "prio": worst.priority, "b": fmt.number(worst.breached),
                "n": fmt.number(worst.measured)}
            if len(own) > 1:  # in words, not "(+N)": the reader must know N of what
                more = len(own) - 1
                reason += fmt.translations.ngettext(
                    "; %(n)s other priority missed", "; %(n)s other priorities missed", more
                ) % {"n": fmt.number(more)}
        if pack.objective_pct is None:
            status = "none"
        target = _("No attainment objective") if pack.objective_pct is None else \
            _("Objective %(pct)s per priority") % {"pct": fmt.attainment(pack.objective_pct)}
        out.append(Tile(measure, label, fmt.attainment(pct), target,
                        _delta_vs(pack, fmt, pct, attr, 1), status, reason))
    out.append(_uptime_tile(pack, fmt))
    out.append(_tickets_tile(pack, fmt))
    out.append(_credit_tile(pack, fmt))
    return out


def _uptime_tile(pack: Pack, fmt: Formatters) -> Tile:
    _ = fmt.translations.gettext
    up = pack.metrics.get("uptime") or {}
    crit = up.get("critical_uptime_pct")
    missed = [s for s in pack.systems if s.critical and s.met is False]
    status = "none" if crit is None else ("missed" if missed else "met")
    reason = None
    if missed:
        worst = min(missed, key=lambda s: s.uptime_pct or 0.0)
        reason = _("%(system)s: %(pct)s") % {"system": worst.label,
                                              "pct": fmt.uptime(worst.uptime_pct)}
    guarantees = sorted({s.guarantee_pct for s in pack.systems if s.critical})
    target = (_("Guarantee %(pct)s per system") % {"pct": fmt.uptime(guarantees[0])}
              if len(guarantees) == 1 else
              _("Guarantee %(lo)s–%(hi)s per system") % {
                  "lo": fmt.uptime(guarantees[0]), "hi": fmt.uptime(guarantees[-1])}
              if guarantees else None)
    return Tile("uptime", _("Critical systems available"), fmt.uptime(crit), target,
                _delta_vs(pack, fmt, crit, "critical_uptime_pct", 2), status, reason)


def _tickets_tile(pack: Pack, fmt: Formatters) -> Tile:
    _ = fmt.translations.gettext
    t = pack.metrics.get("tickets") or {}
    total = int(t.get("total") or 0)
    prev = ((pack.previous or {}).get("tickets") or {}).get("total") if pack.previous \
        else None
    change = None
    if prev is not None:
        diff = total - int(prev)
        sign = "+" if diff > 0 else ("−" if diff < 0 else "±")
        change = _("%(change)s vs %(quarter)s") % {
            "change": f"{sign}{fmt.number(abs(diff))}",
            "quarter": fmt.quarter(pack.history[-2].quarter) if len(pack.history) > 1
            else ""}
    pending = int(t.get("pending") or 0)
    reason = _("%(n)s still open at the cut-off") % {"n": fmt.number(pending)} \
        if pending else None
    return Tile("tickets", _("Tickets opened"), fmt.number(total), None, change, "none",
                reason)


def _credit_tile(pack: Pack, fmt: Formatters) -> Tile:
    _ = fmt.translations.gettext
    cr = pack.credit
    if cr is None or cr.pct is None:
        return Tile("credit", _("Service credit"), fmt.money(None, None), None, None, "none",
                    _("No critical system was measured."))
    status = "missed" if cr.pct else "met"
    reason = None
    if cr.pct and cr.applied_below is None:
        reason = "; ".join(applied_lines(cr, fmt))
    elif cr.pct:
        reason = _("%(up)s < %(below)s → %(pct)s of the fee") % {
            "up": fmt.uptime(cr.critical_uptime_pct), "below": fmt.uptime(cr.applied_below),
            "pct": fmt.percent(cr.pct, 0)}
    value = fmt.money(cr.amount, cr.currency)
    target = _("provisional") if cr.provisional else None
    return Tile("credit", _("Service credit"), value, target, None, status, reason)


def applied_lines(cr: CreditView, fmt: Formatters) -> list[str]:
    """One line per credit row that applied (SPEC §3a), e.g. "Resolution attainment
    88.0 % is below 90.00 %: 5.00 %"."""
    _ = fmt.translations.gettext
    what = {"uptime": _("Critical uptime"), "response": _("Response attainment"),
            "resolution": _("Resolution attainment")}
    return [_("%(what)s %(value)s is below %(below)s: %(pct)s") % {
        "what": what.get(metric, metric),
        "value": fmt.uptime(value) if metric == "uptime" else fmt.attainment(value),
        "below": fmt.percent(below, 2), "pct": fmt.percent(pct, 2)}
        for metric, value, below, pct in cr.applied]
