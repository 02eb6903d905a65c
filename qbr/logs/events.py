"""Fold a ticket event log into tickets and status history (``kind = "events"``).

One row per ticket change: case id, timestamp, a state and/or an activity, plus ticket
fields. Per ticket (rows in time order; equal times keep file order, SPEC §2):

- **created** = the ``created_at`` column when mapped (first non-blank value), else the
  first event. A row stamped before ``created`` is rejected ``event-before-created``.
- **state** of a row = its ``status`` cell through ``values.status``; without a status
  column, its ``activity`` through ``values.activity`` (an activity not in that map
  changes nothing: the state in force carries on). Before any state: ``running``.
- **first response** = the earliest row matching any rule of ``[sources.X.fold]``:
  ``response_activity`` (activity in the list), ``response_state_not`` (a state cell,
  as exported, not in the list, e.g. ``["New"]``), ``response_assigned = true`` (first
  non-blank ``assigned_to``).
- **resolved** = the last transition into ``resolved``; a later move back to an open
  state (a reopen) clears it and ``closed``. **closed** likewise for ``closed``.
- **client, priority, title, category, queue** = the latest non-blank value;
  ``updated_at`` = the last event; ``status`` = the final state.
- **status history** = one event per change of state or priority.

Every row that is not rejected counts as an accepted (or, when the ticket's client is
not configured, unassigned) event: folding is not rejection (SPEC §7 accounting).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from qbr.adapter import InputWarning, Rejection
from qbr.config import Config, Source
from qbr.logs.frame import Folded, parse_instants
from qbr.model import Provenance, StatusEvent, Ticket

REQUIRED = ("ticket_id", "at", "client")
OPTIONAL = ("status", "activity", "priority", "assigned_to", "created_at", "title",
            "category", "queue")
_OPEN = ("running", "pause", "waiting_customer", "waiting_vendor")


def fold_events(config: Config, source: Source, frame: pd.DataFrame, file: str,
                labels: Mapping[str, str]) -> Folded:
    """Tickets and status events from the text frame of one event log (see module doc).
    ``labels`` maps canonical fields to export headers (for messages)."""
    out = Folded()
    zone = ZoneInfo(source.timezone)
    frame = frame.copy()
    keep = pd.Series(True, index=frame.index)

    def reject(mask: pd.Series, reason: str, field: str, detail: pd.Series | str) -> None:
        nonlocal keep
        hit = mask & keep
        details = detail if isinstance(detail, pd.Series) else pd.Series(detail, frame.index)
        for row, text in zip(frame.loc[hit, "row"], details[hit], strict=True):
            out.rejections.append(Rejection(file, int(row), reason, labels.get(field), text,
                                            None))
        keep &= ~hit

    for name in ("ticket_id", "at"):
        reject(frame[name] == "", "missing-cell", name, "required value is blank")
    for name in ("at", "created_at"):
        if name not in frame:
            continue
        instants, bad, notes = parse_instants(frame[name], source.date_formats, zone)
        reject(frame[name].isin(list(bad)), "bad-date", name, frame[name].map(bad))
        for row, text in zip(frame["row"], frame[name], strict=True):
            if text in notes:
                out.warnings.append(InputWarning(file, int(row), labels[name], notes[text]))
        frame[f"{name}_utc"] = instants
    states = source.values.get("status", {})
    if "status" in frame:
        unknown = (frame["status"] != "") & ~frame["status"].isin(list(states))
        reject(unknown, "bad-value", "status",
               "state " + frame["status"].map(repr) + " is not in values.status")
        frame["state"] = frame["status"].map(states)
    elif "activity" in frame:
        frame["state"] = frame["activity"].map(source.values.get("activity", {}))
    else:
        frame["state"] = None
    frame = frame[keep].sort_values(["ticket_id", "at_utc"], kind="stable")
    _fold(config, source, frame, file, labels, out)
    if len(frame):
        out.last_seen = frame["at_utc"].max().to_pydatetime()
    return out


def _fold(config: Config, source: Source, frame: pd.DataFrame, file: str,
          labels: Mapping[str, str], out: Folded) -> None:
    # One conversion to plain records (a per-group DataFrame costs ~5 ms per ticket).
    columns = [c for c in frame.columns if not c.endswith("_utc")]
    records = [{str(k): v for k, v in r.items()} for r in frame[columns].to_dict("records")]
    for name in ("at_utc", "created_at_utc"):
        if name in frame:
            stamps = frame[name].dt.to_pydatetime()
            for r, at in zip(records, stamps, strict=True):
                r[name] = None if pd.isna(at) else at
    for _, group in itertools.groupby(records, key=lambda r: r["ticket_id"]):
        rows = list(group)
        created = _created(rows)
        early = [r for r in rows if r["at_utc"] < created]
        for r in early:
            out.rejections.append(Rejection(
                file, int(r["row"]), "event-before-created", labels["at"],
                f"{r['at_utc']:%Y-%m-%d %H:%M} UTC is before created_at "
                f"{created:%Y-%m-%d %H:%M} UTC", None))
        rows = [r for r in rows if r["at_utc"] >= created]
        if rows:
            _ticket(config, source, str(rows[0]["ticket_id"]), created, rows, file, labels,
                    out)


def _created(rows: list[dict[str, Any]]) -> datetime:
    for r in rows:
        value = r.get("created_at_utc")
        if isinstance(value, datetime):
            return value
    first: datetime = rows[0]["at_utc"]
    return first


def _last(rows: list[dict[str, Any]], name: str) -> str:
    for r in reversed(rows):
        value = r.get(name)
        if isinstance(value, str) and value:
            return value
    return ""


def _responds(source: Source, r: dict[str, Any]) -> bool:
    rules = source.fold
    if r.get("activity") in rules.get("response_activity", []):
        return True
    state = r.get("status")
    not_yet = rules.get("response_state_not", [])
    if not_yet and isinstance(state, str) and state and state not in not_yet:
        return True
    return bool(rules.get("response_assigned")) and bool(r.get("assigned_to"))


def _priority(config: Config, source: Source, client: str | None, raw: str) -> str | None:
    """Tier priority key or ``None`` (unclassified), as for a tickets source (SPEC §3)."""
    priorities = source.values.get("priority")
    key = raw if priorities is None else priorities.get(raw)
    if not raw or key is None or client is None:
        return key if raw else None
    tier = config.tiers[config.clients[client].tier]
    return key if key in tier.response_minutes else None


def _ticket(config: Config, source: Source, ticket_id: str, created: datetime,
            rows: list[dict[str, Any]], file: str, labels: Mapping[str, str],
            out: Folded) -> None:
    company = _last(rows, "client")
    if not company:
        for r in rows:
            out.rejections.append(Rejection(file, int(r["row"]), "missing-cell",
                                             labels.get("client"),
                                             "no row of this ticket names a client", None))
        return
    client = config.client_for_name(company)
    prio_map = source.values.get("priority", {})
    state, prio = "running", None
    resolved: datetime | None = None
    closed: datetime | None = None
    response: datetime | None = None
    for r in rows:
        at: datetime = r["at_utc"]
        new_state = r.get("state")
        new_state = new_state if isinstance(new_state, str) else state
        raw_prio = r.get("priority")
        if isinstance(raw_prio, str) and raw_prio:  # unmapped with a map: unclassified
            new_prio = prio_map.get(raw_prio) if prio_map else raw_prio
        else:
            new_prio = prio
        if response is None and _responds(source, r):
            response = at
        if new_state == "resolved" and state != "resolved":
            resolved = at
        elif new_state == "closed" and state != "closed":
            closed = at
        elif new_state in _OPEN:
            resolved = closed = None  # a reopen clears both (module docstring)
        if r is rows[0] or new_state != state or new_prio != prio:
            out.records.append(StatusEvent(source.system, ticket_id, at, new_state,
                                           Provenance(file, int(r["row"])), new_prio))
        state, prio = new_state, new_prio
        out.rows[int(r["row"])] = client
        out.ticket_rows.setdefault(ticket_id, []).append(int(r["row"]))
        out.names[int(r["row"])] = company
    raw_prio = _last(rows, "priority")
    last = rows[-1]
    out.records.append(Ticket(
        system=source.system, ticket_id=ticket_id, client=client or "",
        priority=_priority(config, source, client, raw_prio), priority_raw=raw_prio,
        created_at=created, first_response_at=response, resolved_at=resolved,
        closed_at=closed, updated_at=last["at_utc"],
        status=state, title=_last(rows, "title"), category=_last(rows, "category") or None,
        queue=_last(rows, "queue") or None, reported_pause_minutes=None,
        source=Provenance(file, int(last["row"]))))
