"""Writing a run into the warehouse: one transaction, bulk Arrow inserts, idempotent."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import duckdb
import pyarrow as pa

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
from newsflow.warehouse.db import LOCK_RETRY_SECONDS, connect, write
from newsflow.warehouse.keys import insert_new, upsert
from newsflow.warehouse.topics import save_tags

if TYPE_CHECKING:  # the warehouse stores enrichments; it does not compute them
    from newsflow.transforms.enrich import Enrichment

_EVENT_KEY = ("url", "event_at", "kind")
_DECIDED = tuple(f"d.{name}" for name in dedup.DECISION)
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
    found = dedup_batch or DedupBatch()

    def work(connection: duckdb.DuckDBPyConnection) -> tuple[RunRecord, set[str]]:
        loaded = _loaded_before(connection, run)
        if loaded is not None:  # another process loaded this staged run first
            return loaded
        _upsert_sources(connection, sources)
        _insert_events(connection, events)
        _insert_fetches(connection, fetches, run.run_id)
        # decisions first, so that new articles are inserted with theirs (no UPDATE after)
        dedup.save_results(connection, found.results, found.merges)
        added = _insert_articles(connection, articles, run.run_id)
        revised = dedup.save_revisions(connection, found.revisions, found.previous)
        changed = added | {r.article_id for r in found.revisions}
        _save_enrichments(connection, enrichments or {}, changed, new=added)
        _insert_captures(connection, captures, run.run_id)
        _record_progress(connection, progress, run.run_id)
        copies = sum(1 for r in found.results if r.duplicate_of and r.article_id in added)
        done = dataclasses.replace(
            run, articles_new=len(added), articles_duplicate=copies, articles_revised=revised
        )
        _upsert_run(connection, done)
        return done, added

    return write(db_path, work, wait=wait, what=f"load of run {run.run_id}")


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

    def of(self, run_id: str) -> tuple[RunRecord, set[str]] | None:
        """One run's load as committed, with the ids of the articles it added, if it was."""
        return next((load for load in self.loaded if load[0].run_id == run_id), None)


def load_pending(
    db_path: str | Path,
    folder: Path,
    wait: float = LOCK_RETRY_SECONDS,
    own: RunRecord | None = None,
) -> SpoolResult:
    """Load every staged run of the spool, oldest first, each in one transaction, deleting its
    file after the commit. A warehouse error (locked past `wait`, disk full …) stops the loop
    and leaves the remaining files for the next run. `own`, a run the caller staged, is in the
    result however it was loaded, also by another process draining the same spool."""
    loaded = []
    for path in spool.pending(folder):
        with spool.claim(path) as staged:
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
    result = SpoolResult(tuple(loaded))
    if own is not None and result.of(own.run_id) is None:
        stored = _stored_run(db_path, own, wait)  # loaded before this process listed the spool
        if stored is not None:
            result = SpoolResult((*loaded, stored))
    return result


def _stored_run(
    db_path: str | Path, run: RunRecord, wait: float
) -> tuple[RunRecord, set[str]] | None:
    try:
        with connect(db_path, read_only=True, wait=wait) as connection:
            return _loaded_before(connection, run)
    except (duckdb.Error, WarehouseError):
        return None


def save_enrichments(db_path: str | Path, enrichments: Mapping[str, Enrichment]) -> None:
    """Replace the topics, places and keywords of stored articles (a retag), in one
    transaction."""
    if not enrichments:
        return
    write(
        db_path,
        lambda connection: _save_enrichments(connection, enrichments, set(enrichments)),
        what="saving tags",
    )


def _upsert_sources(connection: duckdb.DuckDBPyConnection, states: Sequence[SourceState]) -> None:
    """Insert new sources and refresh known ones (their `added_at` is kept)."""
    if states:
        upsert(connection, "sources", arrow.sources_table(states), ["url"], kept=["added_at"])


def _insert_events(connection: duckdb.DuckDBPyConnection, events: Sequence[SourceEvent]) -> None:
    """Append source events (reloads are ignored by their key)."""
    if events:
        insert_new(connection, "source_events", arrow.events_table(events), _EVENT_KEY)


def _insert_fetches(
    connection: duckdb.DuckDBPyConnection, fetches: Sequence[FetchResult], run_id: str
) -> None:
    """Append fetch attempts (a staged batch loaded twice is ignored by fetch_id)."""
    if fetches:
        insert_new(connection, "fetches", arrow.fetches_table(fetches, run_id), ["fetch_id"])


def _insert_articles(
    connection: duckdb.DuckDBPyConnection, articles: Sequence[Article], run_id: str
) -> set[str]:
    """Add articles not yet present (by article_id), each with its stored dedup decision;
    return the ids added. One pass over the wide rows: the ids are looked up first."""
    if not articles:
        return set()
    unique = _last_by(list(reversed(articles)), lambda a: a.article_id)  # first one wins
    ids = pa.table({"article_id": pa.array([a.article_id for a in unique], pa.string())})
    connection.register("article_ids", ids)
    try:  # which are stored already, and the stored dedup decisions of the others
        found = connection.execute(
            f"SELECT i.article_id, a.article_id IS NOT NULL, {', '.join(_DECIDED)}"
            " FROM article_ids i"
            " LEFT JOIN (SELECT article_id FROM articles SEMI JOIN article_ids USING (article_id))"
            " a USING (article_id) LEFT JOIN article_dedup d USING (article_id)"
        ).fetchall()
    finally:
        connection.unregister("article_ids")
    known = {row[0] for row in found if row[1]}
    decisions = {row[0]: row[2:] for row in found}
    new = [a for a in unique if a.article_id not in known]
    if not new:
        return set()
    batch = arrow.articles_table(new, run_id)
    for n, name in enumerate(dedup.DECISION):
        column = [decisions[a.article_id][n] for a in new]
        batch = batch.append_column(name, pa.array(column, dedup.DEDUP_SCHEMA.field(name).type))
    connection.register("article_batch", batch)
    try:
        connection.execute("INSERT INTO articles BY NAME SELECT * FROM article_batch")
    finally:
        connection.unregister("article_batch")
    return {a.article_id for a in new}


def _insert_captures(
    connection: duckdb.DuckDBPyConnection, captures: Sequence[CaptureRecord], run_id: str
) -> None:
    """Record where the raw pages are kept (a capture loaded twice is ignored by fetch_id)."""
    if captures:
        insert_new(connection, "captures", arrow.captures_table(captures, run_id), ["fetch_id"])


def _record_progress(
    connection: duckdb.DuckDBPyConnection, progress: BackfillProgress | None, run_id: str
) -> None:
    """Mark a backfill's items done, in the transaction of their articles."""
    if progress is None or not progress.items:
        return
    now = datetime.now(UTC)
    # One Arrow batch: DuckDB's executemany costs about 2 ms per row here.
    items = arrow.backfill_items_table(progress, run_id, now)
    insert_new(connection, "backfill_items", items, ["backfill_id", "item"])
    connection.execute(
        "UPDATE backfills SET updated_at = ? WHERE backfill_id = ?", [now, progress.backfill_id]
    )


def _save_enrichments(
    connection: duckdb.DuckDBPyConnection,
    enrichments: Mapping[str, Enrichment],
    changed: set[str],
    new: Collection[str] = (),
) -> None:
    """Topics, places and keywords of the `changed` articles (added or revised by this load),
    per tagger version (a revised article's tags are those of its new text); `new`: the ones
    this transaction inserted, which have no tags to replace yet."""
    by_tagger: dict[tuple[str, str], dict[str, Enrichment]] = {}
    for article_id, enrichment in enrichments.items():
        if article_id in changed:
            key = (enrichment.tagger, enrichment.tagger_version)
            by_tagger.setdefault(key, {})[article_id] = enrichment
    for (tagger, version), chosen in by_tagger.items():
        save_tags(
            connection,
            {i: e.tags for i, e in chosen.items()},
            {i: e.entities for i, e in chosen.items()},
            tagger=tagger,
            tagger_version=version,
            new=new,
        )


def _upsert_run(connection: duckdb.DuckDBPyConnection, run: RunRecord) -> None:
    """Record the run (a re-load of the same run replaces its summary)."""
    upsert(connection, "runs", arrow.run_table(run), ["run_id"])


def _last_by(records: Sequence[T], key: Callable[[T], str]) -> list[T]:
    """Keep the last record per key, in first-seen order."""
    chosen: dict[str, T] = {}
    for record in records:
        chosen[key(record)] = record
    return list(chosen.values())
