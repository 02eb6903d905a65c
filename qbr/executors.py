"""Executors for ``qbr batch --executor``: the batch takes any object with the
``concurrent.futures.Executor`` interface, so a cluster needs no scheduler of our own.

``local`` (default) is the batch's own process pool. ``dask`` connects to an existing
Dask distributed scheduler (``pip install 'qbr[dask]'``) and uses its executor; its
workers must see the config, the inputs and the output folder at the same paths as the
machine that starts the batch (README "Scheduling": shared storage)."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Executor
from contextlib import contextmanager

from qbr.errors import SystemDependencyError, UsageError


@contextmanager
def executor_for(kind: str, scheduler: str | None) -> Iterator[Executor | None]:
    """``None`` for ``local`` (the batch builds its process pool), else a connected
    Dask executor, closed on exit."""
    if kind == "local":
        if scheduler:
            raise UsageError("--scheduler needs --executor dask")
        yield None
        return
    if not scheduler:
        raise UsageError("--executor dask needs --scheduler tcp://HOST:8786")
    try:
        from distributed import Client
    except ImportError:
        raise SystemDependencyError("--executor dask needs Dask distributed: "
                                    "pip install 'qbr[dask]'") from None
    try:
        client = Client(scheduler, timeout="10s")  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError) as exc:
        raise SystemDependencyError(f"cannot reach the Dask scheduler {scheduler}: "
                                    f"{exc}") from None
    try:
        yield client.get_executor(pure=False)  # type: ignore[no-untyped-call]
    finally:
        client.close()  # type: ignore[no-untyped-call]
