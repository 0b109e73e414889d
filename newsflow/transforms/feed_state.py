"""What a source's state becomes after one poll: validators, status and failure count."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from newsflow.models import FetchResult, ParsedFeed, Source, SourceState


def initial_state(source: Source, now: datetime) -> SourceState:
    """The state of a source the warehouse has never seen."""
    return SourceState(
        url=source.url, added_at=now, name=source.name, language=source.language, tags=source.tags
    )


def next_state(
    previous: SourceState, source: Source, fetch: FetchResult, parsed: ParsedFeed | None
) -> SourceState:
    """Fold one poll into the state. Validators are replaced only by a good, parsed response, so a
    broken document is fetched again in full next time; a 304 keeps them."""
    configured = dataclasses.replace(
        previous, name=source.name, language=source.language, tags=source.tags
    )
    error = fetch.error or (parsed.error if parsed else None)
    common = {"last_fetched_at": fetch.fetched_at, "last_status": fetch.status}
    if error:
        return dataclasses.replace(
            configured,
            **common,
            last_error=error,
            consecutive_failures=previous.consecutive_failures + 1,
        )
    healthy = dataclasses.replace(
        configured,
        **common,
        last_error=None,
        last_success_at=fetch.fetched_at,
        consecutive_failures=0,
    )
    if fetch.not_modified or parsed is None:
        return healthy
    return dataclasses.replace(
        healthy,
        etag=fetch.etag,
        last_modified=fetch.last_modified,
        title=parsed.title or previous.title,
        site_url=parsed.site_url or previous.site_url,
    )
