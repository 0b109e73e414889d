"""Small record builders shared by the tests."""

from __future__ import annotations

from datetime import UTC, datetime

from newsflow.extractors.urls import article_id
from newsflow.models import Article, FetchResult, RunRecord, SourceState

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def make_article(n: int = 1, source: str = "https://feed.example/rss", **changes) -> Article:
    url = f"https://news.example/story-{n}"
    fields = {
        "article_id": article_id(url),
        "url": url + "?utm_source=rss",
        "canonical_url": url,
        "source": source,
        "title": f"Story {n}",
        "text": f"Body of story {n}. " * 20,
        "markdown": f"Body of **story** {n}.",
        "language": "en",
        "published_at": NOW,
        "authors": ("Ann Writer", "Bo Reporter"),
        "site_name": "News",
        "description": "A story",
        "fetched_at": NOW,
        "extractor": "trafilatura test",
        "categories": ("world",),
        "word_count": 80,
    }
    fields.update(changes)
    return Article(**fields)


def make_fetch(url: str = "https://feed.example/rss", **changes) -> FetchResult:
    fields = {
        "url": url,
        "kind": "feed",
        "source": url,
        "fetched_at": NOW,
        "status": 200,
        "final_url": url,
        "wire_bytes": 1234,
        "elapsed_ms": 12.5,
    }
    fields.update(changes)
    return FetchResult(**fields)


def make_run(run_id: str = "run-1", **changes) -> RunRecord:
    fields = {
        "run_id": run_id,
        "flow": "ingest",
        "started_at": NOW,
        "finished_at": NOW,
        "status": "completed",
        "sources": 1,
    }
    fields.update(changes)
    return RunRecord(**fields)


def make_state(url: str = "https://feed.example/rss", **changes) -> SourceState:
    fields = {"url": url, "added_at": NOW, "name": "Feed", "language": "en", "tags": ("world",)}
    fields.update(changes)
    return SourceState(**fields)
