"""Assemble a client's :class:`qbr.pack.Pack` from the engine's results: the metrics entry,
ticket and outage rows, the data note, the methodology and a five-quarter history."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, time
from pathlib import Path

from qbr.calendar import clock_spec
from qbr.config import Calendar, Client, Config, HolidayRule, Tier
from qbr.ingest import Dataset
from qbr.metrics import ClientQuarter, Engine
from qbr.pack import (
    AccountManager,
    CalendarNote,
    DataNote,
    FileCounts,
    HistoryPoint,
    Pack,
    TicketRow,
)
from qbr.packdesk import desk_view
from qbr.packnotes import client_contradictions, response_stand_in
from qbr.packparts import (
    credit_view,
    incidents,
    monitor_labels,
    observed_span,
    priority_clocks,
    system_rows,
)
from qbr.quarters import Quarter

LOG = logging.getLogger("qbr.report")
LETTER_TERRITORIES = frozenset({"US", "CA", "MX", "PH", "CL", "CO", "VE", "GT", "CR"})
NOTES_MAX_BYTES = 64 * 1024  # a page or two of notes; more is not a QBR note

HISTORY_QUARTERS = 5  # the pack's quarter and the four before it


def build_pack(config: Config, dataset: Dataset, engine: Engine, key: str, quarter: Quarter,
               as_of: datetime) -> Pack:
    """Everything the PDF and workbook of client ``key`` show for ``quarter``."""
    current = engine.client_quarter(key, quarter, as_of)
    client = current.client
    tier = config.tiers[client.tier]
    start, end = quarter.bounds(client.timezone)
    brand = config.brand
    history, previous = _history(engine, key, quarter, as_of, current)
    labels = monitor_labels(client)
    own_monitors = [m for m in dataset.monitors if m.client == key]
    outages = [o for o in dataset.outages if o.client == key]
    span = observed_span((start, end), as_of)
    return Pack(
        msp_name=config.msp_name, client_key=key, client_name=client.name,
        tier=tier.name,  # the config key (the internal appendix shows it)
        locale=client.locale, timezone=client.timezone, quarter=str(quarter),
        quarter_start=start, quarter_end=end, as_of=as_of, metrics=current.entry,
        objective_pct=tier.objective_pct, tickets=tuple(current.tickets),
        outages=tuple(current.outages),
        data_note=_with_input_notes(config, dataset, _data_note(dataset, current, as_of),
                                    current),
        calendars=_calendar_notes(config, tier, client.timezone, client.holidays),
        pause_statuses=tuple(sorted(tier.pause_statuses)),
        history=history,
        brand_folder=brand.folder, logo=brand.logo, primary_color=brand.primary_color,
        accent_color=brand.accent_color,
        tier_label=tier.display_name,  # SPEC §3a: the label, else the key in words
        previous=previous.entry if previous is not None else None,
        previous_tickets=tuple(previous.tickets) if previous is not None else (),
        systems=system_rows(current.monitors, own_monitors, labels, span),
        incidents=incidents(current.monitors, outages, labels, as_of),
        credit=credit_view(tier, client, current.entry),
        priority_clocks=priority_clocks(tier, dict(config.calendars)),
        notes_markdown=read_notes(getattr(config, "notes", None), key, str(quarter)),
        account_manager=_account_manager(client),
        next_review=getattr(client, "next_review", None),
        paper=paper_for(getattr(config, "paper", None), client.locale),
        link_hosts=tuple(h for h in (getattr(config, "psa_url_host", None),) if h),
        desk=desk_view(current.tickets, previous.tickets if previous is not None else None,
                       client.timezone, _months(quarter)),
    )


def _months(quarter: Quarter) -> list[date]:
    first = quarter.first_day  # a property
    return [date(first.year, first.month + i, 1) for i in range(3)]


def paper_for(configured: str | None, locale: str) -> str:
    """``msp.paper`` if set, else Letter for North American locales (en_US, en_CA, …)
    and A4 elsewhere."""
    if configured:
        return configured
    territory = locale.replace("-", "_").partition("_")[2].upper()
    return "Letter" if territory in LETTER_TERRITORIES else "A4"


def read_notes(folder: Path | None, key: str, quarter: str) -> str | None:
    """The account manager's notes ``<folder>/<client key>/<quarter>.md`` as text, or None.

    The path comes from the config key and the quarter only (SPEC §8); a file that is not
    UTF-8, too large or a link leading outside the folder is skipped with a warning."""
    if folder is None:
        return None
    path = folder / key / f"{quarter}.md"
    if not path.is_file():
        return None
    if not path.resolve().is_relative_to(folder.resolve()):
        LOG.warning("notes file %s leads outside the notes folder; ignored", path)
        return None
    data = path.read_bytes()
    if len(data) > NOTES_MAX_BYTES:
        LOG.warning("notes file %s is larger than %d KiB; ignored", path,
                    NOTES_MAX_BYTES // 1024)
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        LOG.warning("notes file %s is not UTF-8 (byte %d); ignored", path, exc.start)
        return None


def _account_manager(client: Client) -> AccountManager | None:
    am = getattr(client, "account_manager", None)
    return None if am is None else AccountManager(am.name, am.email, am.phone)


def _data_note(dataset: Dataset, current: ClientQuarter, as_of: datetime) -> DataNote:
    files = tuple(FileCounts(f.file, f.kind, f.read, f.accepted, f.unassigned,
                             sum(f.rejected.values()), dict(f.rejected))
                  for f in dataset.files)
    rows = current.tickets
    return DataNote(
        as_of=as_of, files=files,
        rows_read=sum(f.read for f in files), rows_accepted=sum(f.accepted for f in files),
        rows_unassigned=sum(f.unassigned for f in files),
        rows_rejected=sum(f.rejected for f in files),
        client_rejected=current.entry["tickets"]["rejected"],
        pending=current.entry["tickets"]["pending"],
        unclassified=current.entry["tickets"]["unclassified"],
        pause_unmeasured=sum(not r.pause_measured for r in rows),
        warnings=len(dataset.warnings),
        client_rejected_by_reason=_client_reasons(dataset, current.client.key),
        client_warnings=_client_warnings(dataset, rows),
    )


def _with_input_notes(config: Config, dataset: Dataset, note: DataNote,
                      current: ClientQuarter) -> DataNote:
    """The data note with the client's contradictions and the response stand-in
    (:mod:`qbr.packnotes`)."""
    stand_in, rules = response_stand_in(config)
    return replace(note, client_contradictions=client_contradictions(
        dataset, current.client.key, current.tickets), response_stand_in=stand_in,
        response_rules=rules)


def _client_reasons(dataset: Dataset, key: str) -> dict[str, int]:
    """Rejected rows whose company maps to this client, by reason code."""
    counts: dict[str, int] = {}
    for r in dataset.rejections:
        if r.client == key:
            counts[r.reason] = counts.get(r.reason, 0) + 1
    return dict(sorted(counts.items()))


def _client_warnings(dataset: Dataset, rows: Sequence[TicketRow]) -> int:
    """Input warnings on rows of this client's tickets (file and row match)."""
    own = {(r.source_file, r.source_row) for r in rows}
    return sum((w.file, w.row) in own for w in dataset.warnings)


def _calendar_notes(config: Config, tier: Tier, client_zone: str,
                    client_holidays: HolidayRule | None) -> tuple[CalendarNote, ...]:
    """One line per calendar the tier uses, with the priorities that run on it."""
    users: dict[str, list[str]] = {}
    for prio in tier.priorities:
        users.setdefault(tier.calendar_for(prio), []).append(prio)
    notes = []
    for name, prios in users.items():
        cal = config.calendars[name]
        spec = clock_spec(cal, client_zone, client_holidays)
        notes.append(CalendarNote(
            name=name, priorities=tuple(prios), always=cal.always, timezone=spec.timezone,
            hours=_hours(cal), holidays=spec.describe_holidays(),
            closed_dates=tuple(d.isoformat() for d in sorted(cal.closed))))
    return tuple(notes)


def _hours(cal: Calendar) -> tuple[tuple[str, tuple[str, ...]], ...]:
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    out = []
    for day, ranges in zip(days, cal.hours, strict=True):
        if ranges:
            text = tuple(f"{a:%H:%M}-{_end(b)}" for a, b in ranges)
            out.append((day, text))
    return tuple(out)


def _end(t: time) -> str:
    """Range ends print as configured; ``time.max`` stands for "24:00"."""
    return "24:00" if t == time.max else f"{t:%H:%M}"


def _history(engine: Engine, key: str, quarter: Quarter, as_of: datetime,
             current: ClientQuarter) -> tuple[tuple[HistoryPoint, ...], ClientQuarter | None]:
    """The trend: this quarter and up to four before it that have any data; and the
    previous quarter's results when it has data (for "change against last quarter")."""
    quarters = [quarter]
    while len(quarters) < HISTORY_QUARTERS:
        quarters.insert(0, quarters[0].previous())
    points = []
    previous = None
    for q in quarters:
        cq = current if q == quarter else engine.client_quarter(key, q, as_of)
        e = cq.entry
        point = HistoryPoint(str(q), e["response"]["all"]["attainment_pct"],
                             e["resolution"]["all"]["attainment_pct"],
                             e["uptime"]["critical_uptime_pct"])
        if q == quarter or e["tickets"]["total"] or any(m.window_seconds > 0
                                                         for m in cq.monitors):
            points.append(point)
            if q == quarter.previous():
                previous = cq
    return tuple(points), previous
