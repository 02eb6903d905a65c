"""The render budget (ADVERSARIAL 7): each client's pack renders in a forked child process
with a wall-clock timeout and an address-space cap, so one client's huge or hostile data
fails only that client, with a clear message, and the batch goes on.

POSIX only (``fork``); elsewhere, in a daemonic worker (which may not start children), or
with no budget given, the render runs in-process.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import signal
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

from qbr.errors import QbrError

T = TypeVar("T")
DEFAULT_SECONDS = 300.0
DEFAULT_MEMORY_MB = 2048


_in_child = False


def in_budget_child() -> bool:
    """Whether this process is a render-budget child (a daemonic process that may still
    fork: it renders one client and exits; :mod:`qbr.forked`)."""
    return _in_child


class RenderBudgetError(QbrError):
    """A client's pack took longer or needed more memory than the render budget."""


def _child(conn: Any, fn: Callable[[], Any], memory_mb: int | None) -> None:
    # The child renders one client and ends with os._exit: its memory goes back to the
    # system whole, so collecting the cyclic garbage of each document (WeasyPrint's
    # boxes and styles, ~50,000 objects of a deck: about 0.1 s of CPU per PDF) would be
    # work for nothing. The renders pause the collector anyway (qbr.gcpause);
    # here it stays off until the child exits. Reference counting still frees all
    # acyclic objects at once; what is left is a deck's cyclic garbage, a few tens of MB.
    global _in_child
    _in_child = True
    gc.disable()
    if memory_mb:
        import resource

        # The cap is what the render may add to the address space it inherits: a parent
        # that loaded a large portfolio (or runs Arrow's thread pool, whose arenas reserve
        # address space) already maps more than the budget, and an absolute cap would
        # fail every client of it as "needed more than N MB".
        limit = _address_space() + memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        conn.send(("ok", fn()))
    except MemoryError:
        conn.send(("memory", None))
    except QbrError as exc:
        conn.send(("qbr", (type(exc).__name__, str(exc), exc.exit_code)))
    except BaseException as exc:  # reported to the parent as an internal error
        conn.send(("bug", f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"))
    finally:
        conn.close()


def _address_space() -> int:
    """This process's mapped address space in bytes (``VmSize``; 0 where /proc is absent)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def run_with_budget(fn: Callable[[], T], label: str, seconds: float | None,
                    memory_mb: int | None = None) -> T:
    """``fn()`` in a child process, killed after ``seconds``; its result must pickle.
    Raises :class:`RenderBudgetError` on a breach, re-raises a :class:`QbrError` from the
    child as one, and a crash as :class:`RuntimeError`."""
    # A daemonic process (a Dask worker) may not start children: render in-process there.
    if not seconds or os.name != "posix" or multiprocessing.current_process().daemon:
        return fn()
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, fn, memory_mb), daemon=True)
    proc.start()
    child.close()
    try:
        if not parent.poll(seconds):
            os.kill(proc.pid or 0, signal.SIGKILL)
            raise RenderBudgetError(f"{label}: rendering took longer than {seconds:g} s "
                                    f"(render budget); this client was skipped")
        kind, payload = parent.recv()
    except (EOFError, pickle.UnpicklingError):
        kind, payload = "memory", None
    finally:
        parent.close()
        proc.join(5)
    if kind == "ok":
        return payload  # type: ignore[no-any-return]
    if kind == "memory":
        raise RenderBudgetError(f"{label}: rendering needed more than {memory_mb} MB "
                                f"(render budget); this client was skipped")
    if kind == "qbr":
        error = QbrError(payload[1])
        error.exit_code = payload[2]
        raise error
    raise RuntimeError(payload)
