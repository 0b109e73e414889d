"""What `newsflow reprocess` reads and writes: stored articles with their raw captures, and
their re-extracted text."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from newsflow.errors import WarehouseError
from newsflow.models import Article
from newsflow.warehouse import arrow
from newsflow.warehouse.db import LOCK_RETRY_SECONDS, connect
from newsflow.warehouse.load import _save_enrichments

if TYPE_CHECKING:
    from newsflow.transforms.enrich import Enrichment

_REPLACED = (
    "title",
    "text",
    "markdown",
    "language",
    "authors",
    "site_name",
    "description",
    "image",
    "word_count",
    "extractor",
)


@dataclass(frozen=True)
class CapturedArticle:
    """A stored article and where its latest raw page is kept."""

    article_id: str
    url: str
    source: str
    guid: str | None
    published_at: datetime | None
    extractor: str
    text: str
    warc_path: str
    warc_offset: int
    warc_length: int


def captured_articles(db_path: str | Path, since: datetime | None) -> list[CapturedArticle]:
    """Articles fetched at or after `since` (all when None) that have a capture, oldest first."""
    where, parameters = "", []
    if since is not None:
        where, parameters = "WHERE a.fetched_at >= ?", [since]
    with connect(db_path, read_only=True) as connection:
        rows = connection.execute(
            "SELECT a.article_id, a.url, a.source, a.guid, a.published_at, a.extractor, a.text,"
            " c.warc_path, c.warc_offset, c.warc_length FROM articles a"
            " JOIN (SELECT * FROM captures WHERE article_id IS NOT NULL"
            "       QUALIFY row_number() OVER (PARTITION BY article_id ORDER BY fetched_at DESC)"
            "       = 1) c USING (article_id)"
            f" {where} ORDER BY a.fetched_at, a.article_id",
            parameters,
        ).fetchall()
    return [CapturedArticle(*row) for row in rows]


def replace_extractions(
    db_path: str | Path,
    articles: Sequence[Article],
    enrichments: Mapping[str, Enrichment],
    wait: float = LOCK_RETRY_SECONDS,
) -> None:
    """Overwrite the extracted fields of stored articles (same ids) and their tags, in one
    transaction. Identity, dates, dedup links and versions are kept."""
    if not articles:
        return
    assignments = ", ".join(f"{c} = b.{c}" for c in _REPLACED)
    with connect(db_path, wait=wait) as connection:
        connection.execute("BEGIN TRANSACTION")
        try:
            connection.register("reextracted", arrow.articles_table(list(articles), None))
            connection.execute(
                f"UPDATE articles SET {assignments}, "
                "published_at = coalesce(articles.published_at, b.published_at) "
                "FROM reextracted b WHERE articles.article_id = b.article_id"
            )
            connection.unregister("reextracted")
            _save_enrichments(connection, enrichments, {a.article_id for a in articles})
            connection.execute("COMMIT")
        except duckdb.Error as exc:
            connection.execute("ROLLBACK")
            raise WarehouseError(f"{db_path}: saving re-extracted articles failed: {exc}") from None
