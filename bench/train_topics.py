"""Train the per-language linear models that reweigh the lexicon tagger (model.py), on the
*tuning* halves only; choose their settings by 5-fold cross-validation inside the tuning half.

    uv run python bench/train_topics.py        # models in bench/results/ (git-ignored)

Same data, split and class mapping as bench/topics_quality.py. For each set: the tuning half in
file order, folds by position (article i is in fold i % 5); a grid of L2 penalty, lexicon
feature weight and blend strength beta, each scored by the pooled out-of-fold macro-F1 of the
tagger's best top-level topic; the best setting (ties: smaller beta, then larger penalty) is
trained on the whole tuning half, and written to bench/results/<lang>.json. None is shipped in
the package: MasakhaNEWS is for evaluation only and 10kGNAD is CC BY-NC-SA 4.0. To use models
you trained (on these sets for a private evaluation, or on labelled data of your own), point
NEWSFLOW_TOPIC_MODELS at their folder. Held-out figures: bench/topics_quality.py (add
`--models bench/results` to include them). `--ship` writes into the package instead: only for
data whose licence allows it. Needs scipy (a dependency of
datasketch).
"""

from __future__ import annotations

import argparse
import os
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from scipy.optimize import minimize
from topics_quality import Dataset, Item, _f1, datasets, split

from newsflow.transforms.topics import lexicon
from newsflow.transforms.topics.model import LinearModel, to_json, word_features

FOLDS = 5
PENALTIES = (1e-4, 1e-3)
LEXICON_WEIGHTS = (0.1, 0.3)
BETAS = (0.0, 0.5, 1.0, 2.0, 4.0)
MIN_DF = 2
PRUNE = 0.01  # words whose weights all stay below this are dropped from the shipped file
SHIPPED = Path(lexicon.__file__).resolve().parent / "models"
RESULTS = Path(__file__).resolve().parent / "results"
LICENCES = {"en": "AFL-3.0", "fr": "AFL-3.0", "de": "CC BY-NC-SA 4.0"}


@dataclass(frozen=True)
class Doc:
    """One tuning article as the model sees it."""

    title: list[str]
    body: list[str]
    strengths: dict[str, float]
    label: str


def docs_of(items: list[Item], language: str) -> list[Doc]:
    """Folded tokens and lexicon strengths of each item."""
    lex = lexicon.load_lexicon(language)
    out = []
    for item in items:
        title, body = lexicon.folded(item.title), lexicon.folded(item.text)
        strengths = lexicon.measure_folded(lex, title, body).by_code
        out.append(Doc(title, body, strengths, item.label))
    return out


def matrix(docs: list[Doc], vocabulary: dict[str, int], lexicon_weight: float) -> np.ndarray:
    """The feature matrix, computed exactly as LinearModel.log_probabilities does."""
    x = np.zeros((len(docs), len(vocabulary)))
    for i, doc in enumerate(docs):
        rows, values = word_features(vocabulary, doc.title, doc.body)
        x[i, rows] = values
        for code, strength in doc.strengths.items():
            if (row := vocabulary.get("@" + code)) is not None:
                x[i, row] = lexicon_weight * np.log1p(strength)
    return x


def softmax_regression(x: np.ndarray, y: np.ndarray, k: int, l2: float) -> np.ndarray:
    """Weights (features + bias row) of an L2-penalised softmax regression, by L-BFGS."""
    n, d = x.shape
    onehot = np.eye(k)[y]

    def loss(flat: np.ndarray) -> tuple[float, np.ndarray]:
        w = flat.reshape(d + 1, k)
        z = x @ w[:-1] + w[-1]
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        value = -np.sum(onehot * np.log(p + 1e-12)) / n + 0.5 * l2 * np.sum(w[:-1] ** 2)
        gradient = np.vstack([x.T @ (p - onehot) / n + l2 * w[:-1], (p - onehot).sum(0) / n])
        return value, gradient.ravel()

    result = minimize(loss, np.zeros((d + 1) * k), jac=True, method="L-BFGS-B")
    return result.x.reshape(d + 1, k)


def train(
    docs: list[Doc], dataset: Dataset, l2: float, lexicon_weight: float, beta: float
) -> LinearModel:
    """A model trained on `docs`."""
    codes = {item.label: item.accepted for item in dataset.items}
    classes = sorted({doc.label for doc in docs})
    df = Counter(w for doc in docs for w in set(doc.title) | set(doc.body))
    words = sorted(w for w, n in df.items() if n >= MIN_DF)
    features = words + sorted({"@" + c for doc in docs for c in doc.strengths})
    vocabulary = {f: row for row, f in enumerate(features)}
    y = np.array([classes.index(doc.label) for doc in docs])
    w = softmax_regression(matrix(docs, vocabulary, lexicon_weight), y, len(classes), l2)
    return LinearModel(
        language=dataset.language,
        classes=tuple(classes),
        codes=tuple(frozenset(codes[c]) for c in classes),
        vocabulary=vocabulary,
        weights=w[:-1],
        bias=w[-1],
        lexicon_weight=lexicon_weight,
        beta=beta,
        trained_on=f"{dataset.name} dev, tuning half ({len(docs)} articles;"
        f" {LICENCES[dataset.language]})",
    )


def pruned(model: LinearModel) -> LinearModel:
    """The model without the words whose weights are all below PRUNE (smaller file)."""
    keep = [f for f, row in model.vocabulary.items() if np.abs(model.weights[row]).max() >= PRUNE]
    rows = [model.vocabulary[f] for f in keep]
    vocabulary = {f: i for i, f in enumerate(keep)}
    return replace(model, vocabulary=vocabulary, weights=model.weights[rows])


def predictions(
    items: list[Item], language: str, tagger: lexicon.LexiconTagger, owner: dict[str, str]
) -> list[str]:
    """The class of each item's best top-level topic ("other"/"none" when outside/empty)."""
    out = []
    for item in items:
        top = [t.code for t in tagger.tag(item.title, item.text, language) if t.level == 1]
        out.append(owner.get(top[0], "other") if top else "none")
    return out


def macro_f1(gold: list[str], predicted: list[str]) -> float:
    """Macro-F1 over the gold classes."""
    classes = sorted(set(gold))
    return sum(_f1(gold, predicted, c) for c in classes) / len(classes)


def cross_validate(dataset: Dataset, items: list[Item], docs: list[Doc]) -> dict[tuple, float]:
    """Pooled out-of-fold macro-F1 of every setting on the tuning half."""
    owner = {code: item.label for item in dataset.items for code in item.accepted}
    held = [[it for i, it in enumerate(items) if i % FOLDS == fold] for fold in range(FOLDS)]
    gold = [it.label for fold in held for it in fold]
    scores = {}
    for l2 in PENALTIES:
        for weight in LEXICON_WEIGHTS:
            models = [
                train([d for i, d in enumerate(docs) if i % FOLDS != fold], dataset, l2, weight, 0)
                for fold in range(FOLDS)
            ]
            for beta in BETAS:
                predicted = []
                for model, fold in zip(models, held, strict=True):
                    blend = {dataset.language: replace(model, beta=beta)}
                    tagger = lexicon.LexiconTagger(models=blend)
                    predicted += predictions(fold, dataset.language, tagger, owner)
                f1 = scores[(l2, weight, beta)] = macro_f1(gold, predicted)
                print(
                    f"  l2 {l2:g}  lexicon weight {weight:g}  beta {beta:g}: CV macro-F1 {f1:.3f}"
                )
    return scores


def main() -> None:
    """Cross-validate, train and write a model per set found."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ship", default="", help="languages written into the package")
    args = parser.parse_args()
    ship = {s for s in args.ship.split(",") if s}
    print(f"cores: {os.cpu_count()}; one process")
    found = datasets()
    if not found:
        print("skipped: no evaluation data")
    for dataset in found:
        items = split(dataset, "tune")
        docs = docs_of(items, dataset.language)
        print(f"\n{dataset.name} ({dataset.language}), tuning half, {len(items)} articles:")
        scores = cross_validate(dataset, items, docs)
        l2, weight, beta = max(scores, key=lambda s: (round(scores[s], 3), -s[2], s[0]))
        print(f"  chosen: l2 {l2:g}, lexicon weight {weight:g}, beta {beta:g}")
        model = pruned(train(docs, dataset, l2, weight, beta))
        folder = SHIPPED if dataset.language in ship else RESULTS
        folder.mkdir(exist_ok=True)
        path = folder / f"{dataset.language}.json"
        path.write_text(to_json(model), encoding="utf-8")
        size = path.stat().st_size / 1024
        print(f"  wrote {path} ({len(model.vocabulary)} features, {size:.0f} KiB)")


if __name__ == "__main__":
    main()
