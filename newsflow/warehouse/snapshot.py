"""The analysts' snapshot: a read-only copy of the warehouse, replaced atomically.

DuckDB lets one process write a file, and any process that holds the file open, even read-only,
keeps the writer out. So analysts never open the live warehouse: they open the snapshot, which
the ingest (after each load) and the maintenance flow publish. Publishing checkpoints the
warehouse, copies the file under the writer's lock, checks the copy opens, stamps it with a
`snapshot_info` row, and renames it over the previous snapshot. A connection already open on
the previous snapshot keeps reading it (the old file lives on until the last reader closes it);
a new connection sees the new one.

A DuckLake has no such lock (its readers never block a writer), and it is published too, as a
DuckDB file copied table by table: analysts and their tools get the same single file whatever
the backend, and the full-text index, which a lake cannot hold, is built in that copy.
"""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from newsflow.errors import WarehouseError
from newsflow.warehouse.db import LOCK_RETRY_SECONDS, connect
from newsflow.warehouse.location import Location, locate
from newsflow.warehouse.search import index_copy


@dataclass(frozen=True)
class Snapshot:
    """One published snapshot."""

    path: Path
    published_at: datetime
    articles: int
    size_bytes: int


def publish_snapshot(
    db_path: str | Path, snapshot_path: str | Path, wait: float = LOCK_RETRY_SECONDS
) -> Snapshot:
    """Copy the warehouse to `snapshot_path` atomically; the previous snapshot stays intact
    until the new one is complete and readable. A DuckLake is copied table by table into a
    DuckDB file (with the full-text index built there, when the lake asked for one)."""
    where, snapshot_path = locate(db_path), Path(snapshot_path)
    if where.file is not None and snapshot_path.resolve() == where.file.resolve():
        raise WarehouseError(f"{snapshot_path}: the snapshot cannot be the warehouse itself")
    snapshot_path.parent.mkdir(parents=True, exist_ok=True)
    partial = snapshot_path.with_name(f".{snapshot_path.name}.{uuid.uuid4().hex}.partial")
    try:
        with connect(db_path, wait=wait) as connection:
            articles = _copy(connection, where, partial)
        published_at = datetime.now(UTC)
        _stamp(partial, _source_name(where), published_at, index=where.lake)
        with open(partial, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, snapshot_path)
    finally:
        partial.unlink(missing_ok=True)
        partial.with_name(partial.name + ".wal").unlink(missing_ok=True)
    return Snapshot(
        snapshot_path,
        published_at,
        articles,
        snapshot_path.stat().st_size,
    )


def _copy(connection: duckdb.DuckDBPyConnection, where: Location, partial: Path) -> int:
    """Copy the warehouse to `partial`; the articles it holds."""
    if not where.lake:
        connection.execute("CHECKPOINT")
        articles = connection.execute("SELECT count(*) FROM articles").fetchone()
        shutil.copyfile(str(where.file), partial)  # consistent: checkpointed, we hold the lock
        return int(articles[0]) if articles else 0
    literal = str(partial).replace("'", "''")
    connection.execute(f"ATTACH '{literal}' AS snapshot_copy")
    try:
        connection.execute("BEGIN TRANSACTION")  # one lake snapshot for every table
        articles = connection.execute("SELECT count(*) FROM articles").fetchone()
        connection.execute("COPY FROM DATABASE warehouse TO snapshot_copy")
        connection.execute("COMMIT")
    except duckdb.Error as exc:
        connection.execute("ROLLBACK")
        raise WarehouseError(f"{where}: copying the lake failed: {exc}") from None
    finally:
        connection.execute("DETACH snapshot_copy")
    return int(articles[0]) if articles else 0


def _source_name(where: Location) -> str:
    """What `snapshot_info.warehouse` says the snapshot was copied from."""
    return str(where.file.resolve()) if where.file is not None and not where.lake else where.name


def _stamp(path: Path, source: str, published_at: datetime, index: bool = False) -> None:
    """Record in the copy when and from where it was published, and prove it opens; with
    `index`, build the full-text index the copied lake asked for."""
    try:
        copy = duckdb.connect(str(path))
    except duckdb.Error as exc:
        raise WarehouseError(f"{path}: the snapshot copy does not open: {exc}") from None
    try:
        copy.execute("SET TimeZone = 'UTC'")
        if index:
            index_copy(copy)
        copy.execute(
            "CREATE OR REPLACE TABLE snapshot_info AS "
            "SELECT ?::TIMESTAMPTZ AS published_at, ? AS warehouse, "
            "(SELECT max(version) FROM schema_migrations) AS schema_version",
            [published_at, source],
        )
        copy.execute("CHECKPOINT")
    except duckdb.Error as exc:
        raise WarehouseError(f"{path}: stamping the snapshot failed: {exc}") from None
    finally:
        copy.close()


def snapshot_published_at(snapshot_path: str | Path) -> datetime | None:
    """When the snapshot at this path was published, or None when there is none."""
    path = Path(snapshot_path)
    if not path.exists():
        return None
    with connect(path, read_only=True) as connection:
        row = connection.execute("SELECT published_at FROM snapshot_info").fetchone()
    return row[0] if row else None
