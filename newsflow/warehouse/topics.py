"""Storing topics, places and keywords of articles (bulk Arrow, replace per article), and
reading the articles to (re)tag."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

import duckdb
import pyarrow as pa

from newsflow.models import Entity

if TYPE_CHECKING:  # the warehouse stores tags; it does not need the taggers
    from newsflow.transforms.topics import Tag

TOPIC_SCHEMA = pa.schema(
    [
        ("article_id", pa.string()),
        ("scheme", pa.string()),
        ("code", pa.string()),
        ("label", pa.string()),
        ("label_en", pa.string()),
        ("level", pa.int32()),
        ("score", pa.float64()),
        ("tagger", pa.string()),
        ("tagger_version", pa.string()),
        ("evidence", pa.list_(pa.string())),
    ]
)

ENTITY_SCHEMA = pa.schema(
    [
        ("article_id", pa.string()),
        ("kind", pa.string()),
        ("code", pa.string()),
        ("name", pa.string()),
        ("count", pa.int32()),
        ("score", pa.float64()),
    ]
)


class ArticleText(NamedTuple):
    """What a tagger needs of a stored article."""

    article_id: str
    title: str
    text: str
    language: str | None


def topics_table(
    tags_by_article: Mapping[str, Sequence[Tag]], tagger: str, tagger_version: str
) -> pa.Table:
    """The `article_topics` rows for these articles (one tag per code per article)."""
    rows = {
        (article_id, tag.scheme, tag.code): {
            "article_id": article_id,
            "scheme": tag.scheme,
            "code": tag.code,
            "label": tag.label,
            "label_en": tag.label_en,
            "level": tag.level,
            "score": tag.score,
            "tagger": tagger,
            "tagger_version": tagger_version,
            "evidence": list(tag.evidence),
        }
        for article_id, tags in tags_by_article.items()
        for tag in tags
    }
    return pa.Table.from_pylist(list(rows.values()), schema=TOPIC_SCHEMA)


def entities_table(entities_by_article: Mapping[str, Sequence[Entity]]) -> pa.Table:
    """The `article_entities` rows for these articles (one row per kind and name)."""
    rows = {
        (article_id, e.kind, e.name): {
            "article_id": article_id,
            "kind": e.kind,
            "code": e.code,
            "name": e.name,
            "count": e.count,
            "score": e.score,
        }
        for article_id, entities in entities_by_article.items()
        for e in entities
    }
    return pa.Table.from_pylist(list(rows.values()), schema=ENTITY_SCHEMA)


def save_tags(
    connection: duckdb.DuckDBPyConnection,
    tags_by_article: Mapping[str, Sequence[Tag]],
    entities_by_article: Mapping[str, Sequence[Entity]],
    *,
    tagger: str,
    tagger_version: str,
    new: Collection[str] = (),
) -> None:
    """Replace the tags of these articles by `tagger` (any earlier version) and their entities.

    Run it inside the caller's transaction: it deletes then inserts, so saving the same
    enrichment twice leaves the same rows, and an article given no tags loses its old ones.
    `new`: articles inserted in this same transaction, which have no rows to delete yet (a
    delete scans the whole table: in a large warehouse, the largest memory cost of a batch).
    """
    _replace(
        connection,
        "article_topics",
        topics_table(tags_by_article, tagger, tagger_version),
        [i for i in tags_by_article if i not in new],
        extra=("tagger = ?", [tagger]),
    )
    _replace(
        connection,
        "article_entities",
        entities_table(entities_by_article),
        [i for i in entities_by_article if i not in new],
    )


def _replace(
    connection: duckdb.DuckDBPyConnection,
    table: str,
    batch: pa.Table,
    stored_ids: list[str],
    extra: tuple[str, list[str]] | None = None,
) -> None:
    """Delete the rows of the stored articles among these (matching `extra`), then insert
    the batch."""
    if stored_ids:
        ids = pa.table({"article_id": pa.array(sorted(set(stored_ids)), pa.string())})
        condition, parameters = extra or ("TRUE", [])
        connection.register("replaced_ids", ids)
        connection.execute(
            f"DELETE FROM {table} WHERE article_id IN (SELECT article_id FROM replaced_ids)"
            f" AND {condition}",
            parameters,
        )
        connection.unregister("replaced_ids")
    if batch.num_rows:
        connection.register("replacement_batch", batch)
        connection.execute(f"INSERT INTO {table} BY NAME SELECT * FROM replacement_batch")
        connection.unregister("replacement_batch")


def articles_to_tag(
    connection: duckdb.DuckDBPyConnection,
    since: datetime | None = None,
    *,
    tagger: str | None = None,
    tagger_version: str | None = None,
    limit: int | None = None,
) -> list[ArticleText]:
    """Articles fetched at or after `since`; with `tagger`, only those without tags from that
    tagger (at `tagger_version` when given), for retagging after a lexicon or model change."""
    query = ["SELECT a.article_id, coalesce(a.title, ''), a.text, a.language FROM articles a"]
    where, parameters = [], []
    if since is not None:
        where.append("a.fetched_at >= ?")
        parameters.append(since)
    if tagger is not None:
        version = " AND t.tagger_version = ?" if tagger_version is not None else ""
        where.append(
            "NOT EXISTS (SELECT 1 FROM article_topics t WHERE t.article_id = a.article_id"
            f" AND t.tagger = ?{version})"
        )
        parameters.extend([tagger] + ([tagger_version] if tagger_version is not None else []))
    if where:
        query.append("WHERE " + " AND ".join(where))
    query.append("ORDER BY a.fetched_at, a.article_id")
    if limit is not None:
        query.append(f"LIMIT {int(limit)}")
    rows = connection.execute(" ".join(query), parameters).fetchall()
    return [ArticleText(*row) for row in rows]
