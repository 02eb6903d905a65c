"""Assemble a client's :class:`qbr.pack.Pack` from the engine's results: the metrics entry,
ticket and outage rows, the data note, the methodology and a five-quarter history."""

from __future__ import annotations

from datetime import datetime, time

from qbr.calendar import clock_spec
from qbr.config import Calendar, Config, HolidayRule, Tier
from qbr.ingest import Dataset
from qbr.metrics import ClientQuarter, Engine
from qbr.pack import CalendarNote, DataNote, FileCounts, HistoryPoint, Pack
from qbr.quarters import Quarter

HISTORY_QUARTERS = 5  # the pack's quarter and the four before it


def build_pack(config: Config, dataset: Dataset, engine: Engine, key: str, quarter: Quarter,
               as_of: datetime) -> Pack:
    """Everything the PDF and workbook of client ``key`` show for ``quarter``."""
    current = engine.client_quarter(key, quarter, as_of)
    client = current.client
    tier = config.tiers[client.tier]
    start, end = quarter.bounds(client.timezone)
    brand = config.brand
    return Pack(
        msp_name=config.msp_name, client_key=key, client_name=client.name, tier=tier.name,
        locale=client.locale, timezone=client.timezone, quarter=str(quarter),
        quarter_start=start, quarter_end=end, as_of=as_of, metrics=current.entry,
        objective_pct=tier.objective_pct, tickets=current.tickets, outages=current.outages,
        data_note=_data_note(dataset, current, as_of),
        calendars=_calendar_notes(config, tier, client.timezone, client.holidays),
        pause_statuses=tuple(sorted(tier.pause_statuses)),
        history=_history(engine, key, quarter, as_of, current),
        brand_folder=brand.folder, logo=brand.logo, primary_color=brand.primary_color,
        accent_color=brand.accent_color,
        # Monitor display names (config `label`; README "Uptime logs").
        extra={"monitor_labels": {m.monitor: m.label for m in client.monitors if m.label}},
    )


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
    )


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
             current: ClientQuarter) -> tuple[HistoryPoint, ...]:
    """The trend: this quarter and up to four before it that have any data."""
    quarters = [quarter]
    while len(quarters) < HISTORY_QUARTERS:
        quarters.insert(0, quarters[0].previous())
    points = []
    for q in quarters:
        cq = current if q == quarter else engine.client_quarter(key, q, as_of)
        e = cq.entry
        point = HistoryPoint(str(q), e["response"]["all"]["attainment_pct"],
                             e["resolution"]["all"]["attainment_pct"],
                             e["uptime"]["critical_uptime_pct"])
        if q == quarter or e["tickets"]["total"] or any(m.window_seconds > 0
                                                         for m in cq.monitors):
            points.append(point)
    return tuple(points)
