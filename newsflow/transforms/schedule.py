"""When to poll a source next: adaptive to its publishing rate, polite to its server's hints,
patient with its failures.

    healthy:  half the mean gap between its items, at least RSS <ttl> and Cache-Control/Expires,
              clamped to [5 min, 24 h]
    failing:  jittered exponential backoff; hard errors (404, 410, DNS, TLS, not a feed) start at
              2 h and stop at 7 days, soft ones (timeouts, 5xx, 429) start at 15 min and stop at
              24 h; Retry-After is honoured when longer. A source is never dropped.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta

from newsflow.models import FeedEntry, FetchResult, SourceState

MIN_INTERVAL = timedelta(minutes=5)
MAX_INTERVAL = timedelta(hours=24)
DEFAULT_INTERVAL = timedelta(minutes=15)
SOFT_BACKOFF = (timedelta(minutes=15), timedelta(hours=24))
HARD_BACKOFF = (timedelta(hours=2), timedelta(days=7))
FULL_CHECK_EVERY = timedelta(hours=24)  # an unconditional GET now and then catches stale 304s
RATE_WINDOW = timedelta(days=30)
HARD_STATUSES = frozenset({401, 403, 404, 410, 451})
HARD_CLASSES = frozenset({"dns", "tls", "blocked", "invalid_url", "not_a_feed"})


def is_due(state: SourceState | None, now: datetime) -> bool:
    """A source never polled, or whose next poll time has come."""
    return state is None or state.next_fetch_at is None or state.next_fetch_at <= now


def send_validators(state: SourceState | None, now: datetime) -> bool:
    """Conditional GET only with validators that have not lied, and not when a periodic full
    check is due."""
    if state is None or not (state.etag or state.last_modified) or not state.validators_trusted:
        return False
    checked = state.last_full_fetch_at
    return checked is not None and now - checked < FULL_CHECK_EVERY


def items_per_day(entries: Sequence[FeedEntry], now: datetime) -> float | None:
    """Publishing rate from the dates of a feed's recent items (None with fewer than two)."""
    dates = sorted(
        e.published_at for e in entries if e.published_at and now - e.published_at < RATE_WINDOW
    )
    if len(dates) < 2:
        return None
    span_days = max((dates[-1] - dates[0]).total_seconds() / 86400, 1 / 24)
    return (len(dates) - 1) / span_days


def healthy_interval(
    rate: float | None, ttl_minutes: int | None = None, max_age: float | None = None
) -> timedelta:
    """Time to the next poll of a source that answered well."""
    interval = timedelta(days=0.5 / rate) if rate else DEFAULT_INTERVAL
    if ttl_minutes:
        interval = max(interval, timedelta(minutes=ttl_minutes))
    if max_age:
        interval = max(interval, timedelta(seconds=max_age))
    return min(max(interval, MIN_INTERVAL), MAX_INTERVAL)


def is_hard_failure(fetch: FetchResult) -> bool:
    """Errors that will not go away by themselves soon."""
    return fetch.error_class in HARD_CLASSES or (
        fetch.error_class == "http" and fetch.status in HARD_STATUSES
    )


def failure_delay(fetch: FetchResult, failures: int, rng: random.Random | None = None) -> timedelta:
    """Backoff after the n-th consecutive failure, jittered ±20 %, Retry-After honoured."""
    base, cap = HARD_BACKOFF if is_hard_failure(fetch) else SOFT_BACKOFF
    delay = min(base * 2 ** max(failures - 1, 0), cap)
    delay *= (rng or random).uniform(0.8, 1.2)
    if fetch.retry_after:
        delay = max(delay, min(timedelta(seconds=fetch.retry_after), HARD_BACKOFF[1]))
    return delay


def validators_lied(previous: SourceState, fetch: FetchResult, body_hash: str | None) -> bool:
    """The content changed while a validator stayed the same: a 304 from this server may hide
    new items, so its validators are not to be sent any more."""
    if fetch.status != 200 or not previous.body_hash or body_hash == previous.body_hash:
        return False
    same_etag = bool(fetch.etag) and fetch.etag == previous.etag
    same_date = bool(fetch.last_modified) and fetch.last_modified == previous.last_modified
    return same_etag or same_date
