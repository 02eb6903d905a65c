"""Client-facing notes on how the data was read, for the pack's "Your data" section
(issue 5 §5): the contradictions in this client's own tickets, and what stands in for
the response event when an export has no first-response time."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from qbr.config import Config
from qbr.ingest import Dataset
from qbr.inputcheck import contradictions
from qbr.pack import TicketRow

#: ``response_stand_in`` codes; the template words them in the client's language.
BY_RESOLUTION = "resolution"  # no first-response time at all: resolution stops the clock
BY_FOLD = "fold"  # an event log: the first event matching the configured rules


def client_contradictions(dataset: Dataset, key: str, rows: Sequence[TicketRow]
                          ) -> dict[str, int]:
    """Contradictions (:func:`qbr.inputcheck.contradictions`) among the quarter's
    tickets of client ``key`` only, matched by file and row."""
    tickets = dataset.frames.tickets
    if not len(tickets) or not rows:
        return {}
    own = pd.MultiIndex.from_tuples([(r.source_file, r.source_row) for r in rows])
    where = pd.MultiIndex.from_arrays([tickets["source_file"].astype(object),
                                       tickets["source_row"].astype("int64")])
    mine = tickets[where.isin(own) & (tickets["client"] == key).to_numpy(dtype=bool)]
    return contradictions(mine).get(key, {})


def response_stand_in(config: Config) -> tuple[str | None, tuple[tuple[str, str], ...]]:
    """What marks the first response in this config's ticket data: ``(None, ())`` when
    every tickets source maps a first-response column; ``(BY_FOLD, rules)`` for an event
    log, each rule ``("activity", name)``, ``("state_not", state)`` or ``("assigned",
    "")``; else ``(BY_RESOLUTION, ())``: without a first reply the resolution answers
    (SPEC §3)."""
    for source in config.sources:
        if source.kind == "events":
            fold = source.fold
            rules = [*(("activity", str(a)) for a in fold.get("response_activity", [])),
                     *(("state_not", str(s)) for s in fold.get("response_state_not", []))]
            if fold.get("response_assigned"):
                rules.append(("assigned", ""))
            return (BY_FOLD, tuple(rules)) if rules else (BY_RESOLUTION, ())
        if source.kind == "tickets" and "first_response_at" not in source.columns and \
                "first_response_at" not in source.defaults:
            return BY_RESOLUTION, ()
    return None, ()
