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

from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from qbr.adapter import InputWarning, Rejection
from qbr.config import Config, Source
from qbr.frames import EVENT_COLUMNS, TICKET_COLUMNS, UTC_NS
from qbr.io.serial import serial_system
from qbr.logs.frame import Folded, Rejector, ambiguous_values, map_text, parse_instants
from qbr.model import Provenance, Ticket

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
    reject = Rejector(frame, file, labels, out.rejections)

    for name in ("ticket_id", "at"):
        reject(frame[name] == "", "missing-cell", name, "required value is blank")
    for name in ("at", "created_at"):
        if name not in frame:
            continue
        instants, bad, notes = parse_instants(frame[name], source.date_formats, zone,
                                              serial_system(source))
        reject(frame[name].isin(list(bad)), "bad-date", name, bad)
        mixed = ambiguous_values(frame[name], source.date_formats)
        reject(frame[name].isin(list(mixed)), "ambiguous-date", name, mixed)
        noted = frame[name].isin(list(notes))
        for row, text in zip(frame.loc[noted, "row"], frame.loc[noted, name], strict=True):
            out.warnings.append(InputWarning(file, int(row), labels[name], notes[text]))
        frame[f"{name}_utc"] = instants
    states = source.values.get("status", {})
    if "status" in frame:
        unknown = (frame["status"] != "") & ~frame["status"].isin(list(states))
        reject(unknown, "bad-value", "status",
               lambda cells: [f"state {c!r} is not in values.status" for c in cells])
        frame["state"] = map_text(frame["status"], states)
    elif "activity" in frame:
        frame["state"] = map_text(frame["activity"], source.values.get("activity", {}))
    else:
        frame["state"] = None
    frame = frame[reject.keep].sort_values(["ticket_id", "at_utc"], kind="stable")
    _fold(config, source, frame, file, labels, out)
    if len(frame):
        out.last_seen = frame["at_utc"].max().to_pydatetime()
    return out


def _fold(config: Config, source: Source, frame: pd.DataFrame, file: str,
          labels: Mapping[str, str], out: Folded) -> None:
    """Column-wise fold of rows sorted by (ticket, time); the rules are the module's."""
    f = frame.reset_index(drop=True)
    created = _created(f)
    early = f["at_utc"] < created
    for row, at, c in zip(f.loc[early, "row"], f.loc[early, "at_utc"], created[early],
                          strict=True):
        out.rejections.append(Rejection(
            file, int(row), "event-before-created", labels["at"],
            f"{at:%Y-%m-%d %H:%M} UTC is before created_at {c:%Y-%m-%d %H:%M} UTC", None))
    f, created = f[~early].reset_index(drop=True), created[~early].reset_index(drop=True)
    gid = f["ticket_id"].ne(f["ticket_id"].shift()).cumsum()
    company = _last(f, "client", gid)
    nameless = company.reindex(gid).isna().to_numpy()
    for row in f.loc[nameless, "row"]:
        out.rejections.append(Rejection(file, int(row), "missing-cell", labels.get("client"),
                                        "no row of this ticket names a client", None))
    f, created, gid = f[~nameless], created[~nameless], gid[~nameless]
    company = company.dropna()
    if f.empty:
        return
    state = f["state"].groupby(gid).ffill().fillna("running")
    prev = state.groupby(gid).shift()
    prio = _priorities(source, f, gid)
    prev_prio = prio.groupby(gid).shift()
    first = gid.ne(gid.shift())
    change = first | (state != prev) | (prio.fillna("") != prev_prio.fillna(""))
    out.events = _events(source, f[change], state[change], prio[change], file)
    pos = pd.Series(range(len(f)), index=f.index)
    last_open = pos.where(state.isin(_OPEN)).groupby(gid).transform("max").fillna(-1)
    prev = prev.fillna("running")
    at = f["at_utc"]
    resolved = at.where((state == "resolved") & (prev != "resolved") & (pos > last_open))
    closed = at.where((state == "closed") & (prev != "closed") & (pos > last_open))
    clients = {name: config.client_for_name(name) for name in company.dropna().unique()}
    per_ticket = pd.DataFrame({
        "ticket_id": f.groupby(gid)["ticket_id"].first(), "company": company,
        "created": created.groupby(gid).first(),
        "response": at.where(_responds(source, f)).groupby(gid).min(),
        "resolved": resolved.groupby(gid).max(), "closed": closed.groupby(gid).max(),
        "updated": at.groupby(gid).last(), "status": state.groupby(gid).last(),
        "row": f.groupby(gid)["row"].last(), "priority": _last(f, "priority", gid),
        "title": _last(f, "title", gid), "category": _last(f, "category", gid),
        "queue": _last(f, "queue", gid)})
    out.tickets = _tickets(config, source, per_ticket, clients, file)
    rows = f["row"].to_numpy(dtype=np.int64).tolist()
    names = company.reindex(gid)
    out.rows.update(zip(rows, map_text(names, clients).tolist(), strict=True))
    out.names.update(zip(rows, names.tolist(), strict=True))
    # Rows are sorted by ticket: each ticket's rows are one run.
    starts = np.flatnonzero(first.to_numpy())
    ids = f["ticket_id"].to_numpy(dtype=object)[starts].tolist()
    out.ticket_rows.update(zip(ids, (rows[a:b] for a, b in zip(
        starts.tolist(), [*starts[1:].tolist(), len(rows)], strict=True)), strict=True))


def _created(f: pd.DataFrame) -> pd.Series:
    """Per row, its ticket's creation: the first non-blank ``created_at``, else the
    first event (rows are sorted by ticket, then time)."""
    gid = f["ticket_id"].ne(f["ticket_id"].shift()).cumsum()
    first_event = f["at_utc"].groupby(gid).transform("first")
    if "created_at_utc" not in f:
        return first_event
    return f["created_at_utc"].groupby(gid).transform("first").fillna(first_event)


def _last(f: pd.DataFrame, name: str, gid: pd.Series) -> pd.Series:
    """Per ticket, the latest non-blank value of a text field (NaN when none)."""
    if name not in f:
        return pd.Series(None, index=gid.unique(), dtype=object)
    return f[name].replace("", None).groupby(gid).last()


def _priorities(source: Source, f: pd.DataFrame, gid: pd.Series) -> pd.Series:
    """The tier priority in force per row: a blank cell keeps the previous row's; a value
    missing from ``values.priority`` (when there is one) is unclassified (None)."""
    if "priority" not in f:
        return pd.Series(None, index=f.index, dtype=object)
    raw = f["priority"]
    prio_map = source.values.get("priority")
    unmapped = "<unmapped>"  # not a tier key (keys are config identifiers)
    if prio_map:
        mapped = map_text(raw, prio_map)
        mapped = mapped.where(mapped.notna().to_numpy(), unmapped)
    else:
        mapped = raw.astype(object)
    mapped = mapped.where((raw != "").to_numpy())  # blank: carried from the row before
    carried = mapped.groupby(gid).ffill()
    keep = (carried.notna() & (carried != unmapped)).to_numpy()
    values = carried.to_numpy(dtype=object, copy=True)
    values[~keep] = None
    return pd.Series(values, index=f.index, dtype=object)


def _responds(source: Source, f: pd.DataFrame) -> pd.Series:
    """Rows that count as a first response under the ``fold`` rules (any of them)."""
    rules = source.fold
    hit = pd.Series(False, index=f.index)
    if rules.get("response_activity") and "activity" in f:
        hit |= f["activity"].isin(rules["response_activity"])
    if rules.get("response_state_not") and "status" in f:
        hit |= (f["status"] != "") & ~f["status"].isin(rules["response_state_not"])
    if rules.get("response_assigned") and "assigned_to" in f:
        hit |= f["assigned_to"] != ""
    return hit


def _events(source: Source, rows: pd.DataFrame, states: pd.Series, prios: pd.Series,
            file: str) -> pd.DataFrame:
    """The status history as a frame in :data:`qbr.frames.EVENT_COLUMNS` schema (text as
    ``object``, instants UTC ns), in the fold's (ticket, time) order."""
    n = len(rows)
    text = {"system": np.full(n, source.system, dtype=object),
            "ticket_id": rows["ticket_id"].to_numpy(dtype=object),
            "status": states.to_numpy(dtype=object),
            "priority": prios.to_numpy(dtype=object),
            "source_file": np.full(n, file, dtype=object)}
    # object columns, as qbr.frames.typed_frame builds them (pandas would infer ``str``)
    data = {name: pd.Series(values, dtype=object) for name, values in text.items()}
    data["at"] = rows["at_utc"].reset_index(drop=True)
    data["source_row"] = pd.Series(rows["row"].to_numpy(dtype=np.int64))
    return pd.DataFrame(data, columns=list(EVENT_COLUMNS))


def _priority(config: Config, source: Source, client: str | None, raw: str) -> str | None:
    """Tier priority key or ``None`` (unclassified), as for a tickets source (SPEC §3)."""
    priorities = source.values.get("priority")
    key = raw if priorities is None else priorities.get(raw)
    if not raw or key is None or client is None:
        return key if raw else None
    tier = config.tiers[config.clients[client].tier]
    return key if key in tier.response_minutes else None


def _tickets(config: Config, source: Source, per_ticket: pd.DataFrame,
             clients: Mapping[str, str | None], file: str) -> pd.DataFrame:
    """One row per folded ticket in :data:`qbr.frames.TICKET_COLUMNS` schema (text as
    ``object``, instants UTC ns, ``client`` ``""`` when unassigned), column-wise."""
    n = len(per_ticket)
    owners = map_text(per_ticket["company"], clients)
    raws = per_ticket["priority"].fillna("").astype(object)
    keys = [_priority(config, source, c, r) for c, r in
            zip(owners.tolist(), raws.tolist(), strict=True)]
    text: dict[str, Any] = {
        "system": np.full(n, source.system, dtype=object),
        "ticket_id": per_ticket["ticket_id"].to_numpy(dtype=object),
        "client": owners.fillna("").to_numpy(dtype=object),
        "priority": np.array(keys, dtype=object), "priority_raw": raws.to_numpy(),
        "status": per_ticket["status"].to_numpy(dtype=object),
        "title": per_ticket["title"].fillna("").to_numpy(dtype=object),
        "excluded_reason": np.full(n, None, dtype=object),
        "source_file": np.full(n, file, dtype=object)}
    for name in ("category", "queue"):
        values = per_ticket[name].to_numpy(dtype=object, copy=True)
        values[pd.isna(values)] = None
        text[name] = values
    data = {name: pd.Series(values, dtype=object) for name, values in text.items()}
    for name, column in (("created_at", "created"), ("first_response_at", "response"),
                         ("resolved_at", "resolved"), ("closed_at", "closed"),
                         ("updated_at", "updated")):
        data[name] = pd.Series(per_ticket[column].array, dtype=UTC_NS)
    data["reported_pause_minutes"] = pd.Series(np.full(n, np.nan))
    data["source_row"] = pd.Series(per_ticket["row"].to_numpy(dtype=np.int64))
    return pd.DataFrame(data, columns=list(TICKET_COLUMNS))


def ticket_list(frame: pd.DataFrame) -> list[Ticket]:
    """The :class:`Ticket` records of a folded tickets frame (:func:`_tickets`), built
    column-wise (what :func:`qbr.frames.ticket_records` does row by row)."""
    cols: dict[str, list[Any]] = {}
    for name in TICKET_COLUMNS:
        column = frame[name]
        if pd.api.types.is_datetime64_any_dtype(column):
            values = column.dt.to_pydatetime().tolist()
            cols[name] = [None if v is pd.NaT else v for v in values]
        elif name == "reported_pause_minutes":
            cols[name] = [None if v != v else float(v) for v in column.tolist()]
        else:
            cols[name] = [None if v is None or v != v else v for v in column.tolist()]
    cols["source"] = [Provenance(f, int(r)) for f, r in
                      zip(cols.pop("source_file"), cols.pop("source_row"), strict=True)]
    reason = cols.pop("excluded_reason")
    return list(map(Ticket, *cols.values(), reason))
