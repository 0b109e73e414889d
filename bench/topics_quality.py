"""Benchmark: topic tagging quality and cost, on labelled news in English, French and German.

    uv run python bench/topics_quality.py [--tagger lexicon,lexicon-only] [--half tune|heldout]
                                          [--models bench/results] [--fit] [--no-cpu]

Reads ../shared/data/topics (third-party, not shipped; skipped when absent): MasakhaNEWS
eng/fra dev.tsv and 10kGNAD dev.csv. Each set is split 50/50 by a hash of the headline and text
(`half`: the first byte of BLAKE2b-64 of "headline\ntext" even -> tuning) into a *tuning* half
(the only one looked at while writing lexicons, fitting the score and training the models,
bench/train_topics.py) and a *held-out* half (reported). Each dataset class maps to the IPTC
top-level topics that count as right for it (MAPPINGS below). An article's prediction is its
best top-level tag; macro-F1 is over the dataset's classes, top-3 recall asks whether any of
the three best top-level tags is right. Also: articles/s (second pass, caches warm), and the
tagger's CPU time per article against trafilatura's extraction of the demo site's pages.
`--fit` refits the score calibration and threshold on the tuning half. `--models DIR`
evaluates "lexicon" with the models in DIR (e.g. the unshipped French and German ones).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from newsflow.transforms.topics import get_tagger
from newsflow.transforms.topics import lexicon as lexicon_tagger
from newsflow.transforms.topics.iptc import taxonomy
from newsflow.transforms.topics.model import from_json

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "topics"

ARTS, CRIME, DISASTER = "medtop:01000000", "medtop:02000000", "medtop:03000000"
ECONOMY, ENVIRONMENT, HEALTH = "medtop:04000000", "medtop:06000000", "medtop:07000000"
HUMAN, LABOUR, LIFESTYLE = "medtop:08000000", "medtop:09000000", "medtop:10000000"
POLITICS, SCIENCE, SOCIETY = "medtop:11000000", "medtop:13000000", "medtop:14000000"
SPORT, CONFLICT, WEATHER = "medtop:15000000", "medtop:16000000", "medtop:17000000"

# dataset class -> (class name used in the report, IPTC top-level codes that count as right).
# Classes that map to the same codes are merged, so that the classes stay disjoint in IPTC terms.
MASAKHANEWS = {
    # companies, markets, prices; newspapers file pay and jobs here too (IPTC: labour)
    "business": ("business", {ECONOMY, LABOUR}),
    # films, music, TV, celebrities (IPTC files celebrity news under human interest)
    "entertainment": ("entertainment", {ARTS, HUMAN}),
    "health": ("health", {HEALTH}),  # medicine, diseases, health services
    # government, parties, elections; news sites file war and diplomacy under politics
    "politics": ("politics", {POLITICS, CONFLICT}),
    "sports": ("sports", {SPORT}),
    # tech companies, apps, gadgets, internet: IPTC "science and technology"
    "technology": ("technology", {SCIENCE}),
}
GNAD = {
    "Wirtschaft": ("Wirtschaft", {ECONOMY, LABOUR}),  # economy section: business, markets, jobs
    "Sport": ("Sport", {SPORT}),
    # domestic (Inland) and foreign (International) politics: IPTC has no such split, so merged;
    # foreign news is largely wars and diplomacy
    "Inland": ("Inland+International", {POLITICS, CONFLICT}),
    "International": ("Inland+International", {POLITICS, CONFLICT}),
    # Kultur (arts) and Etat (Der Standard's media section): IPTC's arts, culture and media
    "Kultur": ("Kultur+Etat", {ARTS}),
    "Etat": ("Kultur+Etat", {ARTS}),
    # Web (internet, IT, games) and Wissenschaft (research, incl. environment and medicine)
    "Web": ("Web+Wissenschaft", {SCIENCE, ENVIRONMENT, HEALTH}),
    "Wissenschaft": ("Web+Wissenschaft", {SCIENCE, ENVIRONMENT, HEALTH}),
    # "Panorama" is the miscellany: crime, accidents, weather, society, human interest
    "Panorama": ("Panorama", {CRIME, DISASTER, HUMAN, SOCIETY, WEATHER, LIFESTYLE}),
}


@dataclass(frozen=True)
class Item:
    """One labelled article."""

    title: str
    text: str
    label: str  # the report's class name
    accepted: frozenset[str]


@dataclass(frozen=True)
class Dataset:
    """A labelled set in one language, and its class -> accepted codes."""

    name: str
    language: str
    items: list[Item]


def read_masakhanews(folder: str, language: str) -> Dataset | None:
    """MasakhaNEWS dev.tsv (category, headline, text, url)."""
    path = DATA / "masakhanews" / folder / "dev.tsv"
    if not path.exists():
        return None
    csv.field_size_limit(1 << 30)
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    items = [_item(r["headline"], r["text"], MASAKHANEWS[r["category"]]) for r in rows]
    return Dataset(f"MasakhaNEWS {folder}", language, items)


def read_gnad() -> Dataset | None:
    """10kGNAD dev.csv (label;'text'); the first sentence stands in for the missing headline."""
    path = DATA / "10kGNAD" / "dev.csv"
    if not path.exists():
        return None
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";", quotechar="'"))
    return Dataset("10kGNAD", "de", [_item("", text, GNAD[label]) for label, text in rows])


def _item(title: str, text: str, mapped: tuple[str, set[str]]) -> Item:
    """An Item from a row and its class mapping."""
    return Item(title, text, mapped[0], frozenset(mapped[1]))


def datasets() -> list[Dataset]:
    """Every set found on disk."""
    found = [read_masakhanews("eng", "en"), read_masakhanews("fra", "fr"), read_gnad()]
    return [d for d in found if d is not None]


def half(item: Item) -> str:
    """'tune' or 'heldout', stable for an article (BLAKE2b of its title and text)."""
    digest = hashlib.blake2b(f"{item.title}\n{item.text}".encode(), digest_size=8).digest()
    return "tune" if digest[0] % 2 == 0 else "heldout"


def split(dataset: Dataset, which: str) -> list[Item]:
    """The items of one half."""
    return [item for item in dataset.items if half(item) == which]


Ranker = Callable[[str, str, str], list[str]]


def lexicon_ranker(name: str, models: Path | None = None) -> Ranker:
    """Top-level codes of an article, best first, as the tagger outputs them."""
    tagger = get_tagger(name)
    if models is not None and name == "lexicon":
        found = {p.stem: from_json(p.read_text(encoding="utf-8")) for p in models.glob("*.json")}
        tagger = lexicon_tagger.LexiconTagger(models=found)

    def rank(title: str, text: str, language: str) -> list[str]:
        return [t.code for t in tagger.tag(title, text, language) if t.level == 1]

    return rank


@dataclass(frozen=True)
class Report:
    """Quality and speed of a ranker on one half of a set."""

    macro_f1: float
    per_class: dict[str, tuple[float, int]]  # class -> (F1, support)
    top3_recall: float
    accuracy: float
    articles_per_s: float


def evaluate(items: list[Item], language: str, rank: Ranker) -> Report:
    """Run the ranker over the items and score it (speed: a second pass, caches warm)."""
    rankings = [rank(item.title, item.text, language) for item in items]
    started = time.perf_counter()
    for item in items:
        rank(item.title, item.text, language)
    elapsed = time.perf_counter() - started
    classes = sorted({item.label for item in items})
    owner = {code: item.label for item in items for code in item.accepted}
    predicted = [owner.get(r[0], "other") if r else "none" for r in rankings]
    gold = [item.label for item in items]
    per_class = {c: (_f1(gold, predicted, c), gold.count(c)) for c in classes}
    top3 = sum(bool(set(r[:3]) & item.accepted) for r, item in zip(rankings, items, strict=True))
    correct = sum(g == p for g, p in zip(gold, predicted, strict=True))
    return Report(
        macro_f1=sum(f for f, _ in per_class.values()) / len(per_class),
        per_class=per_class,
        top3_recall=top3 / len(items),
        accuracy=correct / len(items),
        articles_per_s=len(items) / elapsed,
    )


def _f1(gold: list[str], predicted: list[str], label: str) -> float:
    """F1 of one class."""
    tp = sum(g == p == label for g, p in zip(gold, predicted, strict=True))
    fp = sum(p == label != g for g, p in zip(gold, predicted, strict=True))
    fn = sum(g == label != p for g, p in zip(gold, predicted, strict=True))
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def print_report(title: str, report: Report) -> None:
    """One block of results."""
    print(
        f"  {title}: macro-F1 {report.macro_f1:.3f}  top-3 recall {report.top3_recall:.3f}"
        f"  accuracy {report.accuracy:.3f}  {report.articles_per_s:,.0f} articles/s"
    )
    for label, (f1, support) in report.per_class.items():
        print(f"      {label:<22} F1 {f1:.3f}  (n={support})")


def fit_calibration(sets: Iterable[Dataset]) -> None:
    """Fit the score's logistic calibration and the threshold on the tuning halves; print them."""
    rows, labels, article_of = [], [], []
    for dataset in sets:
        lexicon = lexicon_tagger.load_lexicon(dataset.language)
        for n, item in enumerate(split(dataset, "tune")):
            strengths = lexicon_tagger.measure(lexicon, item.title, item.text)
            top = lexicon_tagger.top_strength(strengths)
            for code, value in strengths.by_code.items():
                if taxonomy()[code].level == 1:
                    rows.append(lexicon_tagger.features(value, top, strengths.length))
                    labels.append(float(code in item.accepted))
                    article_of.append((dataset.name, n))
    x = np.column_stack([np.array(rows), np.ones(len(rows))])
    y = np.array(labels)
    weights = _logistic(x, y)
    probabilities = 1 / (1 + np.exp(-x @ weights))
    threshold = _best_threshold(probabilities, y, article_of)
    print(f"CALIBRATION = {tuple(round(float(w), 3) for w in weights)}")
    print(f"THRESHOLD = {threshold:.2f}  ({len(y)} candidate top-level tags, {int(y.sum())} right)")


def _logistic(x: np.ndarray, y: np.ndarray, l2: float = 1e-3, steps: int = 50) -> np.ndarray:
    """Logistic regression by Newton's method with a small L2 penalty."""
    w = np.zeros(x.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-x @ w))
        gradient = x.T @ (p - y) + l2 * w
        hessian = (x * (p * (1 - p))[:, None]).T @ x + l2 * np.eye(len(w))
        w -= np.linalg.solve(hessian, gradient)
    return w


def _best_threshold(p: np.ndarray, y: np.ndarray, article_of: list[tuple[str, int]]) -> float:
    """The threshold maximising F1 of kept top-level tags (tag precision, article recall)."""
    articles = sorted(set(article_of))
    best, best_f1 = 0.5, -1.0
    for threshold in np.arange(0.05, 0.95, 0.01):
        kept = p >= threshold
        precision = (y[kept].sum() / kept.sum()) if kept.sum() else 0.0
        hit = {a for a, k, right in zip(article_of, kept, y, strict=True) if k and right}
        recall = len(hit) / len(articles)
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        if f1 > best_f1:
            best, best_f1 = float(threshold), f1
    return best


def cpu_share(tagger_name: str, rounds: int = 3) -> None:
    """CPU per article: trafilatura extraction of the demo pages vs tagging their text (the
    median of `rounds` alternating measurements, caches warm)."""
    from newsflow.extractors.articles import extract_page
    from newsflow.flows.demo import DemoSite
    from newsflow.transforms.enrich import enrich_article

    site = DemoSite("http://127.0.0.1:1")
    pages = [(a, site.respond("GET", a.path, {}).body) for a in site.articles if a.status == "ok"]
    extracted = [(a, extract_page(body, site.base_url + a.path)) for a, body in pages]
    ok = [(a, page) for a, page in extracted if page is not None]
    tagger = get_tagger(tagger_name)

    def extraction() -> None:
        for a, body in pages:
            extract_page(body, site.base_url + a.path)

    def tagging() -> None:
        for _ in range(5):
            for a, page in ok:
                tagger.tag(page.title or "", page.text, a.language)

    def enriching() -> None:
        for a, page in ok:
            enrich_article(page.title or "", page.text, a.language, tagger_name)

    tagging(), enriching()
    costs: dict[str, list[float]] = {"extract": [], "tag": [], "enrich": []}
    for _ in range(rounds):
        for name, work, per in (
            ("extract", extraction, len(pages)),
            ("tag", tagging, 5 * len(ok)),
            ("enrich", enriching, len(ok)),
        ):
            start = time.process_time()
            work()
            costs[name].append((time.process_time() - start) / per)
    extract, tag, enrich = (float(np.median(costs[k])) for k in ("extract", "tag", "enrich"))
    print(f"\nCPU per article on the {len(ok)} demo pages (process time, median of {rounds}):")
    print(f"  trafilatura extract_page       {1000 * extract:7.2f} ms")
    print(
        f"  topic tagging ({tagger_name})      {1000 * tag:7.2f} ms"
        f"  -> {100 * tag / (tag + extract):.1f} % of extraction + tagging"
    )
    print(
        f"  enrich_article (topics, places, keywords) {1000 * enrich:7.2f} ms"
        f"  -> {100 * enrich / (enrich + extract):.1f} % of extraction + enrichment"
    )


def main() -> None:
    """Evaluate every set found, then the CPU share."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tagger", default="lexicon,lexicon-only", help="comma-separated")
    parser.add_argument("--models", type=Path, help="a folder of <language>.json models")
    parser.add_argument("--fit", action="store_true", help="refit calibration on the tuning half")
    parser.add_argument("--half", choices=["tune", "heldout"], default="heldout")
    parser.add_argument("--no-cpu", action="store_true", help="skip the demo-site CPU share")
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()} (usable: {len(os.sched_getaffinity(0))}); one process")
    sets = datasets()
    if not sets:
        print(f"skipped: no evaluation data under {DATA}")
    if args.fit and sets:
        fit_calibration(sets)
        return
    names = args.tagger.split(",")
    rankers = {name: lexicon_ranker(name, args.models) for name in names}
    for dataset in sets:
        items = split(dataset, args.half)
        label = "HELD-OUT half" if args.half == "heldout" else "tuning half (not a result)"
        print(
            f"\n{dataset.name} ({dataset.language}), {label}, {len(items)} articles,"
            f" classes: {dict(Counter(i.label for i in items))}"
        )
        for name, rank in rankers.items():
            print_report(f"tagger {name}", evaluate(items, dataset.language, rank))
    if not args.no_cpu:
        cpu_share(names[0])


if __name__ == "__main__":
    main()
