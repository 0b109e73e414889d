"""Benchmark: YAKE keywords in Python (`yake`) and in Rust (`yake-rust`, what newsflow uses).

    uv run python bench/keywords.py [--pages 300]

Extracts the text of real news pages from ../shared/data/extraction/ (skipped when absent),
then runs both implementations with newsflow's options on the same samples (title and lead,
MAX_CHARS characters) side by side: CPU ms per article of each, their ratio, and how many of the
Python package's top-10 keywords the Rust one also returns (pages in a language with a stopword
list in both).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import trafilatura
import yake

from newsflow.transforms.keywords import MAX_CHARS, MAX_NGRAM, STOPWORD_LANGUAGES, TOP
from newsflow.transforms.keywords import _extractor as rust_extractor
from newsflow.transforms.language import detect_language

PAGES = Path(__file__).resolve().parents[2] / "shared" / "data" / "extraction"


def samples(count: int) -> list[tuple[str, str]]:
    """(sample, language) of the first `count` pages that have text."""
    found = []
    for path in sorted(PAGES.rglob("*.html")):
        text = trafilatura.extract(path.read_bytes(), fast=True, include_comments=False)
        if text:
            found.append((text[:MAX_CHARS], detect_language(text) or "en"))
        if len(found) == count:
            break
    return found


def cpu_ms(run, items: list[tuple[str, str]]) -> float:
    """CPU milliseconds per item of `run(sample, language)` (after one warm-up call each)."""
    for sample, language in items:
        run(sample, language)
        break
    start = time.process_time()
    for sample, language in items:
        run(sample, language)
    return 1000 * (time.process_time() - start) / len(items)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300)
    args = parser.parse_args()
    if not PAGES.is_dir():
        print(f"skipped: {PAGES} is absent")
        sys.exit(0)
    items = samples(args.pages)
    python_extractors: dict[str, yake.KeywordExtractor] = {}

    def python_yake(sample: str, language: str) -> list[tuple[str, float]]:
        if language not in python_extractors:
            python_extractors[language] = yake.KeywordExtractor(
                lan=language, n=MAX_NGRAM, top=TOP, dedupLim=0.8
            )
        return python_extractors[language].extract_keywords(sample)

    def rust_yake(sample: str, language: str) -> list[tuple[str, float]]:
        return rust_extractor(language).get_n_best(sample, n=TOP)

    for sample, language in items:  # build every extractor before timing
        python_yake(sample, language)
        rust_yake(sample, language)
    python_ms, rust_ms = cpu_ms(python_yake, items), cpu_ms(rust_yake, items)
    shared = total = 0
    for sample, language in items:
        if language not in STOPWORD_LANGUAGES:
            continue
        expected = {phrase.lower() for phrase, _ in python_yake(sample, language)}
        got = {phrase.lower() for phrase, _ in rust_yake(sample, language)}
        shared, total = shared + len(expected & got), total + len(expected)
    print(f"cores: {os.cpu_count()}; pages: {len(items)}; sample: {MAX_CHARS} characters")
    print(f"yake (Python)      {python_ms:6.2f} CPU ms/article")
    print(f"yake-rust          {rust_ms:6.2f} CPU ms/article  ({python_ms / rust_ms:.1f}x faster)")
    print(f"same keywords      {shared / total:.1%} of the Python package's top {TOP}")


if __name__ == "__main__":
    main()
