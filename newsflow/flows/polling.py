"""Polling feeds as plain functions: conditional GET, body-hash check, parse, feed discovery.

A source answers in one of four ways: a 304 (nothing to do), a body identical to the last one
(nothing to do, whatever the validators said), a feed (parse it), or an HTML page, in which case
the feed it announces (`<link rel="alternate">`) or one at a common path is looked for.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from newsflow.extractors.feeds import feed_candidates, parse_feed
from newsflow.extractors.http import FetchPolicy, fetch_many
from newsflow.models import FetchRequest, FetchResult, ParsedFeed, Source, SourceState
from newsflow.transforms.schedule import send_validators

MAX_CANDIDATES = 8


@dataclass(frozen=True)
class FeedPoll:
    """One source polled: the decisive attempt (body dropped), the feed if it was read, and
    any other attempts made for it (discovery)."""

    source: Source
    fetch: FetchResult
    feed: ParsedFeed | None
    unchanged: bool = False  # a 200 whose body hashes like the last one
    other_fetches: tuple[FetchResult, ...] = ()

    @property
    def status(self) -> str:
        """'ok', 'not modified' (a 304 or an identical body) or 'failed'."""
        if self.fetch.not_modified or self.unchanged:
            return "not modified"
        return "ok" if self.fetch.error_class is None else "failed"


def poll_feeds(
    sources: Sequence[Source],
    states: dict[str, SourceState],
    policy: FetchPolicy,
    now: datetime,
) -> list[FeedPoll]:
    """Poll every source once; find the feed of sources that answer with a web page."""
    requests = [feed_request(s, states.get(s.url), now) for s in sources]
    fetches = fetch_many(requests, policy)
    polls = [read_feed(s, states.get(s.url), f) for s, f in zip(sources, fetches, strict=True)]
    pages = {
        i: fetch
        for i, (poll, fetch) in enumerate(zip(polls, fetches, strict=True))
        if poll.fetch.error_class == "not_a_feed" and _is_html(fetch)
    }
    if pages:
        polls = _discover(polls, pages, policy)
    return polls


def feed_request(source: Source, state: SourceState | None, now: datetime) -> FetchRequest:
    """GET of the source's current feed URL, conditional when its validators can be trusted."""
    conditional = send_validators(state, now)
    return FetchRequest(
        url=(state.feed_url if state and state.feed_url else source.url),
        kind="feed",
        source=source.url,
        etag=state.etag if conditional and state else None,
        last_modified=state.last_modified if conditional and state else None,
    )


def read_feed(source: Source, state: SourceState | None, fetch: FetchResult) -> FeedPoll:
    """Hash and parse a feed response; the body is dropped from what is kept."""
    if not fetch.ok:
        return FeedPoll(source, fetch, None)
    digest = hashlib.sha256(fetch.body).hexdigest()
    fetch = dataclasses.replace(fetch, body_hash=digest)
    if state is not None and state.body_hash == digest:
        return FeedPoll(source, dataclasses.replace(fetch, body=b""), None, unchanged=True)
    feed = parse_feed(fetch.body, source.url, fetch.content_type, fetch.final_url)
    if feed.error:
        fetch = dataclasses.replace(fetch, error_class="not_a_feed", error=feed.error)
    return FeedPoll(source, dataclasses.replace(fetch, body=b""), feed)


def _discover(
    polls: list[FeedPoll], pages: dict[int, FetchResult], policy: FetchPolicy
) -> list[FeedPoll]:
    """Try each page's announced feeds and common feed paths, all sources at once; the first
    candidate that parses as a feed replaces the page."""
    wanted = {
        i: feed_candidates(page.body, page.final_url or page.url)[:MAX_CANDIDATES]
        for i, page in pages.items()
    }
    requests = [
        FetchRequest(url=url, kind="discovery", source=polls[i].source.url)
        for i, urls in wanted.items()
        for url in urls
    ]
    answers = iter(fetch_many(requests, policy))
    result = list(polls)
    for i, urls in wanted.items():
        tried = [next(answers) for _ in urls]
        result[i] = _first_feed(polls[i], tried)
    return result


def _first_feed(page_poll: FeedPoll, tried: list[FetchResult]) -> FeedPoll:
    """The poll of the first candidate that is a feed with entries, else the page's failure."""
    source = page_poll.source
    for n, candidate in enumerate(tried):
        poll = read_feed(source, None, candidate)
        if poll.feed is not None and not poll.feed.error:
            others = (page_poll.fetch, *(_bodiless(f) for f in tried[:n] + tried[n + 1 :]))
            return dataclasses.replace(poll, other_fetches=others)
    note = f"{page_poll.fetch.error}; no feed found among {len(tried)} candidates"
    failed = dataclasses.replace(page_poll.fetch, error=note)
    return dataclasses.replace(
        page_poll, fetch=failed, other_fetches=tuple(_bodiless(f) for f in tried)
    )


def _is_html(fetch: FetchResult) -> bool:
    """A response that looks like a web page (by type, or by its first bytes)."""
    kind = (fetch.content_type or "").lower()
    head = fetch.body[:1024].lstrip().lower()
    return "html" in kind or head.startswith((b"<!doctype html", b"<html"))


def _bodiless(fetch: FetchResult) -> FetchResult:
    """The attempt without its body, for the record."""
    return dataclasses.replace(fetch, body=b"")
