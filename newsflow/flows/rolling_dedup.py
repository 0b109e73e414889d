"""One deduplicator kept across the batches of a backfill, instead of one rebuilt per batch.

An ingest decides one batch per run, so it rebuilds the index from the warehouse each time.
A backfill decides hundreds of batches in one run: rebuilding the index of every stored
article in the window for each batch costs time in proportion to what is stored, so a long
backfill would slow down batch after batch. `RollingDedup` loads the window once, keeps the
articles each batch adds (they are loaded before the next batch is decided), and reloads only
when a batch's event times reach outside what it holds; it then drops what lies beyond the
window again, so memory follows the window, not the backfill.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from newsflow.models import Article
from newsflow.transforms.dedup import Deduplicator, DedupState
from newsflow.transforms.dedup.batch import DedupBatch, dedup_batch, event_span
from newsflow.warehouse.read import dedup_state, stored_records


@dataclass
class RollingDedup:
    """The deduplicator of one backfill run, covering event times [since, until]."""

    window: timedelta
    reloads: int = 0
    _dedup: Deduplicator | None = None
    _since: datetime | None = None
    _until: datetime | None = None

    def decide(self, db: str, articles: Sequence[Article]) -> DedupBatch:
        """Link the batch's new articles to earlier copies and stories; find the revisions of
        the ones already stored (a backfill normally has none)."""
        span = event_span(articles)
        if span is None:
            return DedupBatch()
        stored = stored_records(db, [a.article_id for a in articles])
        refetched = [a for a in articles if a.article_id in stored]
        revised = dedup_batch(refetched, stored, DedupState()) if refetched else DedupBatch()
        new = [a for a in articles if a.article_id not in stored]
        if not new:
            return revised
        dedup = self._covering(db, span[0] - self.window, span[1] + self.window)
        before = dedup.merges()
        results = dedup.assign(new)
        merges = {old: kept for old, kept in dedup.merges().items() if before.get(old) != kept}
        return DedupBatch(tuple(results), merges, revised.revisions, revised.previous)

    def _covering(self, db: str, since: datetime, until: datetime) -> Deduplicator:
        """The deduplicator, reloaded from the warehouse when [since, until] is not inside
        what it holds. A reload reaches one more window ahead: a backfill read in time order
        then reloads about once per window of news."""
        held = self._dedup is not None and self._since <= since and until <= self._until
        if not held:
            self._since, self._until = since, until + self.window
            self._dedup = None  # freed before its successor loads: never two in memory
            self._dedup = Deduplicator.from_state(dedup_state(db, self._since, self._until))
            self.reloads += 1
        return self._dedup
