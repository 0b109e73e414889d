"""Benchmark: quality of dedup links and story clusters on a labelled syndication scenario.

    uv run python bench/dedup_quality.py [--seed 7 | --seeds 13-24] [--batches 5] [--orders 1]

The scenario (`dedup_scenario.py`, ≥ 600 articles generated from the demo site) holds stories
copied with edits and distinct same-topic "sibling" stories made by changing the event's
facts. Articles arrive in several batches through a state saved to and reloaded from a
temporary DuckDB (as across ingest runs). Reported: pairwise precision and recall of "same
story" (same cluster_id), of the duplicate links alone, recall per edit, and the number of
sibling stories wrongly merged (target 0). `--orders N` also runs each scenario in N - 1 other
arrival orders (the same articles shuffled again), to stress the order-dependent rules.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from statistics import mean

from dedup_scenario import Labelled, scenario

from newsflow.transforms.dedup import DedupConfig, Deduplicator, DedupResult
from newsflow.warehouse.db import connect
from newsflow.warehouse.dedup import load_state, save_results


def run(items: list[Labelled], batches: int, config: DedupConfig) -> dict[str, DedupResult]:
    """Dedup the scenario in arrival batches, restarting from the warehouse between batches;
    return the final stored decision of every article."""
    size = -(-len(items) // batches)
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "bench.duckdb"
        for start in range(0, len(items), size):
            batch = [i.article for i in items[start : start + size]]
            with connect(db) as connection:
                dedup = Deduplicator.from_state(load_state(connection, since=None), config)
                found = dedup.assign(batch)
                connection.execute("BEGIN TRANSACTION")
                save_results(connection, found, dedup.merges())
                connection.execute("COMMIT")
        with connect(db) as connection:
            return {r.article_id: r for r in load_state(connection, since=None).results}


def pairs(groups: dict[str, list[str]]) -> set[tuple[str, str]]:
    """Every unordered pair of ids within each group."""
    return {tuple(sorted(p)) for ids in groups.values() for p in itertools.combinations(ids, 2)}


def scores(gold: set[tuple[str, str]], found: set[tuple[str, str]]) -> tuple[float, float]:
    """Pairwise precision and recall."""
    hit = len(gold & found)
    return hit / max(len(found), 1), hit / max(len(gold), 1)


def report(items: list[Labelled], results: dict[str, DedupResult]) -> tuple[float, float, int]:
    """Print precision, recall, per-edit recall and sibling merges; return the first two and
    the number of merged sibling pairs."""
    story = {i.article.article_id: i.story for i in items}
    gold_groups: dict[str, list[str]] = defaultdict(list)
    found_groups: dict[str, list[str]] = defaultdict(list)
    for article_id, label in story.items():
        gold_groups[label].append(article_id)
        found_groups[results[article_id].cluster_id].append(article_id)
    gold = pairs(gold_groups)
    precision, recall = scores(gold, pairs(found_groups))
    print(f"same story (cluster_id): precision {precision:.4f}  recall {recall:.4f}")
    links = {
        tuple(sorted((r.article_id, r.duplicate_of))) for r in results.values() if r.duplicate_of
    }
    good = sum(1 for a, b in links if story[a] == story[b])
    print(
        f"duplicate links: {len(links)}  correct {good}  precision {good / max(len(links), 1):.4f}"
    )
    kinds = Counter(r.duplicate_kind or "original" for r in results.values())
    print("decisions:", dict(kinds))
    by_edit: dict[str, list[bool]] = defaultdict(list)
    for item in items:
        if item.edit == "original":
            continue
        mine = results[item.article.article_id]
        original = next(i for i in items if i.story == item.story and i.edit == "original")
        by_edit[item.edit].append(
            mine.cluster_id == results[original.article.article_id].cluster_id
        )
    for edit, hits in sorted(by_edit.items()):
        print(f"  {edit:18} with its original: {sum(hits)}/{len(hits)}")
    merged = {
        tuple(sorted((story[a], story[b])))
        for group in found_groups.values()
        for a, b in itertools.combinations(group, 2)
        if story[a] != story[b]
    }
    print(f"distinct stories wrongly merged: {len(merged)} pairs of stories {sorted(merged)[:5]}")
    return precision, recall, len(merged)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7, help="one scenario")
    parser.add_argument("--seeds", help="a range of scenarios, e.g. 13-24 (a summary at the end)")
    parser.add_argument("--batches", type=int, default=5)
    parser.add_argument("--orders", type=int, default=1, help="arrival orders per scenario")
    args = parser.parse_args()
    if args.seeds:
        first, last = (int(x) for x in args.seeds.split("-"))
        seeds = list(range(first, last + 1))
    else:
        seeds = [args.seed]
    found = [one(seed, args.batches, order) for seed in seeds for order in range(args.orders)]
    if len(found) > 1:
        precisions, recalls, merges = zip(*found, strict=True)
        print(
            f"\n{len(found)} scenarios ({args.seeds or args.seed}, {args.orders} orders): "
            f"precision mean {mean(precisions):.4f} "
            f"min {min(precisions):.4f}; recall mean {mean(recalls):.4f} min {min(recalls):.4f}; "
            f"sibling stories merged: {sum(merges)}"
        )


def one(seed: int, batches: int, order: int = 0) -> tuple[float, float, int]:
    """Run and report one scenario, in its own arrival order or shuffled again (`order` > 0)."""
    items = scenario(seed)
    if order:
        random.Random(1000 * seed + order).shuffle(items)
    stories = {i.story for i in items}
    print(
        f"\nseed {seed}  order: {order}  cores: {os.cpu_count()}  articles: {len(items)}  "
        f"stories: {len(stories)}  batches: {batches}"
    )
    started = time.process_time()
    results = run(items, batches, DedupConfig())
    print(f"cpu: {time.process_time() - started:.2f} s (dedup and DuckDB round trips)")
    return report(items, results)


if __name__ == "__main__":
    main()
