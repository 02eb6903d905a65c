"""Logs folded into canonical records (SPEC §2 extension, README "Event logs" and
"Uptime logs").

Each folding function takes a pandas DataFrame of raw text cells (one column per
canonical field, plus ``row``: the 1-based spreadsheet row) and returns canonical
records plus rejections, so it plugs into any reader: :mod:`qbr.logs.frame` builds that
frame from the column-wise reader of :func:`qbr.io.read_table` (the one ticket exports
use), :mod:`qbr.logs.kuma` from an Uptime Kuma database.

- :mod:`qbr.logs.events`: ticket event log → tickets + status history (``kind = "events"``)
- :mod:`qbr.logs.uptime_states`: state-change log → outages + unmonitored spans, and a
  check log (one row per probe, ``kind = "checks"``) → outages + unmonitored gaps
- :mod:`qbr.logs.cache`: the folded result of a log in the parse cache
"""
