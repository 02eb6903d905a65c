"""The batch's file system side: the output-folder lock, the PDF + workbook pair written
as one unit, the per-client manifest that makes re-runs idempotent, and recovery of what
a killed run left behind.

Pair protocol (README "Scheduling"): both documents are written to temp files in the
output folder and fsynced; the existing pair is hard-linked aside as a backup; a journal
(``.qbr/<stem>.json`` with ``state = "committing"``, the previous manifest entry and the
file list) is written atomically; then both temp files are ``os.replace``-d over the
targets and the journal becomes the new manifest entry (``state = "done"``). A kill at any
moment leaves either the old or the new pair once recovery has run: recovery, done by
every batch under the lock before it renders, rolls a ``committing`` journal back to the
backups and removes temp files. Between the two renames of a pair killed at that instant
the folder holds one new and one old file until the next run restores the old pair.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from qbr.errors import QbrError

LOG = logging.getLogger("qbr.batch")
STATE_DIR = ".qbr"
LOCK_NAME = ".qbr-batch.lock"
TMP_SUFFIX = ".qbr-tmp"
# Temp names of ours (".<name>.<random>.qbr-tmp") and those the report layer's
# write_atomic leaves for packs (".<stem>.pdf.<random>.tmp"); nothing else is touched.
_LEFTOVER = re.compile(r"^\..+(\.qbr-tmp|\.(pdf|xlsx)\.[^.]+\.tmp)$")
# os.replace fails with PermissionError while a viewer holds the target open on Windows
# shares; wait 0.2 + 0.4 + 0.8 + 1.6 + 3.2 s before giving up (ADVERSARIAL 47).
REPLACE_DELAYS: Sequence[float] = (0.2, 0.4, 0.8, 1.6, 3.2)


class LockHeld(QbrError):
    """Another run holds the output folder (exit 75, EX_TEMPFAIL: try again later)."""

    exit_code = 75


class DestinationError(QbrError):
    """The output cannot be written: not a folder, read-only, disk full, file in use
    (exit 73, EX_CANTCREAT, when it stops a whole command)."""

    exit_code = 73


# ---------------------------------------------------------------------------- lock


@contextmanager
def output_lock(out_dir: Path) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``out_dir/.qbr-batch.lock`` for the block.

    The kernel releases a flock when its holder dies, so the lock of a killed run is
    taken over at once; the pid and start time in the file only name the holder in the
    message. The lock file must sit on local disk: flock over SMB/NFS is unreliable."""
    path = out_dir / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise DestinationError(f"cannot create the lock file {path}: "
                               f"{_os_reason(exc)}") from None
    handle = os.fdopen(fd, "r+", encoding="utf-8")
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LockHeld(f"another run holds {path} ({_holder(handle)})") from None
        _write_holder(handle)
        yield
    finally:
        handle.close()  # closing the descriptor releases the flock


def _holder(handle: TextIO) -> str:
    handle.seek(0)
    try:
        info = json.loads(handle.read() or "{}")
    except ValueError:
        info = {}
    return f"pid {info.get('pid', '?')}, started {info.get('started', '?')}"


def _write_holder(handle: TextIO) -> None:
    started = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    handle.seek(0)
    handle.truncate()
    handle.write(json.dumps({"pid": os.getpid(), "started": started}))
    handle.flush()


# --------------------------------------------------------------------- fingerprints


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sha256_tree(paths: Sequence[Path]) -> str:
    """One SHA-256 over every file under ``paths`` (names and bytes, sorted)."""
    digest = hashlib.sha256()
    for root in paths:
        files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else \
            [root] if root.is_file() else []
        for f in files:
            digest.update(str(f.relative_to(root) if root.is_dir() else f.name).encode())
            digest.update(sha256_file(f).encode())
    return digest.hexdigest()


# ------------------------------------------------------------------------ manifest


def manifest_path(out_dir: Path, stem: str) -> Path:
    return out_dir / STATE_DIR / f"{stem}.json"


def read_manifest(out_dir: Path, stem: str) -> dict[str, Any] | None:
    try:
        data = json.loads(manifest_path(out_dir, stem).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def verified(entry: dict[str, Any] | None, out_dir: Path) -> bool:
    """A ``done`` entry whose files are all present with the recorded SHA-256."""
    if not entry or entry.get("state") != "done":
        return False
    for f in entry.get("files", []):
        path = out_dir / f["name"]
        if not path.is_file() or path.stat().st_size != f["size"] or \
                sha256_file(path) != f["sha256"]:
            return False
    return True


def _write_json(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TMP_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=1, sort_keys=True)
            handle.flush()
            os.fsync(handle.fileno())
        _honour_umask(tmp)
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# ----------------------------------------------------------------------- pair write


@dataclass(frozen=True)
class Written:
    """One document of a pair as committed."""

    name: str  # file name inside the output folder
    size: int
    sha256: str


def write_pair(out_dir: Path, stem: str, documents: dict[str, bytes],
               meta: dict[str, Any]) -> list[Written]:
    """Write ``{".pdf": bytes, ".xlsx": bytes}`` as ``<stem><suffix>`` so that both are
    new or both are old (module docstring). ``meta`` (fingerprints) is stored in the new
    manifest entry. Raises :class:`DestinationError` with the target named; temp files
    and backups are removed and the previous pair is left in place."""
    previous = read_manifest(out_dir, stem)
    files: list[dict[str, Any]] = []
    try:
        for suffix, data in documents.items():
            final = out_dir / f"{stem}{suffix}"
            files.append({"name": final.name, "tmp": _write_temp(final, data),
                          "backup": _backup(final), "size": len(data),
                          "sha256": hashlib.sha256(data).hexdigest()})
        _write_json(manifest_path(out_dir, stem),
                    {"state": "committing", "previous": previous, "files": files})
    except OSError as exc:
        _discard(out_dir, files)
        raise DestinationError(_write_message(out_dir / f"{stem}.pdf", exc)) from None
    try:
        for f in files:
            _replace(out_dir / f["tmp"], out_dir / f["name"])
        _fsync_dir(out_dir)
        written = [Written(f["name"], f["size"], f["sha256"]) for f in files]
        _write_json(manifest_path(out_dir, stem), {
            "state": "done", **meta,
            "files": [{"name": w.name, "size": w.size, "sha256": w.sha256} for w in written]})
    except DestinationError:
        roll_back(out_dir, stem)
        raise
    except OSError as exc:
        roll_back(out_dir, stem)
        raise DestinationError(_write_message(out_dir / f"{stem}.pdf", exc)) from None
    _discard(out_dir, [{"backup": f["backup"]} for f in files])
    remove_stale_internal(out_dir, stem, documents)
    return written


INTERNAL_SUFFIXES = ("_internal.pdf", "_internal.xlsx")


def remove_stale_internal(out_dir: Path, stem: str, documents: dict[str, bytes]) -> None:
    """Delete ``<stem>_internal.pdf`` / ``.xlsx`` left by an earlier ``--internal`` run
    when this run wrote none (issue 7 §2): the MSP-wide appendix must not sit next to a
    newer client pack, where it would be mailed with it by mistake. A file that cannot
    be removed is logged, never fatal (the client's pair is already committed)."""
    for suffix in INTERNAL_SUFFIXES:
        if suffix in documents:
            continue
        stale = out_dir / f"{stem}{suffix}"
        try:
            if stale.is_file():
                stale.unlink()
                LOG.info("removed %s from an earlier --internal run", stale)
        except OSError as exc:
            LOG.warning("could not remove the stale internal file %s: %s", stale, exc)


def _write_temp(final: Path, data: bytes) -> str:
    fd, tmp = tempfile.mkstemp(prefix=f".{final.name}.", suffix=TMP_SUFFIX, dir=final.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        _honour_umask(tmp)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp).name


def _honour_umask(tmp: str) -> None:
    """mkstemp creates 0600; a pack or report is an ordinary document."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)


def _backup(final: Path) -> str | None:
    """Keep the current target reachable under a temp name (hard link, else a copy)."""
    if not final.exists() or final.is_dir():
        return None
    name = f".{final.name}.backup{TMP_SUFFIX}"
    backup = final.parent / name
    backup.unlink(missing_ok=True)
    try:
        os.link(final, backup)
    except OSError:  # file systems without hard links (SMB): a copy does the same job
        shutil.copy2(final, backup)
    return name


def _replace(tmp: Path, final: Path) -> None:
    """``os.replace`` with backoff while the target is in use (PermissionError)."""
    if final.is_dir():
        raise DestinationError(f"cannot replace {final}: it is a folder")
    for delay in (*REPLACE_DELAYS, None):
        try:
            os.replace(tmp, final)
            return
        except PermissionError:
            if delay is None:
                raise DestinationError(f"cannot replace {final}: file in use "
                                       f"(retried {len(REPLACE_DELAYS)} times)") from None
            time.sleep(delay)


def roll_back(out_dir: Path, stem: str) -> None:
    """Undo a ``committing`` journal: restore the backups (or remove targets that had no
    predecessor), delete temp files and put the previous manifest entry back."""
    entry = read_manifest(out_dir, stem)
    if not entry or entry.get("state") != "committing":
        return
    for f in entry["files"]:
        final = out_dir / f["name"]
        backup = out_dir / f["backup"] if f.get("backup") else None
        tmp = out_dir / f["tmp"]
        if backup is not None and backup.exists():
            if final.exists() and os.path.samefile(backup, final):
                backup.unlink()  # this target was never replaced: nothing to undo
            else:
                _replace(backup, final)
        elif backup is None and final.is_file() and not tmp.exists():
            final.unlink()  # the new file of a target that had no predecessor
        tmp.unlink(missing_ok=True)
    previous = entry.get("previous")
    if previous:
        _write_json(manifest_path(out_dir, stem), previous)
    else:
        manifest_path(out_dir, stem).unlink(missing_ok=True)


def _discard(out_dir: Path, files: list[dict[str, Any]]) -> None:
    for f in files:
        for key in ("tmp", "backup"):
            if f.get(key):
                (out_dir / f[key]).unlink(missing_ok=True)


def recover(out_dir: Path) -> list[str]:
    """Under the lock: roll back every interrupted pair and delete leftover temp files.
    Returns what was done, one line each (logged by the batch)."""
    done = []
    state = out_dir / STATE_DIR
    if state.is_dir():
        for path in sorted(state.glob("*.json")):
            entry = read_manifest(out_dir, path.stem)
            if entry and entry.get("state") == "committing":
                roll_back(out_dir, path.stem)
                done.append(f"restored the previous pack of {path.stem} (a run was "
                            "interrupted while replacing it)")
    for folder in (out_dir, state):
        if folder.is_dir():
            for leftover in folder.iterdir():
                if _LEFTOVER.match(leftover.name) and leftover.is_file():
                    leftover.unlink()
                    done.append(f"removed leftover {leftover.name}")
    return done


def _os_reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "no space left on the device"
    if exc.errno == errno.EROFS:
        return "read-only file system"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    return exc.strerror or type(exc).__name__


def _write_message(target: Path, exc: OSError) -> str:
    return f"cannot write {target}: {_os_reason(exc)}"


def prepare_out_dir(path: str | Path) -> Path:
    """Create the output folder; an existing file or an uncreatable path is a
    :class:`DestinationError` naming it."""
    out = Path(path)
    if out.exists() and not out.is_dir():
        raise DestinationError(f"--out {out}: exists and is not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DestinationError(f"--out {out}: cannot create the folder: "
                               f"{_os_reason(exc)}") from None
    return out
