"""One run's dedup work: link new articles, compare refetched ones with their stored text."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from newsflow.models import Article
from newsflow.transforms.dedup.engine import (
    DedupConfig,
    Deduplicator,
    DedupResult,
    DedupState,
    event_time,
)
from newsflow.transforms.dedup.revisions import Revision, detect_revision


@dataclass(frozen=True)
class DedupBatch:
    """What the load stores for dedup: decisions of new articles, cluster merges, and the
    revisions of refetched ones (with the stored records they revise)."""

    results: tuple[DedupResult, ...] = ()
    merges: Mapping[str, str] = field(default_factory=dict)
    revisions: tuple[Revision, ...] = ()
    previous: Mapping[str, Article] = field(default_factory=dict)

    @property
    def duplicates(self) -> int:
        """New articles linked as exact or near copies."""
        return sum(1 for r in self.results if r.duplicate_of is not None)


def event_span(articles: Sequence[Article]) -> tuple[datetime, datetime] | None:
    """The earliest and latest event time of a batch (None when empty): the state to load is
    this span widened by the dedup window, so a backfill of old news finds its neighbours."""
    if not articles:
        return None
    times = [event_time(a) for a in articles]
    return min(times), max(times)


def dedup_batch(
    articles: Sequence[Article],
    stored: Mapping[str, Article],
    state: DedupState,
    config: DedupConfig | None = None,
) -> DedupBatch:
    """Articles already stored (by id) were refetched: each gives a revision when its text or
    headline changed. The others are new: each is decided against the state and the batch."""
    refetched = [a for a in articles if a.article_id in stored]
    new = [a for a in articles if a.article_id not in stored]
    dedup = Deduplicator.from_state(state, config)
    results = dedup.assign(new) if new else []
    revisions = [
        revision
        for article in refetched
        if (revision := detect_revision(stored[article.article_id], article)) is not None
    ]
    previous = {r.article_id: stored[r.article_id] for r in revisions}
    return DedupBatch(tuple(results), dedup.merges(), tuple(revisions), previous)
