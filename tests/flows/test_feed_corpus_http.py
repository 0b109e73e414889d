"""Every feed of the shared third-party corpus served over loopback and polled by newsflow."""

from datetime import UTC, datetime

import feedparser
from aiohttp import web

from newsflow.extractors.http import FetchPolicy
from newsflow.flows.polling import poll_feeds
from newsflow.models import Source
from tests.extractors.test_feed_corpus import CORPUS, FILES, _href, pytestmark  # noqa: F401
from tests.servers import serve_app


def test_every_corpus_file_polled_over_http_without_a_crash():
    app = web.Application()
    app.router.add_static("/", CORPUS)
    policy = FetchPolicy(
        user_agent="newsflow-test", allow_private=True, host_delay=0, per_host=32, concurrency=32
    )
    with serve_app(app) as base:
        sources = [Source(f"{base}/{p.relative_to(CORPUS).as_posix()}") for p in FILES]
        polls = []
        for i in range(0, len(sources), 200):
            polls += poll_feeds(sources[i : i + 200], {}, policy, datetime.now(UTC))
    assert len(polls) == len(FILES)
    assert all(p.fetch.status == 200 for p in polls)  # every file answered, none crashed
    mismatches = []
    for path, poll in zip(FILES, polls, strict=True):
        if "wellformed" not in path.parts or path.suffix == ".json":
            continue
        reference = feedparser.parse(
            path.read_bytes(), response_headers={"content-location": poll.source.url}
        )
        if not reference.get("version"):
            continue
        expected = sum(
            1
            for e in reference.entries
            if e.get("link") or _href(e) or str(e.get("id", "")).startswith(("http://", "https://"))
        )
        got = len(poll.feed.entries) if poll.feed else 0
        if got != expected:
            mismatches.append((path.name, expected, got, poll.fetch.error))
    assert mismatches == []
