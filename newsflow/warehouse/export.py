"""Exports for people without newsflow: articles, topics and entities as Parquet, CSV or JSONL.

Written with DuckDB's COPY. Parquet is partitioned by day (Hive style, `day=2026-11-17/`), the
UTC date of publication (of fetching when an article has no date), so pyarrow, pandas, Spark
or DuckDB read the folder as one dataset and skip days by their folder. CSV and JSONL give one
file per table; CSV cells holding lists or maps are JSON text. Timestamps are ISO 8601 in UTC.
A `manifest.json` beside the files lists them with their row counts.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from newsflow import __version__
from newsflow.errors import WarehouseError
from newsflow.warehouse.db import connect

FORMATS = ("parquet", "csv", "jsonl")
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
MANIFEST = "manifest.json"
_NESTED = ("[]", "STRUCT(", "MAP(", "UNION(")

# The articles chosen (by day) with their story's size; the tables below refer to it.
_CHOSEN = """
CREATE OR REPLACE TEMP VIEW export_articles AS
SELECT a.*,
       c.articles AS cluster_articles,
       c.outlets AS cluster_outlets,
       CAST(timezone('UTC', coalesce(a.published_at, a.fetched_at)) AS DATE) AS day
FROM articles a
LEFT JOIN story_clusters c USING (cluster_id)
WHERE CAST(timezone('UTC', coalesce(a.published_at, a.fetched_at)) AS DATE)
      BETWEEN DATE '{since}' AND DATE '{until}'
"""
TABLES = {
    "articles": "SELECT * FROM export_articles ORDER BY day, published_at, article_id",
    "article_topics": (
        "SELECT t.*, a.day FROM article_topics t JOIN export_articles a USING (article_id)"
        " ORDER BY a.day, t.article_id, t.code"
    ),
    "article_entities": (
        "SELECT e.*, a.day FROM article_entities e JOIN export_articles a USING (article_id)"
        " ORDER BY a.day, e.article_id, e.kind, e.name"
    ),
}


@dataclass(frozen=True)
class ExportedTable:
    """One table written: its rows and files (relative to the export folder)."""

    name: str
    rows: int
    files: list[str]


@dataclass(frozen=True)
class ExportManifest:
    """What an export wrote, as saved in manifest.json."""

    format: str
    since: str
    until: str
    created_at: str
    newsflow_version: str
    tables: list[ExportedTable]


def export_articles(
    db_path: str | Path, out: str | Path, fmt: str, since: date, until: date | None = None
) -> ExportManifest:
    """Write the articles of days `since`..`until` (inclusive) and their topics and entities."""
    if fmt not in FORMATS:
        raise WarehouseError(f"export format {fmt!r}: expected one of {', '.join(FORMATS)}")
    until = until or datetime.now(UTC).date()
    out = Path(out)
    _clear_previous(out)
    out.mkdir(parents=True, exist_ok=True)
    with connect(db_path, read_only=True) as connection:
        # a view takes no parameters; ISO dates are safe literals
        connection.execute(_CHOSEN.format(since=since.isoformat(), until=until.isoformat()))
        tables = [_copy(connection, name, sql, out, fmt) for name, sql in TABLES.items()]
    created = datetime.now(UTC).isoformat()
    manifest = ExportManifest(
        fmt, since.isoformat(), until.isoformat(), created, __version__, tables
    )
    (out / MANIFEST).write_text(json.dumps(asdict(manifest), indent=2) + "\n", encoding="utf-8")
    return manifest


def _copy(
    connection: duckdb.DuckDBPyConnection, name: str, sql: str, out: Path, fmt: str
) -> ExportedTable:
    """COPY one table's query to its file (or day-partitioned folder)."""
    if fmt == "csv":
        sql = _nested_as_json(connection, sql)
    target = out / (name if fmt == "parquet" else f"{name}.{fmt}")
    literal = str(target).replace("'", "''")
    try:
        rows, files = connection.execute(
            f"COPY ({sql}) TO '{literal}' ({_options(fmt)}, RETURN_FILES)"
        ).fetchone() or (0, [])
    except duckdb.Error as exc:
        raise WarehouseError(f"{target}: export failed: {exc}") from None
    relative = sorted(str(Path(file).relative_to(out)) for file in files)
    return ExportedTable(name, int(rows), relative)


def _clear_previous(out: Path) -> None:
    """Delete the files of an earlier export to `out`; refuse to touch anything else."""
    manifest = out / MANIFEST
    if not manifest.exists():
        clashes = [out / f"{name}{suffix}" for name in TABLES for suffix in ("", ".csv", ".jsonl")]
        found = [str(path) for path in clashes if path.exists()]
        if found:
            raise WarehouseError(f"{found[0]} exists and is not from a newsflow export")
        return
    try:
        earlier = json.loads(manifest.read_text(encoding="utf-8"))
        files = [out / file for table in earlier["tables"] for file in table["files"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise WarehouseError(
            f"{manifest}: unreadable manifest of an earlier export: {exc}"
        ) from exc
    for file in files:
        file.unlink(missing_ok=True)
    for folder in sorted({f.parent for f in files}, key=lambda p: len(p.parts), reverse=True):
        while folder != out and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent
    manifest.unlink()


def _options(fmt: str) -> str:
    """COPY options of a format."""
    if fmt == "parquet":
        return "FORMAT parquet, COMPRESSION zstd, PARTITION_BY (day)"
    if fmt == "csv":
        return f"FORMAT csv, HEADER, TIMESTAMPFORMAT '{TIMESTAMP_FORMAT}'"
    return f"FORMAT json, TIMESTAMPFORMAT '{TIMESTAMP_FORMAT}'"


def _nested_as_json(connection: duckdb.DuckDBPyConnection, sql: str) -> str:
    """The query with list, struct and map columns turned into JSON text (for CSV cells)."""
    described = connection.execute(f"DESCRIBE {sql}").fetchall()
    columns = []
    for column, kind, *_ in described:
        quoted = '"' + column.replace('"', '""') + '"'
        nested = any(marker in kind for marker in _NESTED)
        columns.append(f"CAST(to_json({quoted}) AS VARCHAR) AS {quoted}" if nested else quoted)
    return f"SELECT {', '.join(columns)} FROM ({sql})"
