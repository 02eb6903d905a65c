"""The batch's inputs, loaded once in the parent (issue 8 §1): the dataset with broken
sources isolated to the clients they feed, each client's source files, and the config
fingerprint that decides whether a pack must be rendered again."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from qbr import __version__
from qbr.batchio import STATE_DIR, read_manifest, sha256_file, sha256_tree
from qbr.batchrender import RenderOptions
from qbr.config import Config
from qbr.errors import QbrError
from qbr.ingest import Dataset, load_dataset, read_source, source_label
from qbr.metrics import default_as_of


@dataclass(frozen=True)
class Loaded:
    """What every worker needs, loaded once: config, dataset, cut-off (UTC) and the
    clients a broken source keeps from rendering (client key → reason)."""

    config: Config
    config_path: str  # absolute, for workers that load on their own (Dask)
    dataset: Dataset
    as_of: datetime
    template_dirs: tuple[Path, ...]
    blocked: dict[str, str] = field(default_factory=dict)
    feeds: dict[str, list[str]] = field(default_factory=dict)  # client → its source files


def load_isolated(config: Config, config_path: str, as_of: datetime | None,
                  template_dirs: tuple[Path, ...], out_dir: Path | None = None,
                  use_cache: bool = False) -> Loaded:
    """Load every source; when one cannot be read, load the others and block the
    clients the broken one feeds, so that they fail alone (issue 8 §1).

    A broken source feeds the clients named in its client column when the file can still
    be read as a table; else the clients it fed in earlier runs (their manifest entries
    in ``out_dir`` list their source files); else — nothing says whose rows it held —
    every client. ``use_cache``: the parse cache of :mod:`qbr.cache` (``--no-cache``
    turns it off)."""
    try:
        dataset = load_dataset(config, use_cache)
        blocked: dict[str, str] = {}
    except QbrError:
        good, blocked = [], {}
        for source in config.sources:
            try:
                read_source(config, source, use_cache=use_cache)
                good.append(source)
            except QbrError as exc:
                for key in _clients_of(config, source, out_dir):
                    blocked.setdefault(key, f"input {exc}")
        dataset = load_dataset(replace(config, sources=tuple(good)), use_cache)
    cut = as_of if as_of is not None else default_as_of(dataset)
    return Loaded(config, config_path, dataset, cut, template_dirs, blocked,
                  sources_of(dataset))


def _clients_of(config: Config, source: Any, out_dir: Path | None) -> list[str]:
    from qbr.io import cell_text, read_table

    column = source.columns.get("client")
    try:
        if column is None:
            raise QbrError("no client column")
        table = read_table(source, source_label(config, source))
        idx = table.index["client"]
        names = {cell_text(r.cells[idx]) for r in table.rows if r.reason is None
                 and idx < len(r.cells)}
    except (QbrError, KeyError, AttributeError, OSError):
        fed = _fed_before(out_dir, source_label(config, source))
        return [k for k in config.clients if k in fed] if fed else list(config.clients)
    keys = {config.client_for_name(n) for n in names}
    return [k for k in config.clients if k in keys]


def _fed_before(out_dir: Path | None, label: str) -> set[str]:
    """Clients whose last written pack in ``out_dir`` drew on the source file ``label``."""
    fed: set[str] = set()
    state = out_dir / STATE_DIR if out_dir is not None else None
    if state is None or not state.is_dir():
        return fed
    for path in state.glob("*.json"):
        entry = read_manifest(out_dir, path.stem) if out_dir else None
        if entry and entry.get("state") == "done" and label in entry.get("sources", []):
            fed.add(str(entry.get("client")))
    return fed


def sources_of(dataset: Dataset) -> dict[str, list[str]]:
    """Client key → the source files (config labels) its records came from."""
    feeds: dict[str, set[str]] = {}
    pairs = [(t.client, t.source.file) for t in dataset.tickets]
    pairs += [(o.client, o.source.file) for o in dataset.outages]
    pairs += [(m.client, m.source.file) for m in dataset.maintenance]
    for client, file in pairs:
        feeds.setdefault(client, set()).add(file)
    return {k: sorted(v) for k, v in feeds.items()}


def config_fingerprint(config: Config, template_dirs: Sequence[Path],
                       options: RenderOptions | None = None) -> str:
    """SHA-256 of the config file, the brand folder, the notes folder, every template
    layer, the render options that change the files (``--internal``, ``--pdf-variant``)
    and the qbr version: whatever shapes a pack besides the data."""
    from qbr.report.templating import default_templates_dir

    digest = hashlib.sha256(__version__.encode())
    digest.update((options or RenderOptions()).fingerprint().encode())
    digest.update(sha256_file(config.base / Path(config.file).name).encode()
                  if (config.base / Path(config.file).name).is_file() else b"")
    folders = [*template_dirs, default_templates_dir()]
    if config.brand.folder is not None:
        folders.append(config.brand.folder)
    notes = getattr(config, "notes", None)  # msp.notes (another part of the product)
    if notes:
        folders.append(Path(notes))
    digest.update(sha256_tree(folders).encode())
    return digest.hexdigest()
