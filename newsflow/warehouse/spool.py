"""The spool: a run's results kept on disk until the warehouse has them.

The load step first stages everything a run produced (fetch attempts, articles, tags, dedup
decisions, source states, the run's summary) as one file in the spool folder, written to a
temporary name, flushed to disk and renamed, so a file is either whole or absent. Then staged
files are loaded oldest first, each in one DuckDB transaction, and deleted only after their
commit. A warehouse locked past the wait, or a process killed at any point, leaves the file for
the next run: nothing fetched is lost, and loading a file twice adds nothing (every insert is
idempotent).

Runs sharing a warehouse share its spool, so a file is claimed (an exclusive `flock`) while it is
loaded: a second process waits for the claim and then reads the file through the handle it
opened, even when the first process has deleted it meanwhile, so it still learns the counts of
a run it staged itself.

Files are Python pickles of newsflow's own records, read back only by the same installation;
one that cannot be read (written by an incompatible version) is moved to `failed/`, never
deleted.
"""

from __future__ import annotations

import logging
import os
import pickle
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from newsflow import __version__
from newsflow.models import (
    Article,
    BackfillProgress,
    CaptureRecord,
    FetchResult,
    RunRecord,
    SourceEvent,
    SourceState,
)
from newsflow.transforms.dedup.batch import DedupBatch
from newsflow.transforms.enrich import Enrichment

LOGGER = logging.getLogger(__name__)
SUFFIX = ".load"
STALE_TEMP_SECONDS = 3600  # a temporary file this old belongs to a killed run


@dataclass(frozen=True)
class StagedLoad:
    """Everything one run hands to the warehouse (the arguments of `load_run`)."""

    run: RunRecord
    sources: Sequence[SourceState]
    fetches: Sequence[FetchResult]
    articles: Sequence[Article]
    events: Sequence[SourceEvent] = ()
    enrichments: Mapping[str, Enrichment] = field(default_factory=dict)
    dedup: DedupBatch = field(default_factory=DedupBatch)
    version: str = __version__
    captures: Sequence[CaptureRecord] = ()
    progress: BackfillProgress | None = None  # a backfill's items finished by this load


def stage(folder: Path, load: StagedLoad) -> Path:
    """Write a load to the spool atomically; return its path (names sort oldest first)."""
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{load.run.started_at:%Y%m%dT%H%M%S%f}-{_safe(load.run.run_id)}{SUFFIX}"
    final, temporary = folder / name, folder / f".{name}.tmp"
    with temporary.open("wb") as handle:
        pickle.dump(load, handle, protocol=pickle.HIGHEST_PROTOCOL)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, final)
    _sync_folder(folder)
    return final


def pending(folder: Path) -> list[Path]:
    """Staged loads not yet in the warehouse, oldest first (stale temporaries are removed)."""
    if not folder.is_dir():
        return []
    now = time.time()
    for temporary in folder.glob(".*.tmp"):
        try:
            if now - temporary.stat().st_mtime > STALE_TEMP_SECONDS:
                temporary.unlink(missing_ok=True)
        except FileNotFoundError:  # renamed into place by the run writing it
            continue
    return sorted(folder.glob(f"*{SUFFIX}"))


@contextmanager
def claim(path: Path) -> Iterator[StagedLoad | None]:
    """Hold a staged load while it is loaded, waiting while another process holds it. Yields
    the load (read through the open handle, so also when the other process loaded and deleted
    it meanwhile), or None when it was gone before it could be opened or cannot be read."""
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        yield None
        return
    with handle:
        _lock(handle)  # released when the handle closes
        yield _read(path, handle)


def _read(path: Path, handle: BinaryIO) -> StagedLoad | None:
    try:
        load = pickle.load(handle)
        if not isinstance(load, StagedLoad):
            raise TypeError(f"not a staged load: {type(load).__name__}")
        return load
    except Exception as exc:  # an unreadable file must not block the ones after it
        failed = path.parent / "failed"
        failed.mkdir(exist_ok=True)
        try:
            os.replace(path, failed / path.name)
        except FileNotFoundError:
            return None  # another process moved it first
        LOGGER.error("spool file %s cannot be read (%r): moved to %s", path, exc, failed)
        return None


def _lock(handle: BinaryIO) -> None:
    """An exclusive claim on an open file, where the platform has `flock`."""
    try:
        import fcntl
    except ImportError:  # Windows: runs sharing a spool rely on idempotent loads alone
        return
    fcntl.flock(handle.fileno(), fcntl.LOCK_EX)


def done(path: Path) -> None:
    """Forget a staged load once the warehouse has committed it."""
    path.unlink(missing_ok=True)
    _sync_folder(path.parent)


def _safe(run_id: str) -> str:
    """A run id usable in a file name."""
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in run_id)[:80]


def _sync_folder(folder: Path) -> None:
    """Flush a folder's entries (a rename or delete) to disk, where the platform allows it."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
