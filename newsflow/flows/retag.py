"""Re-tag stored articles after a lexicon or model change, without fetching anything."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from newsflow.flows.pipeline import extraction_pool
from newsflow.transforms.enrich import Enrichment, enrich_article
from newsflow.transforms.topics import get_tagger
from newsflow.warehouse.load import save_enrichments
from newsflow.warehouse.read import articles_to_retag
from newsflow.warehouse.topics import ArticleText

LOGGER = logging.getLogger(__name__)
BATCH = 500  # articles per transaction: a killed retag loses at most one batch of work


@dataclass(frozen=True)
class RetagReport:
    """What a retag did."""

    tagger: str
    tagger_version: str
    articles: int
    tagged: int  # articles given at least one topic
    failed: int  # articles whose enrichment raised


def retag(
    db_path: str | Path,
    tagger: str,
    since: datetime | None = None,
    *,
    every: bool = False,
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
) -> RetagReport:
    """Tag the stored articles fetched since `since` with `tagger`: those without tags from its
    current version (all of them with `every`). Each batch is saved in its own transaction,
    replacing the article's earlier tags from that tagger, its places and its keywords."""
    version = get_tagger(tagger).version  # an unknown tagger fails here, before any work
    todo = articles_to_retag(db_path, since, None if every else (tagger, version))
    tagged = failed = 0
    for start in range(0, len(todo), BATCH):
        batch = todo[start : start + BATCH]
        found = _enrich_all(batch, tagger, workers)
        failed += sum(1 for e in found.values() if e is None)
        done = {i: e for i, e in found.items() if e is not None}
        tagged += sum(1 for e in done.values() if e.tags)
        save_enrichments(db_path, done)
        if progress:
            progress(start + len(batch))
    return RetagReport(tagger, version, len(todo), tagged, failed)


def _enrich_all(
    articles: list[ArticleText], tagger: str, workers: int
) -> dict[str, Enrichment | None]:
    """Enrichments of a batch, in the extraction pool when there is more than one worker."""
    jobs = [(a.title, a.text, a.language, tagger) for a in articles]
    if workers > 1:
        results = list(extraction_pool(workers).map(_enrich_one, jobs, chunksize=16))
    else:
        results = [_enrich_one(job) for job in jobs]
    return {a.article_id: r for a, r in zip(articles, results, strict=True)}


def _enrich_one(job: tuple[str, str, str | None, str]) -> Enrichment | None:
    """One article's enrichment; None when it raised (logged, the batch goes on)."""
    try:
        return enrich_article(*job)
    except Exception as exc:  # one article must never stop a retag
        LOGGER.warning("enrichment failed: %r", exc)
        return None
