"""Keyed writes that run the same on a DuckDB file and on a DuckLake.

A lake enforces no PRIMARY KEY, so `ON CONFLICT` is not available there; these helpers keep
each table's key themselves, inside the caller's transaction: `insert_new` adds the rows of a
batch whose key is not stored yet (an anti-join; the first row of a key within the batch wins),
`upsert` inserts new keys and updates the given columns of known ones (MERGE). On a DuckDB file
only the small tables still declare their keys (migration 0011): the tables that grow with
every run rely on these helpers, and on `db.write` running one transaction at a time.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pyarrow as pa


def insert_new(
    connection: duckdb.DuckDBPyConnection, table: str, batch: pa.Table, key: Sequence[str]
) -> None:
    """Insert the rows of `batch` whose `key` columns match no row of `table`."""
    if not batch.num_rows:
        return
    columns = ", ".join(key)
    match = " AND ".join(f"t.{name} = b.{name}" for name in key)
    connection.register("keyed_batch", batch)
    try:
        connection.execute(
            f"INSERT INTO {table} BY NAME"
            f" SELECT * FROM (SELECT DISTINCT ON ({columns}) * FROM keyed_batch) b"
            f" WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE {match})"
        )
    finally:
        connection.unregister("keyed_batch")


def upsert(
    connection: duckdb.DuckDBPyConnection,
    table: str,
    batch: pa.Table,
    key: Sequence[str],
    kept: Sequence[str] = (),
) -> None:
    """Insert the rows of `batch` with new keys; overwrite known keys' columns, except the
    key and `kept` (the last row of a key within the batch wins)."""
    if not batch.num_rows:
        return
    updated = [name for name in batch.column_names if name not in (*key, *kept)]
    assignments = ", ".join(f"{name} = b.{name}" for name in updated)
    match = " AND ".join(f"{table}.{name} = b.{name}" for name in key)
    connection.register("keyed_batch", _last_per_key(batch, key))
    try:
        connection.execute(
            f"MERGE INTO {table} USING keyed_batch b ON {match}"
            f" WHEN MATCHED THEN UPDATE SET {assignments}"
            " WHEN NOT MATCHED THEN INSERT BY NAME"
        )
    finally:
        connection.unregister("keyed_batch")


def _last_per_key(batch: pa.Table, key: Sequence[str]) -> pa.Table:
    """The batch with only the last row of each key (MERGE takes one source row per target)."""
    last: dict[tuple[object, ...], int] = {}
    values = [batch.column(name).to_pylist() for name in key]
    for row, found in enumerate(zip(*values, strict=True)):
        last[found] = row
    if len(last) == batch.num_rows:
        return batch
    return batch.take(sorted(last.values()))
