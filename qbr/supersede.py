"""Which version of a repeated ticket wins, column-wise (SPEC §7).

:func:`qbr.linking.dedup_tickets` finds the rows whose (system, ticket_id) repeats and
hands them here. Every decision is made on integer arrays (numpy): the key as one dense
code, the content as a 64-bit hash, ``updated_at`` as nanoseconds. Python only formats
the losers' messages and builds their :class:`~qbr.adapter.Rejection` tuples, so an
event log declared as tickets (the UCI log: 117k of its 142k rows lose) costs a fraction
of what pandas' group-by, sort and reindex over text keys cost.

The rules are those of ``dedup_tickets``: an identical repeat is a ``duplicate-row``
naming its first copy; among distinct versions the latest ``updated_at`` wins when every
distinct version carries one, else the later source in the config, then the later row.
"""

from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd
import pyarrow as pa

from qbr.adapter import Rejection
from qbr.arrowflat import flat
from qbr.dataset import SourceRows
from qbr.gcpause import gc_paused

__all__ = ["Repeats", "content_hash", "repeats", "settle"]

_NAT = np.iinfo(np.int64).min  # NaT as int64: sorts before every instant


class Repeats:
    """The repeated rows of every ticket source, in (source, row position) order:
    ``src`` (index into the sources), ``pos`` (row position in its frame), ``key`` (dense
    code of (system, ticket_id)), ``digest`` (content hash), ``updated`` (ns, NaT as the
    int64 minimum) and ``row`` (the export's 1-based row number)."""

    def __init__(self, src: np.ndarray, pos: np.ndarray, key: np.ndarray,
                 digest: np.ndarray, updated: np.ndarray, row: np.ndarray) -> None:
        self.src, self.pos, self.key = src, pos, key
        self.digest, self.updated, self.row = digest, updated, row


def repeats(tickets: list[SourceRows], repeated: list[np.ndarray],
            content: tuple[str, ...]) -> Repeats:
    """Gather the rows flagged in ``repeated`` (one mask per source) as integer arrays.
    ``content`` names the columns whose equality makes two rows identical."""
    picks = [np.flatnonzero(mask) for mask in repeated]
    frames = [r.valid_frame for r in tickets]
    src = np.concatenate([np.full(p.size, i, dtype=np.int64) for i, p in enumerate(picks)])
    pos = np.concatenate(picks).astype(np.int64)
    ids = _concat_taken(frames, picks, "ticket_id")
    systems = _concat_taken(frames, picks, "system")
    key = _dense_key(systems, ids)
    updated = np.concatenate([
        f["updated_at"].to_numpy(dtype="datetime64[ns]").view(np.int64)[p]
        for f, p in zip(frames, picks, strict=True)])
    row = np.concatenate([f["source_row"].to_numpy(dtype=np.int64)[p]
                          for f, p in zip(frames, picks, strict=True)])
    return Repeats(src, pos, key, content_hash(frames, picks, content), updated, row)


def content_hash(frames: list[pd.DataFrame], picks: list[np.ndarray],
                 content: tuple[str, ...]) -> np.ndarray:
    """``pd.util.hash_pandas_object`` of the picked rows' content columns, as the
    concatenated frame of those rows would hash. The hash is row by row, so a frame
    whose rows are mostly picked is hashed whole and then indexed (no copy of its text
    columns); sources of different column types are concatenated first, as pandas then
    hashes them in one common type."""
    columns = list(content)
    dtypes = {tuple(str(f[c].dtype) for c in columns) for f in frames}
    if len(dtypes) > 1:
        joined = pd.concat([f[columns].iloc[p] for f, p in zip(frames, picks, strict=True)],
                           ignore_index=True)
        whole: np.ndarray = pd.util.hash_pandas_object(joined, index=False).to_numpy()
        return whole
    parts = []
    for f, p in zip(frames, picks, strict=True):
        if 2 * p.size >= len(f):
            parts.append(pd.util.hash_pandas_object(f[columns], index=False).to_numpy()[p])
        else:
            parts.append(pd.util.hash_pandas_object(f[columns].iloc[p], index=False)
                         .to_numpy())
    return np.concatenate(parts).astype(np.uint64)


def settle(tickets: list[SourceRows], rep: Repeats) -> None:
    """Decide every repeated key: each loser becomes a rejection of its own source
    (``duplicate-row`` or ``superseded``, naming the row it repeats or the version that
    superseded it) and leaves its source's frame."""
    m = rep.key.size
    place = np.arange(m)
    # Identical copies: a stable sort by (key, hash) puts each group's first row first.
    order = np.lexsort((rep.digest, rep.key))
    key_s, digest_s = rep.key[order], rep.digest[order]
    starts = np.ones(m, dtype=np.bool_)
    starts[1:] = (key_s[1:] != key_s[:-1]) | (digest_s[1:] != digest_s[:-1])
    first = np.empty(m, dtype=np.int64)
    first[order] = order[starts][np.cumsum(starts) - 1]
    copies = first != place
    # Among distinct versions: the latest updated_at when all carry one, else the last.
    distinct = np.flatnonzero(~copies)
    d_key = rep.key[distinct]
    width = int(rep.key.max()) + 1 if m else 0
    stamped = np.bincount(d_key, minlength=width) == \
        np.bincount(d_key[rep.updated[distinct] != _NAT], minlength=width)
    stamp = np.where(stamped[d_key], rep.updated[distinct], _NAT)
    ranked = np.lexsort((stamp, d_key))  # stable: equal stamps keep (source, row) order
    last = np.ones(ranked.size, dtype=np.bool_)
    last[:-1] = d_key[ranked][1:] != d_key[ranked][:-1]
    winner_of = np.empty(width, dtype=np.int64)
    winner_of[d_key[ranked][last]] = distinct[ranked][last]
    winner = winner_of[rep.key]
    lost = np.flatnonzero(winner != place)
    dup = copies[lost]
    ref = np.where(dup, first[lost], winner[lost])
    _reject(tickets, rep, lost, dup, ref)


def _reject(tickets: list[SourceRows], rep: Repeats, lost: np.ndarray, dup: np.ndarray,
            ref: np.ndarray) -> None:
    """Each loser (position in ``rep``) as a rejection naming ``ref`` (the row it
    repeats, ``dup``, or the winner), in (source, row) order; its row leaves the frame.
    The message of a referenced row is formatted once (many losers name one winner)."""
    labels = [r.file for r in tickets]
    # One message per (referenced row, kind): a winner is named by all its losers.
    named, which = np.unique(ref * 2 + dup, return_inverse=True)
    texts = np.array([f"identical to {labels[s]} row {n}" if d else
                      f"superseded by {labels[s]} row {n}"
                      for d, s, n in zip((named % 2).astype(bool).tolist(),
                                         rep.src[named // 2].tolist(),
                                         rep.row[named // 2].tolist(), strict=True)]
                     + [""], dtype=object)  # never empty: object dtype kept
    details = texts[which.reshape(-1)]
    reasons = np.where(dup, "duplicate-row", "superseded").astype(object)
    lost_src = rep.src[lost]
    for s_i in np.unique(lost_src).tolist():
        mine = np.flatnonzero(lost_src == s_i)
        r = tickets[s_i]
        frame = r.valid_frame
        gone = rep.pos[lost[mine]]
        clients = flat(pa.array(frame["_client"], pa.string())).take(pa.array(gone)) \
            .to_pylist()
        columns = zip([r.file] * mine.size, rep.row[lost[mine]].tolist(),
                      reasons[mine].tolist(), [None] * mine.size, details[mine].tolist(),
                      clients, strict=True)
        with gc_paused():  # qbr.gcpause: no cycles among these tuples
            # tuple.__new__ is what Rejection._make calls, without a Python frame per row.
            r.rejections.extend(map(partial(tuple.__new__, Rejection), columns))
        keep = np.ones(len(frame), dtype=np.bool_)
        keep[gone] = False
        r.frame = frame[keep].reset_index(drop=True)


def _dense_key(systems: pa.Array, ids: pa.Array) -> np.ndarray:
    """One dense int64 code per (system, ticket_id) pair (Arrow dictionary encoding)."""
    codes = []
    for column in (ids, systems):
        encoded = column.dictionary_encode()
        codes.append((encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False)
                      .astype(np.int64) + 1, len(encoded.dictionary) + 1))
    (id_code, width), (system_code, _) = codes
    _, dense = np.unique(system_code * width + id_code, return_inverse=True)
    out: np.ndarray = dense.reshape(-1).astype(np.int64)
    return out


def _concat_taken(frames: list[pd.DataFrame], picks: list[np.ndarray], name: str) -> pa.Array:
    parts = [flat(pa.array(f[name], pa.string())).take(pa.array(p))
             for f, p in zip(frames, picks, strict=True)]
    return pa.concat_arrays(parts) if parts else pa.array([], pa.string())
