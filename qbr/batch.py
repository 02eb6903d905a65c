"""``qbr batch``: every client's pack for a quarter, in parallel, resumable, reported.

The parent process takes the output-folder lock, recovers what a killed run left
(:mod:`qbr.batchio`), loads the inputs once, and hands one job per client to an executor
with the ``concurrent.futures`` interface: a process pool by default (workers receive the
loaded inputs through the pool initializer, so nothing is read twice), or a Dask
distributed cluster, whose workers load the inputs once each from shared storage. Each
job computes the client's pack, skips it when the manifest shows the same inputs, config
and templates with verified files, else renders the PDF and workbook and commits them as
a pair. One client's failure never stops the others unless ``fail_fast``.
"""

from __future__ import annotations

import hashlib
import logging
import os
import resource
import time
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from qbr import __version__
from qbr.batchio import (
    DestinationError,
    output_lock,
    prepare_out_dir,
    read_manifest,
    recover,
    sha256_file,
    verified,
    write_pair,
)
from qbr.batchload import Loaded, config_fingerprint, load_isolated
from qbr.batchprep import (
    cpu_seconds,
    precompile_templates,
    precompute,
    render_child_peak_mb,
    warm_renderer,
    warm_stylesheets,
)
from qbr.batchrender import BudgetExceeded, RenderOptions, TemplateFailure, render_documents
from qbr.config import Config, load_config
from qbr.errors import QbrError
from qbr.forked import usable_cpus
from qbr.ingest import source_label
from qbr.metrics import Engine
from qbr.quarters import Quarter, parse_as_of, parse_quarter

log = logging.getLogger(__name__)
REPORT_NAME = "batch-report.json"
SCHEMA = "qbr.batch-report/1"


def quarter_for(spec: str, zone: str, now: datetime,
                fiscal_year_start: int | None = None) -> Quarter:
    """``previous`` = the last quarter completed in ``zone`` at ``now`` (fiscal when the
    config sets ``msp.fiscal_year_start``); else parsed."""
    if spec.strip().lower() == "previous":
        return Quarter.of(now, zone, fiscal_year_start or 1).previous()
    return parse_quarter(spec, fiscal_year_start)


# -------------------------------------------------------------------------- worker


@dataclass(frozen=True)
class Job:
    client: str
    quarter: str
    out_dir: str
    force: bool
    config_sha256: str
    token: str  # identifies the Loaded a worker must hold
    config_path: str
    as_of: str
    template_dirs: tuple[str, ...]
    options: RenderOptions = field(default_factory=RenderOptions)  # issue 7 render options
    use_cache: bool = False  # the worker's own load (Dask) uses the parse cache


_LOADED: dict[str, tuple[Loaded, Engine]] = {}


def _init_worker(token: str, loaded: Loaded) -> None:
    """Pool initializer: the parent's loaded inputs. A forked worker inherits them with
    the engine and its precomputed quarters (nothing to do); a spawned one unpickles
    ``loaded`` once and builds its engine."""
    if token not in _LOADED:
        _LOADED[token] = (loaded, Engine(loaded.config, loaded.dataset))


def _loaded_for(job: Job) -> tuple[Loaded, Engine]:
    if job.token not in _LOADED:  # a Dask worker: load once from shared storage
        config = load_config(job.config_path)
        loaded = load_isolated(config, job.config_path, parse_as_of(job.as_of),
                               tuple(Path(d) for d in job.template_dirs), Path(job.out_dir),
                               job.use_cache)
        _LOADED[job.token] = (loaded, Engine(loaded.config, loaded.dataset))
    return _LOADED[job.token]


def run_job(job: Job) -> dict[str, Any]:
    """One client's pack: skipped, written, or failed with a one-line reason. Never
    raises for the client's data, template or destination; a bug is ``internal``."""
    started = time.monotonic()
    cpu = cpu_seconds()
    outcome: dict[str, Any] = {"client": job.client, "quarter": job.quarter, "files": [],
                               "config_sha256": job.config_sha256, "inputs_sha256": None}
    try:
        outcome.update(_render_job(job))
    except BudgetExceeded as exc:  # the client's content, not a bug (README "Scheduling")
        outcome.update(status="failed", failure="budget", reason=str(exc))
    except DestinationError as exc:
        outcome.update(status="failed", failure="destination", reason=str(exc))
    except TemplateFailure as exc:
        outcome.update(status="failed", failure="template", reason=str(exc))
    except QbrError as exc:
        outcome.update(status="failed", failure="data", reason=str(exc))
    except Exception as exc:  # a bug in qbr for this client: reported, the others go on
        outcome.update(status="failed", failure="internal",
                       reason=f"internal error: {type(exc).__name__}: {exc}")
        if os.environ.get("QBR_DEBUG"):  # tracebacks only on request (README)
            outcome["traceback"] = traceback.format_exc()
    outcome["duration_s"] = round(time.monotonic() - started, 3)
    outcome["cpu_s"] = round(cpu_seconds() - cpu, 3)  # worker + its render-budget child
    outcome["worker_pid"] = os.getpid()
    outcome["worker_peak_rss_mb"] = round(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # Linux: KiB
    outcome["render_peak_rss_mb"] = render_child_peak_mb()
    return outcome


def _render_job(job: Job) -> dict[str, Any]:
    from qbr.packbuilder import build_pack
    from qbr.report import output_stem

    t0 = time.monotonic()
    loaded, engine = _loaded_for(job)
    if job.client in loaded.blocked:
        raise QbrError(loaded.blocked[job.client])
    out = Path(job.out_dir)
    t1 = time.monotonic()
    # The pack is the input fingerprint (every number, row and note it shows): building
    # it costs ~0.05 s of the ~1-4 s a render takes, so the skip check stays exact.
    pack = build_pack(loaded.config, loaded.dataset, engine, job.client,
                      parse_quarter(job.quarter, loaded.config.fiscal_year_start),
                      loaded.as_of)
    inputs_sha = hashlib.sha256(repr(pack).encode()).hexdigest()
    stem = output_stem(job.client, job.quarter)
    phases = {"load": round(t1 - t0, 3), "build": round(time.monotonic() - t1, 3)}
    result: dict[str, Any] = {"inputs_sha256": inputs_sha, "phases_s": phases}
    entry = read_manifest(out, stem)
    same = entry is not None and entry.get("inputs_sha256") == inputs_sha and \
        entry.get("config_sha256") == job.config_sha256
    if same and not job.force and verified(entry, out):
        assert entry is not None
        return {**result, "status": "unchanged", "reason": "inputs, config and templates "
                "unchanged since the last run", "files": _files(out, entry["files"])}
    t2 = time.monotonic()
    docs = render_documents(pack, loaded.template_dirs, job.options)
    t3 = time.monotonic()
    phases["render"] = round(t3 - t2, 3)
    written = write_pair(out, stem, docs,
                         {"inputs_sha256": inputs_sha, "config_sha256": job.config_sha256,
                          "quarter": job.quarter, "as_of": job.as_of,
                          "qbr_version": __version__, "client": job.client,
                          "sources": loaded.feeds.get(job.client, [])})
    phases["write"] = round(time.monotonic() - t3, 3)
    why = "forced" if job.force else "first run" if entry is None else \
        "inputs, config or templates changed" if not same else "previous files missing"
    return {**result, "status": "written", "reason": why,
            "files": _files(out, [{"name": w.name, "size": w.size, "sha256": w.sha256}
                                  for w in written])}


def _files(out: Path, files: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"path": str(out / f["name"]), "size": f["size"], "sha256": f["sha256"]}
            for f in files]


# -------------------------------------------------------------------------- parent


@dataclass
class BatchRun:
    """The run report (``batch-report.json``, schema ``qbr.batch-report/1``)."""

    document: dict[str, Any]
    report_path: Path | None  # None: the report could not be written (disk full …)
    report_error: str | None = None

    @property
    def outcomes(self) -> list[dict[str, Any]]:
        return list(self.document["clients"])

    @property
    def exit_code(self) -> int:
        """0 all written or unchanged; 70 when qbr failed on a client; else 1."""
        failed = [o for o in self.outcomes if o["status"] != "written"
                  and o["status"] != "unchanged"]
        if any(o.get("failure") == "internal" for o in failed):
            return 70
        return 1 if failed else 0


Progress = Callable[[dict[str, Any], int, int], None]


def run_batch(config: Config, quarter: str, out_dir: str | Path, *,
              as_of: datetime | None = None, template_dirs: Sequence[Path] = (),
              clients: Sequence[str] = (), jobs: int | None = None, force: bool = False,
              fail_fast: bool = False, executor: Executor | None = None,
              progress: Progress | None = None, now: datetime | None = None,
              options: RenderOptions | None = None, use_cache: bool = False) -> BatchRun:
    """Render the packs of ``clients`` (default all) for ``quarter`` (``2026Q3`` or
    ``previous``) into ``out_dir``. ``executor`` (any ``concurrent.futures.Executor``)
    overrides the local process pool of ``jobs`` workers (default: the CPU count).
    ``options`` (issue 7) reach every worker's render; ``use_cache`` every load."""
    started = datetime.now(UTC)
    t0 = time.monotonic()
    now = now or started
    keys = list(clients) or list(config.clients)
    quarters = {k: str(quarter_for(quarter, config.clients[k].timezone, now,
                                   config.fiscal_year_start)) for k in keys}
    out = prepare_out_dir(out_dir).resolve()
    layers = tuple(Path(d).resolve() for d in template_dirs)
    with output_lock(out):
        clock = time.monotonic()
        recovered = recover(out)
        for line in recovered:
            log.warning("%s", line)
        phases = {"recover": round(time.monotonic() - clock, 3)}
        clock = time.monotonic()
        config_path = str(Path(config.file).resolve())
        loaded = load_isolated(config, config_path, as_of, layers, out, use_cache)
        phases["load"] = round(time.monotonic() - clock, 3)
        opts = options or RenderOptions()
        cfg_sha = config_fingerprint(config, layers, opts)
        opts = worker_options(opts, jobs, len(keys), executor)
        token = hashlib.sha256(f"{config_path}|{loaded.as_of}|{cfg_sha}".encode()).hexdigest()
        job_list = [Job(k, quarters[k], str(out), force, cfg_sha, token, config_path,
                        loaded.as_of.isoformat(), tuple(str(d) for d in layers), opts,
                        use_cache)
                    for k in keys]
        outcomes = _execute(job_list, loaded, token, jobs, fail_fast, executor, progress,
                            phases)
        doc = {
            "schema": SCHEMA, "qbr_version": __version__, "quarter": quarter,
            "quarters": sorted(set(quarters.values())),
            "as_of": loaded.as_of.isoformat(), "started": started.isoformat(),
            "duration_s": round(time.monotonic() - t0, 3), "out_dir": str(out),
            "config": config_path, "config_sha256": cfg_sha,
            "sources": [{"name": s.name, "file": source_label(config, s),
                         "sha256": sha256_file(s.path) if s.path.is_file() else None}
                        for s in config.sources],
            "jobs": jobs or os.cpu_count() or 1,
            "executor": "local" if executor is None else type(executor).__name__,
            "recovered": recovered, "phases_s": phases,
            "counts": _counts(outcomes), "clients": outcomes,
        }
        doc["exit_code"] = BatchRun(doc, None).exit_code
        return _write_report(out, doc)


def worker_options(options: RenderOptions, jobs: int | None, clients: int,
                   executor: Executor | None) -> RenderOptions:
    """``options`` as the workers get them: the workbook is written beside the PDF
    (``split_workbook``, :func:`qbr.batchrender._workbooks_beside`) only while the
    local workers leave a usable CPU free (``--jobs 1`` on two cores); with as many
    workers as CPUs, or an executor's workers filling a cluster, a workbook child would
    only take a core from another client's render."""
    workers = max(1, min(jobs or os.cpu_count() or 1, clients or 1))
    split = options.split_workbook and executor is None and workers < usable_cpus()
    return replace(options, split_workbook=split)


def _counts(outcomes: list[dict[str, Any]]) -> dict[str, int]:
    counts = {"written": 0, "unchanged": 0, "failed": 0, "not_run": 0}
    for o in outcomes:
        counts[o["status"]] = counts.get(o["status"], 0) + 1
    return counts


def _execute(job_list: list[Job], loaded: Loaded, token: str, jobs: int | None,
             fail_fast: bool, executor: Executor | None, progress: Progress | None,
             phases: dict[str, float] | None = None) -> list[dict[str, Any]]:
    phases = {} if phases is None else phases
    clock = time.monotonic()
    _prepare_renderer()  # WeasyPrint and fonts once in the parent (inherited)
    precompile_templates(loaded.template_dirs, loaded.config.brand.folder)
    phases["warm"] = round(time.monotonic() - clock, 3)
    own = executor is None
    phases["quarter"] = 0.0
    if executor is None:
        workers = max(1, min(jobs or os.cpu_count() or 1, len(job_list) or 1))
        method = "fork" if "fork" in _start_methods() else "spawn"
        if method == "fork":  # workers inherit the engine with every quarter computed
            engine = Engine(loaded.config, loaded.dataset)
            wanted = {parse_quarter(j.quarter, loaded.config.fiscal_year_start)
                      for j in job_list}
            phases["quarter"] = round(precompute(engine, wanted, loaded.as_of), 3)
            _LOADED[token] = (loaded, engine)
            if len(job_list) > 1:  # workers and budget children inherit the parsed CSS
                clock = time.monotonic()
                warm_stylesheets(loaded.config, loaded.dataset, engine,
                                 [(j.client, j.quarter) for j in job_list
                                  if j.client not in loaded.blocked],
                                 loaded.template_dirs, loaded.as_of)
                phases["warm"] = round(phases["warm"] + time.monotonic() - clock, 3)
        executor = ProcessPoolExecutor(workers, mp_context=get_context(method),
                                       initializer=_init_worker, initargs=(token, loaded))
    clock = time.monotonic()
    # A sliding window keeps a few jobs queued per worker, so --fail-fast stops soon and
    # a cluster is not flooded; ``jobs`` bounds it for an external executor too.
    window = 2 * (jobs or os.cpu_count() or 1) if own or jobs else 64
    results: dict[str, dict[str, Any]] = {}
    queue = list(reversed(job_list))
    running: dict[Future[dict[str, Any]], Job] = {}
    try:
        while queue or running:
            while queue and len(running) < window:
                job = queue.pop()
                running[executor.submit(run_job, job)] = job
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for fut in done:
                job = running.pop(fut)
                results[job.client] = _result_of(fut, job)
                if progress:
                    progress(results[job.client], len(results), len(job_list))
                if fail_fast and results[job.client]["status"] == "failed":
                    queue.clear()
    finally:
        if own:
            executor.shutdown(wait=True, cancel_futures=True)
            _LOADED.pop(token, None)  # the parent's copy; a long-lived caller keeps no data
        phases["jobs"] = round(time.monotonic() - clock, 3)
    return [results.get(j.client) or _not_run(j) for j in job_list]


def _result_of(fut: Future[dict[str, Any]], job: Job) -> dict[str, Any]:
    if fut.cancelled():
        return _not_run(job)
    try:
        return fut.result()
    except BrokenProcessPool:
        return {**_not_run(job), "status": "failed", "failure": "internal",
                "reason": "internal error: a worker process died while rendering"}
    except Exception as exc:  # raised outside run_job, e.g. by a remote executor
        return {**_not_run(job), "status": "failed", "failure": "internal",
                "reason": f"internal error: {type(exc).__name__}: {exc}"}


def _not_run(job: Job) -> dict[str, Any]:
    return {"client": job.client, "quarter": job.quarter, "status": "not_run",
            "failure": None, "reason": "not run: --fail-fast stopped the batch",
            "files": [], "config_sha256": job.config_sha256, "inputs_sha256": None,
            "duration_s": 0.0}


def _start_methods() -> list[str]:
    from multiprocessing import get_all_start_methods
    return get_all_start_methods()


def _prepare_renderer() -> None:
    warm_renderer()


def _write_report(out: Path, doc: dict[str, Any]) -> BatchRun:
    from qbr.batchio import _write_json

    path = out / REPORT_NAME
    try:
        _write_json(path, doc)
    except OSError as exc:
        return BatchRun(doc, None, f"cannot write {path}: {exc.strerror or exc}")
    return BatchRun(doc, path)
