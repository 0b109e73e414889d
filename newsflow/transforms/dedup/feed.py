"""Feed-level dedup: which entries to fetch, given what the warehouse has already seen.

An entry is known when its source already gave the same GUID, or when its link's canonical
URL (host and AMP variants folded, see `extractors.urls.article_id`) or the link itself is
stored (a page whose `rel=canonical` named another URL). A known entry is not fetched again,
except as an update check while its article is young.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from newsflow.extractors.urls import article_id, canonical_url
from newsflow.models import FeedEntry

UPDATE_WINDOW = timedelta(hours=24)
RECHECK_EVERY = timedelta(hours=1)


@dataclass(frozen=True)
class SeenEntry:
    """What the warehouse knows of a stored article, for deciding about feed entries."""

    article_id: str
    source: str
    guid: str | None
    published_at: datetime | None
    fetched_at: datetime
    checked_at: datetime  # the last time its page was fetched
    url: str | None = None  # the URL its page was fetched from


@dataclass(frozen=True)
class FetchPlan:
    """Entries to fetch as new articles, entries to fetch as update checks, and the rest."""

    new: tuple[FeedEntry, ...]
    updates: tuple[tuple[FeedEntry, SeenEntry], ...]
    skipped: tuple[FeedEntry, ...]


def entry_id(entry: FeedEntry) -> str:
    """The article id an entry's link would get."""
    return article_id(canonical_url(entry.link))


def plan_fetches(
    entries: Iterable[FeedEntry],
    seen: Sequence[SeenEntry],
    now: datetime,
    update_window: timedelta = UPDATE_WINDOW,
    recheck_every: timedelta = RECHECK_EVERY,
) -> FetchPlan:
    """Split entries into new ones (first per article id and per source GUID), update checks
    (known, younger than `update_window`, not checked for `recheck_every`), and skipped."""
    by_guid = {(s.source, s.guid): s for s in seen if s.guid}
    by_id = {s.article_id: s for s in seen}
    by_url = {s.url: s for s in seen if s.url}
    new, updates, skipped = [], [], []
    taken: set[object] = set()
    for entry in entries:
        key_id, key_guid = entry_id(entry), (entry.source, entry.guid) if entry.guid else None
        if key_id in taken or (key_guid and key_guid in taken):
            skipped.append(entry)
            continue
        taken.update(k for k in (key_id, key_guid) if k)
        known = (
            (by_guid.get(key_guid) if key_guid else None)
            or by_id.get(key_id)
            or by_url.get(entry.link)
        )
        if known is None:
            new.append(entry)
        elif wants_update(known, now, update_window, recheck_every):
            updates.append((entry, known))
        else:
            skipped.append(entry)
    return FetchPlan(tuple(new), tuple(updates), tuple(skipped))


def wants_update(
    seen: SeenEntry, now: datetime, update_window: timedelta, recheck_every: timedelta
) -> bool:
    """Whether a stored article is young enough, and last checked long enough ago, to be
    fetched again to look for a corrected text."""
    born = seen.published_at or seen.fetched_at
    return now - born < update_window and now - seen.checked_at >= recheck_every
