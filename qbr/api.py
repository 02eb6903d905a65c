"""What the CLI, scripts and notebooks call. Each function loads, computes and returns a
plain result; none prints. Errors a user can fix are :class:`qbr.errors.QbrError`.

>>> from qbr import api
>>> cfg = api.load("sample_data/qbr.toml")                        # doctest: +SKIP
>>> run = api.metrics(cfg, "2026Q3", as_of="2026-10-05T06:00:00Z")  # doctest: +SKIP
>>> run.document["clients"][0]["response"]["all"]["attainment_pct"]  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import weakref
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from qbr import inputcheck
from qbr.batch import BatchRun, Progress, run_batch
from qbr.batchio import output_lock, prepare_out_dir, recover, write_pair
from qbr.batchrender import RenderOptions as RenderOptions  # re-exported for callers
from qbr.batchrender import render_documents
from qbr.calibrate import MIN_TICKETS, calibrate_document
from qbr.config import Config, load_config
from qbr.engine.subset import client_frames
from qbr.errors import QbrError, SystemDependencyError, UsageError
from qbr.explain import Explanation, find_and_explain
from qbr.figures import figures_document
from qbr.ingest import (
    Dataset,
    FileReport,
    Rejection,
    load_dataset,
    read_source,
    source_label,
)
from qbr.metrics import ClientQuarter, Engine, default_as_of, metrics_document
from qbr.packbuilder import build_pack
from qbr.quarters import Quarter, parse_as_of, parse_quarter, parse_quarters

log = logging.getLogger(__name__)

# ------------------------------------------------------------------------- loading


def load(config_path: str | Path) -> Config:
    """Read and validate the config (see README "Configuration")."""
    return load_config(config_path)


@dataclass(frozen=True)
class Inputs:
    """A loaded run: config, dataset and the one ``as_of`` that applies to it (UTC)."""

    config: Config
    dataset: Dataset
    as_of: datetime
    as_of_given: bool


def load_inputs(config: Config, as_of: str | datetime | None = None,
                use_cache: bool = False) -> Inputs:
    """Read every source and fix ``as_of``: the given instant, else the latest observed
    instant in the inputs (SPEC §3). ``use_cache``: take unchanged ticket and status
    sources from the parse cache (README "Parse cache")."""
    dataset = load_dataset(config, use_cache)
    if isinstance(as_of, str):
        as_of = parse_as_of(as_of)
    given = as_of is not None
    return Inputs(config, dataset, as_of if as_of is not None else default_as_of(dataset),
                  given)


# ------------------------------------------------------------------------ validate


@dataclass(frozen=True)
class SourceCheck:
    """One source's outcome in ``qbr validate``: its row accounting, or the error that
    stopped it from being read."""

    name: str
    file: str
    report: FileReport | None
    error: str | None
    rejections: tuple[Rejection, ...] = ()  # this file's rejected rows, in row order
    exit_code: int = 0  # of the error: 65 for the file, 78 for its config entry

    @property
    def clean(self) -> bool:
        """Everything accepted: nothing unassigned, unclassified or rejected."""
        r = self.report
        return self.error is None and r is not None and r.unassigned == 0 and \
            not r.rejected and not r.unmapped_priorities


def validate(config: Config, use_cache: bool = False) -> list[SourceCheck]:
    """Account for every row exactly as a run does (:func:`load_dataset`, so status rows
    follow their ticket into accepted, unassigned or ``unknown-ticket``). When a file
    cannot be read, each source is read on its own instead, so one broken file does not
    hide the others; the counts of the readable ones are then those of the file alone."""
    return validate_run(config, use_cache).checks


@dataclass(frozen=True)
class ValidateRun:
    """``qbr validate``'s findings: per source, plus the checks across sources
    (:mod:`qbr.inputcheck`): files declared twice, clients whose rows a source rejected
    while accepting none (source, file, client key, rejected rows), and contradictions
    per client key."""

    checks: list[SourceCheck]
    shared: list[str] = field(default_factory=list)
    empty_clients: list[tuple[str, str, str, int]] = field(default_factory=list)
    contradictions: dict[str, dict[str, int]] = field(default_factory=dict)


def validate_run(config: Config, use_cache: bool = False) -> ValidateRun:
    """:func:`validate` with the checks across sources (README "Values that never turn
    into wrong numbers")."""
    shared = inputcheck.shared_files(config)
    try:
        dataset = load_dataset(config, use_cache)
    except QbrError:
        return ValidateRun(_check_each_source(config, use_cache), shared)
    per_source = inputcheck.split_rejections(dataset.files, dataset.rejections)
    checks = [SourceCheck(source.name, report.file, report, None, tuple(rejected))
              for source, report, rejected in zip(config.sources, dataset.files, per_source,
                                                  strict=True)]
    tickets = dataset.frames.tickets
    accepted = Counter(zip(tickets["source_file"].astype(object),
                           tickets["client"].astype(object), strict=True))
    return ValidateRun(checks, shared,
                       inputcheck.rejected_clients(dataset.files, dataset.rejections,
                                                   accepted),
                       inputcheck.contradictions(tickets))


def _check_each_source(config: Config, use_cache: bool = False) -> list[SourceCheck]:
    checks = []
    for source in config.sources:
        label = source_label(config, source)
        try:
            result = read_source(config, source, use_cache=use_cache)
            checks.append(SourceCheck(source.name, label, result.report, None,
                                      tuple(sorted(result.rejections, key=lambda r: r.row))))
        except QbrError as exc:
            checks.append(SourceCheck(source.name, label, None, str(exc),
                                      exit_code=exc.exit_code))
    return checks


# ------------------------------------------------------------------------- metrics


@dataclass(frozen=True)
class MetricsRun:
    """The SPEC §6 document and the computed client quarters behind it."""

    document: dict[str, Any]
    results: tuple[ClientQuarter, ...]
    as_of: datetime
    files: tuple[FileReport, ...] = ()  # the inputs' row accounting (for warnings)
    #: Warnings across sources (:mod:`qbr.inputcheck`): files declared twice, clients
    #: whose quarter is empty while rows of theirs were rejected.
    notes: tuple[str, ...] = ()


def client_keys(config: Config, client: str | None) -> list[str]:
    """All clients in config order, or the one named (a :class:`UsageError` if unknown)."""
    if client is None:
        return list(config.clients)
    if client not in config.clients:
        raise UsageError(f"unknown client {client!r} (configured: "
                         f"{', '.join(config.clients)})")
    return [client]


def metrics(config: Config, quarter: str | Quarter, as_of: str | datetime | None = None,
            client: str | None = None, inputs: Inputs | None = None,
            use_cache: bool = False) -> MetricsRun:
    """Compute the metrics JSON for one quarter, for every client or one."""
    q = parse_quarter(quarter, config.fiscal_year_start) if isinstance(quarter, str) \
        else quarter
    keys = client_keys(config, client)
    run = inputs or load_inputs(config, as_of, use_cache)
    # One client: evaluate only its rows (same results, a fraction of the work).
    engine = Engine(config, run.dataset, clients=keys if client is not None else None)
    results = tuple(engine.client_quarter(k, q, run.as_of) for k in keys)
    totals = {r.client.key: int(r.entry["tickets"]["total"]) for r in results}
    notes = [*inputcheck.shared_files(config),
             *inputcheck.empty_quarter_warnings(str(q), totals, run.dataset.files,
                                                run.dataset.rejections)]
    return MetricsRun(metrics_document(results, q, run.as_of), results, run.as_of,
                      run.dataset.files, tuple(notes))


# ------------------------------------------------------------------- report/batch


@dataclass(frozen=True)
class ClientOutcome:
    """One client's pack: the files written, or why it failed."""

    client: str
    files: tuple[Path, ...] = ()
    error: str | None = None
    internal: bool = False  # the failure is a bug in qbr, not the client's data


@dataclass(frozen=True)
class BatchResult:
    as_of: datetime
    quarter: str
    outcomes: tuple[ClientOutcome, ...] = field(default_factory=tuple)

    @property
    def failed(self) -> list[ClientOutcome]:
        return [o for o in self.outcomes if o.error is not None]


RENDER_SECONDS = 300.0  # default render budget per client (ADVERSARIAL 7)
RENDER_MEMORY_MB = 2048


def report(config: Config, client: str, quarter: str, out_dir: str | Path = "out",
           as_of: str | datetime | None = None, template_dir: str | Path | None = None,
           inputs: Inputs | None = None, options: RenderOptions | None = None,
           use_cache: bool = False) -> BatchResult:
    """Write one client's PDF and XLSX for ``quarter`` into ``out_dir`` (as a pair, under
    the output-folder lock, like ``batch``; with ``options.internal`` also the internal
    pair)."""
    keys = client_keys(config, client)
    run = inputs or load_inputs(config, as_of, use_cache)
    return _render(config, keys, quarter, out_dir, as_of, template_dir, run, isolate=False,
                   options=options or RenderOptions())


def batch(config: Config, quarter: str, out_dir: str | Path = "out",
          as_of: str | datetime | None = None, template_dir: str | Path | None = None,
          *, clients: Sequence[str] = (), jobs: int | None = None, force: bool = False,
          fail_fast: bool = False, executor: Executor | None = None,
          progress: Progress | None = None, options: RenderOptions | None = None,
          use_cache: bool = False) -> BatchRun:
    """Every client's pack (or those in ``clients``) for ``quarter`` (``2026Q3`` or
    ``previous``), in parallel, skipping unchanged clients; see :mod:`qbr.batch`. The
    run report is written to ``out_dir/batch-report.json`` and returned. ``options``
    (issue 7: ``--internal``, ``--pdf-variant``, the render budget) reach every worker."""
    for key in clients:
        client_keys(config, key)
    cut = parse_as_of(as_of) if isinstance(as_of, str) else as_of
    if quarter.strip().lower() != "previous":
        parse_quarter(quarter, config.fiscal_year_start)
    _renderer()
    return run_batch(config, quarter, out_dir, as_of=cut,
                     template_dirs=(Path(template_dir),) if template_dir else (),
                     clients=clients, jobs=jobs, force=force, fail_fast=fail_fast,
                     executor=executor, progress=progress, options=options,
                     use_cache=use_cache)


def _renderer() -> Any:
    """Import the renderer on demand (WeasyPrint loads slowly and needs Pango, which only
    the commands that write packs should require)."""
    try:
        from qbr.report import render_pack
    except OSError as exc:  # WeasyPrint raises OSError when it cannot dlopen Pango/GObject
        raise SystemDependencyError(
            f"cannot render PDFs: {exc}. Install WeasyPrint's system libraries, e.g. on "
            "Debian/Ubuntu: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0") from None
    return render_pack


def _render(config: Config, keys: Sequence[str], quarter: str, out_dir: str | Path,
            as_of: str | datetime | None, template_dir: str | Path | None,
            inputs: Inputs | None, *, isolate: bool,
            options: RenderOptions | None = None) -> BatchResult:
    _renderer()
    from qbr.report import output_stem

    opts = options or RenderOptions()

    q = parse_quarter(quarter, config.fiscal_year_start)
    run = inputs or load_inputs(config, as_of)
    # Only the packs' clients are evaluated (their five quarters of trend included), not
    # the whole portfolio: see qbr.engine.subset.
    engine = Engine(config, run.dataset, clients=keys)
    out = prepare_out_dir(out_dir)
    layers = (Path(template_dir),) if template_dir else ()
    outcomes = []
    with output_lock(out.resolve()):
        recover(out)
        for key in keys:
            try:
                pack = build_pack(config, run.dataset, engine, key, q, run.as_of)
                docs = render_documents(pack, layers, opts)
                stem = output_stem(key, str(q))
                write_pair(out, stem, docs, {"quarter": str(q)})
                outcomes.append(ClientOutcome(key, tuple(out / f"{stem}{suffix}"
                                                         for suffix in docs)))
            except QbrError as exc:
                if not isolate:
                    raise
                outcomes.append(ClientOutcome(key, error=str(exc)))
            except Exception as exc:  # a bug in one client's pack must not stop the rest
                if not isolate:
                    raise
                log.exception("internal error while rendering %s", key)
                outcomes.append(ClientOutcome(key, error=f"internal error: "
                                              f"{type(exc).__name__}: {exc}", internal=True))
    return BatchResult(run.as_of, str(q), tuple(outcomes))


# ------------------------------------------------------------------------- explain


def explain(config: Config, client: str, ticket: str, quarter: str | None = None,
            as_of: str | datetime | None = None, inputs: Inputs | None = None,
            use_cache: bool = False) -> Explanation:
    """One ticket's clocks as a timeline, with the verdicts the workbook lists (README
    "Explaining one ticket"). ``ticket`` is its id, or ``SYSTEM:ID``."""
    client_keys(config, client)
    q = parse_quarter(quarter, config.fiscal_year_start) if quarter else None
    run = inputs or load_inputs(config, as_of, use_cache)
    return find_and_explain(config, _client_dataset(run.dataset, client), client, ticket, q,
                            run.as_of)


def _client_dataset(dataset: Dataset, client: str) -> Dataset:
    """The dataset with only ``client``'s tickets and their status events: explaining one
    ticket converts these rows to records, and a portfolio's million tickets and five
    million events would take minutes (see qbr.engine.subset). Explain reads tickets and
    events only; the other record tuples are not carried over."""
    if not isinstance(dataset, Dataset):  # records given directly (tests): already small
        return dataset
    # Kept per loaded dataset, so a script explaining many tickets converts them once.
    views = _CLIENT_VIEWS.setdefault(dataset, {})
    if client not in views:
        views[client] = Dataset(client_frames(dataset.frames, [client]), dataset.files,
                                dataset.rejections, dataset.warnings,
                                last_seen=dataset.last_seen)
    return views[client]


_CLIENT_VIEWS: weakref.WeakKeyDictionary[Dataset, dict[str, Dataset]] = \
    weakref.WeakKeyDictionary()


# ------------------------------------------------------------------------- figures


@dataclass(frozen=True)
class FiguresRun:
    """The ``qbr.figures/1`` document (README "Figures for sales")."""

    document: dict[str, Any]
    as_of: datetime


def figures(config: Config, quarters: str, as_of: str | datetime | None = None,
            inputs: Inputs | None = None, use_cache: bool = False) -> FiguresRun:
    """Portfolio figures over a quarter or an inclusive range ``2025Q4..2026Q3``."""
    qs = parse_quarters(quarters, config.fiscal_year_start)
    run = inputs or load_inputs(config, as_of, use_cache)
    engine = Engine(config, run.dataset)
    results = [engine.client_quarter(k, q, run.as_of) for q in qs for k in config.clients]
    doc = figures_document(results, qs, run.as_of.isoformat(), config.min_clients)
    return FiguresRun(doc, run.as_of)


# ----------------------------------------------------------------------- calibrate


def _objective_for(config: Config, tier: str, given: float | None) -> float:
    """``--objective`` when given, else the tier's ``objective_pct`` (a tier without one
    cannot be calibrated without the option)."""
    if given is not None:
        return given
    own = config.tiers[tier].objective_pct
    if own is None:
        raise UsageError(f"tier {tier!r} has no objective_pct: pass --objective")
    return own


@dataclass(frozen=True)
class CalibrateRun:
    """The ``qbr.calibrate/1`` document, the client quarters behind it and the cut-off."""

    document: dict[str, Any]
    results: tuple[ClientQuarter, ...]
    as_of: datetime


def calibrate(config: Config, quarters: str, as_of: str | datetime | None = None,
              tier: str | None = None, objective: float | None = None,
              min_tickets: int = MIN_TICKETS, inputs: Inputs | None = None,
              use_cache: bool = False) -> CalibrateRun:
    """Attainment history, achievable targets and recommendations per tier and priority
    over ``quarters`` (``2025Q3..2026Q3``); see :mod:`qbr.calibrate`."""
    if tier is not None and tier not in config.tiers:
        raise UsageError(f"unknown tier {tier!r} (configured: {', '.join(config.tiers)})")
    if objective is not None and not 0 < objective <= 100:
        raise UsageError(f"--objective: expected a percentage in (0, 100], got {objective:g}")
    qs = parse_quarters(quarters, config.fiscal_year_start)
    run = inputs or load_inputs(config, as_of, use_cache)
    engine = Engine(config, run.dataset)
    tiers = [tier] if tier else list(config.tiers)
    results = tuple(engine.client_quarter(k, q, run.as_of) for q in qs
                    for k, c in config.clients.items() if c.tier in tiers)
    targets = {t: {"response": dict(config.tiers[t].response_minutes),
                   "resolution": dict(config.tiers[t].resolution_minutes)} for t in tiers}
    objectives = {t: _objective_for(config, t, objective) for t in tiers}
    doc = calibrate_document(results, qs, targets, objectives, run.as_of.isoformat(),
                             min_tickets)
    return CalibrateRun(doc, results, run.as_of)
