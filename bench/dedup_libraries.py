"""Benchmark: which near-duplicate library — datasketch, rensa or trafilatura's SimHash.

    uv run python bench/dedup_libraries.py [--docs 20000]

For each library, in a fresh process: signatures of short synthetic articles plus an LSH
index over them (datasketch `MinHashLSH`, rensa `RMinHashLSH`; SimHash has no index, so a
4-band exact-match table over its 64 bits), reporting docs per CPU-second and peak RSS. Then
quality on the labelled scenario (`dedup_scenario.py`): how well the similarity alone separates
copies of a text from same-wording sibling stories (best F1 over thresholds; signatures only,
no facts check). All use the same normalised 3-word shingles except SimHash, which hashes words.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import time
from collections.abc import Callable

import numpy as np
from dedup_scale import corpus
from dedup_scenario import scenario

from newsflow.transforms.dedup.text import normalise_text, shingles, tokens

NUM_PERM = 128
COPY_EDITS = {
    "verbatim",
    "headline",
    "boilerplate",
    "lead_rewrite",
    "added_paragraph",
    "removed_sentences",
    "combo",
}


def shingled(texts: list[str]) -> list[list[str]]:
    """Normalised 3-word shingles of each text."""
    return [shingles(tokens(normalise_text(t)), 3) for t in texts]


def rensa_sims(texts: list[str]) -> Callable[[int, int], float]:
    """Pairwise similarity from rensa R-MinHash signatures."""
    import rensa

    sigs = np.array(rensa.RMinHash.digests_from_token_sets(shingled(texts), NUM_PERM, 1))
    return lambda i, j: float((sigs[i] == sigs[j]).mean())


def datasketch_sims(texts: list[str]) -> Callable[[int, int], float]:
    """Pairwise similarity from datasketch MinHash signatures."""
    import datasketch

    hashes = datasketch.MinHash.bulk(
        [[s.encode() for s in d] for d in shingled(texts)], num_perm=NUM_PERM
    )
    return lambda i, j: float(hashes[i].jaccard(hashes[j]))


def simhash_sims(texts: list[str]) -> Callable[[int, int], float]:
    """Pairwise similarity from trafilatura's 64-bit SimHash."""
    from trafilatura.deduplication import Simhash

    hashes = [Simhash(normalise_text(t)) for t in texts]
    return lambda i, j: hashes[i].similarity(hashes[j])


def build_rensa(texts: list[str]) -> None:
    """Signatures and an LSH index with rensa."""
    import rensa

    lsh = rensa.RMinHashLSH(0.5, NUM_PERM, 32)
    hashes = rensa.RMinHash.from_token_sets(shingled(texts), NUM_PERM, 1)
    for key, minhash in enumerate(hashes):
        lsh.query(minhash)
        lsh.insert(key, minhash)


def build_datasketch(texts: list[str]) -> None:
    """Signatures and an LSH index with datasketch."""
    import datasketch

    lsh = datasketch.MinHashLSH(threshold=0.5, num_perm=NUM_PERM)
    batch = datasketch.MinHash.bulk(
        [[s.encode() for s in d] for d in shingled(texts)], num_perm=NUM_PERM
    )
    for key, minhash in enumerate(batch):
        lsh.query(minhash)
        lsh.insert(key, minhash)


def build_simhash(texts: list[str]) -> None:
    """SimHashes and a 4-band table (finds pairs within 3 differing bits)."""
    from trafilatura.deduplication import Simhash

    tables: list[dict[int, list[int]]] = [{} for _ in range(4)]
    for key, text in enumerate(texts):
        value = Simhash(normalise_text(text)).hash
        for band, table in enumerate(tables):
            table.setdefault((value >> (16 * band)) & 0xFFFF, []).append(key)


def measure(name: str, count: int, queue: multiprocessing.Queue) -> None:
    """Child process: build and query one library's index; report docs/CPU-s and peak RSS."""
    texts, _ = corpus(count)
    started = time.process_time()
    BUILDERS[name](texts)
    queue.put(
        (
            count / (time.process_time() - started),
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        )
    )


BUILDERS = {"rensa": build_rensa, "datasketch": build_datasketch, "simhash": build_simhash}
SIMILARITIES = {"rensa": rensa_sims, "datasketch": datasketch_sims, "simhash": simhash_sims}


def quality(name: str) -> tuple[float, float, float, float]:
    """Best F1 (with precision, recall, threshold) separating copies from sibling stories."""
    items = scenario()
    sim = SIMILARITIES[name]([i.article.text for i in items])
    scored: list[tuple[float, bool]] = []
    for i, a in enumerate(items):
        for j in range(i + 1, len(items)):
            b = items[j]
            if a.story.split("-")[0] != b.story.split("-")[0]:
                continue
            if a.story == b.story and {a.edit, b.edit} <= COPY_EDITS | {"original"}:
                scored.append((sim(i, j), True))
            elif a.story != b.story:
                scored.append((sim(i, j), False))
    best = (0.0, 0.0, 0.0, 0.0)
    positives = sum(label for _, label in scored)
    for threshold in np.arange(0.3, 1.0, 0.02):
        hits = [label for s, label in scored if s >= threshold]
        if hits:
            precision, recall = sum(hits) / len(hits), sum(hits) / positives
            f1 = 2 * precision * recall / max(precision + recall, 1e-9)
            best = max(best, (f1, precision, recall, float(threshold)))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=20_000)
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}  docs: {args.docs}  num_perm: {NUM_PERM}")
    context = multiprocessing.get_context("spawn")
    for name in BUILDERS:
        queue = context.Queue()
        child = context.Process(target=measure, args=(name, args.docs, queue))
        child.start()
        rate, rss = queue.get()
        child.join()
        f1, precision, recall, threshold = quality(name)
        print(
            f"{name:10} {rate:>9,.0f} docs/CPU-s  peak RSS {rss:6,.0f} MB  "
            f"copies vs siblings: best F1 {f1:.3f} (P {precision:.3f} R {recall:.3f} "
            f"at {threshold:.2f})"
        )


if __name__ == "__main__":
    main()
