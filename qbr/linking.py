"""The cross-row rules over ticket and status frames (SPEC §2, §7): tickets
de-duplicated within and across files, status events linked to their ticket, and the
accepted events assembled in (system, ticket_id, at) order. Everything column-wise
(pandas, Arrow, numpy); Python only formats the rejection messages.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from qbr.adapter import Rejection
from qbr.arrowflat import flat
from qbr.dataset import SourceRows
from qbr.event_text import categorical, coded, large
from qbr.frames import EVENT_COLUMNS, TICKET_COLUMNS, empty_frame
from qbr.numbered_ids import NumberTable, index_numbered, number_table, numbered_codes, places
from qbr.supersede import repeats, settle
from qbr.valuesort import by_sorted_values, coarsest_unit

__all__ = ["TicketKeys", "accepted_frame", "dedup_tickets", "link_status", "sorted_by",
           "status_events", "ticket_keys"]


def accepted_frame(results: list[SourceRows], kind: str,
                    columns: tuple[str, ...]) -> pd.DataFrame:
    parts = []
    for r in results:
        if r.source.kind == kind and r.frame is not None and len(r.frame):
            assigned = r.frame["_client"].notna().to_numpy()
            parts.append(r.frame if assigned.all() else r.frame[assigned])
    if not parts:
        return empty_frame(columns)
    frame = parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)
    return frame[list(columns)].reset_index(drop=True)


def status_events(results: list[SourceRows], ranked: pa.Table) -> pd.DataFrame:
    """Accepted status events sorted by (system, ticket_id, at). The sort is stable, so
    equal instants keep config and file order: the later row wins (SPEC §2).

    Built straight from the linked frames (no intermediate frame): an event's ``_rank`` is
    its ticket's row in ``ranked`` (the winners' keys in (system, ticket_id) order), so
    ``ticket_id`` is taken from there. ``system``, ``status``,
    ``priority`` and ``source_file`` (few distinct values) stay categoricals
    (:func:`qbr.event_text.categorical`): codes reordered, no string copied per event."""
    frames = [r.frame for r in results
              if r.source.kind == "status" and r.frame is not None and len(r.frame)]
    keeps = [f["_client"].notna().to_numpy() for f in frames]
    total = sum(int(k.sum()) for k in keeps)
    if not total:
        return empty_frame(EVENT_COLUMNS)

    def joined(name: str, dtype: str) -> np.ndarray:
        picked = []
        for f, keep in zip(frames, keeps, strict=True):
            values = f[name].to_numpy(dtype=dtype)
            picked.append(values if keep.all() else values[keep])
        return picked[0] if len(picked) == 1 else np.concatenate(picked)

    at = joined("at", "datetime64[ns]").view(np.int64)
    rank = joined("_rank", "int32").astype(np.int64)
    order = sorted_by(rank, at)
    where = rank[order]
    # The ticket id is the one gather of millions of strings (Arrow, which releases the
    # GIL): on a second thread for a large history while the codes are gathered here.

    def ids() -> pa.Array:
        return large(ranked.column("ticket_id")).take(pa.array(where))

    with ThreadPoolExecutor(1) if total >= _PARALLEL_EVENTS else nullcontext() as pool:
        pending = None if pool is None else pool.submit(ids)
        # An event's system is its source's (it links only to tickets of that system).
        columns: dict[str, pa.Array] = {
            name: categorical(*coded(frames, keeps, name), order)
            for name in ("system", "status", "priority", "source_file")}
        columns["at"] = pa.array(at[order]).view(pa.timestamp("ns", tz="UTC"))
        columns["source_row"] = pa.array(joined("source_row", "int64")[order])
        columns["ticket_id"] = ids() if pending is None else pending.result()
    events: pd.DataFrame = pa.table({name: columns[name] for name in EVENT_COLUMNS}) \
        .to_pandas()
    return events


#: Accepted events from which the ticket ids are gathered on a second thread.
_PARALLEL_EVENTS = 100_000


def sorted_by(rank: np.ndarray, at: np.ndarray) -> np.ndarray:
    """The stable order by (``rank``, ``at``), as ``np.lexsort((at, rank))`` gives it:
    no sort when already in order; value sorts of unique keys
    (:func:`qbr.valuesort.by_sorted_values`) when the row position fits beside the key;
    else one stable sort of a packed key (:func:`_packed`: e.g. nanosecond instants over
    a year leave no bits for the position); else a stable sort by ``at``, then one sort
    by the unique key rank × n + place in that order (cheaper than lexsort's two stable
    passes)."""
    n = rank.size
    if n < 2 or (bool(np.all(rank[1:] >= rank[:-1])) and
                 bool(np.all((rank[1:] > rank[:-1]) | (at[1:] >= at[:-1])))):
        return np.arange(n)
    by_values = by_sorted_values(rank, at)
    if by_values is not None:
        return by_values
    packed = _packed(rank, at)
    if packed is not None:
        by_key: np.ndarray = np.argsort(packed, kind="stable")
        return by_key
    by_at = np.argsort(at, kind="stable")
    place = np.empty(n, dtype=np.int64)
    place[by_at] = np.arange(n)
    if int(rank.max()) + 1 > np.iinfo(np.int64).max // max(n, 1):
        return np.lexsort((at, rank))
    order: np.ndarray = np.argsort(rank * n + place)
    return order


_CONTENT = tuple(c for c in TICKET_COLUMNS if c not in ("source_file", "source_row"))


def dedup_tickets(results: list[SourceRows]) -> pd.DataFrame:
    """SPEC §7: one version per (system, ticket_id); moves the losers to their file's
    rejections and returns the winners' (system, ticket_id, _client, _name). An
    identical repeat is a ``duplicate-row`` (naming the first copy); among distinct
    versions the latest ``updated_at`` wins when every version carries one, else the
    later source in the config, then the later row. :func:`read_source` runs it per
    file first, so the cross-file pass compares each file's winner. Content is compared
    through a 64-bit hash of every field but the provenance."""
    tickets = [r for r in results if r.source.kind == "tickets"]
    keys = ["system", "ticket_id"]
    if not tickets:
        return pd.DataFrame({k: pd.Series(dtype=object) for k in [*keys, "_client", "_name"]})
    if len(tickets) == 1 and tickets[0].deduped:
        repeated = [np.zeros(len(tickets[0].valid_frame), dtype=np.bool_)]
    else:
        repeated = _repeated_keys(tickets)
    if any(bool(mask.any()) for mask in repeated):
        # Only rows whose key repeats are compared (column-wise, qbr.supersede): the
        # rest win alone.
        settle(tickets, repeats(tickets, repeated, _CONTENT))
    for r in tickets:
        r.deduped = True
    if len(tickets) == 1:
        return tickets[0].valid_frame[[*keys, "_client", "_name"]]
    return pd.concat([r.valid_frame[[*keys, "_client", "_name"]] for r in tickets],
                     ignore_index=True)


def _packed(rank: np.ndarray, at: np.ndarray) -> np.ndarray | None:
    """One int64 key ordered as (``rank``, ``at``), when both fit: ``at`` (ns) counted
    in its coarsest exact unit (whole seconds in most exports) from its minimum. A stable
    sort of it is one pass instead of two; None when the key would overflow."""
    low, high = int(at.min()), int(at.max())
    if low == np.iinfo(np.int64).min:
        return None  # NaT
    unit = coarsest_unit(at, low)
    span = (high - low) // unit + 1
    if (int(rank.max()) + 1) * span >= 2**62 or int(rank.min()) < 0:
        return None
    key: np.ndarray = rank * span + (at - low) // unit
    return key


def _repeated_keys(tickets: list[SourceRows]) -> list[np.ndarray]:
    """Per ticket source, which rows share their (system, ticket_id) with another row of
    any of them: one hash pass over the keys (Arrow dictionary encoding) and a count."""
    ids = pa.chunked_array([flat(pa.array(r.valid_frame["ticket_id"], pa.string()))
                            for r in tickets], pa.string())
    systems = pa.chunked_array([flat(pa.array(r.valid_frame["system"], pa.string()))
                                for r in tickets], pa.string())
    codes = [numbered_codes(ids)]
    for column in (ids, systems)[1 if codes[0] is not None else 0:]:
        encoded = column.dictionary_encode().combine_chunks()
        codes.append((encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False)
                       .astype(np.int64) + 1, len(encoded.dictionary) + 1))
    (id_code, width), (system_code, _) = [c for c in codes if c is not None]
    key = system_code * width + id_code
    if key.size and int(key.max()) <= 8 * key.size + 1024:  # one system (or a few)
        repeated = np.bincount(key)[key] > 1
    else:
        _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
        repeated = counts[inverse.reshape(-1)] > 1
    bounds = np.cumsum([0, *(len(r.valid_frame) for r in tickets)])
    return [repeated[bounds[i]:bounds[i + 1]] for i in range(len(tickets))]


@dataclass(frozen=True)
class TicketKeys:
    """The winning tickets (:func:`dedup_tickets`) prepared for linking: their keys and
    (system, ticket_id) order, each one's client and (unassigned) company name as codes,
    and per system with a status history its rows and ids with their number table
    (:mod:`qbr.numbered_ids`). It depends on the tickets alone, so :mod:`qbr.ingest`
    builds it on the tickets' reading thread while a long status history is still being
    read; an event then takes its ticket's codes with one gather each."""

    keys: pa.Table  # system, ticket_id (Arrow strings), in the winners' order
    order: np.ndarray  # the winners' rows in (system, ticket_id) order
    rank: np.ndarray  # each winner's place in that order (int32)
    clients: np.ndarray  # code into client_values, -1: unassigned
    client_values: pd.Index
    names: np.ndarray  # code into name_values: the company of an unassigned ticket, else ""
    name_values: pd.Index
    systems: dict[str, tuple[np.ndarray, pa.Array, NumberTable | None]]


def ticket_keys(winners: pd.DataFrame, systems: Iterable[str]) -> TicketKeys:
    """:class:`TicketKeys` of ``winners`` (system, ticket_id, _client, _name) for the
    status histories of ``systems``."""
    keys = pa.table({"system": pa.array(winners["system"], pa.string()),
                     "ticket_id": pa.array(winners["ticket_id"], pa.string())})
    order = _key_order(keys)
    # int32 (a ticket source holds far fewer than 2**31 rows): each event gathers its
    # ticket's rank at random, from half the memory.
    rank = np.empty(len(winners), dtype=np.int32)
    rank[order] = np.arange(len(winners), dtype=np.int32)
    client = flat(pa.array(winners["_client"], pa.string()))
    clients, client_values = _codes(client)
    # An assigned ticket's events count under no name (FileReport counts the others').
    names, name_values = _codes(pc.if_else(client.is_valid(), "",
                                           pa.array(winners["_name"], pa.string())),
                                blank="")
    return TicketKeys(keys, order, rank, clients, client_values, names, name_values,
                      {system: _system_ids(winners, keys, system) for system in systems})


def _codes(text: pa.Array | pa.ChunkedArray,
           blank: str | None = None) -> tuple[np.ndarray, pd.Index]:
    """Dictionary codes (-1: missing) in the narrowest integer type pandas keeps for a
    categorical, so an event's codes are one gather with no conversion after; with
    ``blank``, missing values are ``blank`` and ``blank`` is value 0."""
    column = flat(text)
    if blank is not None:
        column = pa.concat_arrays([pa.array([blank], pa.string()),
                                   column.cast(pa.string()).fill_null(blank)])
    encoded = column.dictionary_encode()
    values = encoded.dictionary.to_pylist()
    kind = np.int8 if len(values) < 127 else np.int16 if len(values) < 32767 else np.int32
    codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(kind)
    return codes[1:] if blank is not None else codes, pd.Index(values, dtype=object)


def _system_ids(winners: pd.DataFrame, keys: pa.Table,
                system: str) -> tuple[np.ndarray, pa.Array, NumberTable | None]:
    """The winners' rows of ``system``, their ids, and the ids' number table (or None)."""
    mine = np.flatnonzero((winners["system"] == system).to_numpy(dtype=bool))
    ids = keys.column("ticket_id")
    known = flat(ids if mine.size == len(winners) else ids.take(pa.array(mine)))
    return mine, known, number_table(known)


def link_status(results: list[SourceRows], winners: pd.DataFrame,
                prepared: TicketKeys | None = None) -> pa.Table:
    """A status row follows its ticket: accepted, unassigned, or ``unknown-ticket``.
    Looked up by ticket id among the winners of the source's system (numbered ids
    through a table by number, others through a hash join). Each kept event gets
    ``_rank``, its ticket's place in (system, ticket_id) order, and its ticket's
    ``_client`` and ``_name`` (categoricals); returns the winners' (system, ticket_id) in
    that order (no rows when there is no status source: nothing is ranked).
    ``prepared``: :func:`ticket_keys` of ``winners``, when already built."""
    statuses = [r for r in results if r.source.kind == "status"]
    if not statuses:
        return pa.table({"system": pa.array([], pa.string()),
                         "ticket_id": pa.array([], pa.string())})
    keys = prepared if prepared is not None else \
        ticket_keys(winners, dict.fromkeys(r.source.system for r in statuses))
    for result in statuses:
        frame = result.valid_frame
        system = result.source.system
        mine, known, numbered = keys.systems[system] if system in keys.systems else \
            _system_ids(winners, keys.keys, system)
        # Read where pandas keeps them (large strings): no copy of five million ids.
        values = flat(pa.array(frame["ticket_id"]))
        where = places(values, numbered) if numbered is not None else np.asarray(
            _index_in(values.cast(pa.string()), known, numbered=False)
            .fill_null(-1).to_numpy(zero_copy_only=False))
        found = where >= 0
        if not bool(found.all()):
            missing = np.flatnonzero(~found)
            label = result.labels["ticket_id"]
            numbers = frame["source_row"].to_numpy()[missing]
            ids = values.take(pa.array(missing)).to_pylist()
            for row, ticket in zip(numbers.tolist(), ids, strict=True):
                result.rejections.append(Rejection(
                    result.file, row, "unknown-ticket", label,
                    f"no ticket {ticket!r} in system {system!r}", None))
            frame = frame[found].reset_index(drop=True)
            where = where[found]
        hit = where if mine.size == len(keys.rank) else mine[where]
        # Categoricals built from codes: no per-event string is copied (5M events).
        frame["_client"] = pd.Categorical.from_codes(keys.clients[hit],
                                                     categories=keys.client_values)
        frame["_name"] = pd.Categorical.from_codes(keys.names[hit],
                                                   categories=keys.name_values)
        frame["_rank"] = keys.rank[hit]
        result.frame, result.linked = frame, True
    return keys.keys.take(pa.array(keys.order))


def _key_order(keys: pa.Table) -> np.ndarray:
    """The order of (system, ticket_id), bytewise as ``pc.sort_indices`` sorts text.
    Short ids (at most 16 bytes, no NUL: ``T-1000123``, ``INC0012345``) are sorted as
    big-endian 64-bit words, a zero-padded prefix sorting first as in a byte comparison
    (three times faster than sorting a million strings); others through Arrow."""
    words = _words(flat(keys.column("ticket_id")))
    if words is None:
        by_arrow: np.ndarray = pc.sort_indices(
            keys, sort_keys=[("system", "ascending"), ("ticket_id", "ascending")]).to_numpy()
        return by_arrow
    systems = flat(keys.column("system")).dictionary_encode()
    place = np.argsort(np.argsort(np.array(systems.dictionary.to_pylist(), dtype=object)))
    system = place[systems.indices.to_numpy(zero_copy_only=False)] if len(place) else \
        np.zeros(len(keys), dtype=np.int64)
    order: np.ndarray = np.lexsort((*reversed(words), system))
    return order


def _words(text: pa.Array) -> list[np.ndarray] | None:
    """Each value as one or two big-endian uint64 words (zero-padded), or None."""
    n = len(text)
    if n == 0 or text.null_count or text.type != pa.string():
        return None
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int32)[text.offset:text.offset + n + 1]
    widths = np.diff(offsets)
    longest = int(widths.max())
    if longest > 16 or longest == 0:
        return None
    data = np.frombuffer(text.buffers()[2], dtype=np.uint8)[offsets[0]:offsets[-1]]
    if bool(np.any(data == 0)):
        return None  # a NUL would compare equal to the padding
    size = 8 if longest <= 8 else 16
    grid = np.zeros((n, size), dtype=np.uint8)
    if bool(np.all(widths == longest)):
        grid[:, :longest] = data.reshape(n, longest)
    else:
        row = np.repeat(np.arange(n), widths)
        grid[row, np.arange(data.size) - np.repeat(offsets[:-1] - offsets[0], widths)] = data
    packed = grid.view(">u8")
    return [np.ascontiguousarray(packed[:, i]) for i in range(size // 8)]


def _index_in(values: pa.Array | pa.ChunkedArray,
              value_set: pa.Array | pa.ChunkedArray, numbered: bool = True) -> pa.Array:
    """``pc.index_in(values, value_set=value_set)`` for ticket ids (``value_set`` unique),
    through a hash table of 64-bit integers when the ids are short (:func:`_words`):
    each id's words are mixed into one integer, and every match is then checked word by
    word, so a collision can only send the lookup back to Arrow, never pair two ids.
    Several times faster than Arrow's string hash table for five million events.
    ``numbered=False``: the caller knows the ids are not numbered (:mod:`qbr.numbered_ids`)."""
    values, value_set = flat(values), flat(value_set)
    direct = index_numbered(values, value_set) if numbered else None
    if direct is not None:
        return direct
    wanted, known = _words(values), _words(value_set)
    if wanted is None or known is None or len(value_set) < 2:
        return pc.index_in(values, value_set=value_set)
    size = max(len(wanted), len(known))
    wanted += [np.zeros(len(values), dtype=np.uint64)] * (size - len(wanted))
    known += [np.zeros(len(value_set), dtype=np.uint64)] * (size - len(known))
    table = pd.Index(_mixed(known))
    if not table.is_unique:
        return pc.index_in(values, value_set=value_set)
    where = table.get_indexer(_mixed(wanted))
    hit = where >= 0
    for mine, theirs in zip(wanted, known, strict=True):
        if not bool(np.array_equal(mine[hit], theirs[where[hit]])):
            return pc.index_in(values, value_set=value_set)  # a hash collision
    return pa.array(where.astype(np.int32), mask=~hit)


def _mixed(words: list[np.ndarray]) -> np.ndarray:
    """One 64-bit integer per value from its words (wrapping multiply-add)."""
    out = words[0].astype(np.uint64)
    for word in words[1:]:
        out = out * np.uint64(0x9E3779B97F4A7C15) + word.astype(np.uint64)
    return out
