"""Opening the warehouse (a DuckDB file or a DuckLake) and applying numbered `.sql` migrations.

Every connection is to a DuckDB instance in which the warehouse is ATTACHed as `warehouse` and
made the default database (USE), so the rest of newsflow runs the same SQL on both backends:

- a **DuckDB file** is attached with row groups of `ROW_GROUP_SIZE` rows (DuckDB's default of
  122,880 makes every checkpoint rewrite the partly filled last row group: with 6 KB articles
  that is up to 800 MB per load; see bench/README.md, "Warehouse loads");
- a **DuckLake** (see `location`) is attached through the bundled `ducklake` extension, with
  its catalog's extension (`sqlite_scanner`, `postgres_scanner`), and `httpfs` when its data
  lives in an object store.

DuckLake has no PRIMARY KEY, UNIQUE or indexes: the migrations are written for DuckDB and
`lake_dialect` drops what a lake cannot hold; newsflow's inserts enforce the keys themselves
(anti-joins, MERGE), on both backends. On a DuckDB file too, the tables that grow with every
run carry no key since migration 0011 (each checkpoint rewrote their indexes); `write` lets one
thread of a process write a warehouse at a time, so two loads cannot both pass an anti-join.
Concurrent writers of a lake conflict at commit time; `write` runs a transaction again until
it commits or `wait` runs out.

Connections of one process to one DuckDB file share one DuckDB instance (named after it), as
`duckdb.connect(path)` does, so threads of a run can read while another writes; each connection
to a lake is a client of its own, and a closed one is kept for the next (two at most).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import TypeVar

import duckdb

from newsflow.errors import WarehouseError
from newsflow.settings import duckdb_memory, lake_data
from newsflow.warehouse.extensions import load_extension
from newsflow.warehouse.location import Location, locate

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
FILE_ONLY = "-- newsflow: file only\n"
LOCK_RETRY_SECONDS = 60.0
ALIAS = "warehouse"
ROW_GROUP_SIZE = 4096  # rows, a multiple of 2,048; measured: bench/README.md, "Warehouse loads"
# Nothing is downloaded at run time: extensions come from their packages (extensions.py).
_CONFIG = {"autoinstall_known_extensions": False}
# Errors of a lake's concurrent writer: its SQLite catalog's lock, a conflict at commit, a
# catalog read while another process commits (seen with two first migrations at once).
_RETRYABLE = ("database is locked", "conflict", "failed to load ducklake")
_OUT_OF_MEMORY = re.compile(r"could not allocate|failed to pin|out of memory", re.IGNORECASE)
T = TypeVar("T")
# Warehouses this process migrated already (a migration added later needs newer code anyway).
_MIGRATED: set[tuple[object, ...]] = set()
# Open lake connections kept for reuse: (name, read-only, NEWSFLOW_LAKE_DATA) -> connection.
_IDLE: dict[tuple[tuple[object, ...], bool, str | None], duckdb.DuckDBPyConnection] = {}
_IDLE_LIMIT = 2
_IDLE_LOCK = threading.Lock()
_WRITERS: dict[str, threading.RLock] = {}
_WRITERS_LOCK = threading.Lock()


@contextmanager
def connect(
    path: str | Path, read_only: bool = False, wait: float = LOCK_RETRY_SECONDS
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse (migrated when writable), retrying while another process holds it."""
    where = locate(path)
    connection = _idle(where, read_only) or _open(where, read_only, wait)
    try:
        connection.execute("SET TimeZone = 'UTC'")
        if not read_only and _identity(where) not in _MIGRATED:
            try:
                _retry(lambda: migrate(connection), where, wait, rollback=connection)
            except duckdb.Error as exc:
                raise WarehouseError(f"{where}: migration failed: {_message(exc)}") from None
            _MIGRATED.add(_identity(where))
        yield connection
    finally:
        _release(connection, where, read_only)


def _identity(where: Location) -> tuple[object, ...]:
    """A warehouse's name, and the identity of its file (a file deleted and made again is
    another warehouse)."""
    if where.file is not None and where.file.exists():
        stat = where.file.stat()
        return (where.name, stat.st_dev, stat.st_ino)
    return (where.name,)


def _idle(where: Location, read_only: bool) -> duckdb.DuckDBPyConnection | None:
    """A lake connection this process opened before and kept (its extensions loaded, the lake
    attached: that costs ~0.5 s per connection here), or None."""
    if not where.lake:
        return None
    with _IDLE_LOCK:
        return _IDLE.pop((_identity(where), read_only, lake_data()), None)


def _release(connection: duckdb.DuckDBPyConnection, where: Location, read_only: bool) -> None:
    """Close a connection; keep a lake's for the next `connect` while few are kept."""
    key = (_identity(where), read_only, lake_data())
    if where.lake:
        _rollback(connection)
        with _IDLE_LOCK:
            if key not in _IDLE and len(_IDLE) < _IDLE_LIMIT:
                _IDLE[key] = connection
                return
    connection.close()


def write(
    path: str | Path,
    work: Callable[[duckdb.DuckDBPyConnection], T],
    wait: float = LOCK_RETRY_SECONDS,
    what: str = "write",
) -> T:
    """Run `work` in one transaction and commit it; on a concurrent writer's conflict, roll
    back and run it again (DuckLake decides conflicts at commit) until `wait` seconds passed."""
    where = locate(path)
    with _writer(where), connect(path, wait=wait) as connection:

        def attempt() -> T:
            connection.execute("BEGIN TRANSACTION")
            result = work(connection)
            connection.execute("COMMIT")
            return result

        try:
            return _retry(attempt, where, wait, rollback=connection)
        except duckdb.Error as exc:
            raise WarehouseError(f"{where}: {what} failed: {_message(exc)}") from None


def _writer(where: Location) -> threading.RLock:
    """The lock that lets one thread of this process at a time write a warehouse: the tables
    that grow with every run have no keys (migration 0011; a lake has none at all), so two
    concurrent loads of one process could both pass the anti-join that keeps them. Another
    process cannot write a DuckDB file meanwhile; lakes still meet other processes' writers."""
    with _WRITERS_LOCK:
        return _WRITERS.setdefault(_digest(where), threading.RLock())


def _retry(
    attempt: Callable[[], T],
    where: Location,
    wait: float,
    rollback: duckdb.DuckDBPyConnection,
) -> T:
    """attempt(), again after a rollback while it fails for a concurrent writer (lakes only:
    a DuckDB file has one writer); other errors, and the last one, propagate."""
    deadline, delay = time.monotonic() + wait, 0.05
    while True:
        try:
            return attempt()
        except duckdb.Error as exc:
            _rollback(rollback)
            retry = where.lake and any(word in str(exc).lower() for word in _RETRYABLE)
            if not retry or time.monotonic() >= deadline:
                raise
        time.sleep(delay)
        delay = min(delay * 2, 2.0)


def _rollback(connection: duckdb.DuckDBPyConnection) -> None:
    """Roll back the open transaction, if there is one."""
    with contextlib.suppress(duckdb.Error):  # none was open (BEGIN failed, or COMMIT ended it)
        connection.execute("ROLLBACK")


def _open(where: Location, read_only: bool, wait: float) -> duckdb.DuckDBPyConnection:
    """A connection with the warehouse attached, retrying while another process holds it
    (DuckDB allows one writing process per file; a lake's SQLite catalog, one commit at a
    time)."""
    if read_only and where.file is not None and not _exists(where.file):
        raise WarehouseError(f"{where}: no such warehouse (run an ingest first)")
    if not read_only and where.file is not None:
        where.file.parent.mkdir(parents=True, exist_ok=True)
    deadline, delay = time.monotonic() + wait, 0.1
    while True:
        connection = _instance(where)
        try:
            _attach(connection, where, read_only)
            return connection
        except duckdb.Error as exc:
            connection.close()
            busy = any(word in str(exc).lower() for word in ("lock", "busy"))
            if not busy or time.monotonic() >= deadline:
                message = _message(exc)
                raise WarehouseError(f"{where}: cannot open warehouse: {message}") from None
        except BaseException:
            connection.close()
            raise
        time.sleep(delay)
        delay = min(delay * 2, 2.0)


def _attach(connection: duckdb.DuckDBPyConnection, where: Location, read_only: bool) -> None:
    """ATTACH the warehouse as `warehouse` (once per process and warehouse) and USE it."""
    if where.lake:
        target, options = _lake_attach(connection, where, read_only)
    else:
        target = str(where.file)
        options = ["READ_ONLY"] if read_only else [f"ROW_GROUP_SIZE {ROW_GROUP_SIZE}"]
    literal = target.replace("'", "''")
    listed = f" ({', '.join(options)})" if options else ""
    connection.execute(f"ATTACH IF NOT EXISTS '{literal}' AS {ALIAS}{listed}")
    row = connection.execute(
        "SELECT readonly FROM duckdb_databases() WHERE database_name = ?", [ALIAS]
    ).fetchone()
    if row and row[0] and not read_only:
        raise WarehouseError(f"{where}: open read-only in this process; close it first")
    connection.execute(f"USE {ALIAS}")
    if where.lake:
        _load_httpfs_for(connection)


def _lake_attach(
    connection: duckdb.DuckDBPyConnection, where: Location, read_only: bool
) -> tuple[str, list[str]]:
    """Load a lake's extensions (creating the lake when its catalog file is new); (ATTACH
    target, options)."""
    data = lake_data()
    _load_lake_extensions(connection, where, data)
    if where.file is not None and not _exists(where.file) and not read_only:
        _create_lake(where, data or f"{where.file}.files/")
    options = ["READ_ONLY"] if read_only else []
    if data is not None and not read_only:  # the catalog refuses one that differs from its own
        options.append("DATA_PATH '{}'".format(data.replace("'", "''")))
    return f"ducklake:{where.catalog}", options


def _load_lake_extensions(
    connection: duckdb.DuckDBPyConnection, where: Location, data: str | None = None
) -> None:
    """ducklake, its catalog's extension, and httpfs for data in an object store."""
    load_extension(connection, "ducklake")
    if where.catalog_kind in ("sqlite", "postgres", "mysql"):
        load_extension(connection, f"{where.catalog_kind}_scanner")
    if data is not None and _remote(data):
        load_extension(connection, "httpfs")


def _remote(path: str) -> bool:
    """Whether a data path is a URL (s3://, gs://, https:// …) rather than a folder."""
    return bool(re.match(r"^[a-z][a-z0-9+]+://", path)) and not path.startswith("file://")


def _load_httpfs_for(connection: duckdb.DuckDBPyConnection) -> None:
    """LOAD httpfs when the attached lake's data lives in an object store (its catalog says)."""
    row = connection.execute(
        f"SELECT value FROM ducklake_options('{ALIAS}') WHERE option_name = 'data_path'"
    ).fetchone()
    if row and row[0] and _remote(str(row[0])):
        load_extension(connection, "httpfs")


def _create_lake(where: Location, data: str) -> None:
    """Create a lake with a file catalog: made under a temporary name, then linked into place
    only if no other process got there first (two processes initialising one catalog at once
    leave it unreadable)."""
    assert where.file is not None
    temporary = where.file.with_name(f".{where.file.name}.{uuid.uuid4().hex}.new")
    catalog = where.catalog.replace(str(where.file), str(temporary))
    try:
        if where.catalog_kind == "sqlite":
            _new_sqlite_catalog(temporary)
        creator = duckdb.connect(config=_CONFIG)
        try:
            _load_lake_extensions(creator, where, data)
            literal, path = f"ducklake:{catalog}".replace("'", "''"), data.replace("'", "''")
            creator.execute(f"ATTACH '{literal}' AS new_lake (DATA_PATH '{path}')")
        finally:
            creator.close()
        with contextlib.suppress(FileExistsError):  # another process created it: use that one
            os.link(temporary, where.file)
    finally:
        for leftover in where.file.parent.glob(f"{temporary.name}*"):
            leftover.unlink()


def _new_sqlite_catalog(path: Path) -> None:
    """Create an empty SQLite catalog in WAL mode: readers then never block the writer, and of
    two writers the second fails at commit (and is retried) instead of locking both out."""
    catalog = sqlite3.connect(path)
    try:
        catalog.execute("PRAGMA journal_mode=WAL")
    finally:
        catalog.close()


def _exists(path: Path) -> bool:
    """A file that exists and is not empty (an interrupted first ATTACH leaves an empty one)."""
    return path.is_file() and path.stat().st_size > 0


def _instance(where: Location) -> duckdb.DuckDBPyConnection:
    """A connection to this process's DuckDB instance for a warehouse file (shared, as the file
    allows one writing instance), or to a new instance for a lake (each attaches the lake as a
    client of its own; a shared one hung in DuckDB's instance cache after a failed attach)."""
    config = dict(_CONFIG)
    if limit := duckdb_memory():
        config["memory_limit"] = limit
    if where.file is not None and not where.lake:  # what spills goes beside the file, not to ./
        config["temp_directory"] = f"{where.file}.tmp"
    if where.lake:
        return duckdb.connect(config=config)
    return duckdb.connect(f":memory:newsflow-{_digest(where)}", config=config)


def _digest(where: Location) -> str:
    """A short stable name for a warehouse's shared in-memory instance (one per file, however
    its path is written)."""
    key = where.name if where.file is None else f"{where.lake}:{where.file.resolve()}"
    return hashlib.blake2b(key.encode(), digest_size=8).hexdigest()


def _message(exc: BaseException) -> str:
    """An exception's message on one line; when DuckDB ran out of the memory newsflow gave
    it, the setting that raises it."""
    message = " | ".join(line for line in str(exc).splitlines() if line.strip())
    if _OUT_OF_MEMORY.search(message) or isinstance(exc, duckdb.OutOfMemoryException):
        limit = duckdb_memory() or "off"
        message += (
            f" | DuckDB is limited to NEWSFLOW_DUCKDB_MEMORY={limit} in this process:"
            " raise it (e.g. 2GB) or set it to off for this command"
        )
    return message


def migrate(connection: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply every migration not yet recorded, each in its own transaction; return their names.
    A migration whose first line is FILE_ONLY is only recorded on a lake (it changes what a
    lake does not have, such as keys)."""
    lake = is_lake_connection(connection)
    dialect = lake_dialect if lake else (lambda sql: sql)
    connection.execute(
        dialect(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)"
        )
    )
    rows = connection.execute("SELECT version FROM schema_migrations").fetchall()
    done = {version for (version,) in rows}
    applied = []
    for version, name, sql in available_migrations():
        if version in done:
            continue
        connection.execute("BEGIN TRANSACTION")
        try:
            recorded = connection.execute(  # a concurrent process may have applied it since
                "SELECT count(*) FROM schema_migrations WHERE version = ?", [version]
            ).fetchone()
            if recorded and recorded[0]:
                connection.execute("COMMIT")
                continue
            if not (lake and sql.startswith(FILE_ONLY)):
                connection.execute(dialect(sql))
            connection.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, ?)", [version, name, datetime.now(UTC)]
            )
            connection.execute("COMMIT")
        except duckdb.Error as exc:
            _rollback(connection)
            if lake:
                raise  # connect() runs them again while it fails for a concurrent writer
            raise WarehouseError(f"migration {name} failed: {_message(exc)}") from None
        applied.append(name)
    return applied


def is_lake_connection(connection: duckdb.DuckDBPyConnection) -> bool:
    """Whether the connection's warehouse is a DuckLake."""
    row = connection.execute(
        "SELECT type FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchone()
    return bool(row) and row[0] == "ducklake"


_INLINE_KEY = re.compile(r"(\s+NOT\s+NULL)?\s+PRIMARY\s+KEY\b", re.IGNORECASE)
_TABLE_KEY = re.compile(r",\s*PRIMARY\s+KEY\s*\([^)]*\)", re.IGNORECASE)
_INDEX = re.compile(
    r"^\s*(CREATE\s+(UNIQUE\s+)?|DROP\s+)INDEX\b[^;]*;", re.IGNORECASE | re.MULTILINE
)
_BOOLEAN_DEFAULT = re.compile(r"\bDEFAULT\s+(true|false)\b", re.IGNORECASE)
_COMMENT = re.compile(r"--[^\n]*")


def lake_dialect(sql: str) -> str:
    """A migration as DuckLake takes it: no keys or indexes (the loads enforce the keys; key
    columns stay NOT NULL), and
    boolean defaults written as text (a lake takes only literals there, and `true` is not)."""
    sql = _COMMENT.sub("", sql)  # comments may hold semicolons and parentheses
    sql = _TABLE_KEY.sub("", sql)
    sql = _INLINE_KEY.sub(" NOT NULL", sql)  # what a key column keeps of its key
    sql = _INDEX.sub("", sql)
    return _BOOLEAN_DEFAULT.sub(r"DEFAULT '\1'", sql)


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
    """Fold the write-ahead log into the warehouse file and reclaim free blocks (a DuckLake:
    flush inlined rows, merge small files, delete files no snapshot needs); return the size
    of the warehouse in bytes afterwards."""
    where = locate(path)
    with connect(path, wait=wait) as connection:
        if not where.lake:
            connection.execute("FORCE CHECKPOINT")
        else:
            connection.execute(f"CHECKPOINT {ALIAS}")
            return lake_size(connection)
    return Path(path).stat().st_size


def lake_size(connection: duckdb.DuckDBPyConnection) -> int:
    """Bytes of a lake's data and delete files, as its catalog records them."""
    row = connection.execute(
        "SELECT coalesce(sum(file_size_bytes + delete_file_size_bytes), 0)"
        f" FROM ducklake_table_info('{ALIAS}')"
    ).fetchone()
    return int(row[0]) if row else 0
