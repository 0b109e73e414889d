"""Benchmark: publishing the analysts' snapshot of a large warehouse.

    uv run python bench/snapshot.py [--articles 200000]

Loads N synthetic articles (about 500 words each, through the real `load_run`, 20,000 per
transaction) into a fresh warehouse in a temporary folder, then times, side by side in one run:
a plain `shutil.copyfile` of the warehouse file, and `publish_snapshot` (checkpoint, copy under
the writer's lock, stamp and open the copy, atomic rename). Reported: file size, seconds of each,
and their ratio: what publishing adds to the copy it cannot avoid.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from newsflow.extractors.urls import article_id
from newsflow.models import Article, RunRecord
from newsflow.warehouse.load import load_run
from newsflow.warehouse.snapshot import publish_snapshot

START = datetime(2026, 1, 1, tzinfo=UTC)
PER_LOAD = 20_000


def articles(
    first: int, count: int, rng: random.Random, vocab: list[str], words: int = 500
) -> list[Article]:
    """Synthetic articles of `words` words (text and Markdown alike), 50 sources."""
    found = []
    for n in range(first, first + count):
        url = f"https://news{n % 50}.example/story/{n}"
        text = " ".join(rng.choices(vocab, k=words))
        moment = START + timedelta(minutes=n)
        found.append(
            Article(
                article_id=article_id(url),
                url=url,
                canonical_url=url,
                source=f"https://news{n % 50}.example/rss",
                title=" ".join(rng.choices(vocab, k=8)),
                text=text,
                markdown=text,
                language="en",
                published_at=moment,
                authors=("A. Writer",),
                site_name=f"News {n % 50}",
                description=None,
                fetched_at=moment,
                extractor="synthetic",
                word_count=words,
            )
        )
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200_000)
    args = parser.parse_args()
    rng = random.Random(3)
    vocab = [
        "".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=rng.randint(2, 9)))
        for _ in range(30_000)
    ]
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "w.duckdb"
        loaded = time.perf_counter()
        for first in range(0, args.articles, PER_LOAD):
            count = min(PER_LOAD, args.articles - first)
            run = RunRecord(f"bench-{first}", "bench", START, START, "completed")
            load_run(db, run, [], [], articles(first, count, rng, vocab))
        loaded = time.perf_counter() - loaded
        size = db.stat().st_size
        copy = time.perf_counter()
        shutil.copyfile(db, Path(folder) / "plain-copy.duckdb")
        copy = time.perf_counter() - copy
        (Path(folder) / "plain-copy.duckdb").unlink()
        publish = time.perf_counter()
        snapshot = publish_snapshot(db, Path(folder) / "w.analyst.duckdb")
        publish = time.perf_counter() - publish
        print(f"cores: {os.cpu_count()}")
        print(
            f"articles: {snapshot.articles:,}  warehouse: {size / 1e6:,.0f} MB "
            f"(loaded in {loaded:.1f} s)"
        )
        print(f"plain file copy:   {copy:6.2f} s")
        print(f"publish_snapshot:  {publish:6.2f} s  ({publish / copy:.2f}x the plain copy)")


if __name__ == "__main__":
    main()
