"""Dedup storage: the index state of a window, links and clusters, versions (migration 0003).

Every writer runs inside the caller's transaction (none begins or commits), bulk through Arrow,
and is idempotent: a decision already stored is kept (first decision wins), and a version is
added only when its text differs from the latest stored one.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

import duckdb
import pyarrow as pa

from newsflow.models import Article, FeedEntry
from newsflow.transforms.dedup import DedupResult, DedupState, Revision, SeenEntry, entry_id
from newsflow.transforms.dedup.revisions import version_hash
from newsflow.warehouse import arrow
from newsflow.warehouse.keys import insert_new

_TS = pa.timestamp("us", tz="UTC")
DEDUP_SCHEMA = pa.schema(
    [
        ("article_id", pa.string()),
        ("text_hash", pa.string()),
        ("duplicate_of", pa.string()),
        ("duplicate_kind", pa.string()),
        ("similarity", pa.float64()),
        ("cluster_id", pa.string()),
        ("event_at", _TS),
        ("words", pa.int32()),
        ("facts", pa.list_(pa.string())),
        ("protagonists", pa.list_(pa.string())),
        ("scheme", pa.string()),
        ("signature", pa.binary()),
        ("story_signature", pa.binary()),
        ("headline", pa.list_(pa.string())),
    ]
)
VERSION_SCHEMA = pa.schema(
    [
        ("article_id", pa.string()),
        ("seen_at", _TS),
        ("text_hash", pa.string()),
        ("title", pa.string()),
        ("text", pa.string()),
        ("markdown", pa.string()),
        ("title_changed", pa.bool_()),
        ("words_added", pa.int32()),
        ("words_removed", pa.int32()),
        ("diff", pa.string()),
        ("rank", pa.int32()),  # order of the versions of one article within the batch
    ]
)
# The columns of a decision that `articles` carries too.
DECISION = ("text_hash", "duplicate_of", "duplicate_kind", "similarity", "cluster_id")


def load_state(
    connection: duckdb.DuckDBPyConnection, since: datetime | None, until: datetime | None = None
) -> DedupState:
    """The stored results whose event time lies in [since, until] (None: unbounded), oldest
    first. Only the narrow keys are sorted in DuckDB; the wide rows (names, signatures) stream
    in chunks in storage order, each placed by its rank: sorting them whole held a copy of the
    window in DuckDB beside the one Python builds (bench/README, "Memory of long backfills").
    Names are interned (the same names recur in thousands of articles)."""
    columns = ", ".join(f"d.{name}" for name in DEDUP_SCHEMA.names)
    reader = connection.execute(
        "WITH ranks AS ("
        " SELECT article_id, row_number() OVER (ORDER BY event_at, article_id) AS position"
        " FROM article_dedup"
        " WHERE (? IS NULL OR event_at >= ?) AND (? IS NULL OR event_at <= ?))"
        f" SELECT r.position, {columns} FROM article_dedup d JOIN ranks r USING (article_id)",
        [since, since, until, until],
    ).to_arrow_reader(_STATE_CHUNK)
    ranked: list[tuple[int, DedupResult]] = []
    for chunk in reader:
        rows = chunk.to_pylist()
        ranked.extend((row.pop("position"), _stored_result(row)) for row in rows)
    ranked.sort(key=lambda pair: pair[0])
    return DedupState(tuple(result for _, result in ranked))


_STATE_CHUNK = 5_000
_NAME_LISTS = ("facts", "protagonists", "headline")


def _stored_result(fields: dict[str, object]) -> DedupResult:
    """One `article_dedup` row (by column name) as a result."""
    for name in _NAME_LISTS:
        fields[name] = tuple(sys.intern(n) for n in fields[name] or ())  # type: ignore[attr-defined]
    return DedupResult(**fields)  # type: ignore[arg-type]


def save_results(
    connection: duckdb.DuckDBPyConnection,
    results: Sequence[DedupResult],
    merges: Mapping[str, str] | None = None,
) -> int:
    """Store decisions and fingerprints (known article ids are left as they are), apply cluster
    merges, then copy the decisions onto `articles` rows that have none yet; return the number
    of new decisions."""
    if merges:
        merge_clusters(connection, merges)
    if not results:
        return 0
    unique = list({r.article_id: r for r in reversed(results)}.values())
    rows = [
        {n: list(v) if isinstance(v := getattr(r, n), tuple) else v for n in DEDUP_SCHEMA.names}
        for r in unique
    ]
    before = _count(connection, "article_dedup")
    batch = pa.Table.from_pylist(rows, schema=DEDUP_SCHEMA)
    insert_new(connection, "article_dedup", batch, ["article_id"])
    added = _count(connection, "article_dedup") - before
    sync_articles(connection)
    return added


def merge_clusters(connection: duckdb.DuckDBPyConnection, merges: Mapping[str, str]) -> None:
    """Relabel merged clusters (old cluster_id → surviving one) in both tables."""
    table = pa.table(
        {
            "old": pa.array(list(merges), pa.string()),
            "new": pa.array(list(merges.values()), pa.string()),
        }
    )
    connection.register("cluster_merges", table)
    try:
        for target in ("article_dedup", "articles"):
            connection.execute(
                f"UPDATE {target} SET cluster_id = m.new FROM cluster_merges m"
                f" WHERE {target}.cluster_id = m.old"
            )
    finally:
        connection.unregister("cluster_merges")


def sync_articles(connection: duckdb.DuckDBPyConnection) -> None:
    """Fill the dedup columns of articles that lack them from `article_dedup` (also repairs
    articles loaded after their decision was saved)."""
    updates = ", ".join(f"{c} = d.{c}" for c in DECISION)
    connection.execute(
        f"UPDATE articles SET {updates} FROM article_dedup d"
        " WHERE articles.article_id = d.article_id AND articles.text_hash IS NULL"
    )


def seen_entries(
    connection: duckdb.DuckDBPyConnection, entries: Iterable[FeedEntry]
) -> list[SeenEntry]:
    """Stored articles matching the entries by source and GUID, by article id or by the URL
    they were fetched from; with the last time their page was fetched."""
    entries = list(entries)
    wanted = pa.table(
        {
            "source": pa.array([e.source for e in entries], pa.string()),
            "guid": pa.array([e.guid for e in entries], pa.string()),
            "article_id": pa.array([entry_id(e) for e in entries], pa.string()),
            "link": pa.array([e.link for e in entries], pa.string()),
        }
    )
    connection.register("wanted_entries", wanted)
    try:
        rows = connection.execute(
            "WITH hits AS ("
            " SELECT a.* FROM articles a JOIN wanted_entries w"
            "  ON a.article_id = w.article_id OR a.url = w.link"
            "  OR (a.source = w.source AND a.guid = w.guid)),"
            " checks AS (SELECT url, max(fetched_at) AS checked_at FROM fetches"
            "  WHERE kind = 'article' AND url IN (SELECT url FROM hits) GROUP BY url)"
            " SELECT DISTINCT h.article_id, h.source, h.guid, h.published_at, h.fetched_at,"
            "  greatest(h.fetched_at, coalesce(c.checked_at, h.fetched_at)), h.url"
            " FROM hits h LEFT JOIN checks c USING (url)"
        ).fetchall()
    finally:
        connection.unregister("wanted_entries")
    return [SeenEntry(*row) for row in rows]


def stored_articles(
    connection: duckdb.DuckDBPyConnection, article_ids: Iterable[str]
) -> dict[str, Article]:
    """The current stored record of each given article id (to compare a refetch with).

    The ids are matched first, reading only that column; then the rows of the ones found are
    read by a list of ids. One join of `articles` with the wanted ids read whole row groups of
    text for a few matches: in a backfill, 400 MB more memory for one batch of a 40,000-article
    warehouse, growing with it."""
    wanted = pa.table({"article_id": pa.array(sorted(set(article_ids)), pa.string())})
    connection.register("wanted_ids", wanted)
    try:
        known = connection.execute(
            "SELECT article_id FROM articles JOIN wanted_ids USING (article_id)"
        ).fetchall()
    finally:
        connection.unregister("wanted_ids")
    if not known:
        return {}
    names = [n for n in arrow.ARTICLE_SCHEMA.names if n != "run_id"]
    rows = connection.execute(
        f"SELECT {', '.join(names)} FROM articles WHERE article_id IN"
        f" ({', '.join('?' * len(known))})",
        [article_id for (article_id,) in known],
    ).fetchall()
    found = {}
    for row in rows:
        fields = dict(zip(names, row, strict=True))
        for key in ("authors", "categories"):
            fields[key] = tuple(fields[key] or ())
        found[fields["article_id"]] = Article(**fields)
    return found


def save_revisions(
    connection: duckdb.DuckDBPyConnection,
    revisions: Sequence[Revision],
    previous: Mapping[str, Article],
    update_articles: bool = True,
) -> int:
    """Append versions: the previous text as version 1 when the article has none yet, then each
    revision unless its text is the latest stored one. The `articles` row then carries the
    newest text (when `update_articles`). Return the number of revisions added (versions after
    the first)."""
    if not revisions:
        return 0
    rows = [_first_version(previous[r.article_id]) for r in revisions if r.article_id in previous]
    seen: dict[str, int] = {}
    for revision in revisions:  # rank: the how-manieth revision of its article in this batch
        seen[revision.article_id] = seen.get(revision.article_id, 0) + 1
        rows.append(_version_row(revision, rank=seen[revision.article_id]))
    batch = pa.Table.from_pylist(rows, schema=VERSION_SCHEMA)
    connection.register("version_batch", batch)
    try:
        before = _count(connection, "article_versions", "version > 1")
        _append_versions(connection)
        added = _count(connection, "article_versions", "version > 1") - before
        if update_articles:
            _apply_latest(connection)
    finally:
        connection.unregister("version_batch")
    return added


def _append_versions(connection: duckdb.DuckDBPyConnection) -> None:
    """Insert the batch's versions one rank at a time, each only if it changes the latest."""
    ranks = connection.execute("SELECT DISTINCT rank FROM version_batch ORDER BY rank").fetchall()
    columns = "c.title, c.text, c.title_changed, c.words_added, c.words_removed, c.diff"
    for (rank,) in ranks:
        connection.execute(
            "WITH latest AS ("
            " SELECT article_id, max(version) AS version,"
            "  arg_max(text_hash, version) AS text_hash,"
            "  arg_max(title, version) AS title"
            " FROM article_versions GROUP BY article_id),"
            " candidates AS (SELECT DISTINCT ON (article_id) * FROM version_batch"
            "  WHERE rank = ? ORDER BY article_id, seen_at)"
            " INSERT INTO article_versions"
            f" SELECT c.article_id, coalesce(l.version, 0) + 1, c.seen_at, c.text_hash, {columns}"
            " FROM candidates c LEFT JOIN latest l USING (article_id)"
            " WHERE l.text_hash IS NULL OR l.text_hash <> c.text_hash"
            "  OR l.title IS DISTINCT FROM c.title",
            [rank],
        )


def _apply_latest(connection: duckdb.DuckDBPyConnection) -> None:
    """Give each revised article the text and headline of its latest version."""
    connection.execute(
        "WITH latest AS ("
        " SELECT v.article_id, v.title, v.text, b.markdown FROM article_versions v"
        " JOIN version_batch b USING (article_id, text_hash)"
        " QUALIFY row_number() OVER (PARTITION BY v.article_id ORDER BY v.version DESC) = 1)"
        " UPDATE articles SET title = l.title, text = l.text, markdown = l.markdown,"
        "  word_count = len(string_split_regex(trim(l.text), '\\s+'))"
        " FROM latest l WHERE articles.article_id = l.article_id"
        "  AND articles.text IS DISTINCT FROM l.text"
    )


def _first_version(article: Article) -> dict[str, object]:
    """Version 1 of an article: its text as first loaded."""
    return {
        "article_id": article.article_id,
        "seen_at": article.fetched_at,
        "text_hash": version_hash(article),
        "title": article.title,
        "text": article.text,
        "markdown": article.markdown,
        "rank": 0,
    }


def _version_row(revision: Revision, rank: int) -> dict[str, object]:
    """A revision as a version row."""
    fields = {name: getattr(revision, name, None) for name in VERSION_SCHEMA.names}
    return {**fields, "rank": rank}


def _count(connection: duckdb.DuckDBPyConnection, table: str, where: str = "TRUE") -> int:
    """Rows in a table (those matching `where`)."""
    row = connection.execute(f"SELECT count(*) FROM {table} WHERE {where}").fetchone()
    return int(row[0]) if row else 0
