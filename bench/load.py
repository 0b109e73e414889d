"""Benchmark: warehouse load throughput of `load_run`, next to the plain-DuckDB floor.

    uv run python bench/load.py [--articles 100000] [--words 500] [--backend duckdb|ducklake|both]
                                [--text real|random]

Generates N synthetic articles first (untimed; `--words` words of text, the same as Markdown),
their words either `real` (the default when ../shared/data/extraction is there: each article a
run of `--words` consecutive words from a random place in the texts newsflow extracts from the
1,143 real pages of that corpus, so every text is distinct and reads like news) or `random`
(words of random letters from a vocabulary of 30,000). The two load differently: DuckDB
compresses the random words with FSST, which costs time, and stores the real text uncompressed
(the script prints how the `text` column was stored).

Per backend, the articles are loaded into a fresh warehouse in a temporary folder through the
real `load_run`, one run per batch of 20,000 (each one transaction, as an ingest does), each
load timed; then one more load of 100 articles into the full warehouse (an ingest's usual
size). Side by side in the same run, the floor: the same batches as ready Arrow tables
inserted with one `INSERT INTO articles BY NAME SELECT * FROM batch` each (and a CHECKPOINT on
a DuckDB file) into another fresh warehouse of the same schema, on the DuckDB file twice:
opened with DuckDB's defaults, and as newsflow opens it (row groups of 4,096 rows). Reported:
rows/s and MB/s (of the Arrow batches: text, Markdown and the other columns), and `load_run` as
a share of the floor as newsflow opens the warehouse.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import real_pages
from snapshot import articles

from newsflow.extractors.articles import extract_page
from newsflow.models import Article, RunRecord
from newsflow.warehouse import arrow
from newsflow.warehouse.db import connect
from newsflow.warehouse.load import load_run

START = datetime(2026, 1, 1, tzinfo=UTC)
PER_LOAD = 20_000


def make_articles(
    count: int, words: int, seed: int = 3, stream: list[str] | None = None
) -> list[Article]:
    """Synthetic articles of `words` words (text and Markdown alike), 50 sources; with a
    `stream` of real words, each text is `words` of them from a random offset."""
    rng = random.Random(seed)
    vocab = [
        "".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=rng.randint(2, 9)))
        for _ in range(30_000)
    ]
    made = articles(0, count, rng, vocab, words)
    if stream is None:
        return made
    real = []
    for article in made:
        start = rng.randrange(len(stream) - words)
        text = " ".join(stream[start : start + words])
        real.append(dataclasses.replace(article, text=text, markdown=text))
    return real


def real_words() -> list[str]:
    """The words of every text newsflow extracts from the real pages, in corpus order."""
    stream = []
    for html in real_pages.load_pages():
        page = extract_page(html, "https://example.org/", need_date=False)
        if page is not None:
            stream += page.text.split()
    return stream


def batches(articles: list[Article]) -> list[list[Article]]:
    """Consecutive slices of PER_LOAD articles."""
    return [articles[i : i + PER_LOAD] for i in range(0, len(articles), PER_LOAD)]


def time_load_run(db: str, chunks: list[list[Article]]) -> list[float]:
    """Seconds of each `load_run`, one run per chunk (the warehouse is created and migrated
    first, untimed, as for the floor)."""
    with connect(db):
        pass
    seconds = []
    for number, chunk in enumerate(chunks):
        run = RunRecord(f"bench-{number}", "bench", START, START, "completed")
        began = time.perf_counter()
        load_run(db, run, [], [], chunk)
        seconds.append(time.perf_counter() - began)
    return seconds


def time_floor(
    db: str, tables: list[pa.Table], checkpoint: bool, defaults: bool = False
) -> list[float]:
    """Seconds of each plain bulk insert of a ready Arrow batch into a migrated warehouse
    (opened by newsflow, or with `defaults` by plain `duckdb.connect`)."""
    with connect(db):  # migrated outside the timing
        pass
    seconds = []
    opened = duckdb.connect(db) if defaults else connect(db)
    with opened as connection:
        for table in tables:
            began = time.perf_counter()
            connection.register("batch", table)
            connection.execute("INSERT INTO articles BY NAME SELECT * FROM batch")
            connection.unregister("batch")
            if checkpoint:
                connection.execute("CHECKPOINT")
            seconds.append(time.perf_counter() - began)
    return seconds


def time_small_load(db: str, count: int, words: int, stream: list[str] | None) -> float:
    """Seconds of one `load_run` of `count` new articles into the (full) warehouse."""
    fresh = make_articles(count, words, seed=4, stream=stream)
    fresh = [dataclasses.replace(a, article_id=f"small-{n}") for n, a in enumerate(fresh)]
    run = RunRecord("bench-small", "bench", START, START, "completed")
    began = time.perf_counter()
    load_run(db, run, [], [], fresh)
    return time.perf_counter() - began


def text_storage(db: str) -> str:
    """How DuckDB stored the `text` column: its segments per compression."""
    with connect(db, read_only=True) as connection:
        rows = connection.execute(
            "SELECT compression, count(*) FROM pragma_storage_info('articles')"
            " WHERE column_name = 'text' AND segment_type = 'VARCHAR' GROUP BY 1 ORDER BY 2 DESC"
        ).fetchall()
    return ", ".join(f"{kind} ({segments} segments)" for kind, segments in rows)


def report(label: str, seconds: list[float], rows: int, megabytes: float) -> float:
    """Print one line of figures; return rows/s."""
    total = sum(seconds)
    per_load = ", ".join(f"{s:.2f}" for s in seconds)
    print(
        f"  {label:<38} {rows / total:>9,.0f} rows/s {megabytes / total:>7.1f} MB/s"
        f"  ({total:.1f} s; per load: {per_load})"
    )
    return rows / total


def warehouses(folder: Path, backend: str) -> tuple[str, str, bool]:
    """(load_run's warehouse, the floor's warehouse, whether the floor checkpoints)."""
    if backend == "ducklake":
        return (
            f"ducklake:sqlite:{folder / 'run.sqlite'}",
            f"ducklake:sqlite:{folder / 'floor.sqlite'}",
            False,
        )
    return str(folder / "run.duckdb"), str(folder / "floor.duckdb"), True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--words", type=int, default=500)
    parser.add_argument("--backend", choices=("duckdb", "ducklake", "both"), default="both")
    parser.add_argument(
        "--text",
        choices=("real", "random"),
        default="real" if real_pages.available() else "random",
    )
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}")
    if args.text == "real" and not real_pages.available():
        print("skipped: --text real needs ../shared/data/extraction")
        return
    made = time.perf_counter()
    stream = real_words() if args.text == "real" else None
    if stream is not None:
        print(f"real text: {len(stream):,} words from the extraction corpora")
    articles = make_articles(args.articles, args.words, stream=stream)
    chunks = batches(articles)
    began = time.perf_counter()
    tables = [arrow.articles_table(chunk, "floor") for chunk in chunks]
    arrow_seconds = time.perf_counter() - began
    megabytes = sum(t.nbytes for t in tables) / 1e6
    print(
        f"articles: {args.articles:,} of {args.words} {args.text} words,"
        f" {megabytes / args.articles * 1e3:.1f} KB/row in Arrow ({megabytes:,.0f} MB);"
        f" generated in {began - made:.1f} s;"
        f" arrow.articles_table: {args.articles / arrow_seconds:,.0f} rows/s"
    )
    backends = ("duckdb", "ducklake") if args.backend == "both" else (args.backend,)
    for backend in backends:
        with tempfile.TemporaryDirectory() as folder:
            run_db, floor_db, checkpoint = warehouses(Path(folder), backend)
            print(f"{backend}:")
            if backend == "duckdb":
                report(
                    "floor, DuckDB's defaults",
                    time_floor(str(Path(folder) / "defaults.duckdb"), tables, True, True),
                    args.articles,
                    megabytes,
                )
            floor = report(
                "floor, as newsflow opens it",
                time_floor(floor_db, tables, checkpoint),
                args.articles,
                megabytes,
            )
            loaded = report(
                "load_run (20,000 per run)",
                time_load_run(run_db, chunks),
                args.articles,
                megabytes,
            )
            small = time_small_load(run_db, 100, args.words, stream)
            print(f"  load_run / floor: {loaded / floor:.2f}")
            if backend == "duckdb":
                print(f"  text column stored as: {text_storage(run_db)}")
            print(f"  then one load_run of 100 articles: {small:.2f} s")


if __name__ == "__main__":
    main()
