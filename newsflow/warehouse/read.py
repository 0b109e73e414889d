"""Reading what a run needs to know from the warehouse (short, read-only queries)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa

from newsflow.models import SourceState
from newsflow.warehouse import arrow
from newsflow.warehouse.db import connect


def source_states(db_path: str | Path, urls: Iterable[str]) -> dict[str, SourceState]:
    """The stored state of each given source URL that the warehouse knows."""
    wanted = pa.table({"url": pa.array(list(urls), pa.string())})
    with connect(db_path) as connection:
        connection.register("wanted", wanted)
        columns = ", ".join(f"s.{c}" for c in arrow.SOURCE_SCHEMA.names)
        rows = connection.execute(
            f"SELECT {columns} FROM sources s JOIN wanted w USING (url)"
        ).fetchall()
    states = {}
    for row in rows:
        fields = dict(zip(arrow.SOURCE_SCHEMA.names, row, strict=True))
        fields["tags"] = tuple(fields["tags"] or ())
        states[fields["url"]] = SourceState(**fields)
    return states


def known_urls(db_path: str | Path, urls: Iterable[str]) -> set[str]:
    """Those of `urls` already stored as an article's fetched or canonical URL."""
    wanted = pa.table({"url": pa.array(sorted(set(urls)), pa.string())})
    if not wanted.num_rows:
        return set()
    with connect(db_path) as connection:
        connection.register("wanted", wanted)
        rows = connection.execute(
            "SELECT w.url FROM wanted w WHERE w.url IN (SELECT url FROM articles)"
            " OR w.url IN (SELECT canonical_url FROM articles)"
        ).fetchall()
    return {url for (url,) in rows}
