"""The ingest stages as plain functions (no Prefect): the tasks in `ingest.py` call these.

Extraction is CPU-bound: it runs in a process pool that is created once per process and
reused by every batch (starting a worker costs about a second of imports). With `workers=INLINE`
it runs in the calling process instead, one page after another: inside a Dask worker, which is a
daemonic process and cannot have children, the cluster is the pool.
"""

from __future__ import annotations

import atexit
import dataclasses
import gc
import logging
import multiprocessing
import threading
import time
import uuid
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from newsflow.extractors.articles import EXTRACTOR, extract_page
from newsflow.extractors.http import PACER, FetchPolicy, fetch_many, refusal
from newsflow.extractors.robots import RobotsRules, agent_token, origin, rules_from_response
from newsflow.extractors.warc import CaptureRef, CaptureWriter
from newsflow.models import Article, CaptureRecord, FeedEntry, FetchRequest, FetchResult
from newsflow.settings import Settings
from newsflow.transforms.articles import build_article
from newsflow.transforms.enrich import Enrichment, enrich_article
from newsflow.transforms.language import detect_language


@dataclass(frozen=True)
class PageJob:
    """Everything a worker process needs to turn one fetched page into an article."""

    entry: FeedEntry
    fetch: FetchResult
    source_language: str | None
    tagger: str | None = "lexicon"  # None: no topics, places or keywords


@dataclass(frozen=True)
class PageOutcome:
    """A page attempt: the fetch (without its body, with any extraction error) and the article."""

    fetch: FetchResult
    article: Article | None
    enrichment: Enrichment | None = None
    capture: CaptureRecord | None = None  # where the page's raw bytes are kept


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
        host_delay=settings.host_delay,
        concurrency=settings.concurrency,
        allow_private=settings.allow_private_networks,
        allowed_networks=settings.allowed_networks,
        obey_robots=settings.obey_robots,
    )


def fetch_and_extract(
    entries: Sequence[FeedEntry],
    languages: dict[str, str | None],
    policy: FetchPolicy,
    workers: int,
    tagger: str | None = "lexicon",
    captures: Path | None = None,
) -> list[PageOutcome]:
    """Fetch a batch of article pages that robots.txt allows, keep their raw bytes in WARC
    files under `captures` (when given), then extract them in the process pool. Robots.txt
    attempts come back as outcomes too (kind 'robots')."""
    entries, refused, robots_fetches = robots_gate(entries, policy)
    requests = [FetchRequest(url=e.link, kind="article", source=e.source) for e in entries]
    fetches = fetch_many(requests, policy)
    with ThreadPoolExecutor(max_workers=1) as writer:  # compress while the pool extracts
        written = writer.submit(capture_pages, captures, fetches) if captures else None
        outcomes = extract_fetched(
            entries, fetches, [None] * len(fetches), languages, workers, tagger
        )
        if written is not None:
            outcomes = attach_captures(outcomes, written.result())
    return outcomes + [PageOutcome(f, None) for f in (*refused, *robots_fetches)]


def extract_fetched(
    entries: Sequence[FeedEntry],
    fetches: Sequence[FetchResult],
    refs: Sequence[CaptureRef | None],
    languages: dict[str, str | None],
    workers: int,
    tagger: str | None = "lexicon",
) -> list[PageOutcome]:
    """Extract pages already fetched (or read from an archive) in the process pool; one
    outcome per fetch, in order, bodies dropped."""
    jobs = [
        PageJob(entry, fetch, languages.get(entry.source), tagger)
        for entry, fetch in zip(entries, fetches, strict=True)
        if fetch.ok
    ]
    results = iter(_extract_all(jobs, workers))
    outcomes = []
    for fetch, ref in zip(fetches, refs, strict=True):
        if not fetch.ok:
            outcomes.append(PageOutcome(dataclasses.replace(fetch, body=b""), None))
            continue
        result = next(results)
        if isinstance(result, str):
            fetch = dataclasses.replace(fetch, error_class="no_text", error=result, body=b"")
            outcomes.append(PageOutcome(fetch, None, capture=_capture_record(fetch, None, ref)))
            continue
        article, enrichment = result
        fetch = dataclasses.replace(fetch, body=b"")
        capture = _capture_record(fetch, article.article_id, ref)
        outcomes.append(PageOutcome(fetch, article, enrichment, capture))
    return outcomes


def attach_captures(
    outcomes: Sequence[PageOutcome], refs: Sequence[CaptureRef | None]
) -> list[PageOutcome]:
    """The outcomes with the capture record of each page written."""
    return [
        dataclasses.replace(
            o, capture=_capture_record(o.fetch, o.article.article_id if o.article else None, ref)
        )
        for o, ref in zip(outcomes, refs, strict=True)
    ]


def capture_pages(folder: Path, fetches: Sequence[FetchResult]) -> list[CaptureRef | None]:
    """Write the successful fetches to a new WARC file in `folder`; a ref per fetch (None
    for the others). A failure to write costs the captures, never the pages."""
    try:
        with CaptureWriter(folder, prefix=f"newsflow-{uuid.uuid4().hex[:8]}") as writer:
            return [writer.write(f) if f.ok else None for f in fetches]
    except OSError as exc:
        LOGGER.error("raw captures not written to %s: %s", folder, exc)
        return [None] * len(fetches)


def _capture_record(
    fetch: FetchResult, article_id: str | None, ref: CaptureRef | None
) -> CaptureRecord | None:
    """The warehouse row pointing at a page's raw bytes."""
    if ref is None:
        return None
    return CaptureRecord(
        fetch_id=fetch.fetch_id,
        url=fetch.final_url or fetch.url,
        article_id=article_id,
        fetched_at=fetch.fetched_at,
        status=fetch.status,
        content_type=fetch.content_type,
        warc_path=str(Path(ref.path).resolve()),
        warc_offset=ref.offset,
        warc_length=ref.length,
    )


_ROBOTS: dict[str, tuple[float, RobotsRules]] = {}
_ROBOTS_LOCK = threading.Lock()
ROBOTS_TTL = 24 * 3600.0
ROBOTS_RETRY = 600.0  # an unreachable robots.txt is asked again after 10 minutes


def robots_gate(
    entries: Sequence[FeedEntry], policy: FetchPolicy
) -> tuple[list[FeedEntry], list[FetchResult], list[FetchResult]]:
    """(allowed entries, refusals as failed attempts, robots.txt attempts made now)."""
    if not policy.obey_robots or not entries:
        return list(entries), [], []
    rules, attempts = _robots_rules({origin(e.link) for e in entries}, policy)
    agent = agent_token(policy.user_agent)
    allowed, refused = [], []
    now = datetime.now(UTC)
    for entry in entries:
        verdict = rules.get(origin(entry.link))
        if verdict is None or verdict.allows(entry.link, agent):
            allowed.append(entry)
            continue
        reason = verdict.reason or f"disallowed for {agent!r} by robots.txt"
        refused.append(
            FetchResult(
                url=entry.link,
                kind="article",
                source=entry.source,
                fetched_at=now,
                error_class="robots",
                error=reason,
            )
        )
    return allowed, refused, attempts


def _robots_rules(
    origins: set[str], policy: FetchPolicy
) -> tuple[dict[str, RobotsRules], list[FetchResult]]:
    """Rules per origin from the process-wide cache, fetching the missing or expired ones."""
    now = time.monotonic()
    with _ROBOTS_LOCK:
        known = {o: r for o, (expires, r) in _ROBOTS.items() if o in origins and expires > now}
    missing = sorted(
        o
        for o in origins
        if o not in known and not refusal(o, policy.allow_private, allowed=policy.allowed_networks)
    )
    requests = [FetchRequest(url=f"{o}/robots.txt", kind="robots") for o in missing]
    attempts = fetch_many(requests, policy)
    agent = agent_token(policy.user_agent)
    for site, attempt in zip(missing, attempts, strict=True):
        rules = rules_from_response(attempt.status, attempt.body)
        known[site] = rules
        ttl = ROBOTS_TTL if rules.parser is not None or rules.allow_all else ROBOTS_RETRY
        with _ROBOTS_LOCK:
            _ROBOTS[site] = (now + ttl, rules)
        delay = rules.crawl_delay(agent)
        if delay:
            PACER.set_delay(urlsplit(site).netloc, min(delay, MAX_CRAWL_DELAY))
    return known, [dataclasses.replace(a, body=b"") for a in attempts]


Extracted = tuple[Article, Enrichment | None] | str
INLINE = 0  # `workers` value: extract in the calling process, without a pool


def _extract_all(jobs: Sequence[PageJob], workers: int) -> list[Extracted]:
    """Run `process_page` over the jobs in the pool (or inline); a crashed worker fails its
    batch, not the run (the pool is rebuilt for the next batch)."""
    if not jobs:
        return []
    if workers <= INLINE or multiprocessing.current_process().daemon:
        return [process_page(job) for job in jobs]  # a daemonic process cannot start a pool
    try:
        return list(extraction_pool(workers).map(process_page, jobs, chunksize=4))
    except BrokenProcessPool as exc:
        shutdown_pool()
        return [f"extraction worker crashed: {exc}"] * len(jobs)


def process_page(job: PageJob) -> Extracted:
    """Worker side: extract, detect the language, assemble and enrich the article; a str says
    why there is no article."""
    try:
        return _process_page(job)
    except Exception as exc:  # one bad page must never take the batch down
        return f"extraction failed: {type(exc).__name__}: {exc}"


def _process_page(job: PageJob) -> Extracted:
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
    article = build_article(
        job.entry, page, fetched_at=job.fetch.fetched_at, language=language, extractor=EXTRACTOR
    )
    return article, _enrich(article, job.tagger)


def _enrich(article: Article, tagger: str | None) -> Enrichment | None:
    """Topics, places and keywords; a failure here costs the tags, never the article."""
    if tagger is None:
        return None
    try:
        return enrich_article(article.title or "", article.text, article.language, tagger)
    except Exception as exc:  # enrichment is a bonus: log and keep the article
        LOGGER.warning("enrichment failed for %s: %r", article.url, exc)
        return None


LOGGER = logging.getLogger(__name__)
MAX_CRAWL_DELAY = 60.0  # a larger Crawl-delay would stall a run; the host is still paced

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
            _pool = ProcessPoolExecutor(workers, mp_context=context, initializer=warm_up)
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


_WARM_UP_TEXTS = {
    "en": "The minister said on Monday that the strike in the port of Hamburg would go on.",
    "fr": "Le ministre a déclaré lundi que la grève du port de Marseille allait continuer.",
    "de": "Der Minister sagte am Montag, der Streik im Hafen von Hamburg gehe weiter.",
    "es": "El ministro dijo el lunes que la huelga en el puerto de Valencia continuará.",
}


def warm_up() -> None:
    """Each worker, before its first page: load the language model, the default tagger's
    lexicons, the gazetteer and the keyword extractors of the main languages (so that no page
    pays for them), then freeze them out of the garbage collector's sight: they are tens of
    thousands of long-lived objects that every full collection would otherwise walk again."""
    for language, text in _WARM_UP_TEXTS.items():
        detect_language(text)
        enrich_article(text, text, language)
    gc.collect()
    gc.freeze()


atexit.register(shutdown_pool)
