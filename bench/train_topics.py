"""Does a small trained model beat the lexicon tagger? Multinomial naive Bayes over hashed
word uni- and bigrams, trained per language on the *tuning* half, scored on the *held-out* half.

    uv run python bench/train_topics.py

Same data, split and class mapping as bench/topics_quality.py. Models are saved as .npz (no
pickle) under bench/results/ (git-ignored): they are derived from evaluation-only and
CC BY-NC-SA sets, so they must not ship with newsflow whatever their score. The model only
knows the classes of its training set, not the 17 IPTC topics.
"""

from __future__ import annotations

import os
import time
import zlib
from itertools import pairwise
from pathlib import Path

import numpy as np
from topics_quality import Dataset, Item, _f1, datasets, lexicon_ranker, split

from newsflow.transforms.terms import fold, tokens

BUCKETS = 1 << 18
ALPHA = 0.1
RESULTS = Path(__file__).resolve().parent / "results"


def features(item: Item) -> dict[int, float]:
    """Hashed, log-scaled counts of folded uni- and bigrams (title counted twice)."""
    words = [fold(w) for w in tokens(f"{item.title} {item.title} {item.text}")]
    grams = words + [f"{a} {b}" for a, b in pairwise(words)]
    counts: dict[int, float] = {}
    for gram in grams:
        bucket = zlib.crc32(gram.encode()) % BUCKETS
        counts[bucket] = counts.get(bucket, 0.0) + 1.0
    return {k: float(np.log1p(v)) for k, v in counts.items()}


def train(items: list[Item]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Classes, log priors and log likelihoods of a multinomial NB."""
    classes = sorted({i.label for i in items})
    counts = np.full((len(classes), BUCKETS), ALPHA)
    priors = np.zeros(len(classes))
    for item in items:
        row = classes.index(item.label)
        priors[row] += 1
        for bucket, value in features(item).items():
            counts[row, bucket] += value
    likelihood = np.log(counts / counts.sum(axis=1, keepdims=True))
    return classes, np.log(priors / priors.sum()), likelihood


def rank(model: tuple[list[str], np.ndarray, np.ndarray], item: Item) -> list[str]:
    """Classes, most probable first."""
    classes, priors, likelihood = model
    feats = features(item)
    buckets = np.fromiter(feats, dtype=np.int64)
    values = np.fromiter(feats.values(), dtype=np.float64)
    scores = priors + likelihood[:, buckets] @ values
    return [classes[i] for i in np.argsort(-scores)]


def compare(dataset: Dataset) -> None:
    """Train on the tuning half; print held-out macro-F1 and top-3 recall of both taggers."""
    tune, held = split(dataset, "tune"), split(dataset, "heldout")
    model = train(tune)
    RESULTS.mkdir(exist_ok=True)
    np.savez_compressed(
        RESULTS / f"topics_nb_{dataset.language}.npz",
        classes=np.array(model[0]),
        priors=model[1],
        likelihood=model[2].astype(np.float32),
    )
    started = time.perf_counter()
    ranked = [rank(model, item) for item in held]
    speed = len(held) / (time.perf_counter() - started)
    gold = [i.label for i in held]
    predicted = [r[0] for r in ranked]
    classes = sorted(set(gold))
    macro = sum(_f1(gold, predicted, c) for c in classes) / len(classes)
    top3 = sum(g in r[:3] for g, r in zip(gold, ranked, strict=True)) / len(held)
    lexicon = lexicon_ranker("lexicon")
    owner = {code: i.label for i in held for code in i.accepted}
    lex_pred = [
        owner.get(r[0], "other") if (r := lexicon(i.title, i.text, dataset.language)) else "none"
        for i in held
    ]
    lex_macro = sum(_f1(gold, lex_pred, c) for c in classes) / len(classes)
    print(
        f"{dataset.name} ({dataset.language}) HELD-OUT, trained on {len(tune)}, tested on "
        f"{len(held)}: naive Bayes macro-F1 {macro:.3f} top-3 {top3:.3f} ({speed:,.0f}/s)"
        f" | lexicon macro-F1 {lex_macro:.3f}"
    )


def main() -> None:
    """Compare on every set found."""
    print(f"cores: {os.cpu_count()}; one process")
    found = datasets()
    if not found:
        print("skipped: no evaluation data")
    for dataset in found:
        compare(dataset)


if __name__ == "__main__":
    main()
