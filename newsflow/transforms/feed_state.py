"""What a source's state becomes after one poll: validators, health and next poll time."""

from __future__ import annotations

import dataclasses
import random
from datetime import datetime

from newsflow.models import FetchResult, ParsedFeed, Source, SourceEvent, SourceState
from newsflow.transforms.schedule import (
    failure_delay,
    healthy_interval,
    items_per_day,
    validators_lied,
)


def initial_state(source: Source, now: datetime) -> SourceState:
    """The state of a source the warehouse has never seen."""
    return SourceState(
        url=source.url,
        added_at=now,
        name=source.name,
        language=source.language,
        tags=source.tags,
        feed_url=source.url,
    )


def next_state(
    previous: SourceState,
    source: Source,
    fetch: FetchResult,
    parsed: ParsedFeed | None,
    rng: random.Random | None = None,
) -> SourceState:
    """Fold one poll into the state. `parsed` is None for a 304 or an unchanged body.

    Validators are replaced only by a good, parsed response, so a broken document is fetched
    again in full next time; a 304 keeps them."""
    now = fetch.fetched_at
    state = dataclasses.replace(
        previous,
        name=source.name,
        language=source.language,
        tags=source.tags,
        feed_url=previous.feed_url or source.url,
        last_fetched_at=now,
        last_status=fetch.status,
    )
    error = fetch.error or (parsed.error if parsed else None)
    if error:
        failures = previous.consecutive_failures + 1
        return dataclasses.replace(
            state,
            last_error=error,
            consecutive_failures=failures,
            next_fetch_at=now + failure_delay(fetch, failures, rng),
        )
    state = dataclasses.replace(
        state,
        feed_url=fetch.permanent_redirect or fetch.url,  # moved (301/308) or discovered
        last_error=None,
        last_success_at=now,
        consecutive_failures=0,
    )
    if fetch.status == 200:
        state = _after_full_response(state, previous, fetch, parsed)
    interval = healthy_interval(state.items_per_day, state.ttl_minutes, fetch.max_age)
    return dataclasses.replace(state, next_fetch_at=now + interval)


def _after_full_response(
    state: SourceState, previous: SourceState, fetch: FetchResult, parsed: ParsedFeed | None
) -> SourceState:
    """Validators, body hash and publishing rate from a 200 (parsed, or unchanged)."""
    lied = validators_lied(previous, fetch, fetch.body_hash)
    state = dataclasses.replace(
        state,
        etag=fetch.etag,
        last_modified=fetch.last_modified,
        body_hash=fetch.body_hash,
        validators_trusted=previous.validators_trusted and not lied,
        last_full_fetch_at=previous.last_full_fetch_at
        if fetch.sent_validators
        else fetch.fetched_at,
    )
    if parsed is None:
        return state
    return dataclasses.replace(
        state,
        title=parsed.title or previous.title,
        site_url=parsed.site_url or previous.site_url,
        items_per_day=items_per_day(parsed.entries, fetch.fetched_at) or previous.items_per_day,
        ttl_minutes=parsed.ttl_minutes,
    )


def source_events(
    previous: SourceState, state: SourceState, fetch: FetchResult
) -> list[SourceEvent]:
    """What an operator should hear about: a feed moved or discovered, lying validators."""
    events = []
    now = fetch.fetched_at
    if previous.feed_url and state.feed_url != previous.feed_url:
        kind = "discovered" if fetch.kind == "discovery" else "moved"
        events.append(SourceEvent(state.url, now, kind, f"{previous.feed_url} -> {state.feed_url}"))
    if previous.validators_trusted and not state.validators_trusted:
        detail = "content changed under an unchanged ETag/Last-Modified; polling without them"
        events.append(SourceEvent(state.url, now, "validators_untrusted", detail))
    return events
