"""Plain records passed between stages: small, frozen, picklable, free of clients."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Source:
    """A feed to poll, as configured in feeds.yaml or OPML."""

    url: str
    name: str | None = None
    language: str | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class FetchRequest:
    """One URL to get, with the validators of its last good response."""

    url: str
    kind: str  # 'feed' or 'article'
    source: str | None = None
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class FetchResult:
    """The outcome of one attempt, successful or not."""

    url: str
    kind: str
    source: str | None
    fetched_at: datetime
    final_url: str | None = None
    status: int | None = None
    body: bytes = b""
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    wire_bytes: int = 0
    elapsed_ms: float = 0.0
    error_class: str | None = None
    error: str | None = None
    sent_validators: bool = False
    body_hash: str | None = None  # SHA-256 of the body, for feeds
    permanent_redirect: str | None = None  # where a 301/308 said the resource now lives
    retry_after: float | None = None  # seconds, from Retry-After on 429/503
    max_age: float | None = None  # seconds of freshness, from Cache-Control max-age or Expires
    fetch_id: str = field(default_factory=lambda: uuid.uuid4().hex)

    @property
    def ok(self) -> bool:
        """A body arrived with a 2xx status."""
        return self.error_class is None and self.status is not None and 200 <= self.status < 300

    @property
    def not_modified(self) -> bool:
        """The server answered 304 to our validators."""
        return self.error_class is None and self.status == 304

    @property
    def charset(self) -> str | None:
        """The charset named in the Content-Type header, if any."""
        if not self.content_type:
            return None
        for part in self.content_type.split(";")[1:]:
            key, _, value = part.partition("=")
            if key.strip().lower() == "charset" and value.strip():
                return value.strip().strip("\"'").lower()
        return None


@dataclass(frozen=True)
class FeedEntry:
    """One item of a parsed feed."""

    source: str
    link: str
    guid: str | None = None
    title: str | None = None
    summary: str | None = None
    published_at: datetime | None = None
    authors: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParsedFeed:
    """A feed document reduced to what the pipeline needs; `error` is set when it is no feed."""

    entries: tuple[FeedEntry, ...] = ()
    title: str | None = None
    site_url: str | None = None
    version: str | None = None
    error: str | None = None
    ttl_minutes: int | None = None  # RSS <ttl>: how long the feed may be cached


@dataclass(frozen=True)
class Page:
    """What the extractor found in one article page."""

    text: str
    markdown: str
    title: str | None = None
    authors: tuple[str, ...] = ()
    published_at: datetime | None = None
    site_name: str | None = None
    description: str | None = None
    image: str | None = None
    declared_url: str | None = None  # rel=canonical or og:url, as the page states it
    html_language: str | None = None


@dataclass(frozen=True)
class Article:
    """One clean article, the unit of the `articles` table."""

    article_id: str
    url: str
    canonical_url: str
    source: str
    title: str | None
    text: str
    markdown: str
    language: str | None
    published_at: datetime | None
    authors: tuple[str, ...]
    site_name: str | None
    description: str | None
    fetched_at: datetime
    extractor: str
    guid: str | None = None
    image: str | None = None
    categories: tuple[str, ...] = field(default=())
    word_count: int = 0


@dataclass(frozen=True)
class SourceState:
    """A source as the warehouse knows it: configuration plus what its last fetch taught us."""

    url: str
    added_at: datetime
    name: str | None = None
    language: str | None = None
    tags: tuple[str, ...] = ()
    title: str | None = None
    site_url: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    last_status: int | None = None
    last_error: str | None = None
    last_fetched_at: datetime | None = None
    last_success_at: datetime | None = None
    consecutive_failures: int = 0
    feed_url: str | None = None  # where the feed is polled now (moved by 301, or discovered)
    next_fetch_at: datetime | None = None
    body_hash: str | None = None  # SHA-256 of the last full feed body
    validators_trusted: bool = True
    items_per_day: float | None = None
    ttl_minutes: int | None = None
    last_full_fetch_at: datetime | None = None  # last GET sent without validators


@dataclass(frozen=True)
class SourceEvent:
    """Something that happened to a source and that an operator should be able to see."""

    url: str
    event_at: datetime
    kind: str  # 'moved', 'discovered', 'validators_untrusted'
    detail: str


@dataclass(frozen=True)
class RunRecord:
    """One ingest run's summary, the unit of the `runs` table."""

    run_id: str
    flow: str
    started_at: datetime
    finished_at: datetime | None
    status: str
    sources: int = 0
    sources_due: int = 0
    feeds_ok: int = 0
    feeds_not_modified: int = 0
    feeds_failed: int = 0
    entries: int = 0
    pages_fetched: int = 0
    pages_failed: int = 0
    articles_new: int = 0
    prefect_flow_run_id: str | None = None
    newsflow_version: str | None = None
    articles_duplicate: int = 0  # new articles linked as exact or near copies
    pages_rechecked: int = 0  # stored articles fetched again as update checks
    articles_revised: int = 0  # of those, articles whose text or headline changed


@dataclass(frozen=True)
class Entity:
    """Something an article names: a country or city (ISO 3166-1 alpha-2 code), or a keyword."""

    kind: str  # 'country', 'city' or 'keyword'
    name: str  # places: English name (stable across languages); keywords: as written
    code: str | None = None  # places: the country's alpha-2 code; keywords: None
    count: int = 1  # mentions in title and text (a country counts its cities' mentions too)
    score: float | None = None  # keywords: YAKE's score, lower is more relevant


@dataclass(frozen=True)
class CaptureRecord:
    """Where the raw bytes of one fetched page are kept: a record of a WARC file."""

    fetch_id: str
    url: str
    article_id: str | None
    fetched_at: datetime
    status: int | None
    content_type: str | None
    warc_path: str
    warc_offset: int
    warc_length: int


@dataclass(frozen=True)
class BackfillProgress:
    """Input items of a backfill finished by one load, with their outcome ('loaded', 'known'
    or 'failed'), recorded in the same transaction as their articles."""

    backfill_id: str
    items: tuple[tuple[str, str], ...] = ()
