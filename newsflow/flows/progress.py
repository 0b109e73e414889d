"""Progress of a long flow (a backfill), told to whoever started it: a live bar in a terminal,
log lines on a worker. The flow calls `current()`; the CLI installs its reporter around the call."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

LOGGER = logging.getLogger("newsflow.backfill")


@dataclass
class Counts:
    """Items finished so far, by outcome."""

    loaded: int = 0  # articles added (or already present from this backfill)
    known: int = 0  # already in the warehouse: not fetched again
    failed: int = 0  # fetch or extraction failed
    filtered: int = 0  # outside the language or date filters once extracted

    @property
    def done(self) -> int:
        """Items finished."""
        return self.loaded + self.known + self.failed + self.filtered

    def add(self, other: Counts) -> None:
        """Add another batch's counts."""
        self.loaded += other.loaded
        self.known += other.known
        self.failed += other.failed
        self.filtered += other.filtered


class Reporter:
    """Log lines: the reporter of runs without a terminal (a worker, a deployment)."""

    def __init__(self) -> None:
        self.total: int | None = None
        self.counts = Counts()
        self.started = time.monotonic()
        self.resumed = 0

    def start(self, total: int | None, already_done: int) -> None:
        """A stage begins: `total` items (None: unknown, e.g. a WARC stream), some of them done
        by an earlier, interrupted run."""
        self.total, self.resumed = total, already_done
        LOGGER.info("%s items, %d done earlier", "?" if total is None else total, already_done)

    def advance(self, batch: Counts) -> None:
        """A batch finished."""
        self.counts.add(batch)
        rate = self.counts.done / max(time.monotonic() - self.started, 1e-9)
        LOGGER.info(
            "%d/%s items (%.1f/s): %d loaded, %d known, %d failed, %d filtered",
            self.resumed + self.counts.done,
            "?" if self.total is None else self.total,
            rate,
            self.counts.loaded,
            self.counts.known,
            self.counts.failed,
            self.counts.filtered,
        )

    def finish(self) -> None:
        """The flow is done."""


_current: Reporter | None = None


def current() -> Reporter:
    """The reporter installed by the caller, else a new logging one."""
    return _current or Reporter()


@contextmanager
def reporting(reporter: Reporter) -> Iterator[Reporter]:
    """Install `reporter` for the block."""
    global _current
    saved, _current = _current, reporter
    try:
        yield reporter
    finally:
        reporter.finish()
        _current = saved


class BarReporter(Reporter):
    """A live progress bar on the terminal: done/total, rate, ETA, failures so far."""

    def __init__(self, console: object | None = None) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        super().__init__()
        self._bar = Progress(
            TextColumn("[bold]backfill"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]:>7.1f}/s"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            TextColumn("loaded {task.fields[loaded]} · known {task.fields[known]}"),
            TextColumn("· [red]failed {task.fields[failed]}"),
            console=console,  # type: ignore[arg-type]
            transient=False,
        )
        self._task: object | None = None

    def start(self, total: int | None, already_done: int) -> None:
        super().start(total, already_done)
        if self._task is None:
            self._bar.start()
            self._task = self._bar.add_task(
                "backfill", total=total, completed=already_done, rate=0.0, **_fields(Counts())
            )
        else:
            self._bar.update(self._task, total=total, completed=already_done)  # type: ignore[arg-type]

    def advance(self, batch: Counts) -> None:
        self.counts.add(batch)
        rate = self.counts.done / max(time.monotonic() - self.started, 1e-9)
        self._bar.update(
            self._task,  # type: ignore[arg-type]
            advance=batch.done,
            rate=rate,
            **_fields(self.counts),
        )

    def finish(self) -> None:
        if self._task is not None:
            self._bar.stop()


def _fields(counts: Counts) -> dict[str, int]:
    """The bar's counters."""
    return {"loaded": counts.loaded, "known": counts.known, "failed": counts.failed}
