"""Benchmark: the analysts' views on a warehouse of a million articles.

    uv run python bench/views.py [--articles 1000000] [--keep DIR]

Builds a warehouse with newsflow's migrations, then fills it in bulk with generated rows (SQL
over `range()`, so that a million articles take a minute, not an ingest): 1,000 sources over
90 days, N articles of about 150 words in five languages, one article fetch and one feed poll in
ten per article, dedup rows (one article in five a copy, stories of up to 8 articles), three
topics, two places and five keywords per article, and one revision in fifty. Then every view of
the warehouse is read in full (`SELECT * FROM view`, fetched as Arrow) and a few of the README's
example queries are run; each is timed once cold (first run after opening) and as the best of
three warm runs. Goal: each under 2 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

import duckdb

from newsflow.warehouse.db import connect

VIEWS = (
    "articles_unique",
    "story_clusters",
    "article_revisions",
    "topic_daily",
    "places_daily",
    "feed_health",
    "source_daily",
    "source_quality",
)
QUERIES = {
    "French articles per day on armed conflict in KP, last 30 days": """
        SELECT date_trunc('day', a.published_at) AS day, count(DISTINCT a.article_id)
        FROM articles_unique a
        JOIN article_topics t USING (article_id)
        JOIN article_entities e USING (article_id)
        WHERE a.language = 'fr' AND t.code = 'medtop:16000000'
          AND e.kind = 'country' AND e.code = 'KP'
          AND a.published_at > TIMESTAMPTZ '2026-11-30' - INTERVAL 30 DAY
        GROUP BY 1 ORDER BY 1""",
    "the 20 biggest stories of a week": """
        SELECT cluster_id, count(*) AS articles, count(DISTINCT source) AS outlets
        FROM articles
        WHERE published_at BETWEEN TIMESTAMPTZ '2026-11-01' AND TIMESTAMPTZ '2026-11-08'
        GROUP BY 1 ORDER BY 2 DESC LIMIT 20""",
    "top keywords of German articles": """
        SELECT e.name, count(*) FROM article_entities e JOIN articles a USING (article_id)
        WHERE e.kind = 'keyword' AND a.language = 'de' GROUP BY 1 ORDER BY 2 DESC LIMIT 25""",
}

FILL = [
    # 1,000 sources
    """INSERT INTO sources BY NAME
    SELECT 'https://outlet' || i || '.example/rss' AS url, 'Outlet ' || i AS name,
           ['en', 'fr', 'de', 'es', 'it'][1 + i % 5] AS language,
           'https://outlet' || i || '.example/rss' AS feed_url,
           200 AS last_status, 0 AS consecutive_failures,
           TIMESTAMPTZ '2026-11-30' AS last_fetched_at, TIMESTAMPTZ '2026-11-30' AS last_success_at,
           TIMESTAMPTZ '2026-09-01' AS added_at, 12.5 AS items_per_day
    FROM range(1000) t(i)""",
    # articles: i is the article number; the story is i // 8
    """INSERT INTO articles BY NAME
    SELECT md5('a' || i) AS article_id,
           'https://outlet' || (i % 1000) || '.example/story/' || i AS url,
           'https://outlet' || (i % 1000) || '.example/story/' || i AS canonical_url,
           'https://outlet' || (i % 1000) || '.example/rss' AS source,
           'Headline of story ' || (i // 8) || ' as outlet ' || (i % 1000) || ' tells it' AS title,
           repeat('Words of the story ' || (i // 8) || ' with more words about it. ', 15)
               AS text,
           ['en', 'fr', 'de', 'es', 'it'][1 + i % 5] AS language,
           TIMESTAMPTZ '2026-09-01' + to_seconds(i * 7776000 // $n) AS published_at,
           TIMESTAMPTZ '2026-09-01' + to_seconds(i * 7776000 // $n + 600) AS fetched_at,
           150 AS word_count, 'trafilatura 2.3.1' AS extractor, 'run-' || (i // 5000) AS run_id,
           md5('t' || i) AS text_hash,
           CASE WHEN i % 5 = 4 THEN md5('a' || (i - i % 8)) END AS duplicate_of,
           CASE WHEN i % 5 = 4 THEN 'near' END AS duplicate_kind,
           CASE WHEN i % 5 = 4 THEN 0.9 END AS similarity,
           md5('a' || (i - i % 8)) AS cluster_id
    FROM range($n) t(i)""",
    """INSERT INTO runs BY NAME
    SELECT 'run-' || r AS run_id, 'ingest' AS flow, TIMESTAMPTZ '2026-09-01' AS started_at,
           TIMESTAMPTZ '2026-09-01' AS finished_at, 'completed' AS status, 1000 AS sources,
           5000 AS articles_new
    FROM range($n // 5000 + 1) t(r)""",
    # one article fetch per article, one feed poll per ten articles
    """INSERT INTO fetches BY NAME
    SELECT 'f' || i AS fetch_id, 'run-' || (i // 5000) AS run_id,
           'https://outlet' || (i % 1000) || '.example/rss' AS source, 'article' AS kind,
           'https://outlet' || (i % 1000) || '.example/story/' || i AS url, 200 AS status,
           40000 AS bytes, 120.0 AS elapsed_ms,
           TIMESTAMPTZ '2026-09-01' + to_seconds(i * 7776000 // $n + 600) AS fetched_at,
           false AS not_modified
    FROM range($n) t(i)""",
    """INSERT INTO fetches BY NAME
    SELECT 'p' || i AS fetch_id, 'run-' || (i * 10 // 5000) AS run_id,
           'https://outlet' || (i % 1000) || '.example/rss' AS source, 'feed' AS kind,
           'https://outlet' || (i % 1000) || '.example/rss' AS url,
           CASE WHEN i % 50 = 0 THEN 503 ELSE 200 END AS status,
           CASE WHEN i % 50 = 0 THEN 'http' END AS error_class,
           8000 AS bytes, 80.0 AS elapsed_ms,
           TIMESTAMPTZ '2026-11-30' - to_seconds(i * 7776000 // ($n // 10)) AS fetched_at,
           i % 3 = 0 AS not_modified
    FROM range($n // 10) t(i)""",
    """INSERT INTO article_topics BY NAME
    SELECT md5('a' || i) AS article_id, 'iptc-mediatopic' AS scheme,
           ['medtop:16000000', 'medtop:11000000', 'medtop:04000000', 'medtop:15000000',
            'medtop:01000000', 'medtop:07000000'][1 + (i * 7 + k) % 6] AS code,
           'topic' AS label, 'topic' AS label_en, 1 AS level, 0.8 AS score,
           'lexicon' AS tagger, '3' AS tagger_version, ['term'] AS evidence
    FROM range($n) t(i), range(3) s(k)""",
    """INSERT INTO article_entities BY NAME
    SELECT md5('a' || i) AS article_id, 'country' AS kind,
           ['KP', 'KR', 'US', 'FR', 'DE', 'UA', 'RU', 'CN'][1 + (i + k * 3) % 8] AS code,
           'country ' || ((i + k * 3) % 8) AS name, 2 AS count, NULL AS score
    FROM range($n) t(i), range(2) s(k)""",
    """INSERT INTO article_entities BY NAME
    SELECT md5('a' || i) AS article_id, 'keyword' AS kind, NULL AS code,
           'keyword ' || ((i // 8 + k * 101) % 20000) AS name, 3 AS count, 0.05 AS score
    FROM range($n) t(i), range(5) s(k)""",
    """INSERT INTO article_dedup BY NAME
    SELECT md5('a' || i) AS article_id, md5('t' || i) AS text_hash,
           CASE WHEN i % 5 = 4 THEN md5('a' || (i - i % 8)) END AS duplicate_of,
           CASE WHEN i % 5 = 4 THEN 'near' END AS duplicate_kind,
           CASE WHEN i % 5 = 4 THEN 0.9 END AS similarity,
           md5('a' || (i - i % 8)) AS cluster_id,
           TIMESTAMPTZ '2026-09-01' + to_seconds(i * 7776000 // $n) AS event_at,
           150 AS words, ['Name ' || (i // 8)] AS facts, ['Name ' || (i // 8)] AS protagonists,
           'bench' AS scheme, ''::BLOB AS signature, ''::BLOB AS story_signature
    FROM range($n) t(i)""",
    """INSERT INTO article_versions BY NAME
    SELECT md5('a' || i) AS article_id, v AS version,
           TIMESTAMPTZ '2026-09-01' + to_seconds(i * 7776000 // $n + v * 3600) AS seen_at,
           md5('t' || i || v) AS text_hash, 'Headline ' || i AS title, 'Old words.' AS text,
           CASE WHEN v > 1 THEN v % 2 = 0 END AS title_changed,
           CASE WHEN v > 1 THEN 12 END AS words_added,
           CASE WHEN v > 1 THEN 4 END AS words_removed,
           CASE WHEN v > 1 THEN '-old +new' END AS diff
    FROM range(0, $n, 50) t(i), range(1, 3) s(v)""",
]


def build(path: Path, articles: int) -> float:
    """Create and fill the warehouse; seconds taken."""
    started = time.perf_counter()
    # each statement fills a table in one transaction of up to a million rows, far more than
    # newsflow ever writes at once: DuckDB's own memory limit, not newsflow's
    os.environ["NEWSFLOW_DUCKDB_MEMORY"] = "off"
    with connect(path) as connection:
        for statement in FILL:
            connection.execute(statement.replace("$n", str(articles)))
        connection.execute("CHECKPOINT")
    return time.perf_counter() - started


def timed(connection: duckdb.DuckDBPyConnection, sql: str) -> tuple[int, float, float]:
    """(rows, cold seconds, best warm seconds) of fetching the whole result as Arrow."""
    times, rows = [], 0
    for _ in range(4):
        started = time.perf_counter()
        rows = connection.execute(sql).to_arrow_table().num_rows
        times.append(time.perf_counter() - started)
    return rows, times[0], min(times[1:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="build (or reuse) the warehouse here")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="views-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"views-{args.articles}.duckdb"
    print(f"cores: {os.cpu_count()}  duckdb: {duckdb.__version__}  articles: {args.articles:,}")
    if not path.exists():
        print(f"built in {build(path, args.articles):.1f} s")
    print(f"warehouse: {path.stat().st_size / 2**20:,.0f} MB")
    connection = duckdb.connect(str(path), read_only=True)
    connection.execute("SET TimeZone = 'UTC'")
    print(f"{'view or query':<64} {'rows':>10} {'cold s':>8} {'warm s':>8}")
    for name, sql in [*((v, f"SELECT * FROM {v}") for v in VIEWS), *QUERIES.items()]:
        rows, cold, warm = timed(connection, sql)
        print(f"{name:<64} {rows:>10,} {cold:>8.3f} {warm:>8.3f}")
    connection.close()
    if not args.keep:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
