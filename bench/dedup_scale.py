"""Benchmark: the near-duplicate layer of dedup at scale.

    uv run python bench/dedup_scale.py            # 100k short articles
    uv run python bench/dedup_scale.py --full     # also 1M (a few minutes, about 1.1 GB)

Short synthetic articles (80 words from a Zipf vocabulary with accented words; one in ten is
an edited copy of an earlier one) go through what `Deduplicator` does for the body layer, in
batches of 10,000 like a backfill: normalise, hash the normalised text, R-MinHash signatures,
add to the `SignatureIndex` and query it for earlier rows. The corpus is generated batch by
batch from counter-based hashes, so the benchmark holds no more than one batch of text.
Reported per size: docs per CPU-second end to end and for the index alone (add + query), peak
RSS of the process, and the copies found.
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from collections.abc import Iterator

import numpy as np

from newsflow.transforms.dedup.minhash import Scheme, SignatureIndex, fmix64, signatures
from newsflow.transforms.dedup.text import normalise_texts, spaced_words, text_hash

BATCH = 10_000
WORDS = 80
VOCABULARY = 50_000
ZIPF = 1.25
COPIES = 0.1  # share of articles that copy an earlier one
EDITS = 0.05  # share of the words of a copy replaced by another word
THRESHOLD = 0.5
VOCAB = np.array([f"wörd{i}" if i % 11 == 0 else f"Word{i}," for i in range(VOCABULARY)])


def _zipf_cdf() -> np.ndarray:
    """Cumulative probabilities of word ids 0 … VOCABULARY-2 under Zipf(1.25); the rest of the
    mass (draws beyond the vocabulary) falls on the last word, as numpy's zipf clipped does."""
    ranks = np.arange(1, VOCABULARY, dtype=np.float64) ** -ZIPF
    # ζ(1.25) by Euler-Maclaurin after the first VOCABULARY - 1 terms
    n = VOCABULARY - 1
    zeta = ranks.sum() + n ** (1 - ZIPF) / (ZIPF - 1) - n**-ZIPF / 2
    return np.cumsum(ranks) / zeta


_CDF = _zipf_cdf()


def _uniform(rows: np.ndarray, stream: int, width: int = 1) -> np.ndarray:
    """Reproducible uniform numbers in [0, 1) for (row, column) pairs of one stream."""
    keys = rows.astype(np.uint64)[:, None] * np.uint64(1 << 20) + np.arange(width, dtype=np.uint64)
    mixed = fmix64(fmix64(keys ^ np.uint64(stream * 0x9E3779B97F4A7C15 % (1 << 64))))
    return (mixed >> np.uint64(11)).astype(np.float64) / float(1 << 53)


def sources(rows: np.ndarray) -> np.ndarray:
    """The earlier row each row copies, or -1 for an original."""
    copy = (_uniform(rows, 1)[:, 0] < COPIES) & (rows > 0)
    return np.where(copy, (_uniform(rows, 2)[:, 0] * rows).astype(np.int64), -1)


def word_ids(rows: np.ndarray) -> np.ndarray:
    """The word ids of rows, shape (len(rows), WORDS): Zipf draws for an original, its source's
    words with one in twenty replaced for a copy (a copy of a copy copies the copy)."""
    ids = np.searchsorted(_CDF, _uniform(rows, 3, WORDS), "right")
    source = sources(rows)
    copies = np.flatnonzero(source >= 0)
    if copies.size:
        edited = _uniform(rows[copies], 4, WORDS) < EDITS
        other = (_uniform(rows[copies], 5, WORDS) * VOCABULARY).astype(np.int64)
        ids[copies] = np.where(edited, other, word_ids(source[copies]))
    return ids


def corpus_batches(count: int, size: int = BATCH) -> Iterator[tuple[list[str], np.ndarray]]:
    """Texts of rows 0 … count-1 in batches, with the row each copies (-1 for an original)."""
    for start in range(0, count, size):
        rows = np.arange(start, min(start + size, count))
        yield [" ".join(words) for words in VOCAB[word_ids(rows)]], sources(rows)


def corpus(count: int) -> tuple[list[str], np.ndarray]:
    """All texts of `count` rows at once (for small counts), and the row each copies."""
    texts: list[str] = []
    copied = []
    for batch, source in corpus_batches(count):
        texts += batch
        copied.append(source)
    return texts, np.concatenate(copied)


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(count: int) -> None:
    """Build and query the index over `count` articles; print the figures."""
    scheme, index = Scheme(), SignatureIndex()
    found = copies = 0
    total = index_cpu = 0.0
    for texts, source in corpus_batches(count):
        began = time.process_time()
        normalised = normalise_texts(texts, ["en"] * len(texts))
        hashes = [text_hash(n) for n in normalised]
        sigs = signatures([spaced_words(n, "en") for n in normalised], scheme)
        indexed = time.process_time()
        rows = index.add(sigs)
        queries, _, _ = index.matches(sigs, THRESHOLD, rows)
        done = time.process_time()
        total += done - began
        index_cpu += done - indexed
        found += len(np.unique(queries))
        copies += int((source >= 0).sum())
        del hashes
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
