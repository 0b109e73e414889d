"""Benchmark: trafilatura options on real pages, quality and speed side by side.

    uv run python bench/extraction_options.py [--limit N]

Reads ../shared/data/extraction/trafilatura_eval (third-party, not shipped; skipped when absent):
990 annotated pages, each with snippets that must appear in the extracted text ("with") and
snippets that must not ("without"). Precision, recall and F1 are counted over snippets, as in
trafilatura's own evaluation. Every configuration runs on the same decoded pages in this process.
trafilatura is tuned on this set, so read the figures as a comparison between options, not as
an absolute score.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import trafilatura

from newsflow.extractors.articles import extract_page

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "extraction" / "trafilatura_eval"

CONFIGS: dict[str, Callable[[bytes, str], str | None]] = {
    "extract() defaults": lambda html, url: trafilatura.extract(html, url=url),
    "extract(fast=True)": lambda html, url: trafilatura.extract(html, url=url, fast=True),
    "extract(fast=True, include_comments=False)": lambda html, url: trafilatura.extract(
        html, url=url, fast=True, include_comments=False
    ),
    "newsflow extract_page (one pass: text + Markdown + metadata)": lambda html, url: (
        page.text if (page := extract_page(html, url, need_date=False)) else None
    ),
}


def load_pages(limit: int | None) -> list[tuple[str, bytes, dict]]:
    """(url, html bytes, annotation) for every annotated page found on disk."""
    annotations = json.loads((DATA / "evaldata.json").read_text(encoding="utf-8"))
    pages = []
    for url, note in annotations.items():
        for folder in ("eval", "cache"):
            path = DATA / folder / f"{note['file']}.gz"
            if path.exists():
                pages.append((url, gzip.decompress(path.read_bytes()), note))
                break
    return pages[:limit] if limit else pages


def score(pages: list[tuple[str, bytes, dict]], extract: Callable) -> tuple[float, ...]:
    """Precision, recall, F1 over snippets, and pages per second."""
    tp = fp = fn = 0
    started = time.perf_counter()
    outputs = [extract(html, url) or "" for url, html, _ in pages]
    elapsed = time.perf_counter() - started
    for (_, _, note), text in zip(pages, outputs, strict=True):
        for snippet in note.get("with", []):
            tp, fn = (tp + 1, fn) if snippet in text else (tp, fn + 1)
        fp += sum(1 for snippet in note.get("without", []) if snippet in text)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1, len(pages) / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="only the first N pages")
    args = parser.parse_args()
    if not DATA.exists():
        print(f"skipped: evaluation data not found at {DATA}")
        return
    pages = load_pages(args.limit)
    print(
        f"cores: {os.cpu_count()}  python: {sys.version.split()[0]}  "
        f"trafilatura: {trafilatura.__version__}  pages: {len(pages)}"
    )
    for name, extract in CONFIGS.items():
        precision, recall, f1, rate = score(pages, extract)
        print(f"{name:62} P {precision:.3f}  R {recall:.3f}  F1 {f1:.3f}  {rate:6.1f} pages/s")


if __name__ == "__main__":
    main()
