"""The backfill checkpoint in the warehouse: one row per backfill, one per finished item.

Items are marked done by the load that stores their articles (see `load.load_run`), so what is
marked is exactly what is stored; these functions open and close a backfill and read its
progress."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb

from newsflow.warehouse.db import LOCK_RETRY_SECONDS, write


def begin_backfill(
    db_path: str | Path, backfill_id: str, inputs: str, wait: float = LOCK_RETRY_SECONDS
) -> set[str]:
    """Record the backfill (or find it again) and return the items it already finished."""
    now = datetime.now(UTC)

    def work(connection: duckdb.DuckDBPyConnection) -> list[tuple[str]]:
        connection.execute(
            "MERGE INTO backfills USING (SELECT ? AS backfill_id) b USING (backfill_id)"
            " WHEN MATCHED THEN UPDATE SET status = 'running', updated_at = ?"
            " WHEN NOT MATCHED THEN INSERT (backfill_id, inputs, created_at, updated_at, status)"
            " VALUES (?, ?, ?, ?, 'running')",
            [backfill_id, now, backfill_id, inputs, now, now],
        )
        return connection.execute(
            "SELECT item FROM backfill_items WHERE backfill_id = ?", [backfill_id]
        ).fetchall()

    rows = write(db_path, work, wait=wait, what=f"starting backfill {backfill_id}")
    return {item for (item,) in rows}


def finish_backfill(
    db_path: str | Path,
    backfill_id: str,
    status: str,
    items_total: int | None,
    wait: float = LOCK_RETRY_SECONDS,
) -> dict[str, int]:
    """Set the backfill's status and total; return its items per outcome."""

    def work(connection: duckdb.DuckDBPyConnection) -> list[tuple[str, int]]:
        connection.execute(
            "UPDATE backfills SET status = ?, updated_at = ?, "
            "items_total = coalesce(?, items_total) WHERE backfill_id = ?",
            [status, datetime.now(UTC), items_total, backfill_id],
        )
        return connection.execute(
            "SELECT outcome, count(*) FROM backfill_items WHERE backfill_id = ? GROUP BY 1",
            [backfill_id],
        ).fetchall()

    rows = write(db_path, work, wait=wait, what=f"finishing backfill {backfill_id}")
    return {outcome: count for outcome, count in rows}
