"""Re-run later stages from stored raw captures, without any network: after upgrading
trafilatura (`extract`, which also re-tags) or a tagger (`tag`)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from newsflow.errors import ConfigError
from newsflow.extractors.articles import EXTRACTOR
from newsflow.extractors.warc import CaptureRef, WarcError, read_capture
from newsflow.flows.pipeline import PageOutcome, extract_fetched
from newsflow.flows.retag import retag
from newsflow.models import Article, FeedEntry, FetchResult
from newsflow.transforms.dedup.batch import dedup_batch
from newsflow.warehouse.reprocess import (
    CapturedArticle,
    captured_articles,
    redo_dedup,
    replace_extractions,
)

BATCH = 200  # articles per transaction
STAGES = ("extract", "dedup", "tag")


@dataclass(frozen=True)
class ReprocessReport:
    """What a reprocess did."""

    stage: str
    articles: int  # articles considered
    changed: int  # whose text, title or extractor version changed
    failed: int  # unreadable capture, or no text any more (the stored article is kept)
    extractor: str


def reprocess(
    db_path: str | Path,
    stage: str = "extract",
    since: datetime | None = None,
    *,
    workers: int = 1,
    tagger: str | None = "lexicon",
    window: timedelta = timedelta(days=30),
    progress: Callable[[int], None] | None = None,
) -> ReprocessReport:
    """Re-run `stage` for the stored articles fetched since `since` (all when None): `extract`
    (and tag) from the raw captures, `dedup` (copies and clusters decided again, oldest first,
    looking `window` around each chunk), or `tag`. For `dedup`, `changed` counts the articles
    linked as copies."""
    if stage not in STAGES:
        raise ConfigError(f"--stage {stage!r}: expected one of {', '.join(STAGES)}")
    if stage == "dedup":
        articles, copies = redo_dedup(
            db_path, since, lambda batch, state: dedup_batch(batch, {}, state), window
        )
        return ReprocessReport(stage, articles, copies, 0, EXTRACTOR)
    if stage == "tag":
        if tagger is None:
            raise ConfigError("--stage tag needs a tagger (NEWSFLOW_TAGGER is 'none')")
        done = retag(db_path, tagger, since, every=True, workers=workers, progress=progress)
        return ReprocessReport(stage, done.articles, done.tagged, done.failed, EXTRACTOR)
    todo = captured_articles(db_path, since)
    changed = failed = 0
    for start in range(0, len(todo), BATCH):
        batch = todo[start : start + BATCH]
        outcomes, unreadable = _extract(batch, workers, tagger)
        kept = [(stored, o) for stored, o in zip(batch, outcomes, strict=True) if o and o.article]
        failed += unreadable + sum(1 for o in outcomes if o is not None and o.article is None)
        articles = [dataclasses.replace(o.article, article_id=s.article_id) for s, o in kept]
        changed += sum(
            1 for s, a in zip((s for s, _ in kept), articles, strict=True) if _differs(s, a)
        )
        enrichments = {s.article_id: o.enrichment for s, o in kept if o.enrichment is not None}
        replace_extractions(db_path, articles, enrichments)
        if progress:
            progress(start + len(batch))
    return ReprocessReport(stage, len(todo), changed, failed, EXTRACTOR)


def _extract(
    batch: Sequence[CapturedArticle], workers: int, tagger: str | None
) -> tuple[list[PageOutcome | None], int]:
    """Outcomes per stored article (None where its capture could not be read)."""
    readable, unreadable = [], 0
    for stored in batch:
        try:
            ref = CaptureRef(stored.warc_path, stored.warc_offset, stored.warc_length)
            readable.append((stored, read_capture(ref)))
        except (OSError, WarcError):
            unreadable += 1
    entries = [
        FeedEntry(source=s.source, link=s.url, guid=s.guid, published_at=s.published_at)
        for s, _ in readable
    ]
    fetches = [
        FetchResult(
            url=s.url,
            kind="article",
            source=s.source,
            fetched_at=capture.fetched_at,
            final_url=capture.url,
            status=capture.status or 200,
            body=capture.body,
            content_type=capture.content_type,
        )
        for s, capture in readable
    ]
    outcomes = iter(extract_fetched(entries, fetches, [None] * len(fetches), {}, workers, tagger))
    done = {s.article_id: next(outcomes) for s, _ in readable}
    return [done.get(s.article_id) for s in batch], unreadable


def _differs(stored: CapturedArticle, article: Article) -> bool:
    """The re-extraction changed the text or was made by another extractor version."""
    return stored.text != article.text or stored.extractor != article.extractor
