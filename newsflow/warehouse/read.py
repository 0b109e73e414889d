"""Reading what a run needs to know from the warehouse (short, read-only queries)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from pathlib import Path

import pyarrow as pa

from newsflow.models import Article, FeedEntry, SourceState
from newsflow.transforms.dedup import DedupState, SeenEntry
from newsflow.transforms.dedup.batch import event_span
from newsflow.warehouse import arrow, dedup
from newsflow.warehouse.db import connect
from newsflow.warehouse.topics import ArticleText, articles_to_tag


def source_states(db_path: str | Path, urls: Iterable[str]) -> dict[str, SourceState]:
    """The stored state of each given source URL that the warehouse knows."""
    wanted = pa.table({"url": pa.array(list(urls), pa.string())})
    with connect(db_path) as connection:
        connection.register("wanted", wanted)
        columns = ", ".join(f"s.{c}" for c in arrow.SOURCE_SCHEMA.names)
        rows = connection.execute(
            f"SELECT {columns} FROM sources s JOIN wanted w USING (url)"
        ).fetchall()
    states = {}
    for row in rows:
        fields = dict(zip(arrow.SOURCE_SCHEMA.names, row, strict=True))
        fields["tags"] = tuple(fields["tags"] or ())
        states[fields["url"]] = SourceState(**fields)
    return states


def seen_entries(db_path: str | Path, entries: Sequence[FeedEntry]) -> list[SeenEntry]:
    """What the warehouse knows of the articles behind these feed entries (see
    `warehouse.dedup.seen_entries`)."""
    if not entries:
        return []
    with connect(db_path) as connection:
        return dedup.seen_entries(connection, entries)


def dedup_inputs(
    db_path: str | Path,
    articles: Sequence[Article],
    window: timedelta,
) -> tuple[DedupState, dict[str, Article]]:
    """For a batch of fetched articles: the dedup state around their event times (± `window`)
    and the stored record of those already in the warehouse (refetched for an update check)."""
    span = event_span(articles)
    if span is None:
        return DedupState(), {}
    with connect(db_path) as connection:
        stored = dedup.stored_articles(connection, [a.article_id for a in articles])
        state = dedup.load_state(connection, since=span[0] - window, until=span[1] + window)
    return state, stored


def dedup_state(db_path: str | Path, since: datetime, until: datetime) -> DedupState:
    """The stored dedup results whose event time lies in [since, until]."""
    with connect(db_path) as connection:
        return dedup.load_state(connection, since=since, until=until)


def stored_records(db_path: str | Path, article_ids: Sequence[str]) -> dict[str, Article]:
    """The stored record of each given article id the warehouse holds."""
    if not article_ids:
        return {}
    with connect(db_path) as connection:
        return dedup.stored_articles(connection, article_ids)


def articles_to_retag(
    db_path: str | Path, since: datetime | None, lacking: tuple[str, str] | None
) -> list[ArticleText]:
    """Stored articles fetched at or after `since` (all when None); with `lacking` = (tagger,
    version), only those without topics from that tagger version."""
    tagger, version = lacking if lacking else (None, None)
    with connect(db_path) as connection:
        return articles_to_tag(connection, since, tagger=tagger, tagger_version=version)
