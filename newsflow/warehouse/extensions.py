"""DuckDB extensions loaded offline from the `duckdb-extension-<name>` packages.

Each package ships the extension built for one exact DuckDB version; it is LOADed from the file
inside the package, so nothing is downloaded or installed into the home folder. `fts` (search),
`ducklake` and `sqlite_scanner` (the DuckLake backend) are dependencies; `postgres_scanner` and
`httpfs` (a Postgres catalog, object-store data) come with the `lake-remote` extra.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import duckdb

from newsflow.errors import WarehouseError

# extension name -> the PyPI package that ships it
PACKAGES = {
    "fts": "duckdb-extension-fts",
    "ducklake": "duckdb-extension-ducklake",
    "sqlite_scanner": "duckdb-extension-sqlite-scanner",
    "postgres_scanner": "duckdb-extension-postgres-scanner",
    "httpfs": "duckdb-extension-httpfs",
}


def extension_path(name: str) -> Path:
    """The file of extension `name` shipped by its package for our DuckDB version."""
    package = PACKAGES.get(name, f"duckdb-extension-{name.replace('_', '-')}")
    try:
        folder = resources.files(f"duckdb_extension_{name}")
    except ModuleNotFoundError:
        raise WarehouseError(
            f"the DuckDB extension {name} needs the {package}=={duckdb.__version__} package"
        ) from None
    path = Path(str(folder / "extensions" / f"v{duckdb.__version__}" / f"{name}.duckdb_extension"))
    if not path.is_file():
        raise WarehouseError(
            f"{path}: no {name} extension for DuckDB {duckdb.__version__}"
            f" ({package} must have the same version as duckdb)"
        )
    return path


def load_extension(connection: duckdb.DuckDBPyConnection, name: str) -> None:
    """LOAD a bundled extension into a connection (no download, no INSTALL)."""
    path = str(extension_path(name)).replace("'", "''")
    connection.execute(f"LOAD '{path}'")
