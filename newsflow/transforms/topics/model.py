"""A small trained linear model per language that reweighs the lexicon's top-level topics.

A model (`<language>.json` in the folder named by NEWSFLOW_TOPIC_MODELS, or in the package's
`models/`; written by `bench/train_topics.py`) is a softmax regression
over an article's folded words (log counts, title words counted TITLE_REPEAT times, L2-normalised)
and the lexicon's strengths (`lexicon_weight * ln(1 + strength)` per matched code). Its classes are
groups of IPTC top-level topics (e.g. "business" = economy + labour). It never adds a topic: a
topic whose group is less likely than the most likely group loses
`beta * ln(p_best / p_group)` in log-odds, and topics outside every group are left alone, so the
lexicon still decides among the 17 top-level topics and supplies subtopics and evidence.
"""

from __future__ import annotations

import json
import math
import os
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np

TITLE_REPEAT = 2
FORMAT = "newsflow-topic-model/1"


@dataclass(frozen=True)
class LinearModel:
    """Softmax regression weights, the top-level codes of each class, and the blend strength."""

    language: str
    classes: tuple[str, ...]
    codes: tuple[frozenset[str], ...]  # per class: the top-level codes it stands for
    vocabulary: Mapping[str, int]  # word or "@<code>" -> row of `weights`
    weights: np.ndarray  # (len(vocabulary), len(classes))
    bias: np.ndarray  # (len(classes),)
    lexicon_weight: float
    beta: float
    trained_on: str = ""

    def log_probabilities(
        self, title: Sequence[str], body: Sequence[str], strengths: Mapping[str, float]
    ) -> np.ndarray:
        """Log-probability of each class for an article (folded tokens, lexicon strengths)."""
        rows, values = word_features(self.vocabulary, title, body)
        for code, strength in strengths.items():
            row = self.vocabulary.get("@" + code)
            if row is not None:
                rows.append(row)
                values.append(self.lexicon_weight * math.log1p(strength))
        logits = self.bias + np.asarray(values) @ self.weights[rows] if rows else self.bias
        logits = logits - logits.max()
        return logits - math.log(float(np.exp(logits).sum()))

    def adjustments(self, log_probabilities: np.ndarray) -> dict[str, float]:
        """Log-odds to add to each covered top-level code (0 for the likeliest class, else < 0)."""
        best = float(log_probabilities.max())
        return {
            code: self.beta * (float(lp) - best)
            for lp, codes in zip(log_probabilities, self.codes, strict=True)
            for code in codes
        }


def word_features(
    vocabulary: Mapping[str, int], title: Sequence[str], body: Sequence[str]
) -> tuple[list[int], list[float]]:
    """Rows and values of the known words: 1 + ln(count), L2-normalised over those words."""
    counts = Counter(body)
    for word in title:
        counts[word] += TITLE_REPEAT
    get = vocabulary.get
    known = [(row, count) for word, count in counts.items() if (row := get(word)) is not None]
    if not known:
        return [], []
    rows, numbers = zip(*known, strict=True)
    values = 1.0 + np.log(np.array(numbers, dtype=np.float64))
    values /= math.sqrt(float(values @ values))
    return list(rows), values.tolist()


def to_json(model: LinearModel, digits: int = 4) -> str:
    """The model as JSON (one word per line, so diffs stay readable)."""
    words = sorted(model.vocabulary, key=model.vocabulary.__getitem__)
    head = {
        "format": FORMAT,
        "language": model.language,
        "trained_on": model.trained_on,
        "classes": [
            {"name": name, "codes": sorted(codes)}
            for name, codes in zip(model.classes, model.codes, strict=True)
        ],
        "lexicon_weight": model.lexicon_weight,
        "beta": model.beta,
        "bias": [round(float(b), digits) for b in model.bias],
    }
    lines = [
        f"  {json.dumps(word, ensure_ascii=False)}: "
        f"{json.dumps([round(float(w), digits) for w in model.weights[row]])}"
        for word, row in ((w, model.vocabulary[w]) for w in words)
    ]
    text = json.dumps(head, ensure_ascii=False, indent=1)[:-2]
    return text + ',\n "weights": {\n' + ",\n".join(lines) + "\n }\n}\n"


def from_json(text: str) -> LinearModel:
    """A model read from `to_json`'s output."""
    data = json.loads(text)
    if data.get("format") != FORMAT:
        raise ValueError(f"not a {FORMAT} file")
    words = list(data["weights"])
    return LinearModel(
        language=data["language"],
        classes=tuple(c["name"] for c in data["classes"]),
        codes=tuple(frozenset(c["codes"]) for c in data["classes"]),
        vocabulary={word: row for row, word in enumerate(words)},
        weights=np.array([data["weights"][w] for w in words], dtype=np.float64),
        bias=np.array(data["bias"], dtype=np.float64),
        lexicon_weight=float(data["lexicon_weight"]),
        beta=float(data["beta"]),
        trained_on=data.get("trained_on", ""),
    )


MODELS_VARIABLE = "NEWSFLOW_TOPIC_MODELS"


@cache
def load_model(language: str) -> LinearModel | None:
    """The model of a language, read once per process: `<language>.json` in the folder named
    by NEWSFLOW_TOPIC_MODELS (models you trained), else in the package's `models/` (none ships
    today: the labelled sets at hand are for evaluation only); None when there is none."""
    folder = os.environ.get(MODELS_VARIABLE)
    if folder and (Path(folder) / f"{language}.json").is_file():
        return from_json((Path(folder) / f"{language}.json").read_text(encoding="utf-8"))
    path = resources.files(__package__).joinpath("models", f"{language}.json")
    return from_json(path.read_text(encoding="utf-8")) if path.is_file() else None
