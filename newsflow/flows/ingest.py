"""The ingest flow: poll feeds, fetch and extract new articles, load them into DuckDB.

Tasks are coarse (one per batch of feeds or pages, plus one read and one load), so a run's task
count grows with batches, never with articles. Nothing here caches or persists results: pages are
not worth keeping in Prefect's result store. The batches of feeds and pages go to the flow's task
runner (threads here, or a Dask cluster: see `runners.py`); everything that reads or writes the
warehouse runs in the flow's own process. With `shard='i/n'` a run takes only its share of the
feeds file's sources, so that n deployments poll them all between them.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

from prefect import flow, get_run_logger, task, unmapped
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run
from prefect.utilities.annotations import quote

from newsflow import __version__
from newsflow.errors import WarehouseError
from newsflow.extractors.http import FetchPolicy
from newsflow.extractors.sources import load_sources
from newsflow.flows.artifacts import publish_run_artifact
from newsflow.flows.operations import writer_slot
from newsflow.flows.pipeline import INLINE, PageOutcome, fetch_and_extract, fetch_policy, warm_pool
from newsflow.flows.polling import FeedPoll, poll_feeds
from newsflow.flows.runners import (
    dask_slots,
    on_dask,
    page_batch_size,
    passed,
    task_runner,
)
from newsflow.models import Article, FeedEntry, RunRecord, Source, SourceEvent, SourceState
from newsflow.settings import Settings
from newsflow.transforms.dedup import FetchPlan, plan_fetches
from newsflow.transforms.dedup.batch import DedupBatch, dedup_batch
from newsflow.transforms.feed_state import initial_state, next_state, source_events
from newsflow.transforms.schedule import is_due
from newsflow.transforms.shards import parse_shard
from newsflow.warehouse import spool
from newsflow.warehouse.load import SpoolResult, load_pending
from newsflow.warehouse.read import dedup_inputs, seen_entries, source_states
from newsflow.warehouse.snapshot import publish_snapshot
from newsflow.warehouse.spool import StagedLoad

_TASK = {"cache_policy": NO_CACHE, "persist_result": False}
T = TypeVar("T")


@dataclass(frozen=True)
class SourceReport:
    """One line of a run's summary, per source."""

    url: str
    name: str | None
    feed: str  # 'ok', 'not modified' or 'failed'
    entries: int
    new_articles: int
    failed_pages: int
    error: str | None
    duplicates: int = 0  # of the new articles, those linked as copies of earlier ones


@dataclass(frozen=True)
class IngestReport:
    """What a run did, for the CLI and for callers of the flow."""

    run: RunRecord
    sources: tuple[SourceReport, ...]
    db_path: str
    failed_pages: tuple[tuple[str, str], ...] = ()  # (url, error)
    earlier_runs_loaded: int = 0  # staged runs of earlier, interrupted loads now loaded
    load_error: str | None = None  # why this run's load was deferred (it stays staged)
    staged_runs: int = 0  # runs waiting in the spool after this one
    stage_seconds: tuple[tuple[str, float], ...] = ()  # wall time of each stage, in order
    snapshot: str | None = None  # the analysts' snapshot published after the load
    snapshot_error: str | None = None  # why it was not published


@task(**_TASK)
def read_source_states(db: str, sources: list[Source]) -> dict[str, SourceState]:
    """Migrate the warehouse and read the stored state of every configured source."""
    return source_states(db, [s.url for s in sources])


@task(**_TASK)
def poll_feed_batch(
    sources: list[Source], states: dict[str, SourceState], policy: FetchPolicy, now: datetime
) -> list[FeedPoll]:
    """Fetch and parse one batch of feeds."""
    return poll_feeds(sources, states, policy, now)


@task(**_TASK)
def plan_entries(db: str, entries: list[FeedEntry], now: datetime, settings: Settings) -> FetchPlan:
    """New entries to fetch, known ones young enough for an update check, and the rest."""
    return plan_fetches(
        entries,
        seen_entries(db, entries),
        now,
        update_window=timedelta(hours=settings.update_window_hours),
        recheck_every=timedelta(minutes=settings.recheck_minutes),
    )


@task(**_TASK)
def fetch_extract_batch(
    entries: list[FeedEntry],
    languages: dict[str, str | None],
    policy: FetchPolicy,
    workers: int,
    tagger: str | None,
    captures: Path | None = None,
) -> list[PageOutcome]:
    """Fetch one batch of article pages, keep their raw bytes, extract and enrich them in the
    process pool."""
    return fetch_and_extract(entries, languages, policy, workers, tagger, captures)


@task(**_TASK)
def deduplicate(db: str, outcomes: list[PageOutcome], window_days: float) -> DedupBatch:
    """Link new articles to earlier copies and stories; find the revisions of refetched ones."""
    articles = [o.article for o in outcomes if o.article is not None]
    state, stored = dedup_inputs(db, articles, timedelta(days=window_days))
    return dedup_batch(articles, stored, state)


@task(**_TASK)
def load(
    db: str,
    run: RunRecord,
    states: list[SourceState],
    outcomes: list[PageOutcome],
    polls: list[FeedPoll],
    events: list[SourceEvent],
    dedup: DedupBatch,
    settings: Settings,
) -> tuple[RunRecord, set[str], SpoolResult]:
    """Stage the run in the spool, then load every staged run into the warehouse, each in one
    transaction. When the warehouse cannot be written, the run stays staged for the next one."""
    fetches = [f for p in polls for f in (p.fetch, *p.other_fetches)]
    fetches += [o.fetch for o in outcomes]
    articles = [o.article for o in outcomes if o.article is not None]
    enrichments = {
        o.article.article_id: o.enrichment
        for o in outcomes
        if o.article is not None and o.enrichment is not None
    }
    captures = [o.capture for o in outcomes if o.capture is not None]
    folder = settings.spool_for(db)
    staged = StagedLoad(
        run, states, fetches, articles, events, enrichments, dedup, captures=captures
    )
    spool.stage(folder, staged)
    with writer_slot(settings.writer_limit):
        result = load_pending(db, folder, wait=settings.lock_wait, own=run)
    if result.error:
        get_run_logger().error(
            "load deferred, %d run(s) staged in %s: %s", result.waiting, folder, result.error
        )
    mine = result.of(run.run_id)
    if mine is not None:
        return *mine, result
    return replace(run, status="staged"), set(), result


@task(**_TASK)
def publish(db: str, settings: Settings) -> tuple[str | None, str | None]:
    """Publish the analysts' snapshot; (its path, None) or (None, why not). A failure here
    loses nothing: the warehouse has the data and the next run publishes again."""
    try:
        with writer_slot(settings.writer_limit):
            snapshot = publish_snapshot(db, settings.snapshot_for(db), wait=settings.lock_wait)
    except WarehouseError as exc:
        get_run_logger().warning("analyst snapshot not published: %s", exc)
        return None, str(exc)
    return str(snapshot.path), None


@flow(name="ingest", persist_result=False, task_runner=task_runner(Settings.from_env()))
def ingest(
    feeds: str = "feeds.yaml",
    db: str | None = None,
    force: bool = False,
    shard: str | None = None,
) -> IngestReport:
    """Poll the sources of the feeds file that are due (all of them with `force`; only this
    shard's, 'i/n', with `shard`) and load new articles into the warehouse."""
    settings = Settings.from_env()
    db_path = str(db or settings.db_path)
    started = datetime.now(UTC)
    sources = _shard_sources(load_sources(feeds), shard)
    policy = fetch_policy(settings)
    clock = _StageClock()
    with clock("read state"):
        stored = read_source_states(db_path, quote(sources))
    due = [s for s in sources if force or is_due(stored.get(s.url), started)]
    with clock("poll feeds"):
        if due and not on_dask():  # on Dask, the cluster's workers extract
            warm_pool(settings.worker_count)
        poll_futures = poll_feed_batch.map(
            [passed(batch) for batch in _batches(due, settings.feed_batch_size)],
            unmapped(passed(stored)),
            unmapped(policy),
            unmapped(started),
        )
        polls = [poll for future in poll_futures for poll in future.result()]
    entries = [e for p in polls if p.feed for e in p.feed.entries]
    with clock("plan"):
        plan = (
            plan_entries(db_path, quote(entries), started, settings)
            if entries
            else FetchPlan((), (), ())
        )
    wanted = [*plan.new, *(entry for entry, _ in plan.updates)]
    languages = {s.url: s.language for s in sources}
    with clock("fetch and extract"):
        outcomes = fetch_extract_pages(wanted, languages, policy, settings, db_path)
    with clock("dedup"):
        found = deduplicate(db_path, quote(outcomes), settings.dedup_window_days)
    states, events = _next_states(sources, stored, polls, started)
    run = _run_record(started, sources, due, polls, entries, outcomes)
    run = replace(run, pages_rechecked=len(plan.updates))
    with clock("load"):
        run, added, loads = load(
            db_path, run, *map(quote, (states, outcomes, polls, events, found)), settings
        )
    snapshot, snapshot_error = None, None
    if settings.publish_snapshots and not loads.error:
        with clock("publish snapshot"):
            snapshot, snapshot_error = publish(db_path, settings)
    failed = tuple((o.fetch.url, o.fetch.error or "") for o in outcomes if _is_failed_page(o))
    report = IngestReport(
        run,
        tuple(_source_reports(polls, outcomes, added, found)),
        db_path,
        failed,
        earlier_runs_loaded=sum(1 for r, _ in loads.loaded if r.run_id != run.run_id),
        load_error=loads.error,
        staged_runs=loads.waiting,
        stage_seconds=tuple(clock.seconds.items()),
        snapshot=snapshot,
        snapshot_error=snapshot_error,
    )
    publish_run_artifact(report)
    return report


def fetch_extract_pages(
    entries: Sequence[FeedEntry],
    languages: dict[str, str | None],
    policy: FetchPolicy,
    settings: Settings,
    db: str,
) -> list[PageOutcome]:
    """Fetch and extract pages in tasks of NEWSFLOW_PAGE_BATCH pages, each using the process
    pool; on Dask, in smaller tasks spread over the cluster, each extracting inline."""
    slots = dask_slots() if entries else None
    captures = settings.captures_for(db)
    futures = fetch_extract_batch.map(
        [
            passed(batch)
            for batch in _batches(
                entries, page_batch_size(len(entries), settings.page_batch_size, slots)
            )
        ],
        unmapped(passed(languages)),
        unmapped(policy),
        unmapped(INLINE if slots else settings.worker_count),
        unmapped(settings.tagger),
        unmapped(captures.resolve() if captures else None),  # the same folder for every worker
    )
    return [outcome for future in futures for outcome in future.result()]


def _shard_sources(sources: list[Source], shard: str | None) -> list[Source]:
    """The sources of this run: all of them, or those of its shard."""
    if shard is None:
        return sources
    spec = parse_shard(shard)
    kept = [s for s in sources if spec.holds(s.url)]
    get_run_logger().info("shard %s: %d of %d sources", spec, len(kept), len(sources))
    return kept


class _StageClock:
    """Wall time per stage of a run, for its report."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - start


def _batches(items: Sequence[T], size: int) -> list[list[T]]:
    """Consecutive slices of at most `size` items."""
    size = max(1, size)
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def _next_states(
    sources: Sequence[Source],
    stored: dict[str, SourceState],
    polls: Sequence[FeedPoll],
    now: datetime,
) -> tuple[list[SourceState], list[SourceEvent]]:
    """Every source's state after this run's poll, and the events worth recording."""
    by_url = {p.source.url: p for p in polls}
    states, events = [], []
    for source in sources:
        previous = stored.get(source.url) or initial_state(source, now)
        poll = by_url.get(source.url)
        if poll is None:
            states.append(previous)
            continue
        state = next_state(previous, source, poll.fetch, poll.feed)
        states.append(state)
        events += source_events(previous, state, poll.fetch)
    return states, events


def _run_record(
    started: datetime,
    sources: Sequence[Source],
    due: Sequence[Source],
    polls: Sequence[FeedPoll],
    entries: Sequence[FeedEntry],
    outcomes: Sequence[PageOutcome],
) -> RunRecord:
    """The run's counts (articles_new is filled in by the load)."""
    feeds = Counter(p.status for p in polls)
    pages = [o for o in outcomes if o.fetch.kind == "article"]
    run_id = flow_run.id or f"local-{started:%Y%m%dT%H%M%S%f}"
    return RunRecord(
        run_id=str(run_id),
        flow="ingest",
        started_at=started,
        finished_at=datetime.now(UTC),
        status="completed",
        sources=len(sources),
        sources_due=len(due),
        feeds_ok=feeds["ok"],
        feeds_not_modified=feeds["not modified"],
        feeds_failed=feeds["failed"],
        entries=len(entries),
        pages_fetched=sum(1 for o in pages if o.fetch.ok),
        pages_failed=sum(1 for o in pages if o.article is None),
        prefect_flow_run_id=str(flow_run.id) if flow_run.id else None,
        newsflow_version=__version__,
    )


def _is_failed_page(outcome: PageOutcome) -> bool:
    """An article page that gave no article (robots.txt attempts are not pages)."""
    return outcome.fetch.kind == "article" and outcome.article is None


def _source_reports(
    polls: Sequence[FeedPoll],
    outcomes: Sequence[PageOutcome],
    added: set[str],
    found: DedupBatch,
) -> list[SourceReport]:
    """Per source: feed status, entries, new articles (and copies among them), failed pages."""
    copies = {r.article_id for r in found.results if r.duplicate_of is not None}
    new = Counter(o.article.source for o in outcomes if _is_new(o.article, added))
    duplicates = Counter(
        o.article.source
        for o in outcomes
        if _is_new(o.article, added) and o.article.article_id in copies
    )
    failed = Counter(o.fetch.source for o in outcomes if _is_failed_page(o))
    return [
        SourceReport(
            url=p.source.url,
            name=p.source.name or (p.feed.title if p.feed else None),
            feed=p.status,
            entries=len(p.feed.entries) if p.feed else 0,
            new_articles=new[p.source.url],
            failed_pages=failed[p.source.url],
            error=p.fetch.error,
            duplicates=duplicates[p.source.url],
        )
        for p in polls
    ]


def _is_new(article: Article | None, added: set[str]) -> bool:
    """The article was added to the warehouse by this run."""
    return article is not None and article.article_id in added
