"""What `newsflow reprocess` reads and writes: stored articles with their raw captures, their
re-extracted text, and their dedup decisions made again."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa

from newsflow.models import Article
from newsflow.transforms.dedup import DedupState
from newsflow.transforms.dedup.batch import DedupBatch, event_span
from newsflow.warehouse import arrow, dedup
from newsflow.warehouse.db import LOCK_RETRY_SECONDS, connect, write
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

    def work(connection: duckdb.DuckDBPyConnection) -> None:
        connection.register("reextracted", arrow.articles_table(list(articles), None))
        connection.execute(
            f"UPDATE articles SET {assignments}, "
            "published_at = coalesce(articles.published_at, b.published_at) "
            "FROM reextracted b WHERE articles.article_id = b.article_id"
        )
        connection.unregister("reextracted")
        _save_enrichments(connection, enrichments, {a.article_id for a in articles})

    write(db_path, work, wait=wait, what="saving re-extracted articles")


def redo_dedup(
    db_path: str | Path,
    since: datetime | None,
    decide: Callable[[list[Article], DedupState], DedupBatch],
    window: timedelta,
    chunk: int = 500,
    wait: float = LOCK_RETRY_SECONDS,
) -> tuple[int, int]:
    """Decide again, oldest first, the copies and clusters of the articles fetched since
    `since` (all when None), with `decide` (the dedup stage), in one transaction: their
    earlier decisions are dropped, then each chunk is decided against everything before it.
    Returns (articles decided, of them linked as copies)."""

    def work(connection: duckdb.DuckDBPyConnection) -> tuple[int, int]:
        ids = [
            article_id
            for (article_id,) in connection.execute(
                "SELECT article_id FROM articles WHERE ? IS NULL OR fetched_at >= ?"
                " ORDER BY coalesce(published_at, fetched_at), article_id",
                [since, since],
            ).fetchall()
        ]
        _forget_decisions(connection, ids)
        copies = 0
        for start in range(0, len(ids), chunk):
            wanted = ids[start : start + chunk]
            stored = dedup.stored_articles(connection, wanted)
            articles = [stored[i] for i in wanted if i in stored]
            span = event_span(articles)
            if span is None:
                continue
            state = dedup.load_state(connection, span[0] - window, span[1] + window)
            batch = decide(articles, state)
            dedup.save_results(connection, batch.results, batch.merges)
            copies += batch.duplicates
        return len(ids), copies

    return write(db_path, work, wait=wait, what="re-deciding duplicates")


def _forget_decisions(connection: duckdb.DuckDBPyConnection, ids: Sequence[str]) -> None:
    """Drop the dedup decisions of these articles (their rows stay)."""
    connection.register("forgotten", pa.table({"article_id": pa.array(ids, pa.string())}))
    try:
        connection.execute(
            "DELETE FROM article_dedup WHERE article_id IN (SELECT article_id FROM forgotten)"
        )
        connection.execute(
            "UPDATE articles SET text_hash = NULL, duplicate_of = NULL, duplicate_kind = NULL,"
            " similarity = NULL, cluster_id = NULL"
            " WHERE article_id IN (SELECT article_id FROM forgotten)"
        )
    finally:
        connection.unregister("forgotten")
