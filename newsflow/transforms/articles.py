"""Assembling an article record from its feed entry, the fetched page and the extraction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from newsflow.extractors.urls import article_id, canonical_url, choose_canonical
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


def new_entries(entries: Iterable[FeedEntry], known: set[str]) -> list[FeedEntry]:
    """Entries whose link (as given or canonical) is not known yet, one per canonical URL."""
    chosen: dict[str, FeedEntry] = {}
    for entry in entries:
        canonical = canonical_url(entry.link)
        if entry.link in known or canonical in known or canonical in chosen:
            continue
        chosen[canonical] = entry
    return list(chosen.values())


def lookup_urls(entries: Iterable[FeedEntry]) -> set[str]:
    """The URLs to look up in the warehouse for these entries: as given and canonical."""
    urls: set[str] = set()
    for entry in entries:
        urls.update((entry.link, canonical_url(entry.link)))
    return urls
