"""Steps run in a forked child beside this process (issue 7 §5: the workbook is written
while the PDF is laid out, on the machine's second core).

:class:`Forked` forks once and runs its steps in order in the child; the parent takes
each step's result when it needs it, in the same order. What the caller sees is what
the steps would have done in-process:

- a step's value comes back pickled over a pipe;
- a step's exception is raised again in the parent: the same class with the same message
  and attributes (a :class:`~qbr.errors.QbrError` keeps its exit code), its child
  traceback chained as the cause; a ``MemoryError`` stays a ``MemoryError`` (the child
  inherits the address-space cap of the render budget, ``RLIMIT_AS``); the child stops at
  its first failing step, like the in-process sequence would;
- what a step logs is collected in the child and handed to this process's handlers when
  its result is taken, so warnings reach the same handlers in the same order.

The child dies with this process: it asks Linux for ``SIGKILL`` when its parent ends
(``PR_SET_PDEATHSIG``), so a render-budget child killed for its time or memory takes its
workbook child with it; :meth:`Forked.close` kills and reaps a child whose results are
no longer wanted (an error in the parent's own work). Forking is offered on Linux only
(:func:`can_fork`), where ``prctl`` gives that guarantee.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import importlib
import logging
import os
import pickle
import signal
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["Forked", "can_fork", "usable_cpus"]

_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


class ChildTraceback(Exception):
    """The traceback of an exception raised in the forked child (chained as the cause of
    the exception raised again in the parent, like ``concurrent.futures`` does)."""


def usable_cpus() -> int:
    """CPUs this process may run on (its affinity mask; the CPU count elsewhere)."""
    getaffinity = getattr(os, "sched_getaffinity", None)
    if getaffinity is not None:
        return len(getaffinity(0))
    return os.cpu_count() or 1


def can_fork() -> bool:
    """Whether :class:`Forked` may be used here: Linux (fork, and ``PR_SET_PDEATHSIG``
    so the child cannot outlive its parent)."""
    return sys.platform.startswith("linux") and hasattr(os, "fork")


class Forked:
    """``steps`` run one after another in a forked child, started at construction."""

    def __init__(self, steps: Sequence[Callable[[], Any]]) -> None:
        self._outcomes: list[tuple[Any, ...]] | None = None
        self._taken = 0
        parent = os.getpid()
        read, write = os.pipe()
        try:
            pid = os.fork()
        except OSError:  # no process left (EAGAIN) or no memory for one (ENOMEM)
            os.close(read)
            os.close(write)
            raise
        if pid == 0:  # the child: never returns
            os.close(read)
            _run_child(steps, write, parent)
        os.close(write)
        self._pid: int | None = pid
        self._read: int | None = read

    def take(self) -> Any:
        """The next step's value (waits for the child), or its exception raised here."""
        outcomes = self._receive()
        if self._taken >= len(outcomes):
            raise RuntimeError("the forked child ended without a result")
        kind, records, *rest = outcomes[self._taken]
        self._taken += 1
        for record in records:
            logger = logging.getLogger(record.name)
            # The child's logger already applied its level and filters (same config,
            # forked): hand the record straight to this process's handlers.
            logger.callHandlers(record)
        if kind == "ok":
            return rest[0]
        if kind == "memory":
            raise MemoryError("the forked child ran out of memory")
        raise _rebuilt(*rest)

    def close(self) -> None:
        """Kill the child if it still runs and reap it (idempotent)."""
        if self._read is not None:
            os.close(self._read)
            self._read = None
        if self._pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)
            self._pid = None

    def _receive(self) -> list[tuple[Any, ...]]:
        if self._outcomes is not None:
            return self._outcomes
        assert self._read is not None and self._pid is not None
        chunks = []
        while chunk := os.read(self._read, 1 << 20):
            chunks.append(chunk)
        os.close(self._read)
        self._read = None
        _, status = os.waitpid(self._pid, 0)
        self._pid = None
        data = b"".join(chunks)
        if not data:
            self._outcomes = [_no_result(status)]
        else:
            self._outcomes = pickle.loads(data)
        return self._outcomes


def _no_result(status: int) -> tuple[Any, ...]:
    """The outcome of a child that ended without writing any: killed by a signal (the
    kernel's out-of-memory killer, or a crash in C code under the memory cap) counts as
    running out of memory, as the render budget counts its own child's silent end."""
    if os.WIFSIGNALED(status):
        return ("memory", [])
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else status
    error = RuntimeError(f"the forked child exited with status {code} and no result")
    return ("raise", [], pickle.dumps(error), "builtins", "RuntimeError", str(error),
            None, "")


def _run_child(steps: Sequence[Callable[[], Any]], write: int, parent: int) -> None:
    status = 0
    try:
        _die_with(parent)
        # The child writes and exits: its memory goes back whole, so the collector would
        # only walk the parent's inherited objects (and un-share their pages) for nothing.
        gc.disable()
        # Ctrl-C reaches the whole process group; the parent handles it and kills us.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        records: list[logging.LogRecord] = []

        def collect(_logger: logging.Logger, record: logging.LogRecord) -> None:
            records.append(_portable(record))

        logging.Logger.callHandlers = collect  # type: ignore[method-assign,assignment]
        outcomes: list[tuple[Any, ...]] = []
        for step in steps:
            outcome = _outcome(step)
            outcomes.append((outcome[0], list(records), *outcome[1:]))
            records.clear()
            if outcome[0] != "ok":
                break
        _write_all(write, pickle.dumps(outcomes, protocol=pickle.HIGHEST_PROTOCOL))
    except BaseException:  # nothing may escape a forked child (it would run the parent's code)
        status = 70
    finally:
        os._exit(status)


def _die_with(parent: int) -> None:
    """Ask for SIGKILL when the parent ends; end now if it already has."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(0)


def _outcome(step: Callable[[], Any]) -> tuple[Any, ...]:
    try:
        return ("ok", step())
    except MemoryError:
        return ("memory",)
    except BaseException as exc:
        return ("raise", *_portable_error(exc))


def _portable_error(exc: BaseException) -> tuple[Any, ...]:
    """What the parent needs to raise ``exc`` again: the pickled exception when it
    survives a round trip, else its class's module and name, message and attributes."""
    pickled: bytes | None = None
    try:
        data = pickle.dumps(exc)
        pickle.loads(data)  # an exception whose __init__ wants other arguments fails
        pickled = data
    except Exception:
        pass
    try:
        state: dict[str, Any] | None = dict(vars(exc))
        pickle.dumps(state)
    except Exception:
        state = None
    cls = type(exc)
    return (pickled, cls.__module__, cls.__qualname__, str(exc), state,
            traceback.format_exc())


def _rebuilt(pickled: bytes | None, module: str, name: str, message: str,
             state: dict[str, Any] | None, child_traceback: str) -> BaseException:
    error: BaseException | None = None
    if pickled is not None:
        error = pickle.loads(pickled)
    else:
        cls = getattr(importlib.import_module(module), name, None) \
            if module in sys.modules else None
        if isinstance(cls, type) and issubclass(cls, BaseException):
            error = cls.__new__(cls)
            BaseException.__init__(error, message)
            if state:
                error.__dict__.update(state)
    if error is None:
        error = RuntimeError(f"{name}: {message}")
    if child_traceback:
        error.__cause__ = ChildTraceback(f"in the forked child:\n{child_traceback}")
    return error


def _portable(record: logging.LogRecord) -> logging.LogRecord:
    """``record`` with its message formatted and nothing unpicklable left (as
    ``logging.handlers.QueueHandler`` prepares records)."""
    record.msg = record.getMessage()
    record.args = None
    if record.exc_info:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.exc_info = None
    return record


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
    os.close(fd)
