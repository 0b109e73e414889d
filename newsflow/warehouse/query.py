"""Ad-hoc read-only queries for the `newsflow sql` command."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from newsflow.errors import WarehouseError
from newsflow.warehouse.db import connect


def run_query(db_path: str | Path, query: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Column names and rows of one query, on a read-only connection."""
    with connect(db_path, read_only=True) as connection:
        try:
            result = connection.execute(query)
        except duckdb.Error as exc:
            raise WarehouseError(f"query failed: {exc}") from None
        columns = [d[0] for d in result.description or []]
        return columns, result.fetchall()
