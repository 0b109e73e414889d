"""Helpers for tests that run on both warehouse backends (fixtures: conftest.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from newsflow.warehouse.db import connect

BACKENDS = ("duckdb", "ducklake")


def fresh(folder: Path, backend: str, name: str = "w") -> str:
    """A warehouse name in `folder`: a DuckDB file, or a lake with a SQLite catalog."""
    if backend == "ducklake":
        return f"ducklake:sqlite:{folder / name}.sqlite"
    return str(folder / f"{name}.duckdb")


def query(db: str | Path, sql: str, params: Any = ()) -> list[tuple[Any, ...]]:
    """Rows of a query on a read-only connection (either backend)."""
    with connect(db, read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def count(db: str | Path, table: str) -> int:
    """Rows of a table."""
    return int(query(db, f"SELECT count(*) FROM {table}")[0][0])


def lake_copy(source: Path, folder: Path) -> str:
    """A new lake in `folder` with the rows of every table of a warehouse file."""
    lake = fresh(folder, "ducklake", "demo")
    with connect(lake) as con:
        tables = con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
        ).fetchall()
        literal = str(source).replace("'", "''")
        con.execute(f"ATTACH '{literal}' AS demo_file (READ_ONLY)")
        con.execute("BEGIN TRANSACTION")
        for (table,) in tables:
            if table != "schema_migrations":
                con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM demo_file.main.{table}")
        con.execute("COMMIT")
        con.execute("DETACH demo_file")
    return lake
