"""Records to Arrow tables with explicit types, for bulk loads (no row-by-row inserts)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import pyarrow as pa

from newsflow.models import (
    Article,
    BackfillProgress,
    CaptureRecord,
    FetchResult,
    RunRecord,
    SourceEvent,
    SourceState,
)

_TS = pa.timestamp("us", tz="UTC")
_TEXT_LIST = pa.list_(pa.string())

ARTICLE_SCHEMA = pa.schema(
    [
        ("article_id", pa.string()),
        ("url", pa.string()),
        ("canonical_url", pa.string()),
        ("source", pa.string()),
        ("guid", pa.string()),
        ("title", pa.string()),
        ("text", pa.string()),
        ("markdown", pa.string()),
        ("language", pa.string()),
        ("published_at", _TS),
        ("authors", _TEXT_LIST),
        ("site_name", pa.string()),
        ("description", pa.string()),
        ("image", pa.string()),
        ("categories", _TEXT_LIST),
        ("word_count", pa.int32()),
        ("fetched_at", _TS),
        ("extractor", pa.string()),
        ("run_id", pa.string()),
    ]
)

FETCH_SCHEMA = pa.schema(
    [
        ("fetch_id", pa.string()),
        ("run_id", pa.string()),
        ("source", pa.string()),
        ("kind", pa.string()),
        ("url", pa.string()),
        ("final_url", pa.string()),
        ("status", pa.int32()),
        ("error_class", pa.string()),
        ("error", pa.string()),
        ("bytes", pa.int64()),
        ("elapsed_ms", pa.float64()),
        ("fetched_at", _TS),
        ("not_modified", pa.bool_()),
        ("sent_validators", pa.bool_()),
        ("content_type", pa.string()),
        ("etag", pa.string()),
        ("last_modified", pa.string()),
        ("body_hash", pa.string()),
        ("retry_after", pa.float64()),
    ]
)

SOURCE_SCHEMA = pa.schema(
    [
        ("url", pa.string()),
        ("name", pa.string()),
        ("language", pa.string()),
        ("tags", _TEXT_LIST),
        ("title", pa.string()),
        ("site_url", pa.string()),
        ("etag", pa.string()),
        ("last_modified", pa.string()),
        ("last_status", pa.int32()),
        ("last_error", pa.string()),
        ("last_fetched_at", _TS),
        ("last_success_at", _TS),
        ("consecutive_failures", pa.int32()),
        ("added_at", _TS),
        ("feed_url", pa.string()),
        ("next_fetch_at", _TS),
        ("body_hash", pa.string()),
        ("validators_trusted", pa.bool_()),
        ("items_per_day", pa.float64()),
        ("ttl_minutes", pa.int32()),
        ("last_full_fetch_at", _TS),
    ]
)

EVENT_SCHEMA = pa.schema(
    [("url", pa.string()), ("event_at", _TS), ("kind", pa.string()), ("detail", pa.string())]
)


def articles_table(articles: Sequence[Article], run_id: str | None) -> pa.Table:
    """The `articles` rows of a load."""
    rows = [{**_fields(a), "run_id": run_id} for a in articles]
    return pa.Table.from_pylist(rows, schema=ARTICLE_SCHEMA)


def fetches_table(fetches: Sequence[FetchResult], run_id: str | None) -> pa.Table:
    """The `fetches` rows of a load (bodies are not stored here)."""
    rows = [
        {
            **_fields(f),
            "run_id": run_id,
            "bytes": f.wire_bytes,
            "not_modified": f.not_modified,
        }
        for f in fetches
    ]
    return pa.Table.from_pylist(rows, schema=FETCH_SCHEMA)


def sources_table(states: Sequence[SourceState]) -> pa.Table:
    """The `sources` rows of a load."""
    return pa.Table.from_pylist([_fields(s) for s in states], schema=SOURCE_SCHEMA)


def events_table(events: Sequence[SourceEvent]) -> pa.Table:
    """The `source_events` rows of a load."""
    return pa.Table.from_pylist([_fields(e) for e in events], schema=EVENT_SCHEMA)


def run_table(run: RunRecord) -> pa.Table:
    """The one `runs` row of a load."""
    return pa.Table.from_pylist([_fields(run)])


def _fields(record: Any) -> dict[str, Any]:
    """A dataclass as a dict, tuples turned into lists (Arrow's list type)."""
    return {
        f.name: list(v) if isinstance(v := getattr(record, f.name), tuple) else v
        for f in dataclasses.fields(record)
    }


CAPTURE_SCHEMA = pa.schema(
    [
        ("fetch_id", pa.string()),
        ("url", pa.string()),
        ("article_id", pa.string()),
        ("fetched_at", _TS),
        ("status", pa.int32()),
        ("content_type", pa.string()),
        ("warc_path", pa.string()),
        ("warc_offset", pa.int64()),
        ("warc_length", pa.int64()),
        ("run_id", pa.string()),
    ]
)


def captures_table(captures: Sequence[CaptureRecord], run_id: str) -> pa.Table:
    """Capture records, each tagged with the run that loaded it."""
    rows = [{**dataclasses.asdict(c), "run_id": run_id} for c in captures]
    return pa.Table.from_pylist(rows, schema=CAPTURE_SCHEMA)


BACKFILL_ITEM_SCHEMA = pa.schema(
    [
        ("backfill_id", pa.string()),
        ("item", pa.string()),
        ("outcome", pa.string()),
        ("run_id", pa.string()),
        ("done_at", _TS),
    ]
)


def backfill_items_table(progress: BackfillProgress, run_id: str, done_at: datetime) -> pa.Table:
    """The items a backfill batch finished, with their outcome."""
    items = [item for item, _ in progress.items]
    return pa.table(
        [
            pa.array([progress.backfill_id] * len(items), pa.string()),
            pa.array(items, pa.string()),
            pa.array([outcome for _, outcome in progress.items], pa.string()),
            pa.array([run_id] * len(items), pa.string()),
            pa.array([done_at] * len(items), _TS),
        ],
        schema=BACKFILL_ITEM_SCHEMA,
    )
