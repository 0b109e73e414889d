"""Opening the DuckDB warehouse and applying numbered `.sql` migrations on start."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import duckdb

from newsflow.errors import WarehouseError

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
LOCK_RETRY_SECONDS = 60.0


@contextmanager
def connect(
    path: str | Path, read_only: bool = False, wait: float = LOCK_RETRY_SECONDS
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse (migrated when writable), retrying while another process holds it."""
    connection = _open(Path(path), read_only, wait)
    try:
        connection.execute("SET TimeZone = 'UTC'")
        if not read_only:
            migrate(connection)
        yield connection
    finally:
        connection.close()


def _open(path: Path, read_only: bool, wait: float) -> duckdb.DuckDBPyConnection:
    """duckdb.connect with lock-aware retries (DuckDB allows one writing process per file)."""
    if read_only and not path.exists():
        raise WarehouseError(f"{path}: no such warehouse (run an ingest first)")
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    deadline, delay = time.monotonic() + wait, 0.1
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or time.monotonic() >= deadline:
                raise WarehouseError(f"{path}: cannot open warehouse: {exc}") from None
        except duckdb.Error as exc:
            raise WarehouseError(f"{path}: cannot open warehouse: {exc}") from None
        time.sleep(delay)
        delay = min(delay * 2, 2.0)


def migrate(connection: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply every migration not yet recorded, each in its own transaction; return their names."""
    connection.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)"
    )
    rows = connection.execute("SELECT version FROM schema_migrations").fetchall()
    done = {version for (version,) in rows}
    applied = []
    for version, name, sql in available_migrations():
        if version in done:
            continue
        connection.execute("BEGIN TRANSACTION")
        try:
            connection.execute(sql)
            connection.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, ?)", [version, name, datetime.now(UTC)]
            )
            connection.execute("COMMIT")
        except duckdb.Error as exc:
            connection.execute("ROLLBACK")
            raise WarehouseError(f"migration {name} failed: {exc}") from None
        applied.append(name)
    return applied


def available_migrations() -> list[tuple[int, str, str]]:
    """(version, file name, SQL) of the bundled migrations, in order."""
    folder = resources.files("newsflow.warehouse") / "migrations"
    found = []
    for entry in folder.iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


def checkpoint(path: str | Path, wait: float = LOCK_RETRY_SECONDS) -> int:
    """Fold the write-ahead log into the warehouse file and reclaim free blocks; return the
    file's size in bytes afterwards."""
    with connect(path, wait=wait) as connection:
        connection.execute("FORCE CHECKPOINT")
    return Path(path).stat().st_size
