"""Benchmark: building and querying the near-duplicate index at scale.

    uv run python bench/dedup_scale.py            # 100k short articles
    uv run python bench/dedup_scale.py --full     # also 1M (a few minutes, about 1.5 GB)

Short synthetic articles (80 words from a Zipf vocabulary with accented words; one in ten is
an edited copy of an earlier one) go through what `Deduplicator` does for the body layer, in
batches of 10,000 like a backfill: normalise, tokenise, R-MinHash signatures (rensa), add to
the `SignatureIndex` and query it. Reported per size: docs per CPU-second end to end and for
the index alone (add + query), peak RSS of the process, and the copies found.
"""

from __future__ import annotations

import argparse
import os
import resource
import time

import numpy as np

from newsflow.transforms.dedup.minhash import Scheme, SignatureIndex, signatures
from newsflow.transforms.dedup.text import normalise_text, tokens

BATCH = 10_000
WORDS = 80
THRESHOLD = 0.5


def corpus(count: int, seed: int = 1) -> tuple[list[str], np.ndarray]:
    """Synthetic texts, and for each the row it copies (-1 for an original)."""
    rng = np.random.default_rng(seed)
    vocab = np.array([f"wörd{i}" if i % 11 == 0 else f"Word{i}," for i in range(50_000)])
    ids = np.minimum(rng.zipf(1.25, (count, WORDS)), len(vocab)) - 1
    source = np.full(count, -1)
    copies = np.flatnonzero(rng.random(count) < 0.1)
    copies = copies[copies > 0]
    source[copies] = (rng.random(len(copies)) * copies).astype(int)
    ids[copies] = ids[source[copies]]
    edits = rng.random((len(copies), WORDS)) < 0.05  # one word in twenty changed
    ids[copies] = np.where(edits, rng.integers(0, len(vocab), (len(copies), WORDS)), ids[copies])
    return [" ".join(vocab[row]) for row in ids], source


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(count: int) -> None:
    """Build and query the index over `count` articles; print the figures."""
    texts, source = corpus(count)
    scheme, index = Scheme(), SignatureIndex()
    found = 0
    total = index_cpu = 0.0
    for start in range(0, count, BATCH):
        batch = texts[start : start + BATCH]
        began = time.process_time()
        sigs = signatures([tokens(normalise_text(t, "en")) for t in batch], scheme)
        indexed = time.process_time()
        index.add(sigs)
        queries, rows, _ = index.matches(sigs, THRESHOLD)
        done = time.process_time()
        total += done - began
        index_cpu += done - indexed
        earlier = rows < queries + start
        found += len(np.unique(queries[earlier]))
    copies = int((source >= 0).sum())
    print(
        f"{count:>9,} docs  end to end {count / total:>9,.0f} docs/CPU-s  "
        f"index alone {count / index_cpu:>9,.0f} docs/CPU-s  peak RSS {peak_rss_mb():,.0f} MB  "
        f"copies found {found:,} of {copies:,}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="also run 1,000,000 articles")
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}  batch: {BATCH}  signature: {Scheme().name}")
    for count in (100_000, 1_000_000) if args.full else (100_000,):
        run(count)


if __name__ == "__main__":
    main()
