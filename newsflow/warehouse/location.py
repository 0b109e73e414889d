"""Where a warehouse lives: a DuckDB file, or a DuckLake (a catalog database plus Parquet data).

A warehouse is named by one string, the `--db` option or `NEWSFLOW_DB`:

    newsflow.duckdb                         a DuckDB file (the default)
    ducklake:sqlite:/data/news.sqlite       DuckLake, catalog in a SQLite file
    ducklake:postgres:dbname=news host=db1  DuckLake, catalog in Postgres
    ducklake:/data/news.ducklake            DuckLake, catalog in a DuckDB file (one process)

A DuckLake's data folder (or object-store URL) is given once, when the lake is created, by
`NEWSFLOW_LAKE_DATA`; the catalog remembers it. Without it, a lake with a catalog file keeps
its data in `<catalog file>.files/`. This module only parses names (no DuckDB here), so that
settings can place the spool, captures and snapshot beside any warehouse.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

LAKE_PREFIX = "ducklake:"
# Catalog databases that live in one local file (the others are servers).
_FILE_CATALOGS = ("sqlite:", "duckdb:")
# Companions (spool, captures, snapshot) of a lake whose catalog is a server are named after
# this file in the current folder, unless their own settings place them.
SERVER_LAKE_BASE = Path("newsflow.lake")


@dataclass(frozen=True)
class Location:
    """A parsed warehouse name."""

    name: str  # as given
    lake: bool
    catalog: str = ""  # a lake's catalog, as DuckLake's ATTACH takes it after 'ducklake:'
    file: Path | None = None  # the DuckDB file, or a lake's catalog file when it has one

    @property
    def catalog_kind(self) -> str:
        """'sqlite', 'postgres', 'duckdb' … of a lake's catalog ('' for a DuckDB file)."""
        if not self.lake:
            return ""
        head, colon, _ = self.catalog.partition(":")
        return head if colon and len(head) > 1 else "duckdb"

    @property
    def base(self) -> Path:
        """The local file its spool, captures and snapshot are named after."""
        return self.file if self.file is not None else SERVER_LAKE_BASE

    def __str__(self) -> str:
        return self.name


def locate(db: str | Path) -> Location:
    """Parse a warehouse name (see the module docstring)."""
    name = str(db)
    if not name.startswith(LAKE_PREFIX):
        return Location(name, lake=False, file=Path(name))
    catalog = name.removeprefix(LAKE_PREFIX)
    kind, colon, rest = catalog.partition(":")
    if colon and len(kind) > 1:  # 'sqlite:/x', 'postgres:…'; a bare path (or 'C:\…') otherwise
        file = Path(rest) if f"{kind}:" in _FILE_CATALOGS else None
    else:
        file = Path(catalog)
    return Location(name, lake=True, catalog=catalog, file=file)


def is_lake(db: str | Path) -> bool:
    """Whether a warehouse name is a DuckLake."""
    return str(db).startswith(LAKE_PREFIX)
