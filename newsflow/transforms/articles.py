"""Assembling an article record from its feed entry, the fetched page and the extraction."""

from __future__ import annotations

from datetime import datetime

from newsflow.extractors.urls import article_id, choose_canonical
from newsflow.models import Article, FeedEntry, Page


def build_article(
    entry: FeedEntry, page: Page, *, fetched_at: datetime, language: str | None, extractor: str
) -> Article:
    """The article row; the page's metadata wins, the feed's fills the gaps, except the date:
    feeds give a full timestamp where pages often give only a day."""
    canonical = choose_canonical(entry.link, page.declared_url)
    return Article(
        article_id=article_id(canonical),
        url=entry.link,
        canonical_url=canonical,
        source=entry.source,
        title=page.title or entry.title,
        text=page.text,
        markdown=page.markdown,
        language=language,
        published_at=entry.published_at or page.published_at,
        authors=page.authors or entry.authors,
        site_name=page.site_name,
        description=page.description or entry.summary,
        fetched_at=fetched_at,
        extractor=extractor,
        guid=entry.guid,
        image=page.image,
        categories=entry.categories,
        word_count=len(page.text.split()),
    )
