"""Finding what a backfill should load (plain functions; the backfill flow calls them).

URL inputs (sitemaps, a site's robots.txt, paged feeds, URL lists) become feed entries, as a
feed's items would, so the rest of the backfill is the ingest's own code. WARC inputs become
batches of captured pages that are extracted without fetching anything.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from newsflow.extractors.feed_archives import feed_pages, wordpress_page_url
from newsflow.extractors.feeds import parse_feed
from newsflow.extractors.http import FetchPolicy, fetch_many
from newsflow.extractors.robots import origin, robots_url
from newsflow.extractors.sitemaps import (
    Sitemap,
    default_sitemap_urls,
    index_entry_in_range,
    parse_sitemap,
    sitemaps_from_robots,
    url_in_range,
)
from newsflow.extractors.urllists import read_url_list
from newsflow.extractors.warc import Capture, CaptureRef, read_captures
from newsflow.models import FeedEntry, FetchRequest, FetchResult

LOGGER = logging.getLogger(__name__)
MAX_SITEMAPS = 10_000  # sitemap files read per backfill, indexes included
MAX_FEED_PAGES = 1_000  # archive or ?paged= pages followed per feed


@dataclass(frozen=True)
class Window:
    """The backfill's filters that apply before anything is fetched."""

    since: datetime | None = None
    until: datetime | None = None
    hosts: tuple[str, ...] = ()  # keep URLs on these hosts (and their subdomains); () keeps all

    def wants_date(self, moment: datetime | None) -> bool:
        """A date inside [since, until); an unknown date is kept (decided after extraction)."""
        if moment is None:
            return True
        return (self.since is None or moment >= self.since) and (
            self.until is None or moment < self.until
        )

    def wants_url(self, url: str) -> bool:
        """A URL on one of the wanted hosts (all hosts when none are given)."""
        if not self.hosts:
            return True
        host = (urlsplit(url).hostname or "").lower()
        return any(host == h or host.endswith("." + h) for h in self.hosts)


@dataclass(frozen=True)
class Discovery:
    """Entries found, and the inputs that could not be read (input, error)."""

    entries: tuple[FeedEntry, ...]
    errors: tuple[tuple[str, str], ...] = ()
    fetches: tuple[FetchResult, ...] = ()  # sitemap, robots.txt and feed page attempts


def discover(
    policy: FetchPolicy,
    window: Window,
    sitemaps: Sequence[str] = (),
    sites: Sequence[str] = (),
    feeds: Sequence[str] = (),
    url_files: Sequence[str] = (),
) -> Discovery:
    """Every entry the URL inputs list, filtered by host and date, first occurrence kept."""
    entries: list[FeedEntry] = []
    errors: list[tuple[str, str]] = []
    fetches: list[FetchResult] = []
    roots = list(sitemaps)
    for site in sites:
        found, attempt = _site_sitemaps(site, policy)
        fetches.append(attempt)
        roots += found
    if roots:
        got, failed, tried = _read_sitemaps(roots, policy, window)
        entries += got
        errors += failed
        fetches += tried
    for feed in feeds:
        got, failed, tried = _read_feed_pages(feed, policy, window)
        entries += got
        errors += failed
        fetches += tried
    for path in url_files:
        entries += (
            FeedEntry(source=origin(url) + "/", link=url)
            for url in read_url_list(Path(path))
            if window.wants_url(url)
        )
    return Discovery(tuple(_first_per_link(entries)), tuple(errors), tuple(fetches))


def _site_sitemaps(site: str, policy: FetchPolicy) -> tuple[list[str], FetchResult]:
    """The sitemaps a site's robots.txt names, else the usual places."""
    (attempt,) = fetch_many([FetchRequest(url=robots_url(site), kind="robots")], policy)
    base = attempt.final_url or attempt.url
    named = sitemaps_from_robots(attempt.body, base) if attempt.ok else []
    return named or default_sitemap_urls(site), _without_body(attempt)


def _read_sitemaps(
    roots: Sequence[str], policy: FetchPolicy, window: Window
) -> tuple[list[FeedEntry], list[tuple[str, str]], list[FetchResult]]:
    """Walk sitemaps and sitemap indexes breadth first; entries of every urlset in range."""
    entries, errors, fetches = [], [], []
    queue, seen = list(dict.fromkeys(roots)), set(roots)
    while queue and len(seen) <= MAX_SITEMAPS:
        level, queue = queue, []
        results = fetch_many([FetchRequest(url=u, kind="sitemap") for u in level], policy)
        for url, result in zip(level, results, strict=True):
            fetches.append(_without_body(result))
            if not result.ok:
                errors.append((url, result.error or f"HTTP {result.status}"))
                continue
            sitemap = parse_sitemap(result.body, result.final_url or url)
            if sitemap.error:
                errors.append((url, sitemap.error))
            entries += _sitemap_entries(sitemap, url, window)
            for child in sitemap.sitemaps:
                wanted = index_entry_in_range(child, window.since, window.until)
                if wanted and child.loc not in seen:
                    seen.add(child.loc)
                    queue.append(child.loc)
    return entries, errors, fetches


def _sitemap_entries(sitemap: Sitemap, source: str, window: Window) -> Iterator[FeedEntry]:
    """Feed entries of a urlset's URLs in the window."""
    for url in sitemap.urls:
        if window.wants_url(url.loc) and url_in_range(url, window.since, window.until):
            yield FeedEntry(
                source=source, link=url.loc, title=url.title, published_at=url.published_at
            )


def _read_feed_pages(
    feed: str, policy: FetchPolicy, window: Window
) -> tuple[list[FeedEntry], list[tuple[str, str]], list[FetchResult]]:
    """A feed and its older pages: RFC 5005 archives (prev-archive) or paged feeds (next),
    else WordPress's `?paged=N` until a page fails or brings nothing new. Paging stops once a
    whole page is older than `since`."""
    entries: list[FeedEntry] = []
    fetches: list[FetchResult] = []
    url: str | None = feed
    page, wordpress = 1, False
    seen_pages: set[str] = set()
    while url and url not in seen_pages and len(seen_pages) < MAX_FEED_PAGES:
        seen_pages.add(url)
        (result,) = fetch_many([FetchRequest(url=url, kind="feed", source=feed)], policy)
        fetches.append(_without_body(result))
        if not result.ok:
            failed = [] if wordpress else [(url, result.error or f"HTTP {result.status}")]
            return entries, failed, fetches  # past the last ?paged= page: WordPress says 404
        parsed = parse_feed(result.body, feed, result.content_type, result.final_url or url)
        if parsed.error:
            return entries, [(url, parsed.error)], fetches
        known = {e.link for e in entries}
        fresh = [e for e in parsed.entries if e.link not in known]
        entries += (e for e in fresh if window.wants_url(e.link) and _dated_in(e, window))
        if not fresh or _all_older(fresh, window):
            break
        pages = feed_pages(result.body, result.final_url or url)
        if pages.is_complete:
            break
        url = pages.prev_archive or pages.next
        if url is None and (wordpress or page == 1):
            wordpress, page = True, page + 1
            url = wordpress_page_url(feed, page)
    return entries, [], fetches


def _dated_in(entry: FeedEntry, window: Window) -> bool:
    """The entry's date (if it has one) is in the window."""
    return window.wants_date(entry.published_at)


def _all_older(entries: Iterable[FeedEntry], window: Window) -> bool:
    """Every entry is dated before the window starts (so older pages are too)."""
    if window.since is None:
        return False
    since = window.since
    return all(e.published_at is not None and e.published_at < since for e in entries)


def _first_per_link(entries: Iterable[FeedEntry]) -> Iterator[FeedEntry]:
    """Entries in order, one per link."""
    seen: set[str] = set()
    for entry in entries:
        if entry.link not in seen:
            seen.add(entry.link)
            yield entry


def _without_body(result: FetchResult) -> FetchResult:
    """The attempt as the warehouse records it."""
    return dataclasses.replace(result, body=b"")


@dataclass(frozen=True)
class ArchivedPage:
    """One page of a WARC input: its key for the backfill's checkpoint, where it lives, and
    the page as a fetch result (the capture is the fetch: nothing is downloaded again)."""

    item: str  # warc_path#offset
    ref: CaptureRef
    entry: FeedEntry
    fetch: FetchResult


def archived_pages(
    paths: Sequence[str], window: Window, done: set[str], max_bytes: int
) -> Iterator[ArchivedPage]:
    """Stream the HTML responses of WARC files, skipping items already done and URLs outside
    the wanted hosts. One record in memory at a time."""
    for raw in paths:
        path = Path(raw).resolve()
        for ref, capture in read_captures(path, max_bytes=max_bytes):
            item = f"{path}#{ref.offset}"
            if item in done or not _is_html(capture) or not window.wants_url(capture.url):
                continue
            yield ArchivedPage(item, ref, _archived_entry(capture), _archived_fetch(capture, ref))


def _is_html(capture: Capture) -> bool:
    """A successful HTML (or untyped) response: what could hold an article."""
    if capture.status is not None and not 200 <= capture.status < 300:
        return False
    kind = (capture.content_type or "").split(";")[0].strip().lower()
    return kind in ("", "text/html", "application/xhtml+xml")


def _archived_entry(capture: Capture) -> FeedEntry:
    """The page as the feed entry a backfill item is (its source is the page's site)."""
    return FeedEntry(source=origin(capture.url) + "/", link=capture.url)


def _archived_fetch(capture: Capture, ref: CaptureRef) -> FetchResult:
    """The capture as a successful fetch of the page."""
    digest = hashlib.blake2b(f"{ref.path}#{ref.offset}".encode(), digest_size=16).hexdigest()
    return FetchResult(
        url=capture.url,
        kind="article",
        source=origin(capture.url) + "/",
        fetched_at=capture.fetched_at,
        final_url=capture.url,
        status=capture.status or 200,
        body=capture.body,
        content_type=capture.content_type,
        wire_bytes=len(capture.body),
        fetch_id=f"warc-{digest}",
    )
