"""Benchmark: accuracy and cost of language detection by sample length.

    uv run python bench/language_sample.py

Reads labelled news texts from ../shared/data/topics (MasakhaNEWS English and French dev sets,
10kGNAD German dev set; third-party, not shipped; skipped when absent) and classifies the first N
characters of headline + text with py3langid, as `newsflow.transforms.language` does.
"""

from __future__ import annotations

import csv
import os
import time
from pathlib import Path

from py3langid.langid import MODEL_FILE, LanguageIdentifier

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "topics"
LENGTHS = (300, 600, 1000, 2000)


def labelled_texts() -> list[tuple[str, str]]:
    """(language, text) pairs from the three dev sets."""
    texts = []
    for language, name in (("en", "eng"), ("fr", "fra")):
        with (DATA / "masakhanews" / name / "dev.tsv").open(encoding="utf-8") as handle:
            texts += [
                (language, f"{r['headline']}\n{r['text']}")
                for r in csv.DictReader(handle, delimiter="\t")
            ]
    with (DATA / "10kGNAD" / "dev.csv").open(encoding="utf-8") as handle:
        texts += [("de", line.split(";", 1)[1]) for line in handle if ";" in line]
    return texts


def main() -> None:
    if not DATA.exists():
        print(f"skipped: evaluation data not found at {DATA}")
        return
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    texts = labelled_texts()
    print(f"cores: {os.cpu_count()}  texts: {len(texts)}")
    for length in LENGTHS:
        started = time.perf_counter()
        right = sum(1 for lang, text in texts if identifier.classify(text[:length])[0] == lang)
        per_text = (time.perf_counter() - started) / len(texts) * 1000
        print(f"first {length:5} chars: accuracy {right / len(texts):.4f}  {per_text:.2f} ms/text")


if __name__ == "__main__":
    main()
