"""The backfill flow: load history from sitemaps, paged feeds, URL lists and WARC archives.

The same stages as the ingest (fetch, extract, dedup, tag, load through the spool), in bounded
batches, with a checkpoint: every input item (a URL, or a WARC record) is marked done in the
load that stores its article, so an interrupted backfill run again continues where it stopped
and a finished one loads nothing new. Tasks are coarse: a discovery, then per batch one
fetch-and-extract (several smaller ones spread over the cluster on Dask, see `runners.py`), one
dedup and one load.
"""

from __future__ import annotations

import gc
import hashlib
import itertools
import json
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

from prefect import flow, get_run_logger, task, unmapped
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture
from prefect.runtime import flow_run
from prefect.utilities.annotations import quote

from newsflow import __version__
from newsflow.errors import ConfigError
from newsflow.extractors.http import FetchPolicy
from newsflow.flows.discovery import ArchivedPage, Discovery, Window, archived_pages, discover
from newsflow.flows.ingest import fetch_extract_pages, publish
from newsflow.flows.operations import writer_slot
from newsflow.flows.pipeline import INLINE, PageOutcome, extract_fetched, fetch_policy, warm_pool
from newsflow.flows.progress import Counts, Reporter, current
from newsflow.flows.rolling_dedup import RollingDedup
from newsflow.flows.runners import (
    dask_slots,
    on_dask,
    page_batch_size,
    passed,
    task_runner,
)
from newsflow.models import Article, BackfillProgress, FeedEntry, RunRecord
from newsflow.settings import Settings
from newsflow.transforms.dedup import plan_fetches
from newsflow.transforms.dedup.batch import DedupBatch
from newsflow.warehouse import spool
from newsflow.warehouse.backfills import begin_backfill, finish_backfill
from newsflow.warehouse.load import load_pending
from newsflow.warehouse.read import seen_entries
from newsflow.warehouse.spool import StagedLoad

_TASK = {"cache_policy": NO_CACHE, "persist_result": False}
_NO_UPDATES = timedelta(0)  # a backfill never refetches what the warehouse has
T = TypeVar("T")


@dataclass(frozen=True)
class BackfillReport:
    """What a backfill run did (this run), and where the whole backfill stands."""

    backfill_id: str
    db_path: str
    items_total: int | None  # items the inputs hold after the filters (None: not counted)
    done_before: int  # items finished by earlier runs of this backfill
    counts: Counts  # items finished by this run, by outcome
    articles_new: int
    articles_duplicate: int
    batches: int
    seconds: float
    input_errors: tuple[tuple[str, str], ...] = ()  # (input, error): sitemaps, feeds …
    outcomes: tuple[tuple[str, int], ...] = ()  # the whole backfill's items per outcome

    def as_json(self) -> dict[str, object]:
        """The report for scripts (`newsflow backfill --json`)."""
        return {
            "backfill_id": self.backfill_id,
            "db": self.db_path,
            "items_total": self.items_total,
            "done_before": self.done_before,
            "loaded": self.counts.loaded,
            "known": self.counts.known,
            "failed": self.counts.failed,
            "filtered": self.counts.filtered,
            "articles_new": self.articles_new,
            "articles_duplicate": self.articles_duplicate,
            "batches": self.batches,
            "seconds": round(self.seconds, 3),
            "input_errors": [{"input": i, "error": e} for i, e in self.input_errors],
            "backfill_outcomes": dict(self.outcomes),
        }


@dataclass(frozen=True)
class Filters:
    """Filters applied once a page is extracted."""

    window: Window
    language: str | None = None

    def keeps(self, article: Article) -> bool:
        """The article's language and publication date are wanted."""
        if self.language and article.language != self.language:
            return False
        return self.window.wants_date(article.published_at)


@task(**_TASK)
def begin(db: str, backfill_id: str, inputs: str, settings: Settings) -> set[str]:
    """Load what earlier runs left staged, record the backfill, read the items it finished."""
    with writer_slot(settings.writer_limit):
        left = load_pending(db, settings.spool_for(db), wait=settings.lock_wait)
        if left.error:
            raise ConfigError(f"staged runs cannot be loaded first: {left.error}")
        return begin_backfill(db, backfill_id, inputs, wait=settings.lock_wait)


@task(**_TASK)
def discover_inputs(
    policy: FetchPolicy,
    window: Window,
    sitemaps: list[str],
    sites: list[str],
    feeds: list[str],
    url_files: list[str],
) -> Discovery:
    """Every entry of the URL inputs, in order, filtered by host and date."""
    return discover(policy, window, sitemaps, sites, feeds, url_files)


@task(**_TASK)
def extract_archive_batch(
    pages: list[ArchivedPage], workers: int, tagger: str | None
) -> list[PageOutcome]:
    """Extract pages read from WARC files (their capture is the fetch)."""
    entries, fetches, refs = (
        [p.entry for p in pages],
        [p.fetch for p in pages],
        [p.ref for p in pages],
    )
    return extract_fetched(entries, fetches, refs, {}, workers, tagger)


@task(**_TASK)
def deduplicate_batch(rolling: RollingDedup, db: str, outcomes: list[PageOutcome]) -> DedupBatch:
    """Link the batch's new articles to earlier copies and stories, with the deduplicator
    kept across the batches of this run."""
    return rolling.decide(db, [o.article for o in outcomes if o.article is not None])


@task(**_TASK)
def load_batch(
    db: str,
    run: RunRecord,
    outcomes: list[PageOutcome],
    found: DedupBatch,
    progress: BackfillProgress,
    settings: Settings,
) -> tuple[RunRecord, set[str]]:
    """Stage one batch with its checkpoint, then load the spool (each staged batch in one
    transaction). A batch that cannot be loaded now raises: it stays staged for the next run."""
    articles = [o.article for o in outcomes if o.article is not None]
    staged = StagedLoad(
        run,
        [],
        [o.fetch for o in outcomes if not o.fetch.fetch_id.startswith("warc-")],
        articles,
        enrichments={
            o.article.article_id: o.enrichment
            for o in outcomes
            if o.article is not None and o.enrichment is not None
        },
        dedup=found,
        captures=[o.capture for o in outcomes if o.capture is not None],
        progress=progress,
    )
    folder = settings.spool_for(db)
    spool.stage(folder, staged)
    with writer_slot(settings.writer_limit):
        result = load_pending(db, folder, wait=settings.lock_wait, own=run)
    mine = result.of(run.run_id)
    if mine is not None:
        return mine
    raise ConfigError(f"batch {run.run_id} staged in {folder}, not loaded: {result.error}")


@flow(name="backfill", persist_result=False, task_runner=task_runner(Settings.from_env()))
def backfill(
    sitemap: list[str] | None = None,
    site: list[str] | None = None,
    urls: list[str] | None = None,
    warc: list[str] | None = None,
    feed: list[str] | None = None,
    since: str | None = None,
    until: str | None = None,
    host: list[str] | None = None,
    language: str | None = None,
    limit: int | None = None,
    db: str | None = None,
    name: str | None = None,
) -> BackfillReport:
    """Load history from the given inputs into the warehouse; run it again with the same
    arguments (or `name`) to resume an interrupted backfill."""
    settings = Settings.from_env()
    db_path = str(db or settings.db_path)
    inputs = {
        "sitemap": sorted(sitemap or []),
        "site": sorted(site or []),
        "urls": sorted(str(Path(p).resolve()) for p in urls or []),
        "warc": sorted(str(Path(p).resolve()) for p in warc or []),
        "feed": sorted(feed or []),
        "since": since,
        "until": until,
        "host": sorted(h.lower() for h in host or []),
        "language": language,
        "limit": limit,
    }
    if not any(inputs[k] for k in ("sitemap", "site", "urls", "warc", "feed")):
        raise ConfigError("nothing to backfill: give --sitemap, --site, --urls, --warc or --feed")
    window = Window(_date(since, "since"), _date(until, "until"), tuple(inputs["host"]))
    filters = Filters(window, language)
    backfill_id = name or _backfill_id(inputs)
    started = time.monotonic()
    done = begin(db_path, backfill_id, json.dumps(inputs, sort_keys=True), settings)
    rolling = RollingDedup(timedelta(days=settings.dedup_window_days))
    run = _Run(db_path, backfill_id, filters, settings, rolling)
    reporter = current()
    totals = _Totals()
    errors: tuple[tuple[str, str], ...] = ()
    total: int | None = None
    with _long_lived_frozen():
        if any(inputs[k] for k in ("sitemap", "site", "urls", "feed")):
            _warm_pool(settings)
            found = discover_inputs(
                fetch_policy(settings),
                window,
                inputs["sitemap"],
                inputs["site"],
                inputs["feed"],
                inputs["urls"],
            )
            errors = found.errors
            for item, error in errors:
                get_run_logger().warning("input %s: %s", item, error)
            entries = list(found.entries[:limit] if limit else found.entries)
            total = len(entries)
            todo = [e for e in entries if e.link not in done]
            reporter.start(total, total - len(todo))
            for batch in _batches(todo, settings.page_batch_size):
                _stored(_url_batch(run, batch, totals.batches), totals, reporter)
        if inputs["warc"]:
            _warm_pool(settings)
            reporter.start(None, len(done))
            pages = archived_pages(inputs["warc"], window, done, settings.max_bytes)
            if limit:
                pages = itertools.islice(pages, max(0, limit - len(done)))
            # One batch is extracted while the one before it is deduplicated and loaded.
            flight: _InFlight | None = None
            for number, chunk in enumerate(
                _chunks(pages, settings.warc_batch_size), totals.batches
            ):
                ahead = _extract_ahead(db_path, chunk, flight, number, settings)
                if flight is not None:
                    _stored(flight.store(run), totals, reporter)
                flight = ahead
            if flight is not None:
                _stored(flight.store(run), totals, reporter)
    outcomes = finish_backfill(db_path, backfill_id, "completed", total, wait=settings.lock_wait)
    if settings.publish_snapshots and totals.articles_new:
        publish(db_path, settings)
    return BackfillReport(
        backfill_id=backfill_id,
        db_path=db_path,
        items_total=total,
        done_before=len(done),
        counts=totals.counts,
        articles_new=totals.articles_new,
        articles_duplicate=totals.articles_duplicate,
        batches=totals.batches,
        seconds=time.monotonic() - started,
        input_errors=errors,
        outcomes=tuple(sorted(outcomes.items())),
    )


@dataclass
class _Totals:
    """Running totals of a backfill run."""

    batches: int = 0
    articles_new: int = 0
    articles_duplicate: int = 0
    last: Counts = field(default_factory=Counts)  # the latest batch's
    counts: Counts = field(default_factory=Counts)

    def add(self, batch: tuple[RunRecord, Counts]) -> None:
        run, counts = batch
        self.batches += 1
        self.articles_new += run.articles_new
        self.articles_duplicate += run.articles_duplicate
        self.last = counts
        self.counts.add(counts)


@contextmanager
def _long_lived_frozen() -> Iterator[None]:
    """Everything alive before the batches start (modules, Prefect's client, the pool) kept
    out of the cycle collector's sight while they run: `_stored` collects after every batch,
    and walking those objects each time cost about a tenth of the main process's CPU."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _stored(batch: tuple[RunRecord, Counts], totals: _Totals, reporter: Reporter) -> None:
    """Count a stored batch and show it, then free its pages at once. Prefect's futures and
    states form reference cycles that hold a batch's pages; Python's cycle collector runs less
    and less often as the long-lived dedup index grows, and it does not see the size of the
    pages (bytes and strings), so without this a long backfill grows by gigabytes."""
    totals.add(batch)
    reporter.advance(totals.last)
    gc.collect()


@dataclass(frozen=True)
class _Run:
    """What every batch of one backfill run shares."""

    db: str
    backfill_id: str
    filters: Filters
    settings: Settings
    dedup: RollingDedup


def _url_batch(run: _Run, batch: list[FeedEntry], number: int) -> tuple[RunRecord, Counts]:
    """Fetch, extract, dedup and load one batch of URL items; known URLs are not fetched."""
    now = datetime.now(UTC)
    seen = seen_entries(run.db, batch)
    plan = plan_fetches(batch, seen, now, update_window=_NO_UPDATES)
    policy = fetch_policy(run.settings)
    outcomes = fetch_extract_pages(list(plan.new), {}, policy, run.settings, run.db)
    new = {id(e) for e in plan.new}
    items = {e.link: e.link for e in batch}
    known = [e.link for e in batch if id(e) not in new]
    return _store(run, outcomes, items, known, number)


@dataclass
class _InFlight:
    """A batch of archived pages whose extraction was submitted and is not stored yet."""

    number: int
    wanted: list[ArchivedPage]
    known: list[str]  # items of pages whose URL is stored already (or in the batch before)
    futures: list[PrefectFuture[list[PageOutcome]]]

    def store(self, run: _Run) -> tuple[RunRecord, Counts]:
        """Wait for the extraction, then dedup and load the batch with its items marked."""
        outcomes = [outcome for future in self.futures for outcome in future.result()]
        items = {p.fetch.url: p.item for p in self.wanted}
        return _store(run, outcomes, items, self.known, self.number)


def _extract_ahead(
    db: str,
    pages: list[ArchivedPage],
    before: _InFlight | None,
    number: int,
    settings: Settings,
) -> _InFlight:
    """Submit the extraction of the pages whose URL is neither stored nor in the batch still
    in flight before them (so that a URL archived twice is loaded once)."""
    entries = [p.entry for p in pages]
    earlier = [p.entry for p in before.wanted] if before else []
    plan = plan_fetches(
        [*earlier, *entries],
        seen_entries(db, entries),
        datetime.now(UTC),
        update_window=_NO_UPDATES,
    )
    new = {id(e) for e in plan.new}
    wanted = [p for p in pages if id(p.entry) in new]
    known = [p.item for p in pages if id(p.entry) not in new]
    return _InFlight(number, wanted, known, _submit_archived(wanted, settings))


def _submit_archived(
    pages: list[ArchivedPage], settings: Settings
) -> list[PrefectFuture[list[PageOutcome]]]:
    """Extract archived pages in one task using the process pool; on Dask, in smaller tasks
    spread over the cluster, each extracting inline."""
    slots = dask_slots() if pages else None
    futures = extract_archive_batch.map(
        [
            passed(batch)
            for batch in _batches(
                pages, page_batch_size(len(pages), settings.page_batch_size, slots)
            )
        ],
        unmapped(INLINE if slots else settings.worker_count),
        unmapped(settings.tagger),
    )
    return list(futures)


def _warm_pool(settings: Settings) -> None:
    """Start the extraction processes early, unless the run extracts on Dask."""
    if not on_dask():
        warm_pool(settings.worker_count)


def _store(
    run: _Run,
    outcomes: list[PageOutcome],
    items: dict[str, str],
    known: list[str],
    number: int,
) -> tuple[RunRecord, Counts]:
    """Apply the filters, dedup and load the batch with its items marked done."""
    kept, marks = [], [(item, "known") for item in known]
    for outcome in outcomes:
        if outcome.fetch.kind != "article":
            kept.append(outcome)  # robots.txt attempts: recorded, no item of their own
            continue
        item = items.get(outcome.fetch.url, outcome.fetch.url)
        if outcome.article is None:
            marks.append((item, "failed"))
            kept.append(outcome)
        elif not run.filters.keeps(outcome.article):
            marks.append((item, "filtered"))
            kept.append(replace(outcome, article=None, enrichment=None))
        else:
            marks.append((item, "loaded"))
            kept.append(outcome)
    found = deduplicate_batch(quote(run.dedup), run.db, quote(kept))
    record = _run_record(number, kept)
    progress = BackfillProgress(run.backfill_id, tuple(marks))
    record, _ = load_batch(run.db, record, quote(kept), quote(found), quote(progress), run.settings)
    counts = Counts()
    for _, outcome in marks:
        setattr(counts, outcome, getattr(counts, outcome) + 1)
    return record, counts


def _run_record(number: int, outcomes: Sequence[PageOutcome]) -> RunRecord:
    """The `runs` row of one backfill batch."""
    now = datetime.now(UTC)
    pages = [o for o in outcomes if o.fetch.kind == "article"]
    run_id = f"{flow_run.id or f'local-{now:%Y%m%dT%H%M%S%f}'}-{number:05d}"
    return RunRecord(
        run_id=run_id,
        flow="backfill",
        started_at=now,
        finished_at=now,
        status="completed",
        entries=len(pages),
        pages_fetched=sum(1 for o in pages if o.fetch.ok),
        pages_failed=sum(1 for o in pages if o.article is None),
        prefect_flow_run_id=str(flow_run.id) if flow_run.id else None,
        newsflow_version=__version__,
    )


def _backfill_id(inputs: dict[str, object]) -> str:
    """A stable id for the same inputs and filters."""
    digest = hashlib.blake2b(json.dumps(inputs, sort_keys=True).encode(), digest_size=6)
    return f"backfill-{digest.hexdigest()}"


def _date(raw: str | None, name: str) -> datetime | None:
    """--since/--until: an ISO date or datetime (UTC unless it says otherwise)."""
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise ConfigError(f"--{name} {raw!r}: expected a date like 2026-11-01") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _batches(items: Sequence[T], size: int) -> Iterator[list[T]]:
    """Consecutive slices of at most `size` items."""
    size = max(1, size)
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive chunks of at most `size` items of a stream."""
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, max(1, size))):
        yield chunk
