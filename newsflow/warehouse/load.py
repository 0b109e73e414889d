"""Writing a run into the warehouse: one transaction, bulk Arrow inserts, idempotent."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import duckdb

from newsflow.errors import WarehouseError
from newsflow.models import (
    Article,
    BackfillProgress,
    CaptureRecord,
    FetchResult,
    RunRecord,
    SourceEvent,
    SourceState,
)
from newsflow.transforms.dedup.batch import DedupBatch
from newsflow.warehouse import arrow, dedup, spool
from newsflow.warehouse.db import LOCK_RETRY_SECONDS, connect
from newsflow.warehouse.topics import save_tags

if TYPE_CHECKING:  # the warehouse stores enrichments; it does not compute them
    from newsflow.transforms.enrich import Enrichment

_KEPT = ("url", "added_at")
_SOURCE_UPDATES = ", ".join(
    f"{name} = excluded.{name}" for name in arrow.SOURCE_SCHEMA.names if name not in _KEPT
)
T = TypeVar("T")


def load_run(
    db_path: str | Path,
    run: RunRecord,
    sources: Sequence[SourceState],
    fetches: Sequence[FetchResult],
    articles: Sequence[Article],
    events: Sequence[SourceEvent] = (),
    enrichments: Mapping[str, Enrichment] | None = None,
    dedup_batch: DedupBatch | None = None,
    wait: float = LOCK_RETRY_SECONDS,
    captures: Sequence[CaptureRecord] = (),
    progress: BackfillProgress | None = None,
) -> tuple[RunRecord, set[str]]:
    """Write everything a run produced in one transaction; return the run with `articles_new`,
    `articles_duplicate` and `articles_revised` set, and the ids of the articles actually added.
    Loading the same records twice adds nothing."""
    dedup_batch = dedup_batch or DedupBatch()
    with connect(db_path, wait=wait) as connection:
        connection.execute("BEGIN TRANSACTION")
        try:
            loaded = _loaded_before(connection, run)
            if loaded is not None:  # another process loaded this staged run first
                connection.execute("ROLLBACK")
                return loaded
            _upsert_sources(connection, sources)
            _insert_events(connection, events)
            _insert_fetches(connection, fetches, run.run_id)
            added = _insert_articles(connection, articles, run.run_id)
            dedup.save_results(connection, dedup_batch.results, dedup_batch.merges)
            revised = dedup.save_revisions(connection, dedup_batch.revisions, dedup_batch.previous)
            changed = added | {r.article_id for r in dedup_batch.revisions}
            _save_enrichments(connection, enrichments or {}, changed)
            _insert_captures(connection, captures, run.run_id)
            _record_progress(connection, progress, run.run_id)
            copies = sum(1 for r in dedup_batch.results if r.duplicate_of and r.article_id in added)
            run = dataclasses.replace(
                run, articles_new=len(added), articles_duplicate=copies, articles_revised=revised
            )
            _upsert_run(connection, run)
            connection.execute("COMMIT")
        except duckdb.Error as exc:
            connection.execute("ROLLBACK")
            raise WarehouseError(f"{db_path}: load of run {run.run_id} failed: {exc}") from None
    return run, added


def _loaded_before(
    connection: duckdb.DuckDBPyConnection, run: RunRecord
) -> tuple[RunRecord, set[str]] | None:
    """The run as stored, with the articles it added, when it was loaded already: two
    processes can both find the same staged run, and the second must not rewrite its counts."""
    row = connection.execute(
        "SELECT articles_new, articles_duplicate, articles_revised FROM runs "
        "WHERE run_id = ? AND status = ?",
        [run.run_id, run.status],
    ).fetchone()
    if row is None:
        return None
    added = connection.execute("SELECT article_id FROM articles WHERE run_id = ?", [run.run_id])
    stored = dataclasses.replace(
        run, articles_new=row[0], articles_duplicate=row[1], articles_revised=row[2]
    )
    return stored, {article_id for (article_id,) in added.fetchall()}


@dataclass(frozen=True)
class SpoolResult:
    """What `load_pending` did: the loads it committed, and why it stopped early, if it did."""

    loaded: tuple[tuple[RunRecord, set[str]], ...]
    error: str | None = None
    waiting: int = 0  # staged loads still in the spool


def load_pending(
    db_path: str | Path, folder: Path, wait: float = LOCK_RETRY_SECONDS
) -> SpoolResult:
    """Load every staged run of the spool, oldest first, each in one transaction, deleting its
    file after the commit. A warehouse error (locked past `wait`, disk full …) stops the loop
    and leaves the remaining files for the next run."""
    loaded = []
    for path in spool.pending(folder):
        staged = spool.read(path)
        if staged is None:
            continue
        try:
            loaded.append(
                load_run(
                    db_path,
                    staged.run,
                    staged.sources,
                    staged.fetches,
                    staged.articles,
                    staged.events,
                    staged.enrichments,
                    staged.dedup,
                    wait=wait,
                    captures=staged.captures,
                    progress=staged.progress,
                )
            )
        except WarehouseError as exc:
            return SpoolResult(tuple(loaded), str(exc), len(spool.pending(folder)))
        spool.done(path)
    return SpoolResult(tuple(loaded))


def save_enrichments(db_path: str | Path, enrichments: Mapping[str, Enrichment]) -> None:
    """Replace the topics, places and keywords of stored articles (a retag), in one
    transaction."""
    if not enrichments:
        return
    with connect(db_path) as connection:
        connection.execute("BEGIN TRANSACTION")
        try:
            _save_enrichments(connection, enrichments, set(enrichments))
            connection.execute("COMMIT")
        except duckdb.Error as exc:
            connection.execute("ROLLBACK")
            raise WarehouseError(f"{db_path}: saving tags failed: {exc}") from None


def _upsert_sources(connection: duckdb.DuckDBPyConnection, states: Sequence[SourceState]) -> None:
    """Insert new sources and refresh known ones (their `added_at` is kept)."""
    if not states:
        return
    batch = arrow.sources_table(_last_by(states, lambda s: s.url))
    connection.register("source_batch", batch)
    connection.execute(
        "INSERT INTO sources BY NAME SELECT * FROM source_batch"
        f" ON CONFLICT (url) DO UPDATE SET {_SOURCE_UPDATES}"
    )
    connection.unregister("source_batch")


def _insert_events(connection: duckdb.DuckDBPyConnection, events: Sequence[SourceEvent]) -> None:
    """Append source events (reloads are ignored by their key)."""
    if not events:
        return
    connection.register("event_batch", arrow.events_table(events))
    connection.execute(
        "INSERT INTO source_events BY NAME SELECT * FROM event_batch ON CONFLICT DO NOTHING"
    )
    connection.unregister("event_batch")


def _insert_fetches(
    connection: duckdb.DuckDBPyConnection, fetches: Sequence[FetchResult], run_id: str
) -> None:
    """Append fetch attempts (a staged batch loaded twice is ignored by fetch_id)."""
    if not fetches:
        return
    connection.register("fetch_batch", arrow.fetches_table(fetches, run_id))
    connection.execute(
        "INSERT INTO fetches BY NAME SELECT * FROM fetch_batch ON CONFLICT DO NOTHING"
    )
    connection.unregister("fetch_batch")


def _insert_articles(
    connection: duckdb.DuckDBPyConnection, articles: Sequence[Article], run_id: str
) -> set[str]:
    """Add articles not yet present (by article_id); return the ids added."""
    if not articles:
        return set()
    unique = _last_by(list(reversed(articles)), lambda a: a.article_id)  # first one wins
    connection.register("article_batch", arrow.articles_table(unique, run_id))
    added = connection.execute(
        "SELECT article_id FROM article_batch b"
        " WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.article_id = b.article_id)"
    ).fetchall()
    connection.execute(
        "INSERT INTO articles BY NAME SELECT * FROM article_batch ON CONFLICT DO NOTHING"
    )
    connection.unregister("article_batch")
    return {article_id for (article_id,) in added}


def _insert_captures(
    connection: duckdb.DuckDBPyConnection, captures: Sequence[CaptureRecord], run_id: str
) -> None:
    """Record where the raw pages are kept (a capture loaded twice is ignored by fetch_id)."""
    if not captures:
        return
    connection.register("capture_batch", arrow.captures_table(captures, run_id))
    connection.execute(
        "INSERT INTO captures BY NAME SELECT * FROM capture_batch ON CONFLICT DO NOTHING"
    )
    connection.unregister("capture_batch")


def _record_progress(
    connection: duckdb.DuckDBPyConnection, progress: BackfillProgress | None, run_id: str
) -> None:
    """Mark a backfill's items done, in the transaction of their articles."""
    if progress is None or not progress.items:
        return
    now = datetime.now(UTC)
    # One Arrow batch: DuckDB's executemany costs about 2 ms per row here.
    connection.register("item_batch", arrow.backfill_items_table(progress, run_id, now))
    connection.execute(
        "INSERT INTO backfill_items BY NAME SELECT * FROM item_batch ON CONFLICT DO NOTHING"
    )
    connection.unregister("item_batch")
    connection.execute(
        "UPDATE backfills SET updated_at = ? WHERE backfill_id = ?", [now, progress.backfill_id]
    )


def _save_enrichments(
    connection: duckdb.DuckDBPyConnection, enrichments: Mapping[str, Enrichment], added: set[str]
) -> None:
    """Topics, places and keywords of the articles this load added or revised, per tagger
    version (a revised article's tags are those of its new text)."""
    by_tagger: dict[tuple[str, str], dict[str, Enrichment]] = {}
    for article_id, enrichment in enrichments.items():
        if article_id in added:
            key = (enrichment.tagger, enrichment.tagger_version)
            by_tagger.setdefault(key, {})[article_id] = enrichment
    for (tagger, version), chosen in by_tagger.items():
        save_tags(
            connection,
            {i: e.tags for i, e in chosen.items()},
            {i: e.entities for i, e in chosen.items()},
            tagger=tagger,
            tagger_version=version,
        )


def _upsert_run(connection: duckdb.DuckDBPyConnection, run: RunRecord) -> None:
    """Record the run (a re-load of the same run replaces its summary)."""
    connection.register("run_batch", arrow.run_table(run))
    columns = [f.name for f in dataclasses.fields(run) if f.name != "run_id"]
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns)
    connection.execute(
        "INSERT INTO runs BY NAME SELECT * FROM run_batch"
        f" ON CONFLICT (run_id) DO UPDATE SET {updates}"
    )
    connection.unregister("run_batch")


def _last_by(records: Sequence[T], key: Callable[[T], str]) -> list[T]:
    """Keep the last record per key, in first-seen order."""
    chosen: dict[str, T] = {}
    for record in records:
        chosen[key(record)] = record
    return list(chosen.values())
