"""Benchmark: the whole `Deduplicator` (copies and story clusters) over a long stream.

    uv run python bench/dedup_stream.py                   # 30,000 articles, batches of 500
    uv run python bench/dedup_stream.py --articles 100000
    uv run python bench/dedup_stream.py --state DIR/w.duckdb   # a kept backfill_warc.py --out DIR

The articles are the demo site's distinct benchmark copies (`DemoSite(copies=K,
distinct=True)`: the stories the WARC backfill benchmark serves, one in ten a near copy of
another), built as the pipeline would build them from the gold text, without extraction.
They go through one `Deduplicator` in batches, as a backfill's `RollingDedup` feeds it, so
the figures are the main process's dedup cost of `backfill_warc.py` without its I/O.
Reported: articles per CPU-second for each tenth of the stream (a cost that grows with what
is held shows as a falling rate), the calls of `same_event` per article, the copies and
clusters found, the process's peak RSS, and a digest of every decision (two versions
with the same digest decided alike). With `--state`, instead: the memory of loading
a warehouse's whole dedup state (what a run does first) and of building the index from it.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import time
from collections import Counter

from newsflow.flows.demo.site import DemoSite
from newsflow.models import Article
from newsflow.transforms.dedup import Deduplicator, DedupResult, engine

BASE = "http://bench.test"


def demo_stream(count: int) -> list[Article]:
    """`count` distinct demo copies as articles, in publication order."""
    probe = DemoSite(BASE, copies=2, distinct=True)
    per_copy = max(1, sum(1 for a in probe.articles if a.status == "ok") // 2)
    site = DemoSite(BASE, copies=2 + count // per_copy, distinct=True)
    made = list(site.gold_articles().values())
    made.sort(key=lambda a: (a.published_at, a.article_id))
    return made[:count]


def measure_state(path: str) -> None:
    """RSS after loading a warehouse's dedup state, and after building a Deduplicator of it."""
    import duckdb

    from newsflow.warehouse.dedup import load_state

    def rss() -> float:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20

    def peak() -> float:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    connection = duckdb.connect(path, read_only=True)
    print(f"RSS before: {rss():,.0f} MB")
    started = time.process_time()
    state = load_state(connection, since=None)
    print(
        f"load_state: {len(state.results):,} results in {time.process_time() - started:.1f} CPU-s;"
        f" RSS {rss():,.0f} MB, peak {peak():,.0f} MB"
    )
    started = time.process_time()
    dedup = Deduplicator.from_state(state)
    print(
        f"Deduplicator.from_state: {len(dedup):,} rows in {time.process_time() - started:.1f} "
        f"CPU-s; RSS {rss():,.0f} MB, peak {peak():,.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=30_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--state", help="a warehouse file: measure loading its dedup state")
    args = parser.parse_args()
    if args.state:
        measure_state(args.state)
        return
    print(f"cores: {os.cpu_count()}  articles: {args.articles:,}  batch: {args.batch}")

    started = time.process_time()
    articles = demo_stream(args.articles)
    print(f"{len(articles):,} articles generated in {time.process_time() - started:.1f} CPU-s")

    calls = Counter()
    same_event = engine.same_event

    def counted(*args: object) -> bool:
        calls["same_event"] += 1
        return same_event(*args)  # type: ignore[arg-type]

    engine.same_event = counted  # type: ignore[assignment]
    dedup, results = Deduplicator(), []
    tenth = max(1, len(articles) // 10)
    mark, mark_cpu, mark_calls, total_cpu = 0, time.process_time(), 0, 0.0
    print(" stream   articles/CPU-s   same_event per article")
    for start in range(0, len(articles), args.batch):
        batch = articles[start : start + args.batch]
        before = time.process_time()
        results.extend(dedup.assign(batch))
        total_cpu += time.process_time() - before
        done = start + len(batch)
        if done // tenth > mark // tenth or done == len(articles):
            cpu = time.process_time() - mark_cpu
            made = calls["same_event"] - mark_calls
            print(
                f"  {100 * done / len(articles):4.0f} %   {(done - mark) / cpu:12,.0f}"
                f"   {made / (done - mark):16.1f}"
            )
            mark, mark_cpu, mark_calls = done, time.process_time(), calls["same_event"]
    copies = Counter(r.duplicate_kind for r in results if r.duplicate_of)
    clusters = Counter(r.cluster_id for r in results)
    joined = sum(n for n in clusters.values() if n > 1)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"all: {len(results) / total_cpu:,.0f} articles/CPU-s ({total_cpu:.1f} CPU-s); "
        f"same_event calls {calls['same_event']:,}; copies {dict(copies)}; "
        f"{joined:,} articles in {sum(1 for n in clusters.values() if n > 1):,} clusters; "
        f"peak RSS {peak:,.0f} MB"
    )
    print(f"decisions digest: {digest(results, dedup.merges())} (equal digests: equal decisions)")


def digest(results: list[DedupResult], merges: dict[str, str]) -> str:
    """A short hash of every decision and merge, to compare two versions of the dedup."""
    hashed = hashlib.blake2b(digest_size=8)
    for r in results:
        line = f"{r.article_id}|{r.duplicate_of}|{r.duplicate_kind}|{r.cluster_id}|{r.similarity}"
        hashed.update(line.encode() + b"\n")
    hashed.update(repr(sorted(merges.items())).encode())
    return hashed.hexdigest()


if __name__ == "__main__":
    main()
