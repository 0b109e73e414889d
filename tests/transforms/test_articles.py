from datetime import UTC, datetime

from newsflow.extractors.urls import article_id
from newsflow.models import FeedEntry, Page
from newsflow.transforms.articles import build_article

ENTRY = FeedEntry(
    source="https://site.example/rss",
    link="https://site.example/a?utm_source=rss",
    guid="g1",
    title="Feed title",
    summary="Feed summary",
    published_at=datetime(2026, 11, 20, 9, 30, tzinfo=UTC),
    authors=("Feed Author",),
    categories=("World",),
)


def test_page_metadata_wins_and_feed_fills_gaps():
    page = Page(
        text="word " * 120,
        markdown="md",
        title="Page title",
        authors=(),
        published_at=datetime(2026, 11, 20, tzinfo=UTC),
        declared_url="https://site.example/a",
    )
    article = build_article(
        ENTRY,
        page,
        fetched_at=datetime(2026, 11, 21, tzinfo=UTC),
        language="fr",
        extractor="trafilatura x",
    )
    assert article.canonical_url == "https://site.example/a"
    assert article.article_id == article_id("https://site.example/a")
    assert article.url == ENTRY.link
    assert article.title == "Page title" and article.authors == ("Feed Author",)
    assert article.published_at == ENTRY.published_at  # the feed's full timestamp
    assert article.description == "Feed summary" and article.word_count == 120
