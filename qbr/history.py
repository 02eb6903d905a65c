"""What a ticket's status history says at ``as_of`` (SPEC §3a): entries into "done",
reopens, the priority in force at an instant, and whether it was ever excluded. Pure.

An event is in force from ``max(at, created)`` until the next event; events with the same
effective instant keep export order and the later row wins (SPEC §2), so an event that is
overtaken at its own instant was never in force and enters or leaves nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from qbr.intervals import Interval
from qbr.model import StatusEvent

#: Resolved and closed form one class: moving between them is neither a reopen nor a new
#: resolution (SPEC §3a).
DONE = frozenset({"resolved", "closed"})


@dataclass(frozen=True)
class Lifecycle:
    """The done/reopen story of one ticket, from its history as known at ``as_of`` (UTC).

    ``first_done`` is the first entry into done (a response candidate); ``resolved`` the
    last entry into done not followed by a reopen (``None`` while open or reopened);
    ``reopen_spans`` are ``[entered done, left done)`` for every reopen, the wall-clock
    time that is subtracted from the resolution clock like a pause."""

    first_done: datetime | None
    first_done_status: str | None
    resolved: datetime | None
    resolved_status: str | None
    reopen_spans: tuple[Interval, ...]
    excluded: bool

    @property
    def reopened(self) -> bool:
        return bool(self.reopen_spans)


def in_force(created: datetime, events: Sequence[StatusEvent], as_of: datetime
             ) -> list[tuple[datetime, StatusEvent]]:
    """``(effective instant, event)`` for each event known at ``as_of`` that was ever in
    force, in order: stamped before ``created`` → from ``created``; of several events at
    one instant only the last (export order) holds."""
    known = sorted((e for e in events if e.at <= as_of), key=lambda e: e.at)  # stable
    out: list[tuple[datetime, StatusEvent]] = []
    for e in known:
        at = max(e.at, created)
        if out and out[-1][0] == at:
            out[-1] = (at, e)  # the later row at the same instant wins
        else:
            out.append((at, e))
    return out


def lifecycle(created: datetime, events: Sequence[StatusEvent], as_of: datetime
              ) -> Lifecycle:
    """Walk the history once (see :class:`Lifecycle`)."""
    first: tuple[datetime, str] | None = None
    entry: tuple[datetime, str] | None = None  # current stay in done, if in done
    spans: list[Interval] = []
    excluded = False
    for at, e in in_force(created, events, as_of):
        excluded = excluded or e.status == "excluded"
        if e.status in DONE:
            if entry is None:
                entry = (at, e.status)
                first = first or entry
        elif entry is not None:  # left done for another mapped status: a reopen
            spans.append((entry[0], at))
            entry = None
    return Lifecycle(
        first_done=first[0] if first else None, first_done_status=first[1] if first else None,
        resolved=entry[0] if entry else None, resolved_status=entry[1] if entry else None,
        reopen_spans=tuple(spans), excluded=excluded)


def has_priority_history(events: Sequence[StatusEvent], as_of: datetime) -> bool:
    """Whether any event known at ``as_of`` carries a priority (SPEC §3a)."""
    return any(e.priority is not None for e in events if e.at <= as_of)


def priority_at(created: datetime, events: Sequence[StatusEvent], when: datetime,
                as_of: datetime, exported: str | None) -> str | None:
    """The priority in force at ``when``: the last carried priority stamped at or before it
    (a change at the event's own instant is in force). Before the first carried priority,
    the first one recorded (the history's earliest word on how the ticket was raised);
    without any carried priority, the exported one."""
    carried = [(at, e.priority) for at, e in in_force(created, events, as_of)
               if e.priority is not None]
    if not carried:
        return exported
    current = carried[0][1]
    for at, prio in carried:
        if at > when:
            break
        current = prio
    return current
