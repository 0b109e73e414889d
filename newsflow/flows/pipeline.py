"""The ingest stages as plain functions (no Prefect): the tasks in `ingest.py` call these.

Extraction is CPU-bound: it runs in a process pool that is created once per process and
reused by every batch (starting a worker costs about a second of imports).
"""

from __future__ import annotations

import atexit
import dataclasses
import multiprocessing
import threading
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from newsflow.extractors.articles import EXTRACTOR, extract_page
from newsflow.extractors.feeds import parse_feed
from newsflow.extractors.http import FetchPolicy, fetch_many
from newsflow.models import (
    Article,
    FeedEntry,
    FetchRequest,
    FetchResult,
    ParsedFeed,
    Source,
    SourceState,
)
from newsflow.settings import Settings
from newsflow.transforms.articles import build_article
from newsflow.transforms.language import detect_language


@dataclass(frozen=True)
class FeedPoll:
    """One source polled: the attempt (without its body) and the parsed feed, if any."""

    source: Source
    fetch: FetchResult
    feed: ParsedFeed | None


@dataclass(frozen=True)
class PageJob:
    """Everything a worker process needs to turn one fetched page into an article."""

    entry: FeedEntry
    fetch: FetchResult
    source_language: str | None


@dataclass(frozen=True)
class PageOutcome:
    """A page attempt: the fetch (without its body, with any extraction error) and the article."""

    fetch: FetchResult
    article: Article | None


def fetch_policy(settings: Settings) -> FetchPolicy:
    """The HTTP limits of a run, from its settings."""
    return FetchPolicy(
        user_agent=settings.user_agent,
        connect_timeout=settings.connect_timeout,
        read_timeout=settings.read_timeout,
        total_timeout=settings.total_timeout,
        max_bytes=settings.max_bytes,
        max_redirects=settings.max_redirects,
        per_host=settings.per_host_concurrency,
        concurrency=settings.concurrency,
        allow_private=settings.allow_private_networks,
    )


def poll_feeds(
    sources: Sequence[Source], states: dict[str, SourceState], policy: FetchPolicy
) -> list[FeedPoll]:
    """Conditional GET of every feed, then parse what changed."""
    requests = [
        FetchRequest(
            url=s.url,
            kind="feed",
            source=s.url,
            etag=states[s.url].etag if s.url in states else None,
            last_modified=states[s.url].last_modified if s.url in states else None,
        )
        for s in sources
    ]
    polls = []
    for source, fetch in zip(sources, fetch_many(requests, policy), strict=True):
        feed = None
        if fetch.ok:
            feed = parse_feed(fetch.body, source.url, fetch.content_type, fetch.final_url)
            if feed.error:
                fetch = dataclasses.replace(fetch, error_class="not_a_feed", error=feed.error)
        polls.append(FeedPoll(source, dataclasses.replace(fetch, body=b""), feed))
    return polls


def fetch_and_extract(
    entries: Sequence[FeedEntry],
    languages: dict[str, str | None],
    policy: FetchPolicy,
    workers: int,
) -> list[PageOutcome]:
    """Fetch a batch of article pages, then extract them in the process pool."""
    requests = [FetchRequest(url=e.link, kind="article", source=e.source) for e in entries]
    fetches = fetch_many(requests, policy)
    jobs = [
        PageJob(entry, fetch, languages.get(entry.source))
        for entry, fetch in zip(entries, fetches, strict=True)
        if fetch.ok
    ]
    results = iter(_extract_all(jobs, workers))
    outcomes = []
    for fetch in fetches:
        if not fetch.ok:
            outcomes.append(PageOutcome(fetch, None))
            continue
        result = next(results)
        article = result if isinstance(result, Article) else None
        if isinstance(result, str):
            fetch = dataclasses.replace(fetch, error_class="no_text", error=result)
        outcomes.append(PageOutcome(dataclasses.replace(fetch, body=b""), article))
    return outcomes


def _extract_all(jobs: Sequence[PageJob], workers: int) -> list[Article | str]:
    """Run `process_page` over the jobs in the pool; a crashed worker fails its batch, not the
    run (the pool is rebuilt for the next batch)."""
    if not jobs:
        return []
    try:
        return list(extraction_pool(workers).map(process_page, jobs, chunksize=4))
    except BrokenProcessPool as exc:
        shutdown_pool()
        return [f"extraction worker crashed: {exc}"] * len(jobs)


def process_page(job: PageJob) -> Article | str:
    """Worker side: extract, detect the language, assemble the article; a str says why not."""
    try:
        return _process_page(job)
    except Exception as exc:  # one bad page must never take the batch down
        return f"extraction failed: {type(exc).__name__}: {exc}"


def _process_page(job: PageJob) -> Article | str:
    """`process_page` without the safety net."""
    page = extract_page(
        job.fetch.body,
        job.fetch.final_url or job.fetch.url,
        charset=job.fetch.charset,
        need_date=job.entry.published_at is None,
    )
    if page is None:
        return "no article text found in the page"
    language = detect_language(
        f"{page.title or ''}\n{page.text}", page.html_language, job.source_language
    )
    return build_article(
        job.entry, page, fetched_at=job.fetch.fetched_at, language=language, extractor=EXTRACTOR
    )


_pool: ProcessPoolExecutor | None = None
_pool_workers = 0
_pool_lock = threading.Lock()


def extraction_pool(workers: int) -> ProcessPoolExecutor:
    """The process-wide extraction pool, (re)created when the worker count changes."""
    global _pool, _pool_workers
    with _pool_lock:
        if _pool is None or _pool_workers != workers:
            if _pool is not None:
                _pool.shutdown()
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["newsflow.flows.pipeline"])
            _pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_warm_up)
            _pool_workers = workers
        return _pool


def warm_pool(workers: int) -> None:
    """Start the extraction workers now, without waiting, so that their start-up (imports and
    the language model, about 2 s) overlaps with polling the feeds."""
    pool = extraction_pool(workers)
    for _ in range(workers):
        pool.submit(_ready)


def _ready() -> bool:
    """A no-op job: its only effect is a started, warmed-up worker."""
    return True


def shutdown_pool() -> None:
    """Stop the extraction workers (also done at interpreter exit)."""
    global _pool
    with _pool_lock:
        if _pool is not None:
            _pool.shutdown(cancel_futures=True)
            _pool = None


def _warm_up() -> None:
    """Load the language model in each worker before the first page arrives."""
    detect_language("warm up the language identifier with a sentence long enough to classify")


atexit.register(shutdown_pool)
